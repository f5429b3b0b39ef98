"""A terminated agreement keeps the date it was terminated (it still counts for the years it
was in force): the office's form, its import and the data migration that dated the old ones."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from dataexchange import registry
from exchanges.models import Agreement
from tests.dataexchange.helpers import csv_file
from tests.factories import AgreementFactory, PartnerFactory, days, today

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


D = datetime.date
migration = importlib.import_module("exchanges.migrations.0009_agreement_termination_dates")

HEADER = "partner,faculties,kind,title,signed_on,starts_on,ends_on,status,terminated_on"


@pytest.fixture
def agreement(faculty_a):
    return AgreementFactory(faculties=[faculty_a], starts_on=days(-800), ends_on=days(1000))


def post(client, agreement, **changes):
    data = {"partner": agreement.partner.name, "title": agreement.title, "kind": agreement.kind,
            "faculties": [f.pk for f in agreement.faculties.all()], "starts_on": agreement.starts_on.isoformat(),
            "ends_on": agreement.ends_on.isoformat(), "status": agreement.status, "terminated_on": "",
            "version": agreement.version, **changes}
    return client.post(reverse("exchanges:agreement-edit", args=[agreement.pk]), data)


def test_the_office_terminates_an_agreement_on_a_date(office_client, agreement):
    response = post(office_client, agreement, status="terminated", terminated_on=days(-10).isoformat())
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on) == ("terminated", days(-10))


@pytest.mark.parametrize(("terminated_on", "message"), [
    ("", "Give the date the agreement was terminated"),
    ("before-start", "cannot be terminated before it starts"),
    ("tomorrow", "cannot be in the future"),
])
def test_a_termination_needs_a_date_between_the_start_and_today(office_client, agreement, terminated_on, message):
    value = {"before-start": (agreement.starts_on - datetime.timedelta(days=1)).isoformat(),
             "tomorrow": days(1).isoformat()}.get(terminated_on, terminated_on)
    response = post(office_client, agreement, status="terminated", terminated_on=value)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["terminated_on"])
    agreement.refresh_from_db()
    assert agreement.status == "active" and agreement.terminated_on is None


def test_choosing_active_again_clears_the_termination_date(office_client, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="terminated", terminated_on=days(-5))
    agreement.refresh_from_db()
    response = post(office_client, agreement, status="active", terminated_on=days(-5).isoformat())
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on) == ("active", None)


def test_the_agreement_page_shows_the_termination_date(office_client, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="terminated", terminated_on=D(2024, 3, 5))
    rows = dict(office_client.get(reverse("exchanges:agreement-detail", args=[agreement.pk])).context["rows"])
    assert D(2024, 3, 5) in rows.values()


def test_the_import_carries_the_termination_date_under_the_same_rule(office, faculty_a):
    partner = PartnerFactory(name="University of Edinburgh")
    start = (today() - datetime.timedelta(days=900)).isoformat()
    rows = [f"{partner.name},A,student_exchange,已终止协议,,{start},,terminated,{days(-30).isoformat()}",
            f"{partner.name},A,student_exchange,无日期,,{start},,terminated,",
            f"{partner.name},A,student_exchange,未来日期,,{start},,terminated,{days(3).isoformat()}"]
    result = registry.import_rows("agreements", csv_file("\n".join([HEADER, *rows]) + "\n"), user=office,
                                  dry_run=False)
    assert {(error.row, error.column) for error in result.errors} == {(3, "terminated_on"), (4, "terminated_on")}
    assert not Agreement.objects.exists()
    result = registry.import_rows("agreements", csv_file("\n".join([HEADER, rows[0]]) + "\n"), user=office,
                                  dry_run=False)
    assert result.ok, [str(error) for error in result.errors]
    assert Agreement.objects.get().terminated_on == days(-30)


# --- the data migration -------------------------------------------------------------------------


@pytest.mark.parametrize(("versions", "expected"), [
    ([("active", D(2020, 1, 1)), ("terminated", D(2023, 5, 4))], D(2023, 5, 4)),
    ([("draft", D(2020, 1, 1)), ("active", D(2020, 2, 1)), ("terminated", D(2022, 1, 1)),
      ("terminated", D(2024, 1, 1))], D(2022, 1, 1)),  # saved again since: the move is what counts
    ([("active", D(2020, 1, 1)), ("terminated", D(2021, 1, 1)), ("active", D(2021, 6, 1)),
      ("terminated", D(2023, 6, 1))], D(2023, 6, 1)),  # terminated again: the last move
    ([("terminated", D(2020, 1, 1))], None),  # entered as terminated: the trail does not say when
    ([], None),
])
def test_the_termination_day_is_the_last_move_to_terminated(versions, expected):
    assert migration.termination_day(versions) == expected


def test_the_migration_dates_terminated_agreements_from_their_history(faculty_a):
    moved = AgreementFactory(faculties=[faculty_a], starts_on=D(2019, 1, 1))
    moved.status = "terminated"
    moved.save()  # the audit trail records the move today
    entered = AgreementFactory(faculties=[faculty_a], starts_on=D(2019, 1, 1), status="terminated")
    dated = AgreementFactory(faculties=[faculty_a], starts_on=D(2019, 1, 1), status="terminated",
                             terminated_on=D(2020, 2, 2))
    migration.forwards(apps, None)
    assert Agreement.objects.get(pk=moved.pk).terminated_on == today()
    assert Agreement.objects.get(pk=entered.pk).terminated_on is None
    assert Agreement.objects.get(pk=dated.pk).terminated_on == D(2020, 2, 2)
