"""Assessment runs: the one part of the API that reads ``assessment``.

``api/urls.py`` already mounts the assessment document (``assessment.api``); the runs'
list and detail sit next to it.  A run is university-wide: every portal role reads the
ranking, and ``assessment.selectors.document_for`` removes the indicator details of the
faculties a coordinator does not serve.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.views import RecordViewSet
from assessment.models import AssessmentRun
from assessment.selectors import document_for
from intlportal.filters import YearFilter


class AssessmentRunFilter(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = AssessmentRun
        fields = ["year", "trigger"]


class AssessmentRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentRun
        fields = ["id", "year", "created_at", "trigger"]
        read_only_fields = fields


class AssessmentRunDetailSerializer(AssessmentRunSerializer):
    document = serializers.SerializerMethodField(
        help_text=_("The run's result document: every faculty's score, rank and incentive; indicator "
                    "details only for the faculties the caller may see."))

    class Meta(AssessmentRunSerializer.Meta):
        fields = [*AssessmentRunSerializer.Meta.fields, "summary", "document"]
        read_only_fields = fields

    def get_document(self, run) -> dict[str, Any]:
        return document_for(self.context["request"].user, run)


class AssessmentRunViewSet(RecordViewSet):
    """Assessment runs: when each year's assessment was computed, and its result."""

    queryset = AssessmentRun.objects.all()
    serializer_class = AssessmentRunSerializer
    filterset_class = AssessmentRunFilter
    ordering_fields = ["year", "created_at"]

    def get_serializer_class(self):
        return AssessmentRunDetailSerializer if self.action == "retrieve" else AssessmentRunSerializer

    def get_queryset(self):
        # Runs are university-wide, like partners (ACCESS_FACULTY None): every portal role
        # (HasPortalRole) reads them; the details are scoped in get_document.
        return self.queryset.all()
