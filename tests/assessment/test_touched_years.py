"""Issue 14, item 5: a change recomputes only the years it touches, never a published year, and
never inside the web request.

The years a change records as pending (``tasks.pending_years``) are the years the record counts
in before and after the change, each with the next year (whose targets grow from it).  The
test's transaction never commits, so what a change recorded stays there to be read.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessment import tasks
from assessment.models import AssessmentRun, Indicator, PendingRecompute
from assessment.publishing import publish
from assessment.services import assessment_run
from dataexchange.signals import records_imported
from exchanges.models import Event, Mobility
from faculties.models import FacultyYear
from intlportal import verification
from staff.models import LanguageAssessment
from tests.factories import (
    AgreementFactory,
    CooperativeProgramFactory,
    EventFactory,
    FacultyFactory,
    FacultyYearFactory,
    IncentivePoolFactory,
    LanguageAssessmentFactory,
    MobilityFactory,
    PlanFactory,
    ProgramStatusChangeFactory,
    ProgramTeacherTrainingFactory,
    PublicationFactory,
    SiteUpdateFactory,
    StaffMemberFactory,
    StaffStandingFactory,
    TargetFactory,
    TeachingAssignmentFactory,
)
from tests.formdata import form_data

pytestmark = pytest.mark.django_db

THIS = timezone.localdate().year
ANY = {tasks.ALL_YEARS}


def forget_pending() -> None:
    PendingRecompute.objects.all().delete()
    cache.delete(tasks.SCHEDULED_KEY)
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if not isinstance(entry[1], tasks._EnqueueOnCommit)]


@pytest.fixture(autouse=True)
def _nothing_pending():
    forget_pending()
    yield
    forget_pending()


@pytest.fixture
def member(faculty_a):
    return StaffMemberFactory(faculty=faculty_a)


def with_next(*years: int) -> set[int]:
    return {y for year in years for y in (year, year + 1)}


def from_on(first: int) -> set[int]:
    return with_next(*range(first, THIS + 1))


def pending_after(change) -> set[int]:
    """The years ``change()`` recorded as pending."""
    forget_pending()
    change()
    return tasks.pending_years()


def saved(obj, **values):
    def change():
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return change


# --- which years, per record kind ---------------------------------------------------------------


def test_an_event_touches_the_year_it_was_in_and_the_year_it_moves_to():
    event = EventFactory(date=datetime.date(2022, 5, 1))
    assert pending_after(saved(event, date=datetime.date(2024, 5, 1))) == with_next(2022, 2024)


def test_a_record_saved_twice_compares_each_save_with_the_one_before():
    event = EventFactory(date=datetime.date(2022, 5, 1))
    event.date = datetime.date(2023, 5, 1)
    event.save()
    assert pending_after(saved(event, date=datetime.date(2024, 5, 1))) == with_next(2023, 2024)


def test_a_record_read_again_compares_with_what_it_read():
    event = EventFactory(date=datetime.date(2022, 5, 1))
    Event.objects.filter(pk=event.pk).update(date=datetime.date(2023, 5, 1))
    event.refresh_from_db()
    assert pending_after(saved(event, date=datetime.date(2024, 5, 1))) == with_next(2023, 2024)


def test_a_record_read_in_part_saves_and_touches_the_years_it_counts_in(faculty_a):
    event = EventFactory(faculty=faculty_a, date=datetime.date(2022, 5, 1))
    partial = Event.objects.only("participants_total").get(pk=event.pk)
    partial.participants_total += 1
    assert pending_after(partial.save) == with_next(2022)


def test_a_save_that_changes_nothing_schedules_nothing():
    event = Event.objects.get(pk=EventFactory(date=datetime.date(2024, 5, 1)).pk)
    assert pending_after(saved(event)) == set()


def test_a_teachers_stay_abroad_touches_its_start_year_and_every_year_from_its_end_on(faculty_a):
    def create():
        MobilityFactory(faculty=faculty_a, starts_on=datetime.date(2022, 3, 1), ends_on=datetime.date(2023, 1, 31),
                        status=Mobility.Status.COMPLETED)
    assert pending_after(create) == with_next(2022) | from_on(2023)


def test_a_students_mobility_touches_its_start_year(faculty_a):
    def create():
        MobilityFactory(faculty=faculty_a, person_kind=Mobility.PersonKind.STUDENT,
                        starts_on=datetime.date(2022, 9, 1), ends_on=datetime.date(2023, 1, 31),
                        status=Mobility.Status.COMPLETED)
    assert pending_after(create) == with_next(2022)


@pytest.mark.parametrize(("semester", "year"), [("2024-2025-1", 2024), ("2024-2025-2", 2025)])
def test_a_teaching_assignment_touches_the_year_of_its_semester(member, semester, year):
    assert pending_after(lambda: TeachingAssignmentFactory(staff_member=member, semester=semester)) \
        == with_next(year)


def test_a_language_assessment_touches_every_year_from_its_date_on(member):
    def create():
        LanguageAssessmentFactory(staff_member=member, date=datetime.date(2022, 6, 1))
    assert pending_after(create) == from_on(2022)


def test_a_publication_a_headcount_a_training_a_target_and_a_pool_touch_their_year(faculty_a, member):
    program = CooperativeProgramFactory(faculty=faculty_a)
    assert pending_after(lambda: PublicationFactory(staff_member=member, year=2023)) == with_next(2023)
    assert pending_after(lambda: FacultyYearFactory(faculty=faculty_a, year=2023)) == with_next(2023)
    assert pending_after(lambda: ProgramTeacherTrainingFactory(program=program, year=2023)) == with_next(2023)
    assert pending_after(lambda: TargetFactory(faculty=faculty_a, year=2023)) == with_next(2023)
    assert pending_after(lambda: IncentivePoolFactory(year=2023)) == with_next(2023)


def test_a_site_update_touches_the_year_of_its_date(faculty_a):
    def create():
        SiteUpdateFactory(faculty=faculty_a, updated_on=datetime.date(2024, 3, 1))
    assert pending_after(create) == with_next(2024)


def test_an_agreement_touches_the_years_it_overlaps_up_to_this_year_when_open_ended():
    assert pending_after(lambda: AgreementFactory(starts_on=datetime.date(2022, 1, 1),
                                                  ends_on=datetime.date(2023, 12, 31))) == with_next(2022, 2023)
    assert pending_after(lambda: AgreementFactory(starts_on=datetime.date(2024, 1, 1), ends_on=None)) == from_on(2024)


def test_an_agreements_faculties_touch_its_years_once_per_change():
    agreement = AgreementFactory(starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2023, 12, 31))
    faculty = FacultyFactory()
    assert pending_after(lambda: agreement.faculties.add(faculty)) == with_next(2022, 2023)
    assert PendingRecompute.objects.count() == len(with_next(2022, 2023))  # post_add only, not pre_add too


def test_a_plan_touches_its_years(faculty_a):
    def create():
        PlanFactory(faculty=faculty_a, first_year=2021, last_year=2023)
    assert pending_after(create) == with_next(2021, 2022, 2023)


def test_a_staff_member_touches_the_years_from_hire_to_leaving(faculty_a):
    def create():
        StaffMemberFactory(faculty=faculty_a, hired_on=datetime.date(2021, 9, 1), left_on=datetime.date(2023, 7, 31))
    assert pending_after(create) == with_next(2021, 2022, 2023)


def test_a_change_over_many_years_is_recorded_as_any_year_in_one_row():
    member = StaffMemberFactory()
    assert pending_after(lambda: StaffStandingFactory(staff_member=member, effective_on=datetime.date(1990, 1, 1))) \
        == ANY
    assert PendingRecompute.objects.count() == 1


def test_dated_status_changes_and_standings_touch_the_years_from_their_date_on():
    program = CooperativeProgramFactory(approved_on=datetime.date(2021, 6, 1))
    assert pending_after(lambda: ProgramStatusChangeFactory(program=program,
                                                            effective_on=datetime.date(2024, 2, 1))) == from_on(2024)
    member = StaffMemberFactory(hired_on=datetime.date(2015, 9, 1))
    assert pending_after(lambda: StaffStandingFactory(staff_member=member,
                                                      effective_on=datetime.date(2025, 1, 1))) == from_on(2025)


def test_a_program_touches_the_years_from_its_approval_or_first_status_on():
    program = CooperativeProgramFactory(approved_on=datetime.date(2023, 6, 1))
    assert pending_after(saved(program, name_en="Renamed")) == from_on(2023)
    ProgramStatusChangeFactory(program=program, effective_on=datetime.date(2022, 9, 1))
    assert pending_after(saved(program, name_en="Renamed again")) == from_on(2022)


def test_moving_a_staff_member_to_another_faculty_touches_every_year():
    member = StaffMemberFactory(hired_on=datetime.date(2024, 9, 1))
    assert pending_after(saved(member, faculty=FacultyFactory())) == ANY


def test_indicators_and_faculties_touch_every_year_but_not_the_old_website_fields():
    indicator = Indicator.objects.get(code="partners")
    assert pending_after(saved(indicator, weight=indicator.weight + 1)) == ANY
    faculty = FacultyFactory()
    assert pending_after(saved(faculty, is_active=False)) == ANY
    assert pending_after(saved(faculty, foreign_site_updated_on=datetime.date(2024, 1, 1))) == set()


def test_a_deleted_record_touches_the_years_it_counted_in_as_stored():
    event = EventFactory(date=datetime.date(2022, 5, 1))
    event.date = datetime.date(2024, 5, 1)  # changed in memory, never saved
    assert pending_after(event.delete) == with_next(2022)


# --- what the office has not verified counts for nothing ------------------------------------


def test_a_coordinators_proposal_on_a_verified_record_schedules_nothing_until_the_office_verifies(
        coord_a, office, faculty_a):
    headcount = FacultyYearFactory(faculty=faculty_a, year=2024, teachers=104)
    live = FacultyYear.objects.get(pk=headcount.pk)
    live.teachers = 40

    assert pending_after(lambda: verification.save_change(live, by=coord_a, expected_version=live.version)) == set()
    headcount.refresh_from_db()
    assert headcount.teachers == 104 and headcount.staged

    assert pending_after(lambda: verification.verify(headcount, by=office)) == with_next(2024)


def test_a_rejected_proposal_schedules_nothing(coord_a, office, faculty_a):
    event = EventFactory(faculty=faculty_a, date=datetime.date(2024, 5, 1))
    live = Event.objects.get(pk=event.pk)
    live.date = datetime.date(2023, 5, 1)
    verification.save_change(live, by=coord_a, expected_version=live.version)
    event.refresh_from_db()
    assert pending_after(lambda: verification.reject(event, by=office, comment="No evidence")) == set()


def test_a_record_never_verified_counts_for_nothing_until_the_office_verifies_it(coord_a, office, faculty_a):
    assessment = LanguageAssessmentFactory.build(staff_member=StaffMemberFactory(faculty=faculty_a),
                                                 date=datetime.date(2024, 6, 1))
    verification.mark_entry(assessment, by=coord_a)

    assert pending_after(assessment.save) == set()
    live = LanguageAssessment.objects.get(pk=assessment.pk)
    live.date = datetime.date(2023, 6, 1)
    assert pending_after(lambda: verification.save_change(live, by=coord_a, expected_version=live.version)) == set()
    live.refresh_from_db()
    assert pending_after(lambda: verification.verify(live, by=office)) == from_on(2023)


def test_deleting_a_record_never_verified_schedules_nothing(coord_a, faculty_a):
    event = EventFactory.build(faculty=faculty_a, date=datetime.date(2024, 5, 1))
    verification.mark_entry(event, by=coord_a)
    event.save()
    assert pending_after(event.delete) == set()


def test_a_coordinators_import_of_a_verified_kind_schedules_nothing_an_office_import_does(coord_a, office):
    def imported(user, sender=Event, years=frozenset({2024})):
        return lambda: records_imported.send(sender=sender, kind="k", years=set(years), user=user)

    assert pending_after(imported(coord_a)) == set()
    assert pending_after(imported(office)) == with_next(2024)
    assert pending_after(imported(None)) == with_next(2024)  # the command line
    # A mobility may be a long stay abroad, counted from its end on: every year from the earliest.
    assert pending_after(imported(office, sender=Mobility, years={2023, 2025})) == from_on(2023)


# --- never a published year ---------------------------------------------------------------------


def test_the_recompute_leaves_a_published_year_alone(office):
    FacultyFactory(code="A")
    published = assessment_run(year=THIS - 1)
    publish(published, by=office)
    assessment_run(year=THIS - 2)
    forget_pending()
    assert tasks.years_to_recompute(with_next(THIS - 2, THIS - 1)) == [THIS - 2, THIS]
    assert tasks.years_to_recompute(ANY) == [THIS - 2, THIS]

    tasks.schedule_recompute([THIS - 1])
    assert tasks.recompute_pending() == [THIS]
    assert AssessmentRun.objects.latest_for(THIS - 1).pk == published.pk
    assert not PendingRecompute.objects.exists()


# --- where the recompute runs ---------------------------------------------------------------------


@contextmanager
def runs_when_answered(client):
    """Count the stored runs at the moment the portal hands its response to the server, before
    the server closes it (what Django's test client does next, as a WSGI server would)."""
    seen: dict[str, int] = {}
    handler = client.handler

    def get_response(request):
        response = type(handler).get_response(handler, request)
        seen["runs"] = AssessmentRun.objects.count()
        return response

    handler.get_response = get_response
    try:
        yield seen
    finally:
        del handler.get_response


def edit_event_date(client, event, new_date: datetime.date):
    url = reverse("exchanges:event-edit", args=[event.pk])
    data = form_data(client.get(url).content.decode())
    data["date"] = new_date.isoformat()
    return client.post(url, data)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_save_answers_first_and_recomputes_its_years_after_the_response(
        office_client, faculty_a):
    assert tasks.in_process()
    event = EventFactory(faculty=faculty_a, date=datetime.date(THIS - 3, 5, 1))
    for year in (THIS - 3, THIS - 2, THIS - 1):
        assessment_run(year=year)
    forget_pending()
    before = AssessmentRun.objects.count()
    last = AssessmentRun.objects.latest("pk").pk

    with runs_when_answered(office_client) as seen:
        response = edit_event_date(office_client, event, datetime.date(THIS - 1, 5, 1))

    assert response.status_code == 302
    assert seen["runs"] == before, "the recompute ran before the response was sent"
    recomputed = AssessmentRun.objects.filter(pk__gt=last, trigger=AssessmentRun.Trigger.DATA_CHANGE)
    # THIS - 3 and THIS - 1 with the years after them; THIS - 2 only as the year after THIS - 3.
    assert sorted(recomputed.values_list("year", flat=True)) == [THIS - 3, THIS - 2, THIS - 1, THIS]
    assert not PendingRecompute.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_staged_change_recomputes_nothing(coord_a_client, faculty_a):
    event = EventFactory(faculty=faculty_a, date=datetime.date(THIS - 1, 5, 1))
    assessment_run(year=THIS - 1)
    forget_pending()
    before = AssessmentRun.objects.count()
    response = edit_event_date(coord_a_client, event, datetime.date(THIS - 2, 5, 1))
    assert response.status_code == 302
    assert AssessmentRun.objects.count() == before and not PendingRecompute.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_a_save_does_no_assessment_work_in_the_request(office_client, faculty_a, monkeypatch):
    event = EventFactory(faculty=faculty_a, date=datetime.date(THIS - 1, 5, 1))
    forget_pending()
    monkeypatch.setattr(tasks, "in_process", lambda: False)
    with (
        mock.patch.object(tasks.recompute_assessments, "apply_async") as enqueue,
        mock.patch("assessment.services.assessment_run", side_effect=AssertionError("computed in the request")),
    ):
        response = edit_event_date(office_client, event, datetime.date(THIS - 2, 5, 1))
    assert response.status_code == 302
    enqueue.assert_called_once_with(countdown=tasks.recompute_delay())
    assert tasks.pending_years() == with_next(THIS - 2, THIS - 1)


def owed_for(seconds: int) -> None:
    """A recompute owed for ``seconds`` by a process that stopped before it ran it."""
    PendingRecompute.objects.create(year=THIS)
    PendingRecompute.objects.update(requested_at=timezone.now() - datetime.timedelta(seconds=seconds))


def data_change_runs() -> int:
    return AssessmentRun.objects.filter(year=THIS, trigger=AssessmentRun.Trigger.DATA_CHANGE).count()


def test_without_a_broker_the_dashboard_makes_up_a_recompute_overdue_before_showing(leader_client):
    FacultyFactory(code="A")
    assessment_run(year=THIS)
    forget_pending()
    owed_for(tasks.recompute_delay() - 5)  # its run may still be going on: not the dashboard's
    assert leader_client.get(reverse("assessment:dashboard")).status_code == 200
    assert PendingRecompute.objects.exists() and data_change_runs() == 0

    owed_for(tasks.recompute_delay() + 1)
    assert leader_client.get(reverse("assessment:dashboard")).status_code == 200
    assert not PendingRecompute.objects.exists() and data_change_runs() == 1


def test_with_a_broker_the_dashboard_leaves_the_recompute_to_the_worker(leader_client, monkeypatch):
    FacultyFactory(code="A")
    assessment_run(year=THIS)
    forget_pending()
    owed_for(tasks.recompute_delay() + 1)
    monkeypatch.setattr(tasks, "in_process", lambda: False)
    assert leader_client.get(reverse("assessment:dashboard")).status_code == 200
    assert PendingRecompute.objects.exists() and data_change_runs() == 0
