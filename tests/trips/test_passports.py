"""Passports and travel permits (trips/passports.py): the registry's checks, lending and return
with the custody log, the block on new trips and its lift, the reminders that count towards the
block, and the office's work-queue section."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from intlportal.versioning import StaleEdit
from intlportal.workflow import WorkflowError
from notifications.models import Kind, Notification
from notifications.reminders import overdue_threshold, send_due_reminders
from tests.factories import (
    StaffMemberFactory,
    TravelDocumentFactory,
    TripCountryFactory,
    TripFactory,
    TripMemberFactory,
)
from trips import passports, services
from trips.models import CustodyEvent, SubmissionBlockLift, TravelDocument, Trip

pytestmark = pytest.mark.django_db
C = TravelDocument.Custody
S = Trip.Status
TODAY = datetime.date(2026, 3, 2)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def holder(faculty_a):
    return StaffMemberFactory(faculty=faculty_a, name="王小明")


def make_trip(faculty, holder=None, *, status=S.CLEARED, departs=10, length=7) -> Trip:
    trip = TripFactory(faculty=faculty, status=status, departs_on=days(departs), returns_on=days(departs + length))
    if holder is not None:
        TripMemberFactory(trip=trip, staff_member=holder)
    return trip


@pytest.fixture
def trip(faculty_a, holder):
    return make_trip(faculty_a, holder)


@pytest.fixture
def document(holder):
    return TravelDocumentFactory(holder=holder, number="SE1234567", issued_on=days(-400), expires_on=days(2000))


# --- the registry -----------------------------------------------------------------------------------


def test_the_office_registers_a_document_in_its_custody_with_a_first_log_entry(office, holder):
    document = passports.register(document=TravelDocument(holder=holder, kind="private", number=" e1234 5678 ",
                                                          issued_on=days(-10), expires_on=days(3650)), by=office)
    assert document.number == "E12345678" and document.custody == C.IN_OFFICE
    assert list(document.custody_log.values_list("custody", "by")) == [(C.IN_OFFICE, office.pk)]


@pytest.mark.parametrize("who", ["leader", "coord_a"])
def test_only_the_office_registers_a_document(request, who, holder):
    with pytest.raises(PermissionDenied):
        passports.register(document=TravelDocument(holder=holder, kind="private", number="E12345678",
                                                   issued_on=days(-10), expires_on=days(100)),
                           by=request.getfixturevalue(who))
    assert not TravelDocument.objects.exists()


@pytest.mark.parametrize(("kind", "number", "field", "message"), [
    ("official", "SE1234567", "expires_on", "The expiry date must be after the date of issue."),
    ("official", "12345", "number", "does not look like the number of a Official passport"),
    ("hk_macao", "E12345678", "number", "for example C12345678"),
])
def test_a_document_with_wrong_details_is_refused(office, holder, kind, number, field, message):
    document = TravelDocument(holder=holder, kind=kind, number=number, issued_on=days(0),
                              expires_on=days(0) if field == "expires_on" else days(100))
    with pytest.raises(ValidationError) as error:
        passports.register(document=document, by=office)
    assert message in " ".join(error.value.message_dict[field])


def test_one_number_per_document_type(office, holder, document):
    twin = TravelDocument(holder=holder, kind="official", number="se1234567", issued_on=days(0), expires_on=days(99))
    with pytest.raises(ValidationError, match="already"):
        passports.register(document=twin, by=office)
    other_kind = TravelDocument(holder=holder, kind="service", number="SE1234567", issued_on=days(0),
                                expires_on=days(99))
    assert passports.register(document=other_kind, by=office).pk  # another type may share the number


def test_an_edit_bumps_the_version_and_a_stale_one_is_refused(office, document):
    read = document.version
    document.expires_on = days(1500)
    passports.edit(document=document, by=office, expected_version=read)
    assert TravelDocument.objects.get(pk=document.pk).version == read + 1
    stale = TravelDocument.objects.get(pk=document.pk)
    stale.expires_on = days(1400)
    with pytest.raises(StaleEdit):
        passports.edit(document=stale, by=office, expected_version=read)
    assert TravelDocument.objects.get(pk=document.pk).expires_on == days(1500)


def test_an_edit_cannot_move_the_custody(office, document):
    document.custody = C.LENT
    passports.edit(document=document, by=office, expected_version=document.version)
    assert TravelDocument.objects.get(pk=document.pk).custody == C.IN_OFFICE


# --- lending and return ---------------------------------------------------------------------------


def test_lending_sets_the_custody_the_due_date_and_logs_it(office, document, trip, settings):
    settings.TRIP_PASSPORT_RETURN_DAYS = 7
    version = document.version
    lent = passports.lend(document=document, trip=trip, by=office, on=days(5), expected_version=version)
    lent.refresh_from_db()
    assert (lent.custody, lent.lent_for, lent.lent_on) == (C.LENT, trip, days(5))
    assert lent.return_due_on == trip.returns_on + datetime.timedelta(days=7)
    assert lent.return_reminders == 0 and lent.version == version + 1
    event = lent.custody_log.get()
    assert (event.custody, event.trip, event.on, event.by) == (C.LENT, trip, days(5), office)


def test_the_return_day_follows_the_setting(office, document, trip, settings):
    settings.TRIP_PASSPORT_RETURN_DAYS = 3
    lent = passports.lend(document=document, trip=trip, by=office, on=days(5))
    assert lent.return_due_on == trip.returns_on + datetime.timedelta(days=3)


@pytest.mark.parametrize("who", ["leader", "coord_a"])
def test_only_the_office_lends(request, who, document, trip):
    with pytest.raises(PermissionDenied):
        passports.lend(document=document, trip=trip, by=request.getfixturevalue(who))
    document.refresh_from_db()
    assert document.custody == C.IN_OFFICE and not document.custody_log.exists()


def test_a_document_lent_already_is_not_lent_again(office, document, trip, faculty_a, holder):
    passports.lend(document=document, trip=trip, by=office, on=days(1))
    second = make_trip(faculty_a, holder, departs=40)
    with pytest.raises(WorkflowError, match="It is lent already"):
        passports.lend(document=document, trip=second, by=office, on=days(2))
    assert TravelDocument.objects.get(pk=document.pk).lent_for == trip


def test_a_document_expiring_within_six_months_after_the_return_is_refused(office, holder, trip):
    short = TravelDocumentFactory(holder=holder, expires_on=passports.add_months(trip.returns_on, 6)
                                  - datetime.timedelta(days=1))
    with pytest.raises(WorkflowError, match="six months after the trip's return"):
        passports.lend(document=short, trip=trip, by=office)
    assert TravelDocument.objects.get(pk=short.pk).custody == C.IN_OFFICE
    enough = TravelDocumentFactory(holder=holder, kind="service", expires_on=passports.add_months(trip.returns_on, 6))
    assert passports.lend(document=enough, trip=trip, by=office).custody == C.LENT


def test_a_holder_who_is_not_a_member_of_the_trip_is_refused(office, faculty_a, document):
    stranger_trip = make_trip(faculty_a, StaffMemberFactory(faculty=faculty_a))
    with pytest.raises(WorkflowError, match="王小明 is not a member of the trip"):
        passports.lend(document=document, trip=stranger_trip, by=office)


@pytest.mark.parametrize("status", [S.DRAFT, S.FACULTY_APPROVED, S.OFFICE_APPROVED, S.BACK, S.CLOSED, S.WITHDRAWN])
def test_a_trip_not_approved_or_over_is_refused(office, faculty_a, holder, document, status):
    with pytest.raises(WorkflowError, match="a document is lent only for a trip on public notice"):
        passports.lend(document=document, trip=make_trip(faculty_a, holder, status=status), by=office)


@pytest.mark.parametrize("status", [S.ON_NOTICE, S.CLEARED, S.TRAVELLING])
def test_a_trip_on_notice_cleared_or_travelling_may_borrow(office, faculty_a, holder, document, status):
    assert passports.lend(document=document, trip=make_trip(faculty_a, holder, status=status),
                          by=office).custody == C.LENT


@pytest.mark.parametrize("custody", [C.EXPIRED, C.CANCELLED])
def test_an_expired_or_cancelled_document_is_not_lent(office, holder, trip, custody):
    dead = TravelDocumentFactory(holder=holder, custody=custody)
    with pytest.raises(WorkflowError, match=f"It is {custody}"):
        passports.lend(document=dead, trip=trip, by=office)


def test_a_stale_page_cannot_lend(office, document, trip):
    read = document.version
    passports.mark(document=document, custody=C.CANCELLED, by=office, note="遗失", expected_version=read)
    with pytest.raises(WorkflowError, match="Someone changed this travel document"):
        passports.lend(document=document, trip=trip, by=office, expected_version=read)


def test_the_return_clears_the_loan_and_logs_it(office, document, trip):
    passports.lend(document=document, trip=trip, by=office, on=days(5))
    back = passports.give_back(document=document, by=office, on=days(30))
    back.refresh_from_db()
    assert (back.custody, back.lent_for, back.lent_on, back.return_due_on) == (C.RETURNED, None, None, None)
    log = list(back.custody_log.order_by("pk").values_list("custody", "trip", "on", "note"))
    assert log[0][:3] == (C.LENT, trip.pk, days(5))
    assert log[1][:3] == (C.RETURNED, trip.pk, days(30))
    assert "Returned late" in log[1][3]  # due on day 24
    # Returned, it can be lent again for another trip.
    assert passports.lend(document=back, trip=trip, by=office, on=days(31)).custody == C.LENT


def test_a_document_not_lent_cannot_come_back(office, document):
    with pytest.raises(WorkflowError, match="not lent out"):
        passports.give_back(document=document, by=office)


def test_marking_expired_waits_for_the_expiry_and_cancelling_needs_a_reason(office, holder, document):
    with pytest.raises(WorkflowError, match="valid until"):
        passports.mark(document=document, custody=C.EXPIRED, by=office, on=days(0))
    with pytest.raises(WorkflowError, match="Say why"):
        passports.mark(document=document, custody=C.CANCELLED, by=office, on=days(0))
    old = TravelDocumentFactory(holder=holder, kind="service", issued_on=days(-3000), expires_on=days(-1))
    passports.mark(document=old, custody=C.EXPIRED, by=office, on=days(0))
    passports.mark(document=document, custody=C.CANCELLED, by=office, on=days(0), note="持照人调离")
    assert CustodyEvent.objects.filter(custody=C.EXPIRED, document=old).exists()
    assert CustodyEvent.objects.get(custody=C.CANCELLED).note == "持照人调离"
    with pytest.raises(WorkflowError, match="already"):
        passports.mark(document=old, custody=C.CANCELLED, by=office, note="x")


# --- the block on new trips -----------------------------------------------------------------------


def lent_overdue(office, document, trip, *, reminders: int) -> TravelDocument:
    passports.lend(document=document, trip=trip, by=office, on=days(-30))
    TravelDocument.objects.filter(pk=document.pk).update(return_due_on=days(-3), return_reminders=reminders)
    return TravelDocument.objects.get(pk=document.pk)


def test_an_overdue_document_blocks_its_faculty_after_the_reminders(office, document, trip, faculty_a, faculty_b,
                                                                     settings):
    settings.TRIP_BLOCK_AFTER_REMINDERS = 2
    lent_overdue(office, document, trip, reminders=1)
    assert passports.blocked_reasons(faculty_a, TODAY) == []  # one reminder: not yet
    TravelDocument.objects.filter(pk=document.pk).update(return_reminders=2)
    reasons = passports.blocked_reasons(faculty_a, TODAY)
    assert reasons == [f"the Official passport of 王小明, due back at the office on {days(-3).isoformat()}"]
    assert "SE1234567" not in reasons[0]
    assert passports.blocked_reasons(faculty_b, TODAY) == []  # another faculty is not blocked
    assert passports.blocked_reasons(faculty_a, days(-3)) == []  # not overdue on its due day


def test_a_report_overdue_after_the_reminders_blocks_the_faculty(faculty_a, settings):
    settings.TRIP_REPORT_DUE_DAYS = 30
    back = make_trip(faculty_a, status=S.BACK, departs=-50, length=5)  # returned on day -45: due on day -15
    Trip.objects.filter(pk=back.pk).update(report_reminders=2)
    assert passports.blocked_reasons(faculty_a, TODAY) == [
        f"the report of the trip “{back.title}”, due on {days(-15).isoformat()}"]
    Trip.objects.filter(pk=back.pk).update(report_submitted_at=timezone.now())
    assert passports.blocked_reasons(faculty_a, TODAY) == []


def test_submit_is_refused_naming_the_overdue_items_until_the_office_lifts_the_block(
        office, coord_a, document, trip, faculty_a):
    lent_overdue(office, document, trip, reminders=2)
    new = TripFactory(faculty=faculty_a)
    TripMemberFactory(trip=new)
    TripCountryFactory(trip=new)
    with pytest.raises(WorkflowError, match="cannot submit a trip abroad until .*Official passport of 王小明"):
        services.submit(trip=new, by=coord_a)
    assert Trip.objects.get(pk=new.pk).status == S.DRAFT
    passports.lift_block(faculty=faculty_a, reason="持照人在外出差，返校后立即交回", until=timezone.localdate(),
                         by=office)
    services.submit(trip=new, by=coord_a)
    assert Trip.objects.get(pk=new.pk).status == S.FACULTY_APPROVED


def test_a_lift_that_has_run_out_no_longer_holds(office, document, trip, faculty_a):
    lent_overdue(office, document, trip, reminders=2)
    SubmissionBlockLift.objects.create(faculty=faculty_a, reason="旧的", until=days(-1), by=office)
    assert passports.blocked_reasons(faculty_a, TODAY)
    SubmissionBlockLift.objects.create(faculty=faculty_a, reason="新的", until=TODAY, by=office)
    assert passports.blocked_reasons(faculty_a, TODAY) == []
    assert passports.overdue_items(faculty_a, TODAY)  # still overdue, only lifted


def test_returning_the_document_ends_the_block(office, document, trip, faculty_a):
    lent_overdue(office, document, trip, reminders=3)
    passports.give_back(document=document, by=office, on=TODAY)
    assert passports.blocked_reasons(faculty_a, TODAY) == []


@pytest.mark.parametrize("who", ["leader", "coord_a"])
def test_only_the_office_lifts_a_block(request, who, faculty_a):
    with pytest.raises(PermissionDenied):
        passports.lift_block(faculty=faculty_a, reason="x", until=TODAY, by=request.getfixturevalue(who), today=TODAY)


def test_a_lift_needs_a_reason_and_a_day_from_today(office, faculty_a):
    with pytest.raises(ValidationError, match="a reason is required"):
        passports.lift_block(faculty=faculty_a, reason="  ", until=TODAY, by=office, today=TODAY)
    with pytest.raises(ValidationError, match="today or a later day"):
        passports.lift_block(faculty=faculty_a, reason="说明", until=days(-1), by=office, today=TODAY)
    assert not SubmissionBlockLift.objects.exists()


# --- reminders ---------------------------------------------------------------------------------------


def test_overdue_thresholds_come_once_a_week():
    assert [overdue_threshold(d) for d in (1, 2, 7, 8, 14, 15, 22, 30)] == [1, 1, 1, 8, 8, 15, 22, 29]


def test_return_reminders_are_counted_and_block_the_faculty(office, coord_a, coord_b, document, trip, faculty_a,
                                                            settings):
    settings.TRIP_BLOCK_AFTER_REMINDERS = 2
    passports.lend(document=document, trip=trip, by=office, on=days(5))
    due = TravelDocument.objects.get(pk=document.pk).return_due_on
    version = TravelDocument.objects.get(pk=document.pk).version
    day = due + datetime.timedelta(days=1)
    send_due_reminders(day)
    send_due_reminders(day)  # the same night again: nothing new
    document.refresh_from_db()
    assert document.return_reminders == 1 and document.version == version + 1
    notes = Notification.objects.filter(kind=Kind.PASSPORT_RETURN_OVERDUE)
    assert {n.recipient for n in notes} == {office, coord_a}  # not another faculty's coordinator
    # The coordinator is sent to the trip's page (the document's own is the office's).
    assert notes.get(recipient=coord_a).url == trip.get_absolute_url() + "#passports"
    assert notes.get(recipient=office).url == document.get_absolute_url()
    assert "SE1234567" not in notes.get(recipient=coord_a).message
    assert passports.blocked_reasons(faculty_a, day) == []
    send_due_reminders(due + datetime.timedelta(days=5))  # same week: no new reminder
    document.refresh_from_db()
    assert document.return_reminders == 1
    later = due + datetime.timedelta(days=8)
    send_due_reminders(later)
    document.refresh_from_db()
    assert document.return_reminders == 2
    assert passports.blocked_reasons(faculty_a, later)


def test_expiring_documents_are_reminded_to_the_office_only(office, coord_a, holder):
    TravelDocumentFactory(holder=holder, expires_on=days(100))
    TravelDocumentFactory(holder=holder, kind="private", number="E12345678", expires_on=days(400))  # not yet
    TravelDocumentFactory(holder=holder, kind="service", expires_on=days(100), custody=C.CANCELLED)
    send_due_reminders(TODAY)
    notes = Notification.objects.filter(kind=Kind.PASSPORT_EXPIRING)
    assert [n.recipient for n in notes] == [office]
    assert notes.get().params["days"] == 100


def test_trip_report_reminders_are_counted(office, coord_a, faculty_a, settings):
    settings.TRIP_REPORT_DUE_DAYS = 30
    back = make_trip(faculty_a, status=S.BACK, departs=-50, length=5)  # report due on day -15
    send_due_reminders(TODAY)
    back.refresh_from_db()
    assert back.report_reminders == 1
    assert {n.recipient for n in Notification.objects.filter(kind=Kind.TRIP_REPORT_OVERDUE)} == {office, coord_a}
    send_due_reminders(days(7))  # 22 days overdue: the next week's reminder
    back.refresh_from_db()
    assert back.report_reminders == 2
    assert passports.blocked_reasons(faculty_a, days(7))


# --- the office's work queue ----------------------------------------------------------------------------


def test_the_work_queue_lists_overdue_and_expiring_documents(english, office_client, office, holder, document, trip):
    today = timezone.localdate()
    passports.lend(document=document, trip=trip, by=office)
    TravelDocument.objects.filter(pk=document.pk).update(return_due_on=today - datetime.timedelta(days=2))
    expiring = TravelDocumentFactory(holder=holder, kind="private", number="E12345678",
                                     expires_on=today + datetime.timedelta(days=90))
    TravelDocumentFactory(holder=holder, kind="service", expires_on=today + datetime.timedelta(days=90),
                          custody=C.CANCELLED)
    TravelDocumentFactory(holder=holder, kind="hk_macao", number="C12345678",
                          expires_on=today + datetime.timedelta(days=400))
    sections = {s.key: s for s in office_client.get(reverse("workqueue:index")).context["sections"]}
    section = sections["passports"]
    assert section.total == 2
    assert [item.url for item in section.items] == [document.get_absolute_url(), expiring.get_absolute_url()]
    assert "return overdue" in section.items[0].detail
    assert section.more_url == reverse("trips:passport-list") + "?due=true"


# --- demo data --------------------------------------------------------------------------------------


def test_the_demo_registry_has_every_custody_state_and_an_overdue_return(office, faculty_a):
    from types import SimpleNamespace

    from trips.demo import seed_passports

    staff = [StaffMemberFactory(faculty=faculty_a) for _ in range(12)]
    today = timezone.localdate()
    cleared = TripFactory(faculty=faculty_a, status=S.CLEARED)
    TripMemberFactory(trip=cleared, staff_member=staff[10])
    back = TripFactory(faculty=faculty_a, status=S.BACK, departs_on=today - datetime.timedelta(days=30),
                       returns_on=today - datetime.timedelta(days=20))
    TripMemberFactory(trip=back, staff_member=staff[11])
    logged = []
    ctx = SimpleNamespace(log=logged.append)
    seed_passports(ctx, faculty=faculty_a, staff=staff, office=office)
    states = set(TravelDocument.objects.values_list("custody", flat=True))
    assert states == {C.IN_OFFICE, C.LENT, C.RETURNED, C.EXPIRED, C.CANCELLED}
    assert TravelDocument.objects.get(holder=staff[10]).lent_for == cleared
    overdue = passports.overdue_returns(today).get()
    assert overdue.lent_for == back and overdue.return_reminders == 1
    assert passports.blocked_reasons(faculty_a, today) == []  # one reminder: the demo faculty may still submit
    assert passports.expiring(today).filter(kind="taiwan").exists()
    for document in TravelDocument.objects.all():
        assert document.custody_log.exists(), document
        passports.validate(document)  # every demo number looks like one of its type
    seed_passports(ctx, faculty=faculty_a, staff=staff, office=office)  # again: nothing new
    assert TravelDocument.objects.count() == 8
    assert "(1 overdue)" in logged[0]


def test_a_lent_document_keeps_its_holder(office, document, trip, faculty_a):
    passports.lend(document=document, trip=trip, by=office)
    document.refresh_from_db()
    document.holder = StaffMemberFactory(faculty=faculty_a)
    with pytest.raises(ValidationError, match="record its return before changing its holder"):
        passports.edit(document=document, by=office, expected_version=document.version)
