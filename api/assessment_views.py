"""The assessment endpoints: the runs' list and detail, and a year's result document.

A run is university-wide (``AssessmentRun.ACCESS_FACULTY`` is None): every portal role reads
the ranking, and ``assessment.selectors.document_for`` removes the indicator details of the
faculties a coordinator does not serve.  ``assessment`` knows nothing of the API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasPortalRole
from api.views import ApiViewMixin, RecordViewSet
from assessment.models import AssessmentRun
from assessment.selectors import document_for, latest_run
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


# The document's shape for the OpenAPI schema (the view returns the stored dict as it is).
INDICATOR = inline_serializer("AssessmentIndicatorResult", fields={
    "value": serializers.FloatField(allow_null=True),
    "target": serializers.FloatField(allow_null=True),
    "achievement": serializers.FloatField(allow_null=True),
    "applicable": serializers.BooleanField(),
})
FACULTY = inline_serializer("AssessmentFacultyResult", fields={
    "code": serializers.CharField(),
    "score": serializers.FloatField(),
    "rank": serializers.IntegerField(),
    "incentive": serializers.CharField(help_text=_("Yuan, two decimals, as a string.")),
    "flagged": serializers.BooleanField(),
    "indicators": serializers.DictField(
        child=INDICATOR, required=False,
        help_text=_("Left out for faculties a coordinator does not serve.")),
})
DOCUMENT = inline_serializer("AssessmentDocument", fields={
    "year": serializers.IntegerField(),
    "faculties": serializers.ListField(child=FACULTY),
})


@extend_schema(responses={200: DOCUMENT})
class AssessmentDocumentView(ApiViewMixin, APIView):
    """The year's assessment as ``run_assessment --json`` prints it.

    Office and leaders get the whole document; a coordinator gets the ranking of every
    faculty and the indicator details of their own faculties only.  404 when the year has
    not been assessed.
    """

    permission_classes = [HasPortalRole]

    def get(self, request, year: int):
        run = latest_run(year)
        if run is None:
            raise Http404(gettext("The year %(year)s has not been assessed yet.") % {"year": year})
        return Response(document_for(request.user, run))
