"""Records the reminders and the work queue look at, made with the fewest fields that matter."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from exchanges.models import Agreement, Mobility, PartnerInstitution
from staff.models import ForeignTeacherContract, StaffMember

_seq = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def partner(**kw) -> PartnerInstitution:
    n = next(_seq)
    return PartnerInstitution.objects.create(**{"name": f"University {n}", "country": "GB", **kw})


def agreement(*, faculties=(), ends_in: int, status="active", **kw) -> Agreement:
    obj = Agreement.objects.create(partner=kw.pop("partner", None) or partner(), kind="student_exchange",
                                   title=kw.pop("title", f"学生交换协议 {next(_seq)}"),
                                   starts_on=days(-400), ends_on=days(ends_in), status=status, **kw)
    obj.faculties.set(faculties)
    return obj


def staff_member(faculty, **kw) -> StaffMember:
    n = next(_seq)
    return StaffMember.objects.create(faculty=faculty, staff_no=f"T{n:05d}", name=f"John Smith {n}",
                                      nationality="GB", category="foreign_teacher", **kw)


def contract(faculty, *, ends_in: int, permit_in: int | None = None, **kw) -> ForeignTeacherContract:
    return ForeignTeacherContract.objects.create(
        staff_member=staff_member(faculty), category="language_teacher", starts_on=days(-300), ends_on=days(ends_in),
        work_permit_no="WP123", work_permit_expires_on=days(permit_in) if permit_in is not None else None,
        status="active", **kw)


def mobility(faculty, *, ended_days_ago: int, report=False, **kw) -> Mobility:
    n = next(_seq)  # a person of their own: (faculty, person_id, activity, starts_on) is unique
    values = {"direction": "outbound", "person_kind": "teacher", "person_name": f"张老师{n}",
              "person_id": f"S{n:03d}", "country": "GB", "activity": "visit", "status": "completed",
              "starts_on": days(-ended_days_ago - 10), "ends_on": days(-ended_days_ago)}
    values.update(kw)
    if report:
        values["report_submitted_at"] = timezone.now()
    return Mobility.objects.create(faculty=faculty, **values)
