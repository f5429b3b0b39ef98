"""The verification core (``intlportal.verification``): what a save does to a verified record,
what the office's decision does, and the mobility workflow that verifies on the way.

Every kind through every path (pages, import, delete) is ``tests/security/test_verification_paths.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from dataexchange import registry
from dataexchange.management.commands._common import acting_user
from exchanges import services
from exchanges.models import Event, Mobility
from faculties.models import FacultyYear
from intlportal import verification
from intlportal.models import Verification
from intlportal.versioning import StaleEdit
from intlportal.workflow import WorkflowError
from staff.models import StaffMember
from tests.dataexchange.helpers import csv_file
from tests.factories import (
    EventFactory,
    FacultyYearFactory,
    FundingSchemeFactory,
    MobilityFactory,
    PartnerFactory,
    StaffMemberFactory,
)
from tests.formdata import form_data

pytestmark = pytest.mark.usefixtures("english")


def changed(record, **values):
    """``record`` as a form would hand it over: a fresh copy with ``values`` typed in."""
    copy = type(record).objects.get(pk=record.pk)
    for name, value in values.items():
        setattr(copy, name, value)
    return copy


def test_values_are_staged_as_json_and_read_back_as_they_were(faculty_a):
    member = StaffMemberFactory(faculty=faculty_a, nationality="GB")
    fields = {name: StaffMember._meta.get_field(name) for name in ("faculty", "hired_on", "nationality")}
    assert verification.serialise(Decimal("1500.50")) == verification.serialise(Decimal("1500.5")) == "1500.5"
    assert verification.serialise(datetime.date(2025, 3, 1)) == "2025-03-01"
    assert verification.serialise(member.nationality) == "GB"
    assert verification.serialise(faculty_a) == faculty_a.pk
    assert verification.deserialise(fields["hired_on"], "2025-03-01") == datetime.date(2025, 3, 1)
    assert verification.deserialise(fields["faculty"], str(faculty_a.pk)) == faculty_a.pk


# --- saving -----------------------------------------------------------------------------------


def test_a_coordinators_change_to_a_verified_record_is_staged_and_bumps_the_version(faculty_a, coord_a):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    saved = verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    assert saved.was_staged
    row = FacultyYear.objects.get(pk=year.pk)
    assert (row.teachers, row.staged, row.staged_by, row.verification, row.version) == (
        104, {"teachers": 40}, coord_a, Verification.PENDING, 2)
    assert FacultyYear.objects.filter(verification.counted(), pk=year.pk).exists()
    assert verification.proposed(row).teachers == 40
    assert [(c.field, c.old, c.new) for c in verification.changes(row)] == [("teachers", "104", "40")]


def test_an_edit_back_to_the_verified_values_withdraws_the_proposal(faculty_a, coord_a):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    saved = verification.save_change(changed(year, teachers=104), by=coord_a, expected_version=2)
    row = FacultyYear.objects.get(pk=year.pk)
    assert not saved.was_staged
    assert (row.staged, row.staged_by, row.verification) == ({}, None, Verification.VERIFIED)


def test_a_stale_proposal_is_refused_like_any_stale_save(faculty_a, coord_a):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    FacultyYear.objects.filter(pk=year.pk).update(version=5)
    with pytest.raises(StaleEdit):
        verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    assert FacultyYear.objects.get(pk=year.pk).staged == {}


def test_a_coordinator_changes_their_never_verified_record_directly(faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104, unverified=True)
    verification.reject(year, by=office, comment="人数与人事处数据不符")
    saved = verification.save_change(changed(year, teachers=98), by=coord_a, expected_version=2)
    row = FacultyYear.objects.get(pk=year.pk)
    assert not saved.was_staged
    assert (row.teachers, row.verification, row.review_comment, row.verified_at) == (
        98, Verification.PENDING, "", None)


def test_the_office_saving_over_a_proposal_verifies_its_values_and_keeps_the_rest_waiting(
        faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104, students=2000)
    verification.save_change(changed(year, teachers=40, students=1800), by=coord_a, expected_version=1)
    verification.save_change(changed(year, students=1800), by=office, expected_version=2)
    row = FacultyYear.objects.get(pk=year.pk)
    # The office's students settle that part of the proposal; the teachers still wait.
    assert (row.students, row.teachers, row.staged) == (1800, 104, {"teachers": 40})
    assert (row.verification, row.verified_by, row.staged_by) == (Verification.PENDING, office, coord_a)


def test_a_command_enters_records_verified_and_credited_to_no_one(faculty_a):
    year = FacultyYear(faculty=faculty_a, year=2030, teachers=10, students=100)
    verification.mark_entry(year, by=acting_user(None))
    year.save()
    assert (year.verification, year.verified_by) == (Verification.VERIFIED, None)
    assert year.verified_at is not None


# --- the office's decision ------------------------------------------------------------------------


def test_verify_applies_the_proposal_and_announces_it_on_commit(
        faculty_a, coord_a, office, django_capture_on_commit_callbacks):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    heard = []
    verification.verification_decided.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            row = verification.verify(year, by=office, expected_version=2, comment="已核对人事处数据")
        assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
    finally:
        verification.verification_decided.disconnect(dispatch_uid="t")
    assert (row.teachers, row.staged, row.verification, row.verified_by, row.version) == (
        40, {}, Verification.VERIFIED, office, 3)
    assert [(h["verified"], h["submitted_by"], h["comment"], h["record"].pk) for h in heard] == [
        (True, coord_a, "已核对人事处数据", year.pk)]


def test_the_office_verifies_what_it_saw_not_a_proposal_changed_since(faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    seen = FacultyYear.objects.get(pk=year.pk).version
    verification.save_change(changed(year, teachers=4), by=coord_a, expected_version=seen)
    with pytest.raises(StaleEdit):
        verification.verify(year, by=office, expected_version=seen)
    with pytest.raises(StaleEdit):
        verification.reject(year, by=office, comment="不符", expected_version=seen)
    assert FacultyYear.objects.get(pk=year.pk).teachers == 104


def test_verifying_a_settled_record_or_rejecting_without_a_comment_is_refused_with_a_message(
        faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    with pytest.raises(verification.VerificationError, match="already verified"):
        verification.verify(year, by=office)
    with pytest.raises(verification.VerificationError, match="nothing to reject"):
        verification.reject(year, by=office, comment="不符")
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    with pytest.raises(verification.VerificationError, match="comment is required"):
        verification.reject(year, by=office, comment="  ")
    assert FacultyYear.objects.get(pk=year.pk).verification == Verification.PENDING


def test_reject_keeps_the_row_and_the_proposal_for_the_coordinator_to_see(faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    row = verification.reject(year, by=office, comment="人数与人事处数据不符")
    assert (row.teachers, row.staged, row.verification, row.review_comment) == (
        104, {"teachers": 40}, Verification.REJECTED, "人数与人事处数据不符")
    with pytest.raises(verification.VerificationError, match="already rejected"):
        verification.reject(year, by=office, comment="again")


def test_a_proposal_that_makes_the_record_invalid_is_refused_at_verification_naming_it(
        faculty_a, coord_a, office):
    year = FacultyYearFactory(faculty=faculty_a, year=2025)
    FacultyYear.objects.filter(pk=year.pk).update(staged={"year": 1800}, verification=Verification.PENDING)
    with pytest.raises(verification.VerificationError) as refused:
        verification.verify(year, by=office)
    assert str(year) in str(refused.value)
    assert FacultyYear.objects.get(pk=year.pk).year == 2025


# --- many-to-many fields ------------------------------------------------------------------------


def test_an_events_partners_are_proposed_and_set_only_when_verified(faculty_a, coord_a_client, office):
    kept, added = PartnerFactory(name="University of Kept"), PartnerFactory(name="University of Added")
    event = EventFactory(faculty=faculty_a)
    event.partners.set([kept])
    edit = reverse("exchanges:event-edit", args=[event.pk])
    data = form_data(coord_a_client.get(edit).content.decode())
    assert coord_a_client.post(edit, {**data, "partners": "University of Kept; University of Added"}).status_code == 302

    event = Event.objects.get(pk=event.pk)
    assert list(event.partners.all()) == [kept]
    assert event.staged == {"partners": sorted([kept.pk, added.pk])}
    assert "University of Added" in form_data(coord_a_client.get(edit).content.decode())["partners"]

    verification.verify(event, by=office)
    assert set(Event.objects.get(pk=event.pk).partners.all()) == {kept, added}


# --- the forms' notices ---------------------------------------------------------------------------


def test_the_office_sees_the_proposal_beside_the_verified_values_on_the_form(
        faculty_a, coord_a, office_client, settings):
    settings.LANGUAGE_CODE = "en"
    year = FacultyYearFactory(faculty=faculty_a, teachers=104)
    verification.save_change(changed(year, teachers=40), by=coord_a, expected_version=1)
    page = office_client.get(reverse("faculties:facultyyear-edit", args=[year.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert form_data(html)["teachers"] == "104"
    assert "104 → 40" in html
    assert "verification-notice" in html


# --- the import ----------------------------------------------------------------------------------


def import_years(user, *rows):
    text = "faculty,year,teachers,students\n" + "\n".join(rows) + "\n"
    result = registry.import_rows("faculty_years", csv_file(text), user=user, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    return result


def test_a_coordinators_imports_add_to_the_proposal_waiting_on_a_record(faculty_a, coord_a):
    year = FacultyYearFactory(faculty=faculty_a, year=2025, teachers=104, students=2000)
    import_years(coord_a, "A,2025,40,2000")
    import_years(coord_a, "A,2025,104,1800")
    row = FacultyYear.objects.get(pk=year.pk)
    assert (row.teachers, row.students) == (104, 2000)
    assert row.staged == {"teachers": 40, "students": 1800}
    history = row.history.first()
    assert (history.history_user, history.staged) == (coord_a, {"teachers": 40, "students": 1800})


def test_a_dry_run_says_how_many_rows_will_await_verification(faculty_a, coord_a):
    FacultyYearFactory(faculty=faculty_a, year=2025, teachers=104)
    text = "faculty,year,teachers,students\nA,2025,40,2000\nA,2026,90,2100\n"
    result = registry.import_rows("faculty_years", csv_file(text), user=coord_a, dry_run=True)
    assert (result.created, result.updated, result.awaiting) == (1, 1, 2)
    assert [row["awaits"] for row in result.preview] == [True, True]
    assert FacultyYear.objects.get(year=2025).staged == {}


# --- mobilities: the workflow verifies, within the funding ------------------------------------------


def test_approving_a_mobility_applies_the_faculty_s_proposal_and_verifies_it(faculty_a, coord_a, office):
    mobility = MobilityFactory(faculty=faculty_a, person_name="张老师")
    staged = services.mobility_save(mobility=changed(mobility, person_name="李老师"), by=coord_a,
                                    expected_version=1)
    assert staged.was_staged
    services.mobility_submit(mobility=mobility, by=coord_a)
    assert Mobility.objects.get(pk=mobility.pk).verification == Verification.PENDING  # submitting verifies nothing

    services.mobility_approve(mobility=mobility, by=office)
    row = Mobility.objects.get(pk=mobility.pk)
    assert (row.person_name, row.status, row.verification, row.staged) == (
        "李老师", Mobility.Status.APPROVED, Verification.VERIFIED, {})


def test_a_coordinators_new_mobility_counts_once_the_office_completes_it(faculty_a, coord_a, office):
    mobility = MobilityFactory.build(faculty=faculty_a)
    services.mobility_save(mobility=mobility, by=coord_a)
    assert mobility.verified_at is None
    services.mobility_approve(mobility=mobility, by=office)
    assert Mobility.objects.filter(verification.counted(), pk=mobility.pk).exists()


def test_a_proposed_amount_over_the_budget_is_refused_when_the_office_verifies_it(faculty_a, coord_a, office):
    scheme = FundingSchemeFactory(budget=5000)
    mobility = MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=1000)
    services.mobility_save(mobility=changed(mobility, amount=Decimal(4000)), by=coord_a, expected_version=1)
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=3000)  # the office commits more meanwhile

    with translation.override("en"):
        with pytest.raises(verification.VerificationError, match="cannot fund 4000 yuan"):
            verification.verify(mobility, by=office)
        with pytest.raises(WorkflowError, match="cannot fund 4000 yuan"):
            services.mobility_approve(mobility=mobility, by=office)
    row = Mobility.objects.get(pk=mobility.pk)
    assert (row.amount, row.status, row.verification) == (1000, Mobility.Status.PLANNED, Verification.PENDING)


def test_the_mobility_form_stages_a_coordinators_change_and_says_so(faculty_a, coord_a_client, settings):
    settings.LANGUAGE_CODE = "en"
    mobility = MobilityFactory(faculty=faculty_a, person_name="张老师")
    edit = reverse("exchanges:mobility-edit", args=[mobility.pk])
    data = form_data(coord_a_client.get(edit).content.decode())
    response = coord_a_client.post(edit, {**data, "person_name": "李老师"}, follow=True)
    assert "awaits the Foreign Affairs Office" in response.content.decode()
    assert Mobility.objects.get(pk=mobility.pk).person_name == "张老师"


@pytest.mark.parametrize("decide", [
    lambda row, by: verification.verify(row, by=by),
    lambda row, by: verification.reject(row, by=by, comment="不符"),
])
def test_only_the_office_decides_whatever_path_calls_the_service(faculty_a, coord_a, leader, decide):
    row = FacultyYearFactory(faculty=faculty_a, unverified=True)
    for outsider in (coord_a, leader):
        with pytest.raises(PermissionDenied):
            decide(row, outsider)
    row.refresh_from_db()
    assert (row.verification, row.verified_at) == (Verification.PENDING, None)
