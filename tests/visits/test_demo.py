"""The demo university receives foreign delegations in every lasting state of the approval chain;
the closed ones have become inbound mobilities and lecture events."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import GeneratedDocument
from exchanges.models import Event, Mobility
from intlportal.workflow import timeline
from visits.models import ProgrammeItem, Visit, VisitMember


@pytest.mark.django_db
def test_the_demo_has_visits_in_every_state_and_their_outcomes():
    call_command("seed_demo", password="demo-pass-1", stdout=io.StringIO())
    S = Visit.Status
    today = timezone.localdate()

    assert set(Visit.objects.values_list("status", flat=True)) == set(S.values)
    assert 20 <= Visit.objects.count() <= 40
    assert len(set(Visit.objects.values_list("faculty", flat=True))) >= 10
    assert Visit.objects.filter(status=S.OFFICE_APPROVED, needs_leader=True).exists()  # on the leader's queue
    assert Visit.objects.filter(status=S.OFFICE_APPROVED, needs_leader=False).exists()
    # Every delegation has a head, members with passport data, and a programme with lectures and more.
    assert not Visit.objects.filter(members__isnull=True).exists()
    assert not VisitMember.objects.filter(passport_number="").exists()
    assert not VisitMember.objects.filter(date_of_birth__isnull=True).exists()
    kinds = set(ProgrammeItem.objects.values_list("kind", flat=True))
    assert {"meeting", "lecture", "tour", "banquet"} <= kinds
    assert not ProgrammeItem.objects.filter(kind="lecture", speaker="").exists()
    # Moved through the services: each visit past the draft has its timeline.
    submitted = Visit.objects.exclude(status=S.DRAFT).first()
    assert timeline(submitted).exists()
    # Hosted visits have arrived; closed ones are over, each member a completed inbound mobility
    # and each lecture an overseas scholar's lecture of the host faculty.
    assert not Visit.objects.filter(status=S.HOSTED, arrives_on__gt=today).exists()
    closed = list(Visit.objects.filter(status=S.CLOSED))
    assert closed and all(visit.leaves_on < today for visit in closed)
    for visit in closed:
        members = list(visit.members.select_related("mobility"))
        assert all(m.mobility and m.mobility.direction == Mobility.Direction.INBOUND
                   and m.mobility.status == Mobility.Status.COMPLETED for m in members)
        lectures = list(visit.programme.filter(kind=ProgrammeItem.Kind.LECTURE).select_related("event"))
        assert all(item.event and item.event.kind == Event.Kind.OVERSEAS_SCHOLAR_LECTURE
                   and item.event.faculty_id == visit.faculty_id and item.event.speaker == item.speaker
                   for item in lectures)
    assert not VisitMember.objects.exclude(visit__status=S.CLOSED).filter(mobility__isnull=False).exists()
    # The office's letters: invitations for approved delegations, one visa invitation (office only).
    kinds = set(GeneratedDocument.objects.values_list("kind", flat=True))
    assert kinds == {"visit_invitation", "visa_invitation"}
    assert GeneratedDocument.objects.get(kind="visa_invitation").personal_data
    # Seeding again adds nothing: tests/intlportal/test_seed_demo.py compares every table's count
    # (the visits', their members', programmes, mobilities and events among them) after a second run.
