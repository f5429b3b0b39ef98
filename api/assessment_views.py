"""The assessment endpoints: the runs' list and detail, and a year's result document.

A run is university-wide (``AssessmentRun.ACCESS_FACULTY`` is None): every portal role reads
the ranking, and ``assessment.selectors.document_for`` removes the indicator details of the
faculties a coordinator does not serve.  ``assessment`` knows nothing of the API.

A year's document is its published run's by default (``assessment.selectors.shown_run``), with
the publication that made it official; an unpublished year's latest run is served marked
``provisional``.  Office and leaders may ask for a published year's latest calculation with
``?run=latest``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasPortalRole
from api.views import ApiViewMixin, RecordViewSet
from assessment.models import AssessmentRun, Publication
from assessment.selectors import document_for, shown_run, wants_latest
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
PUBLICATION = inline_serializer("AssessmentPublication", fields={
    "version": serializers.IntegerField(),
    "published_at": serializers.DateTimeField(),
    "published_by": serializers.CharField(allow_null=True, help_text=_("Username of the office member.")),
    "reason": serializers.CharField(help_text=_("Why the year was published again (empty for version 1).")),
    "run": serializers.IntegerField(help_text=_("The published run.")),
})
DOCUMENT = inline_serializer("AssessmentDocument", fields={
    "year": serializers.IntegerField(),
    "faculties": serializers.ListField(child=FACULTY),
    "status": serializers.ChoiceField(
        choices=["published", "provisional"],
        help_text=_("published: the year's official result; provisional: a calculation not (or not yet) "
                    "published.")),
    "run": serializers.IntegerField(help_text=_("The run served.")),
    "computed_at": serializers.DateTimeField(),
    "publication": serializers.DictField(
        allow_null=True, child=serializers.JSONField(),
        help_text=_("The year's current publication (version, published_at, published_by, reason, run), or "
                    "null when the year has not been published.")),
})


def publication_json(publication: Publication | None) -> dict[str, Any] | None:
    if publication is None:
        return None
    return {
        "version": publication.version,
        "published_at": serializers.DateTimeField().to_representation(publication.published_at),
        "published_by": publication.published_by.username if publication.published_by else None,
        "reason": publication.reason,
        "run": publication.run_id,
    }


@extend_schema(responses={200: DOCUMENT}, parameters=[OpenApiParameter(
    "run", OpenApiTypes.STR, enum=["latest"],
    description=_("latest: the year's latest calculation instead of its published result (office and "
                  "leaders; ignored for others)."))])
class AssessmentDocumentView(ApiViewMixin, APIView):
    """The year's assessment as ``run_assessment --json`` prints it, and its standing.

    The published run by default (``status`` published, with its ``publication``); a year
    not published yet serves its latest run as ``provisional``.  Office and leaders get the
    whole document; a coordinator gets the ranking of every faculty and the indicator details
    of their own faculties only.  404 when the year has not been assessed.
    """

    permission_classes = [HasPortalRole]

    def get(self, request, year: int):
        shown = shown_run(year, latest=wants_latest(request))
        if shown is None:
            raise Http404(gettext("The year %(year)s has not been assessed yet.") % {"year": year})
        return Response({
            **document_for(request.user, shown.run),
            "status": "published" if shown.official else "provisional",
            "run": shown.run.pk,
            "computed_at": serializers.DateTimeField().to_representation(shown.run.created_at),
            "publication": publication_json(shown.publication),
        })
