"""A mobility's submission is a status of its own (issue 13 item 6): ``planned → submitted →
approved → completed``; a return hands it back as planned; the log holds the moves made and
the timeline names them as before; the migration brings the old records along."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from dataexchange import registry
from exchanges import services
from exchanges.models import Mobility
from intlportal.models import WorkflowTransition
from intlportal.workflow import WorkflowError, timeline
from tests.dataexchange.helpers import GOOD_MOBILITY, mobility_csv, with_cell_row
from tests.factories import FundingSchemeFactory, MobilityFactory, PlanFactory

Status = Mobility.Status


@pytest.fixture
def mobility(faculty_a):
    return MobilityFactory(faculty=faculty_a)


def moves(mobility):
    return [(step.from_state, step.to_state) for step in timeline(mobility)]


def test_a_submitted_mobility_has_a_status_of_its_own_until_the_office_decides(coord_a, office, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    mobility.refresh_from_db()
    assert mobility.status == Status.SUBMITTED and mobility.submitted_at is not None
    assert list(Mobility.objects.awaiting_approval()) == [mobility]
    with pytest.raises(WorkflowError):
        services.mobility_submit(mobility=mobility, by=coord_a)

    services.mobility_return(mobility=mobility, by=office, comment="请补充邀请函")
    mobility.refresh_from_db()
    assert mobility.status == Status.PLANNED
    assert not Mobility.objects.awaiting_approval().exists()
    assert moves(mobility) == [("planned", "submitted"), ("submitted", "planned")]


@pytest.mark.parametrize(("action", "reached"), [(services.mobility_approve, Status.APPROVED),
                                                 (services.mobility_cancel, Status.CANCELLED)])
def test_the_office_approves_or_calls_off_a_submitted_mobility(coord_a, office, mobility, action, reached):
    services.mobility_submit(mobility=mobility, by=coord_a)
    action(mobility=mobility, by=office)
    assert Mobility.objects.get(pk=mobility.pk).status == reached
    assert moves(mobility)[-1] == ("submitted", reached)


def test_a_submitted_mobility_still_holds_its_amount_of_the_funding(faculty_a, office):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("6000"), status=Status.SUBMITTED)
    assert type(scheme).objects.with_totals().get(pk=scheme.pk).committed == Decimal("6000")
    extra = MobilityFactory.build(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("4000.01"))
    with pytest.raises(ValidationError):
        services.mobility_save(mobility=extra, by=office)


def test_the_page_offers_each_role_the_steps_of_the_current_status(coord_a, coord_a_client, office_client,
                                                                    mobility):
    def offered(client):
        context = client.get(mobility.get_absolute_url()).context
        return {name for name in ("can_submit", "can_approve", "can_return", "can_cancel") if context[name]}

    assert offered(coord_a_client) == {"can_submit"}
    services.mobility_submit(mobility=mobility, by=coord_a)
    assert offered(coord_a_client) == set()
    assert offered(office_client) == {"can_approve", "can_return", "can_cancel"}


def test_the_timeline_names_each_step_by_what_it_did(settings, coord_a, office, office_client, faculty_a):
    settings.LANGUAGE_CODE = "en"
    past = timezone.localdate() - datetime.timedelta(days=5)
    mobility = MobilityFactory(faculty=faculty_a, starts_on=past - datetime.timedelta(days=10), ends_on=past)
    services.mobility_submit(mobility=mobility, by=coord_a)
    services.mobility_return(mobility=mobility, by=office, comment="请补充邀请函")
    services.mobility_submit(mobility=mobility, by=coord_a)
    services.mobility_approve(mobility=mobility, by=office)
    services.mobility_complete(mobility=mobility, by=office)
    services.mobility_submit_report(mobility=mobility, by=coord_a, text="访问了合作实验室。")

    page = office_client.get(mobility.get_absolute_url())
    assert [str(label) for label, _step in page.context["timeline"]] == [
        "Submitted for approval", "Returned to the faculty", "Submitted for approval", "Approved", "Completed",
        "Report submitted"]


def test_a_coordinator_imports_planned_mobilities_only_never_submitted_ones(coord_a, faculty_a):
    row = with_cell_row("partner", "", with_cell_row("staff_no", "", GOOD_MOBILITY))
    with translation.override("en"):
        refused = registry.import_rows("mobilities", mobility_csv(with_cell_row("status", "submitted", row)),
                                       user=coord_a, dry_run=False)
        assert [(e.row, e.column) for e in refused.errors] == [(2, "status")]
        assert "Foreign Affairs Office" in refused.errors[0].message
        assert registry.import_rows("mobilities", mobility_csv(row), user=coord_a, dry_run=False).ok
    assert Mobility.objects.get().status == Status.PLANNED


# --- the migration --------------------------------------------------------------------------------

BEFORE = ("exchanges", "0006_import_key_unique")
AFTER = ("exchanges", "0007_mobility_submitted_status")


def _log(mobility, *steps) -> None:
    content_type = ContentType.objects.get_for_model(Mobility)
    for from_state, to_state, comment in steps:
        WorkflowTransition.objects.create(content_type=content_type, object_id=mobility.pk, from_state=from_state,
                                          to_state=to_state, comment=comment)


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _old_mobility(faculty, person_id, **values):
    """A mobility as the old schema holds it (the factory writes today's columns)."""
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("exchanges", "Mobility")
    start = timezone.localdate() + datetime.timedelta(days=30)
    fields = {"faculty_id": faculty.pk, "direction": "outbound", "person_kind": "teacher", "person_name": person_id,
              "person_id": person_id, "country": "GB", "activity": "visit", "starts_on": start,
              "ends_on": start + datetime.timedelta(days=14), "status": "planned", **values}
    return Mobility(pk=old.objects.create(**fields).pk)


def _old_statuses() -> dict:
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("exchanges", "Mobility")
    return dict(old.objects.values_list("person_id", "status"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_submissions_a_status_and_keeps_the_timelines(settings, faculty_a, office_client):
    settings.LANGUAGE_CODE = "en"
    _migrate(BEFORE)
    try:
        # What the old services left: "awaiting approval" was planned with ``submitted_at``, and
        # the log's last row was renamed for a submission, a return and a report.
        submitted_at = timezone.now()
        waiting = _old_mobility(faculty_a, "W", submitted_at=submitted_at)
        _log(waiting, ("planned", "submitted", ""))
        returned = _old_mobility(faculty_a, "R")
        _log(returned, ("planned", "submitted", ""), ("submitted", "returned", "请补充邀请函"))
        approved = _old_mobility(faculty_a, "A", status=Status.APPROVED, submitted_at=submitted_at)
        _log(approved, ("planned", "submitted", ""), ("planned", "approved", "经费已核"))
        reported = _old_mobility(faculty_a, "C", status=Status.COMPLETED)
        _log(reported, ("planned", "approved", ""), ("approved", "completed", ""),
             ("completed", "report_submitted", ""))
        untouched = _old_mobility(faculty_a, "P")
        plan = PlanFactory(faculty=faculty_a)
        WorkflowTransition.objects.create(content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk,
                                          from_state="submitted", to_state="returned", comment="plans keep it")

        # Forward to today's schema (0007 converts; later migrations add columns), so the pages work.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        statuses = dict(Mobility.objects.values_list("person_id", "status"))
        assert statuses == {"W": "submitted", "R": "planned", "A": "approved", "C": "completed", "P": "planned"}
        assert Mobility.objects.get(pk=waiting.pk).submitted_at == submitted_at
        assert moves(waiting) == [("planned", "submitted")]
        assert moves(returned) == [("planned", "submitted"), ("submitted", "planned")]
        assert moves(approved) == [("planned", "submitted"), ("submitted", "approved")]
        assert moves(reported) == [("planned", "approved"), ("approved", "completed"), ("completed", "completed")]
        assert moves(untouched) == []
        assert [(s.from_state, s.to_state) for s in timeline(plan)] == [("submitted", "returned")]
        labels = {m.person_id: [str(label) for label, _step in
                                office_client.get(m.get_absolute_url()).context["timeline"]]
                  for m in Mobility.objects.filter(pk__in=[returned.pk, approved.pk, reported.pk])}
        assert labels == {
            "R": ["Submitted for approval", "Returned to the faculty"],
            "A": ["Submitted for approval", "Approved"],
            "C": ["Approved", "Completed", "Report submitted"],
        }

        _migrate(BEFORE)  # and back: the old form again

        assert _old_statuses() == {"W": "planned", "R": "planned", "A": "approved", "C": "completed", "P": "planned"}
        assert moves(returned) == [("planned", "submitted"), ("submitted", "returned")]
        assert moves(approved) == [("planned", "submitted"), ("planned", "approved")]
        assert moves(reported)[-1] == ("completed", "report_submitted")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
