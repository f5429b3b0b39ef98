"""Demo trips abroad of the computer-science faculty, one at each step of the approval chain
(part of ``seed_demo``): a draft, one awaiting the office, one awaiting a university leader, one
returned for changes, one on public notice and one approved for travel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from exchanges.models import PartnerInstitution
from staff.models import StaffMember
from trips import services
from trips.models import Trip, TripCountry, TripMember

# title, purpose, countries, days ahead, length, senior head, budget
TRIPS = [
    ("赴英国参加国际计算机视觉会议", Trip.Purpose.CONFERENCE, ["GB"], 70, 6, False, "18000"),
    ("赴日本开展联合研究", Trip.Purpose.JOINT_RESEARCH, ["JP"], 50, 10, False, "22000"),
    ("学院领导赴德国、法国、荷兰访问合作院校", Trip.Purpose.VISIT, ["DE", "FR", "NL"], 60, 9, True, "56000"),
    ("赴新加坡参加教学培训", Trip.Purpose.TRAINING, ["SG"], 45, 5, False, "12000"),
    ("赴澳大利亚访学交流", Trip.Purpose.VISIT, ["AU"], 40, 8, False, "26000"),
    ("赴美国参加学术年会", Trip.Purpose.CONFERENCE, ["US"], 30, 7, False, "30000"),
]


def _make(faculty, staff, partner, index, row) -> Trip:
    title, purpose, countries, ahead, length, senior, budget = row
    departs = timezone.localdate() + timedelta(days=ahead)
    returns = departs + timedelta(days=length)
    trip = Trip.objects.create(
        faculty=faculty, title=title, purpose=purpose, partner=partner if index % 2 == 0 else None,
        inviting_institution="" if index % 2 == 0 else "东京大学", departs_on=departs, returns_on=returns,
        funding_source=Trip.Funding.HOST if index % 3 == 0 else Trip.Funding.GRANT,
        grant_number="" if index % 3 == 0 else f"NSFC-62{index:04d}", in_annual_plan=index != 4,
        outside_plan_reason="" if index != 4 else "应合作院校临时邀请参加联合课题启动会。",
        budget_travel=Decimal(budget) * Decimal("0.6"), budget_accommodation=Decimal(budget) * Decimal("0.3"),
        budget_meals=Decimal(budget) * Decimal("0.1"),
    )
    for position, person in enumerate(staff[index * 2:index * 2 + 2]):
        TripMember.objects.create(trip=trip, staff_member=person,
                                  role=TripMember.Role.LEADER if position == 0 else TripMember.Role.MEMBER,
                                  senior_post=senior and position == 0)
    step = max(1, length // len(countries))
    for position, code in enumerate(countries):
        arrives = departs + timedelta(days=position * step)
        leaves = returns if position == len(countries) - 1 else arrives + timedelta(days=step - 1)
        TripCountry.objects.create(trip=trip, country=code, arrives_on=arrives, leaves_on=leaves)
    return trip


def seed(ctx) -> None:
    faculty = ctx.faculties.get("CS")
    users = ctx.extra.get("users", {})
    staff = list(StaffMember.objects.filter(faculty=faculty).order_by("staff_no")[:12])
    if faculty is None or len(staff) < 12 or not users:
        ctx.log("trips abroad: skipped (no CS staff or users)")
        return
    if Trip.objects.filter(faculty=faculty).exists():
        ctx.log("trips abroad: already seeded")
        return
    coordinator, office = users["coordinator"], users["office"]
    partner = PartnerInstitution.objects.order_by("pk").first()
    made = [_make(faculty, staff, partner, index, row) for index, row in enumerate(TRIPS)]
    today = timezone.localdate()
    draft, awaiting_office, awaiting_leader, returned, on_notice, cleared = made
    services.submit(trip=awaiting_office, by=coordinator)
    services.submit(trip=awaiting_leader, by=coordinator)
    services.office_approve(trip=awaiting_leader, by=office, comment="出访国家较多，报校领导审批。")
    services.submit(trip=returned, by=coordinator)
    services.return_for_changes(trip=returned, by=office, comment="请补充邀请函中文译文，并说明培训日程。")
    services.submit(trip=on_notice, by=coordinator)
    services.office_approve(trip=on_notice, by=office)
    # Approved three weeks ago: its notice has ended, and the office approved it for travel.
    earlier = today - timedelta(days=21)
    services.submit(trip=cleared, by=coordinator, today=earlier)
    services.office_approve(trip=cleared, by=office, today=earlier)
    services.clear_for_travel(trip=cleared, by=office, today=today)
    ctx.log(f"trips abroad: {len(made)} (draft, awaiting the office, awaiting a leader, returned, "
            f"on notice, approved for travel)")
