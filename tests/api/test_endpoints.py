"""The API built from a table: a row of ``api.endpoints`` is all a record kind needs, the
serializer factory leaves files out, and the assessment endpoints live in ``api`` and are
scoped by the access module like every other kind."""

from __future__ import annotations

import ast
from pathlib import Path

import django_filters
import pytest
from django.conf import settings
from rest_framework.test import APIRequestFactory, force_authenticate

from api.endpoints import ENDPOINTS, Endpoint
from api.serializers import file_fields, record_serializer
from api.urls import router
from api.views import viewset_for
from assessment.models import AssessmentRun
from faculties.models import PlanAttachment
from intlportal import access
from tests.factories import PlanFactory, UserFactory


class PlanAttachmentFilter(django_filters.FilterSet):
    class Meta:
        model = PlanAttachment
        fields = ["title"]


ATTACHMENTS = Endpoint("plan-attachments", "plan-attachment", PlanAttachment, PlanAttachmentFilter,
                       ordering=("title",), doc="Files attached to plans.")


def _list(viewset, user):
    request = APIRequestFactory().get("/api/v1/plan-attachments/")
    force_authenticate(request, user=user)
    response = viewset.as_view({"get": "list"})(request)
    assert response.status_code == 200, response.data
    return response.data["results"]


@pytest.mark.django_db
def test_a_row_of_the_table_is_a_scoped_endpoint_without_the_kinds_files(coord_a, office, faculty_a, faculty_b):
    in_a = PlanAttachment.objects.create(plan=PlanFactory(faculty=faculty_a), title="MoU", file="plans/2025/a.pdf")
    PlanAttachment.objects.create(plan=PlanFactory(faculty=faculty_b), title="Budget", file="plans/2025/b.pdf")
    viewset = viewset_for(ATTACHMENTS)

    assert [row["id"] for row in _list(viewset, coord_a)] == [in_a.pk]
    rows = _list(viewset, office)
    assert len(rows) == 2
    assert all("file" not in row and row["title"] for row in rows)
    assert viewset.__name__ == "PlanAttachmentViewSet"
    assert viewset.serializer_class.__name__ == "PlanAttachmentSerializer"


def test_the_serializer_factory_leaves_out_every_uploaded_file():
    assert file_fields(PlanAttachment) == ["file"]
    assert "file" not in record_serializer(PlanAttachment, "PlanAttachment")().fields


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.prefix)
def test_no_endpoint_serves_an_uploaded_file(endpoint):
    [viewset] = [viewset for prefix, viewset, basename in router.registry
                 if (prefix, basename) == (endpoint.prefix, endpoint.basename)]

    assert viewset.endpoint is endpoint
    assert not set(file_fields(endpoint.model)) & set(viewset.serializer_class().fields)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "leader", "coord_a", "coord_b"])
def test_every_role_sees_every_assessment_run_through_the_access_module(role, request):
    runs = {AssessmentRun.objects.create(year=year).pk for year in (2024, 2025)}
    user = request.getfixturevalue(role)

    assert set(access.scope_for(user, AssessmentRun.objects.all()).values_list("pk", flat=True)) == runs


@pytest.mark.django_db
def test_a_user_without_a_portal_role_sees_no_assessment_run():
    AssessmentRun.objects.create(year=2025)

    assert not access.scope_for(UserFactory(username="no_role"), AssessmentRun.objects.all()).exists()


def test_assessment_imports_nothing_from_the_api():
    """The API reads the assessment, never the other way round (issue 13)."""
    offenders = []
    for source in sorted(Path(settings.BASE_DIR, "assessment").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{source.name}: {name}" for name in names if name == "api" or name.startswith("api.")]

    assert offenders == []
