"""The access module: roles, scopes and predicates."""

import pytest
from django.http import Http404

from faculties.models import Discipline, Faculty, InternationalizationPlan
from intlportal import access
from tests.factories import CoordinatorMembershipFactory, DisciplineFactory, PlanFactory, UserFactory


def test_a_user_without_a_role_sees_nothing(db, faculty_a):
    nobody = UserFactory(username="nobody")
    DisciplineFactory(faculty=faculty_a)
    assert access.roles(nobody) == frozenset()
    assert not access.scope_for(nobody, Discipline.objects.all()).exists()
    assert not access.can_view(nobody, faculty_a)


def test_a_superuser_acts_as_the_office(db):
    root = UserFactory(username="root", is_superuser=True)
    assert access.is_office(root)


def test_office_and_leader_scopes_hold_every_faculty(office, leader, faculty_a, faculty_b):
    for user in (office, leader):
        assert set(access.scope_for(user, Faculty.objects.all())) == {faculty_a, faculty_b}


def test_a_coordinator_scope_holds_their_faculties_only(coord_a, faculty_a, faculty_b):
    mine, _theirs = DisciplineFactory(faculty=faculty_a), DisciplineFactory(faculty=faculty_b)
    assert list(access.scope_for(coord_a, Discipline.objects.all())) == [mine]
    assert list(access.scope_for(coord_a, Faculty.objects.all())) == [faculty_a]


def test_a_coordinator_of_two_faculties_sees_both(coord_a, faculty_a, faculty_b):
    CoordinatorMembershipFactory(user=coord_a, faculty=faculty_b)
    fresh = type(coord_a).objects.get(pk=coord_a.pk)
    assert set(access.scope_for(fresh, Faculty.objects.all())) == {faculty_a, faculty_b}


def test_get_visible_or_404_hides_other_faculties_records(coord_a, faculty_b):
    theirs = DisciplineFactory(faculty=faculty_b)
    with pytest.raises(Http404):
        access.get_visible_or_404(coord_a, Discipline.objects.all(), pk=theirs.pk)


def test_leaders_never_edit_and_never_see_personal_data(leader, faculty_a):
    record = DisciplineFactory(faculty=faculty_a)
    assert access.can_view(leader, record)
    assert not access.can_edit(leader, record)
    assert not access.can_create(leader, Discipline)
    assert not access.can_see_personal_data(leader)


def test_only_the_office_sees_personal_data(office, coord_a):
    assert access.can_see_personal_data(office)
    assert not access.can_see_personal_data(coord_a)


def test_a_coordinator_edits_a_plan_only_while_it_is_a_draft_or_returned(coord_a, office, faculty_a):
    plan = PlanFactory(faculty=faculty_a)
    for status, coordinator_may, office_may in [
        (InternationalizationPlan.Status.DRAFT, True, True),
        (InternationalizationPlan.Status.RETURNED, True, True),
        (InternationalizationPlan.Status.SUBMITTED, False, True),
        (InternationalizationPlan.Status.APPROVED, False, False),
    ]:
        plan.status = status
        assert access.can_edit(coord_a, plan) is coordinator_may, status
        assert access.can_edit(office, plan) is office_may, status


def test_coordinators_cannot_create_faculties_but_can_create_their_records(coord_a):
    assert not access.can_create(coord_a, Faculty)
    assert access.can_create(coord_a, Discipline)


def test_allowed_faculties_are_those_a_user_may_file_records_under(office, leader, coord_a, faculty_a, faculty_b):
    assert set(access.allowed_faculties(office)) == {faculty_a, faculty_b}
    assert list(access.allowed_faculties(coord_a)) == [faculty_a]
    assert not access.allowed_faculties(leader).exists()


def test_roles_are_read_once_per_request(coord_a, django_assert_num_queries):
    fresh = type(coord_a).objects.get(pk=coord_a.pk)
    with django_assert_num_queries(2):  # the groups, then the memberships
        for _ in range(3):
            access.roles(fresh)
            access.faculty_ids(fresh)


def test_an_office_only_kind_is_the_office_s_alone_on_every_path(office, leader, coord_a, faculty_a):
    """A passport is personal data as a whole (``OFFICE_ONLY``): its own faculty's coordinator
    and a leader neither see, create nor change it, whichever generic path asks."""
    from tests.factories import StaffMemberFactory, TravelDocumentFactory
    from trips.models import TravelDocument

    document = TravelDocumentFactory(holder=StaffMemberFactory(faculty=faculty_a))
    assert list(access.scope_for(office, TravelDocument.objects.all())) == [document]
    assert access.can_view(office, document) and access.can_create(office, TravelDocument)
    for user in (leader, coord_a):
        assert not access.scope_for(user, TravelDocument.objects.all()).exists()
        assert not access.can_view(user, document)
        assert not access.can_create(user, TravelDocument)
        assert not access.can_edit(user, document)
        with pytest.raises(Http404):
            access.get_visible_or_404(user, TravelDocument.objects.all(), pk=document.pk)
