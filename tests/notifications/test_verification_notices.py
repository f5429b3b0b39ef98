"""The office's verification or rejection of an entry tells whoever entered it (issue 14):
in the portal and by e-mail, once the decision is committed; a rejection carries the office's
comment, which says what to correct."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intlportal.models import Verification
from intlportal.verification import reject, save_change, verify
from notifications.models import Kind, Notification
from tests.factories import CoordinatorMembershipFactory, FacultyYearFactory, MobilityFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]




@pytest.fixture
def proposal(faculty_a, coord_a):
    """A coordinator's change to a verified headcount, awaiting the office."""
    year = FacultyYearFactory(faculty=faculty_a, year=2025, teachers=104)
    year.teachers = 40
    return save_change(year, by=coord_a, expected_version=year.version)


@pytest.fixture
def reads_english(coord_a):
    coord_a.language = "en"
    coord_a.save()
    return coord_a


def test_verifying_tells_the_coordinator_who_proposed_the_change(proposal, coord_a, office, reads_english, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    other = UserFactory(username="coord_a2", roles=["coordinator"])
    CoordinatorMembershipFactory(user=other, faculty=proposal.faculty)
    with django_capture_on_commit_callbacks(execute=True):
        verify(proposal, by=office, expected_version=proposal.version)
    [note] = Notification.objects.all()
    assert (note.recipient, note.kind, note.actor) == (coord_a, Kind.EVIDENCE_VERIFIED, office)
    assert note.url == proposal.get_absolute_url() and note.record == proposal
    assert note.message == f"Your entry “{proposal}” has been verified by the Foreign Affairs Office."
    [mail] = mailoutbox
    assert mail.to == [coord_a.email] and note.message in mail.body


def test_a_rejection_carries_the_offices_comment_once(proposal, coord_a, office, reads_english, coord_a_client,
                                                      mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reject(proposal, by=office, comment="Payroll lists 104 full-time teachers.")
    [note] = Notification.objects.filter(recipient=coord_a)
    assert note.kind == Kind.EVIDENCE_REJECTED
    assert note.message == (f"Your entry “{proposal}” did not pass the office's verification: "
                            "Payroll lists 104 full-time teachers.")
    body = coord_a_client.get(reverse("notifications:list")).content.decode()
    assert body.count("Payroll lists 104 full-time teachers.") == 1
    assert mailoutbox[0].body.count("Payroll lists 104 full-time teachers.") == 1


def test_a_new_record_tells_the_coordinator_who_entered_it(faculty_a, coord_a, office,
                                                           django_capture_on_commit_callbacks):
    other = UserFactory(username="coord_a2", roles=["coordinator"])
    CoordinatorMembershipFactory(user=other, faculty=faculty_a)
    mobility = MobilityFactory(faculty=faculty_a, verification=Verification.PENDING, verified_at=None)
    mobility.history.update(history_user=coord_a)  # entered by coord_a's form
    with django_capture_on_commit_callbacks(execute=True):
        verify(mobility, by=office)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("coord_a", Kind.EVIDENCE_VERIFIED)]


def test_with_nobody_known_the_faculty_coordinators_are_told(faculty_a, coord_a, coord_b, office,
                                                            django_capture_on_commit_callbacks):
    # Loaded by a command: no user in its history, no proposal author.
    other = UserFactory(username="coord_a2", roles=["coordinator"])
    CoordinatorMembershipFactory(user=other, faculty=faculty_a)
    mobility = MobilityFactory(faculty=faculty_a, verification=Verification.PENDING, verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        reject(mobility, by=office, comment="No invitation letter attached.")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"coord_a", "coord_a2"}


def test_the_office_is_not_told_of_its_own_decision(faculty_a, office, django_capture_on_commit_callbacks):
    mobility = MobilityFactory(faculty=faculty_a, verification=Verification.PENDING, verified_at=None)
    mobility.history.update(history_user=office)
    with django_capture_on_commit_callbacks(execute=True):
        verify(mobility, by=office)
    assert not Notification.objects.exists()


def test_nothing_is_sent_before_the_decision_commits(proposal, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        verify(proposal, by=office)
    assert not Notification.objects.exists() and len(callbacks) == 1


def test_the_bulk_decision_on_the_work_queue_notifies_each_author(proposal, faculty_b, coord_a, coord_b, office,
                                                                  office_client, django_capture_on_commit_callbacks):
    theirs = FacultyYearFactory(faculty=faculty_b, year=2025)
    theirs.students = 1500
    theirs = save_change(theirs, by=coord_b, expected_version=theirs.version)
    items = [f"faculties.facultyyear:{r.pk}:{r.version}" for r in (proposal, theirs)]
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(reverse("workqueue:verification"),
                           {"item": items, "action": "reject", "comment": "Attach the payroll.", "confirmed": "1"})
    assert sorted(Notification.objects.values_list("recipient__username", "kind", "comment")) == [
        ("coord_a", Kind.EVIDENCE_REJECTED, "Attach the payroll."),
        ("coord_b", Kind.EVIDENCE_REJECTED, "Attach the payroll."),
    ]
