"""Plans through the import/export registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from dataexchange import registry
from faculties.models import InternationalizationPlan
from tests.dataexchange.helpers import assert_round_trip
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_plans_export_and_import_again_unchanged(office, faculty_a, tmp_path, fmt):
    PlanFactory(faculty=faculty_a, title="甲学院规划", status=InternationalizationPlan.Status.APPROVED)
    PlanFactory(faculty=faculty_a, title="甲学院新规划", first_year=2026, last_year=2028)
    assert_round_trip("plans", office, tmp_path, fmt)


def test_an_imported_plan_is_in_the_audit_trail_with_its_importer(office, faculty_a, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("faculty,first_year,last_year,title,status\nA,2025,2027,导入的规划,draft\n", encoding="utf-8")
    result = registry.import_rows(registry.get("plans"), path, user=office, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    plan = InternationalizationPlan.objects.get(title="导入的规划")
    assert plan.history.filter(history_type="+").exists()


def test_a_coordinator_cannot_import_plans_with_a_status(coord_a, faculty_a, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("faculty,first_year,last_year,title,status\nA,2025,2027,自批规划,approved\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        registry.import_rows(registry.get("plans"), path, user=coord_a, dry_run=False)
    assert not InternationalizationPlan.objects.exists()


def test_last_year_before_first_year_is_a_row_error(office, faculty_a, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text("faculty,first_year,last_year,title,status\nA,2027,2025,倒序规划,draft\n", encoding="utf-8")
    result = registry.import_rows(registry.get("plans"), path, user=office, dry_run=False)
    assert not result.ok
    assert [e.column for e in result.errors] == ["last_year"]
