"""``GET /api/v1/assessment/{year}/``: the latest run of a year as its JSON document."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasPortalRole
from api.views import ApiViewMixin
from assessment.selectors import document_for, latest_run

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
    "incentive": serializers.CharField(help_text="Yuan, two decimals, as a string."),
    "flagged": serializers.BooleanField(),
    "indicators": serializers.DictField(
        child=INDICATOR, required=False,
        help_text="Left out for faculties a coordinator does not serve."),
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
            raise Http404(_("The year %(year)s has not been assessed yet.") % {"year": year})
        return Response(document_for(request.user, run))
