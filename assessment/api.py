"""``GET /api/v1/assessment/{year}/``: the latest run of a year as its JSON document."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasPortalRole
from api.views import ApiViewMixin
from assessment.selectors import document_for, latest_run


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
