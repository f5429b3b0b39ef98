"""The demo university's staff and programs answer the office's questions."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from programs.selectors import breaching_programs
from staff.models import ForeignTeacherContract, Publication, StaffMember, TeachingEvaluation


@pytest.mark.django_db
def test_the_demo_has_foreign_teachers_to_follow_and_one_program_breaking_a_rule():
    call_command("seed_demo", password="demo-pass-123", verbosity=0)
    today = timezone.localdate()

    foreign = StaffMember.objects.foreign()
    assert foreign.filter(faculty__code="CS").exists() and foreign.filter(faculty__code="FL").exists()
    assert ForeignTeacherContract.objects.filter(staff_member__in=foreign).count() == foreign.count()
    assert ForeignTeacherContract.objects.work_permit_expiring_within(62).filter(
        work_permit_expires_on__gte=today + datetime.timedelta(days=28)).count() == 2
    assert TeachingEvaluation.objects.filter(staff_member__in=foreign).values("semester").distinct().count() >= 5
    # Faculties differ in their share of international publications.
    shares = {
        code: Publication.objects.filter(staff_member__faculty__code=code, is_international=True).count()
        for code in ("CS", "FL", "ME", "LAW")
    }
    assert len(set(shares.values())) > 1
    assert [(c.program.code, [r.code for r in c.check.failing]) for c in breaching_programs()] == [
        ("ME-DE-2020", ["introduced_courses"])]
