"""Change requests (任务变更), the annual plan's standing, the itinerary, the invitation letter's
content check and objections to a notice (trips/changes.py and its hooks in trips/services.py)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from intlportal import uploads
from intlportal.models import WorkflowTransition
from intlportal.workflow import WorkflowError
from tests.factories import (
    INVITATION_PDF,
    StaffMemberFactory,
    TripCountryFactory,
    TripDayFactory,
    TripFactory,
    TripMemberFactory,
    TripObjectionFactory,
    TripPlanFactory,
    VisaFactory,
)
from trips import changes, services
from trips.models import Trip, TripDay, TripMember, TripObjection

pytestmark = pytest.mark.django_db
D = datetime.date
S = Trip.Status
TODAY = D(2026, 2, 12)          # the notice of five working days then ends on 26 February
AFTER_NOTICE = D(2026, 2, 27)
DEPARTS, RETURNS = D(2026, 3, 20), D(2026, 3, 27)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def draft(faculty, **fields) -> Trip:
    trip = TripFactory(faculty=faculty, departs_on=DEPARTS, returns_on=RETURNS, **fields)
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty, name="王芳"))
    TripCountryFactory(trip=trip)
    TripDayFactory(trip=trip, day=DEPARTS, place="东京", activities="抵达东京")
    return trip


def cleared(faculty, coord, office) -> Trip:
    trip = services.submit(trip=draft(faculty), by=coord, today=TODAY)
    trip = services.office_approve(trip=trip, by=office, today=TODAY)
    return services.clear_for_travel(trip=trip, by=office, today=AFTER_NOTICE)


def fresh(trip) -> Trip:
    return Trip.objects.get(pk=trip.pk)


# --- the snapshot ------------------------------------------------------------------------------------

def test_the_approved_version_is_stored_when_the_trip_is_approved_for_travel(coord_a, office, faculty_a):
    trip = services.submit(trip=draft(faculty_a), by=coord_a, today=TODAY)
    trip = services.office_approve(trip=trip, by=office, today=TODAY)
    assert trip.approved_version is None  # not before the approval for travel
    trip = services.clear_for_travel(trip=trip, by=office, today=AFTER_NOTICE)
    stored = fresh(trip).approved_version
    assert stored == json.loads(json.dumps(changes.snapshot(trip)))
    assert stored["departs_on"] == "2026-03-20" and stored["budget_travel"] == "8000.00"
    member = trip.members.get().staff_member
    assert stored["members"] == [{"staff_member": member.pk, "name": f"王芳 ({member.staff_no})",
                                  "role": "leader", "senior_post": False}]
    assert stored["countries"] == [{"country": "JP", "arrives_on": "2026-03-20", "leaves_on": "2026-03-27"}]
    assert stored["itinerary"] == [{"day": "2026-03-20", "place": "东京", "activities": "抵达东京"}]
    assert stored["state"]["notice_ends_on"] == "2026-02-26"


# --- a change request, through the whole chain again ---------------------------------------------------------

def test_a_change_is_edited_submitted_and_approved_again_then_replaces_the_approved_version(
        coord_a, office, leader, faculty_a):
    trip = cleared(faculty_a, coord_a, office)
    approved = fresh(trip).approved_version
    with pytest.raises(WorkflowError, match="comment is required"):
        changes.open_change(trip=trip, by=coord_a, comment="  ")
    trip = changes.open_change(trip=trip, by=coord_a, comment="返程推迟一天，新增一名处级干部")
    assert trip.status == S.CHANGING and services.can_change(coord_a, trip)
    assert WorkflowTransition.objects.filter(object_id=trip.pk, to_state=S.CHANGING).get().comment.startswith("返程")
    # Edited while the change is prepared: the approved version stays as it was.
    Trip.objects.filter(pk=trip.pk).update(returns_on=D(2026, 3, 28), budget_meals=Decimal("500"))
    trip.countries.update(leaves_on=D(2026, 3, 28))
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty_a, name="赵强"),
                      role=TripMember.Role.MEMBER, senior_post=True)
    assert fresh(trip).approved_version == approved
    trip = services.submit(trip=fresh(trip), by=coord_a, today=AFTER_NOTICE)
    assert trip.status == S.FACULTY_APPROVED and changes.change_pending(trip)
    # The member with a 处级 post brings a university leader in, and a new public notice follows.
    trip = services.office_approve(trip=trip, by=office, today=AFTER_NOTICE)
    assert trip.status == S.OFFICE_APPROVED and trip.needs_leader
    trip = services.leader_approve(trip=trip, by=leader, today=AFTER_NOTICE)
    assert trip.status == S.ON_NOTICE and trip.notice_starts_on == AFTER_NOTICE
    assert fresh(trip).approved_version == approved  # still the approved one until the change is approved
    with pytest.raises(WorkflowError, match="public notice"):
        services.clear_for_travel(trip=trip, by=office, today=AFTER_NOTICE)
    trip = services.clear_for_travel(trip=trip, by=office, today=D(2026, 3, 10))
    new = fresh(trip).approved_version
    assert trip.status == S.CLEARED and new != approved
    assert new["returns_on"] == "2026-03-28" and {m["name"][:2] for m in new["members"]} == {"王芳", "赵强"}
    assert not changes.change_pending(fresh(trip))


def test_the_diff_lists_old_and_new_values(coord_a, office, faculty_a):
    trip = cleared(faculty_a, coord_a, office)
    changes.open_change(trip=trip, by=coord_a, comment="调整行程")
    assert changes.diff(fresh(trip).approved_version, fresh(trip)) == []
    Trip.objects.filter(pk=trip.pk).update(returns_on=D(2026, 3, 28), budget_meals=Decimal("500"))
    trip.countries.update(leaves_on=D(2026, 3, 28))
    trip.members.update(senior_post=True)
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty_a, name="赵强"),
                      role=TripMember.Role.MEMBER)
    TripDay.objects.create(trip=trip, day=D(2026, 3, 28), place="大阪", activities="返程")
    # A member is labelled with their staff number too (two people may share a name).
    rows = {label.split(" (")[0]: (old, new)
            for label, old, new in changes.diff(fresh(trip).approved_version, fresh(trip))}
    assert rows["returns on"] == ("2026-03-27", "2026-03-28")
    assert rows["meals"] == ("0.00", "500.00")
    assert rows["Budget total"] == ("8,000.00", "8,500.00")
    assert rows["Member: 王芳"] == ("Head of the group", "Head of the group (division head or above)")
    assert rows["Member: 赵强"] == ("", "Member")
    assert rows["Country or region: Japan"] == ("2026-03-20 – 2026-03-27", "2026-03-20 – 2026-03-28")
    assert rows["Itinerary: 2026-03-28"] == ("", "大阪: 返程")
    assert "title" not in rows and len(rows) == 7


@pytest.mark.parametrize("who", ["leader", "coord_b"])
def test_only_the_faculty_or_the_office_opens_a_change(request, coord_a, office, faculty_a, who):
    trip = cleared(faculty_a, coord_a, office)
    with pytest.raises(WorkflowError, match="Only the faculty"):
        changes.open_change(trip=trip, by=request.getfixturevalue(who), comment="改期")
    assert fresh(trip).status == S.CLEARED


def test_the_office_may_open_a_change_too(coord_a, office, faculty_a):
    trip = cleared(faculty_a, coord_a, office)
    assert changes.open_change(trip=trip, by=office, comment="按外事要求调整").status == S.CHANGING


def test_a_change_is_opened_only_on_a_trip_approved_for_travel(coord_a, office, faculty_a):
    trip = draft(faculty_a)
    with pytest.raises(WorkflowError, match="cannot be moved"):
        changes.open_change(trip=trip, by=coord_a, comment="改期")
    trip = services.office_approve(trip=services.submit(trip=trip, by=coord_a, today=TODAY), by=office, today=TODAY)
    with pytest.raises(WorkflowError, match="cannot be moved"):
        changes.open_change(trip=trip, by=coord_a, comment="改期")
    assert "change" not in services.available_steps(coord_a, trip)
    assert fresh(trip).status == S.ON_NOTICE


def test_withdrawing_a_change_restores_the_approved_version(coord_a, office, faculty_a):
    trip = cleared(faculty_a, coord_a, office)
    kept = trip.members.get()
    visa = VisaFactory(member=kept)
    approved = fresh(trip).approved_version
    version = fresh(trip).version
    changes.open_change(trip=trip, by=coord_a, comment="增加一个国家")
    Trip.objects.filter(pk=trip.pk).update(title="赴日本、韩国学术交流", returns_on=D(2026, 3, 30),
                                           budget_other=Decimal("3000"))
    kept_role = TripMember.objects.filter(pk=kept.pk)
    kept_role.update(role=TripMember.Role.MEMBER)
    TripMemberFactory(trip=trip, staff_member=StaffMemberFactory(faculty=faculty_a), role=TripMember.Role.LEADER)
    TripCountryFactory(trip=trip, country="KR", arrives_on=D(2026, 3, 28), leaves_on=D(2026, 3, 30))
    trip.days.all().delete()
    TripDay.objects.create(trip=trip, day=D(2026, 3, 29), place="首尔", activities="访问首尔大学")
    trip = services.submit(trip=fresh(trip), by=coord_a, today=AFTER_NOTICE)
    assert trip.status == S.FACULTY_APPROVED
    trip = services.withdraw(trip=trip, by=coord_a, comment="韩方取消邀请")
    trip = fresh(trip)
    assert trip.status == S.CLEARED and trip.version > version
    assert changes.snapshot(trip) == approved and trip.approved_version == approved
    assert (trip.title, trip.returns_on, trip.budget_other) != ("赴日本、韩国学术交流", D(2026, 3, 30),
                                                                Decimal("3000"))
    # The member who stayed keeps their row (and so their visa); the one the change added is gone.
    assert list(trip.members.values_list("pk", "role")) == [(kept.pk, "leader")]
    assert visa.member_id == kept.pk and kept.visas.count() == 1
    assert list(trip.countries.values_list("country", flat=True)) == ["JP"]
    assert [(d.day, d.place) for d in trip.days.all()] == [(DEPARTS, "东京")]
    assert trip.notice_ends_on == D(2026, 2, 26)  # the notice of the approved version


def test_a_change_being_prepared_can_be_withdrawn_but_never_deleted_and_the_trip_is_never_withdrawn(
        coord_a, office, faculty_a):
    trip = cleared(faculty_a, coord_a, office)
    trip = changes.open_change(trip=trip, by=coord_a, comment="改期")
    assert "withdraw" in services.available_steps(coord_a, trip)
    assert services.withdraw(trip=trip, by=office).status == S.CLEARED
    # Approved for travel again: neither a second withdrawal nor one of the trip itself.
    with pytest.raises(WorkflowError):
        services.withdraw(trip=fresh(trip), by=coord_a)
    assert fresh(trip).status == S.CLEARED


def test_a_trip_never_approved_is_withdrawn_as_before(coord_a, faculty_a):
    trip = services.submit(trip=draft(faculty_a), by=coord_a, today=TODAY)
    assert services.withdraw(trip=trip, by=coord_a).status == S.WITHDRAWN


# --- the invitation letter -------------------------------------------------------------------------------

def test_a_submission_needs_the_invitation_letter(coord_a, faculty_a):
    trip = draft(faculty_a, invitation="")
    with pytest.raises(WorkflowError, match="Upload the invitation letter"):
        services.submit(trip=trip, by=coord_a, today=TODAY)
    assert fresh(trip).status == S.DRAFT


@pytest.mark.parametrize(("content", "kind"), [(INVITATION_PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_a_letter_is_a_pdf_or_an_image_by_its_content(content, kind):
    assert uploads.validate_pdf_or_image(SimpleUploadedFile("letter.bin", content)) == kind


@pytest.mark.parametrize("content", [b"Dear colleague, we invite you.", b"PK\x03\x04" + b"\x00" * 40])
def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(content):
    with pytest.raises(ValidationError, match="neither a PDF nor"):
        uploads.validate_pdf_or_image(SimpleUploadedFile("invitation.pdf", content, content_type="application/pdf"))


def test_a_letter_too_large_is_refused(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError, match="largest accepted"):
        uploads.validate_pdf_or_image(SimpleUploadedFile("letter.pdf", INVITATION_PDF))


# --- the itinerary -------------------------------------------------------------------------------------------

def test_a_day_of_the_itinerary_falls_within_the_trip(faculty_a):
    trip = draft(faculty_a)
    with pytest.raises(ValidationError, match="within the trip"):
        TripDay(trip=trip, day=D(2026, 3, 28), place="东京", activities="返程").full_clean()
    with pytest.raises(ValidationError, match="within the trip"):
        TripDay(trip=trip, day=D(2026, 3, 19), place="北京", activities="出发").full_clean()
    TripDay(trip=trip, day=RETURNS, place="东京", activities="返程").full_clean()


# --- objections to the public notice -----------------------------------------------------------------------

def test_an_objection_without_outcome_blocks_the_approval_for_travel(coord_a, office, faculty_a):
    trip = services.office_approve(trip=services.submit(trip=draft(faculty_a), by=coord_a, today=TODAY),
                                   by=office, today=TODAY)
    objection = changes.record_objection(trip=trip, by=office, text="出访人员与公示名单不一致")
    assert objection.recorded_by == office and objection.outcome == ""
    with pytest.raises(WorkflowError, match="objection"):
        services.clear_for_travel(trip=trip, by=office, today=AFTER_NOTICE)
    assert fresh(trip).status == S.ON_NOTICE
    changes.record_outcome(objection=objection, by=office, outcome="经核实，名单无误")
    assert services.clear_for_travel(trip=trip, by=office, today=AFTER_NOTICE).status == S.CLEARED


def test_objections_are_the_offices_and_only_on_notice(coord_a, leader, office, faculty_a):
    trip = draft(faculty_a)
    with pytest.raises(WorkflowError, match="on public notice"):
        changes.record_objection(trip=trip, by=office, text="异议")
    Trip.objects.filter(pk=trip.pk).update(status=S.ON_NOTICE)
    for who in (coord_a, leader):
        with pytest.raises(PermissionDenied):
            changes.record_objection(trip=fresh(trip), by=who, text="异议")
    with pytest.raises(ValidationError):
        changes.record_objection(trip=fresh(trip), by=office, text=" ")
    objection = TripObjectionFactory(trip=trip)
    with pytest.raises(PermissionDenied):
        changes.record_outcome(objection=objection, by=coord_a, outcome="无")
    assert TripObjection.objects.get(pk=objection.pk).outcome == ""


# --- the annual plan's standing -------------------------------------------------------------------------------

def test_the_plan_standing_counts_the_trips_people_and_budget_of_the_year(faculty_a, faculty_b):
    TripPlanFactory(faculty=faculty_a, year=2026, planned_trips=2, planned_people=2, budget=Decimal("20000"))
    first, second = draft(faculty_a), draft(faculty_a, budget_other=Decimal("5000"))
    TripMemberFactory(trip=second, staff_member=first.members.get().staff_member, role=TripMember.Role.MEMBER)
    draft(faculty_a, status=S.WITHDRAWN)                                   # left out
    draft(faculty_b)                                                       # another faculty
    TripFactory(faculty=faculty_a, departs_on=D(2027, 1, 5), returns_on=D(2027, 1, 9))  # another year
    standing = changes.plan_standing(faculty_a.pk, 2026)
    assert (standing["trips"], standing["people"], standing["budget"]) == (2, 2, Decimal("21000"))
    assert standing["plan"].planned_trips == 2 and standing["over"]  # the budget goes beyond the plan
    assert changes.plan_standing(faculty_b.pk, 2026)["plan"] is None
