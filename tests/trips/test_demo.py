"""The demo university has a trip abroad at each step of the approval chain."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from trips.models import Trip, TripMember, Visa


@pytest.mark.django_db
def test_the_demo_has_a_trip_at_each_step_and_seeding_again_adds_none():
    call_command("seed_demo", password="demo-pass-1", stdout=io.StringIO())
    S = Trip.Status
    assert sorted(Trip.objects.values_list("status", flat=True)) == sorted(
        [S.DRAFT, S.FACULTY_APPROVED, S.OFFICE_APPROVED, S.CHANGES_REQUESTED, S.ON_NOTICE, S.CLEARED, S.CHANGING,
         S.TRAVELLING, S.BACK, S.CLOSED])  # travelling, back and closed: trips.demo.seed_travel
    waiting = Trip.objects.get(status=S.OFFICE_APPROVED)
    assert waiting.needs_leader  # on the leader's queue
    assert Trip.objects.get(status=S.ON_NOTICE).notice_ends_on >= timezone.localdate()
    # Travelled, back and closed (trips.demo.seed_travel): mobilities, a report, visas, briefings.
    closed = Trip.objects.get(status=S.CLOSED)
    assert closed.members.exists() and not closed.members.filter(mobility__isnull=True).exists()
    assert Trip.objects.get(status=S.BACK).report_submitted_at is not None
    assert set(Visa.objects.values_list("status", flat=True)) == set(Visa.Status.values)
    assert TripMember.objects.filter(briefed_at__isnull=False).exists()
    call_command("seed_demo", password="demo-pass-1", stdout=io.StringIO())
    assert Trip.objects.count() == 10  # with the change request and the three travelled (trips.demo)
