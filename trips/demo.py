"""Demo trips abroad of the computer-science faculty, one at each step of the approval chain
(part of ``seed_demo``): a draft, one awaiting the office, one awaiting a university leader, one
returned for changes, one on public notice and one approved for travel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from exchanges.models import FundingScheme, PartnerInstitution
from staff.models import StaffMember
from trips import changes, services, travel
from trips.models import Trip, TripCountry, TripDay, TripMember, TripPlan, Visa

# The invitation letter a submission needs (a minimal PDF standing for the scanned letter).
DEMO_INVITATION = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                   b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

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
    trip.invitation.save("invitation.pdf", ContentFile(DEMO_INVITATION))
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
    seed_plans_and_itineraries(ctx, faculty, made)
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
    seed_change_and_objection(ctx, faculty=faculty, staff=staff, partner=partner, on_notice=on_notice,
                              coordinator=coordinator, office=office)
    seed_travel(ctx, faculty=faculty, staff=staff, partner=partner, cleared=cleared, on_notice=on_notice,
                coordinator=coordinator, office=office)
    seed_passports(ctx, faculty=faculty, staff=staff, office=office)  # after every trip: it lends for them


# --- annual plans, itineraries, a change request, an objection (trips/changes.py) ----------------------

CITIES = {"GB": "伦敦", "JP": "东京", "DE": "柏林", "FR": "巴黎", "NL": "阿姆斯特丹", "SG": "新加坡", "AU": "悉尼",
          "US": "纽约", "KR": "首尔"}
ACTIVITIES = ["抵达{city}，入住酒店，与邀请方确认日程。", "赴合作院校座谈，介绍我校学科建设与国际合作情况。",
              "参加学术会议并作报告，与同行交流研究进展。", "参观实验室，商谈联合培养与科研合作事项。",
              "整理会谈纪要，与合作方商定后续合作计划。", "离开{city}，乘机回国。"]


def _itinerary(trip: Trip) -> None:
    countries = list(trip.countries.order_by("arrives_on"))
    length = (trip.returns_on - trip.departs_on).days
    for n in range(length + 1):
        day = trip.departs_on + timedelta(days=n)
        here = next((c for c in countries if c.arrives_on <= day <= c.leaves_on), countries[-1])
        city = CITIES.get(here.country.code, here.country.name)
        text = ACTIVITIES[0] if n == 0 else ACTIVITIES[-1] if n == length else ACTIVITIES[1 + (n - 1) % 4]
        TripDay.objects.get_or_create(trip=trip, day=day, defaults={"place": city, "activities": text.format(city=city)})


def seed_plans_and_itineraries(ctx, faculty, made) -> None:
    """Each demo faculty's annual outbound plan (年度出访计划) for this year (and the computer-science
    faculty's for the years its demo trips depart), and the itineraries of the demo trips."""
    today = timezone.localdate()
    filer = ctx.extra.get("users", {}).get("coordinator")
    years = {today.year}
    plans = 0
    for position, (_code, each) in enumerate(sorted(ctx.faculties.items())):
        for year in sorted(years | ({trip.departs_on.year for trip in made} if each == faculty else set())):
            _plan, created = TripPlan.objects.get_or_create(faculty=each, year=year, defaults={
                "planned_trips": 4 + position % 5, "planned_people": 10 + position % 7 * 2,
                "countries": "日本、德国、英国、美国、新加坡", "budget": Decimal(150000 + position % 5 * 30000),
                "notes": "上半年：赴日本、新加坡参加学术会议；下半年：赴欧洲合作院校访问，洽谈联合培养项目。",
                "filed_by": filer if each == faculty else None})
            plans += created
    for trip in made:
        _itinerary(trip)
    ctx.log(f"trips abroad: {plans} annual outbound plans, itineraries of {len(made)} trips")


def seed_change_and_objection(ctx, *, faculty, staff, partner, on_notice, coordinator, office) -> None:
    """A trip approved for travel whose change (任务变更) is being prepared, and an objection with
    no outcome yet to the trip on public notice."""
    title = "赴韩国参加人工智能国际研讨会"
    if Trip.objects.filter(faculty=faculty, title=title).exists():
        return
    today = timezone.localdate()
    earlier = today - timedelta(days=21)
    trip = _make(faculty, staff, partner, 0, (title, Trip.Purpose.CONFERENCE, ["KR"], 35, 5, False, "16000"))
    _itinerary(trip)
    services.submit(trip=trip, by=coordinator, today=earlier)
    services.office_approve(trip=trip, by=office, today=earlier)
    services.clear_for_travel(trip=trip, by=office, today=today)
    changes.open_change(trip=trip, by=coordinator,
                        comment="会议主办方调整议程，返程推迟一天；新增一名青年教师随团参会。")
    Trip.objects.filter(pk=trip.pk).update(returns_on=trip.returns_on + timedelta(days=1),
                                           budget_accommodation=trip.budget_accommodation + Decimal("1200"))
    trip.countries.update(leaves_on=trip.returns_on + timedelta(days=1))
    TripMember.objects.get_or_create(trip=trip, staff_member=staff[2], defaults={"role": TripMember.Role.MEMBER})
    TripDay.objects.create(trip=trip, day=trip.returns_on + timedelta(days=1), place="首尔",
                           activities="参加会后工作坊，离开首尔，乘机回国。")
    changes.record_objection(trip=on_notice, by=office,
                             text="有教职工反映：出访人员中一人本年度已两次出访，请学院说明必要性。")
    ctx.log("trips abroad: a change request being prepared, an objection to a notice")


# --- passports and travel permits (trips/passports.py) ---------------------------------------------------


def _document(holder, kind, number, issued, expires, office, registered):
    from trips import passports
    from trips.models import TravelDocument

    return passports.register(document=TravelDocument(holder=holder, kind=kind, number=number, issued_on=issued,
                                                      expires_on=expires), by=office, on=registered,
                              note="入库登记，由国际交流与合作处集中保管。")


def seed_passports(ctx, *, faculty, staff, office) -> None:
    """The office's registry for the computer-science faculty: a passport in every custody state
    (in the office, lent for a trip, returned, expired, cancelled) with its custody log, permits
    for Hong Kong and Macao and for Taiwan, one expiring within six months, and — when the demo has
    a trip back home — a passport overdue after one reminder (one more would block the faculty)."""
    from trips import passports
    from trips.models import CustodyEvent, TravelDocument

    if TravelDocument.objects.filter(holder__faculty=faculty).exists():
        return
    today = timezone.localdate()
    years = lambda n: today - timedelta(days=365 * n)  # noqa: E731
    C, K = TravelDocument.Custody, TravelDocument.Kind
    made = 0
    # Every member of a trip from public notice on has an official passport; lent where the trip allows.
    members = (TripMember.objects.filter(trip__faculty=faculty, trip__status__in=[
        Trip.Status.ON_NOTICE, Trip.Status.CLEARED, Trip.Status.TRAVELLING, Trip.Status.BACK])
        .select_related("trip", "staff_member").order_by("trip__departs_on", "pk"))
    seen = set()
    for n, member in enumerate(members):
        if member.staff_member_id in seen:
            continue
        seen.add(member.staff_member_id)
        document = _document(member.staff_member, K.OFFICIAL, f"SE{3100200 + n * 17:07d}", years(2), years(-3),
                             office, years(2) + timedelta(days=20))
        made += 1
        trip = member.trip
        if trip.status in passports.LENDABLE_TRIP_STATES and trip.status != Trip.Status.ON_NOTICE:
            passports.lend(document=document, trip=trip, by=office, on=min(today, trip.departs_on))
        elif trip.status == Trip.Status.BACK:
            # Lent before the group left; the trip has come back since (written as it happened).
            due = trip.returns_on + timedelta(days=settings.TRIP_PASSPORT_RETURN_DAYS)
            lent_on = trip.departs_on - timedelta(days=3)
            TravelDocument.objects.filter(pk=document.pk).update(
                custody=C.LENT, lent_for=trip, lent_on=lent_on, return_due_on=due, version=document.version + 1,
                return_reminders=1 if due < today else 0)
            CustodyEvent.objects.create(document=document, custody=C.LENT, on=lent_on, trip=trip, by=office,
                                        note=f"应于{due:%Y-%m-%d}前交回。")
    spare = [person for person in staff if person.pk not in seen]
    if len(spare) >= 6:
        returned = _document(spare[0], K.SERVICE, "PE2208841", years(3), years(-2), office, years(3))
        trip_note = "赴法国巴黎萨克雷大学访问交流（2025年）"
        lent_on, back_on = years(1), years(1) + timedelta(days=16)
        CustodyEvent.objects.create(document=returned, custody=C.LENT, on=lent_on, by=office, note=trip_note)
        CustodyEvent.objects.create(document=returned, custody=C.RETURNED, on=back_on, by=office,
                                    note="按期交回。")
        TravelDocument.objects.filter(pk=returned.pk).update(custody=C.RETURNED, version=returned.version + 2)
        expired = _document(spare[1], K.OFFICIAL, "SE1907734", years(10), today - timedelta(days=40), office,
                            years(9))
        passports.mark(document=expired, custody=C.EXPIRED, by=office, on=today - timedelta(days=39),
                       note="证件有效期届满，待持照人申请换发。")
        cancelled = _document(spare[2], K.PRIVATE, "E63315208", years(4), years(-6), office, years(4))
        passports.mark(document=cancelled, custody=C.CANCELLED, by=office, on=today - timedelta(days=60),
                       note="持照人调离学校，证件按规定注销。")
        _document(spare[3], K.HK_MACAO, "C60428817", years(2), years(-3), office, years(2))
        # Expiring within six months: in the work queue and the nightly reminders.
        _document(spare[4], K.TAIWAN, "L21907316", years(5) + timedelta(days=120), today + timedelta(days=120),
                  office, years(5) + timedelta(days=130))
        _document(spare[5], K.PRIVATE, "E71842260", years(1), years(-9), office, years(1))
        made += 6
    overdue = TravelDocument.objects.filter(holder__faculty=faculty, custody=C.LENT, return_due_on__lt=today).count()
    ctx.log(f"trips abroad: {made} passports and permits in the office's registry ({overdue} overdue)")


# --- briefing, visas, travel, report, spending, closing (trips/travel.py) ------------------------------

# title, purpose, country, days since departure, length, report, spending (travel, accommodation, meals)
TRAVELLED = [
    ("赴日本京都大学开展联合研究", Trip.Purpose.JOINT_RESEARCH, "JP", 3, 8, "", None),
    ("赴德国参加国际机器人学术会议", Trip.Purpose.CONFERENCE, "DE", 20, 6,
     "代表团出席国际机器人学术会议并作两场分会报告，与慕尼黑工业大学商定明年互派博士生。",
     ("9000", "4200", "1500")),
    ("赴新加坡国立大学教学交流", Trip.Purpose.TEACHING, "SG", 75, 7,
     "在新加坡国立大学讲授《机器学习》短期课程两周，与对方商定共建联合实验室，已签署合作备忘录。",
     ("5600", "3800", "1200")),
]


def _travelled_trip(faculty, staff, partner, row, funding_scheme) -> Trip:
    title, purpose, country, since, length, _report, spent = row
    today = timezone.localdate()
    departs = today - timedelta(days=since)
    returns = departs + timedelta(days=length)
    scheme = funding_scheme if spent and funding_scheme is not None else None
    trip = Trip.objects.create(
        faculty=faculty, title=title, purpose=purpose, partner=partner, departs_on=departs, returns_on=returns,
        funding_source=Trip.Funding.SCHEME if scheme else Trip.Funding.GRANT, funding_scheme=scheme,
        grant_number="" if scheme else "NSFC-62170311", in_annual_plan=True,
        budget_travel=Decimal("10000"), budget_accommodation=Decimal("5000"), budget_meals=Decimal("2000"))
    for position, person in enumerate(staff):
        TripMember.objects.create(trip=trip, staff_member=person,
                                  role=TripMember.Role.LEADER if position == 0 else TripMember.Role.MEMBER)
    TripCountry.objects.create(trip=trip, country=country, arrives_on=departs, leaves_on=returns)
    trip.invitation.save("invitation.pdf", ContentFile(DEMO_INVITATION))
    return trip


def seed_travel(ctx, *, faculty, staff, partner, cleared, on_notice, coordinator, office) -> None:
    """A trip travelling, one back with its report and spending, one closed into mobilities, and
    visas in every status (with briefings confirmed) on the trips approved and on notice."""
    if Trip.objects.filter(faculty=faculty, title=TRAVELLED[0][0]).exists():
        return
    today = timezone.localdate()
    schemes = [s for s in FundingScheme.objects.with_totals().order_by("-year", "pk") if s.remaining >= 20000]
    scheme = schemes[0] if schemes else None
    made = []
    for index, row in enumerate(TRAVELLED):
        trip = _travelled_trip(faculty, staff[index * 3:index * 3 + 2], partner, row, scheme)
        applied = trip.departs_on - timedelta(days=30)
        services.submit(trip=trip, by=coordinator, today=applied)
        services.office_approve(trip=trip, by=office, today=applied)
        services.clear_for_travel(trip=trip, by=office, today=trip.departs_on - timedelta(days=5))
        for member in trip.members.all():
            travel.confirm_briefing(trip=trip, member=member, by=coordinator)
            travel.save_visa(visa=Visa(member=member, country=trip.countries.get().country, kind=Visa.Kind.OFFICIAL,
                                       status=Visa.Status.GRANTED, applied_on=applied,
                                       granted_on=applied + timedelta(days=10), valid_from=applied,
                                       valid_until=trip.returns_on + timedelta(days=60)), by=coordinator)
        travel.depart(trip=trip, by=coordinator, comment="全体成员已按期出境。", today=trip.departs_on)
        made.append(trip)
    for trip, row in zip(made[1:], TRAVELLED[1:], strict=True):
        travel.come_back(trip=trip, by=coordinator, comment="全体成员已按期回国。", today=trip.returns_on)
        trip = Trip.objects.get(pk=trip.pk)
        trip.report_text = row[5]
        trip = travel.submit_report(trip=trip, by=coordinator, expected_version=trip.version)
        trip.spent_travel, trip.spent_accommodation, trip.spent_meals = (Decimal(v) for v in row[6])
        travel.record_spending(trip=trip, by=coordinator, expected_version=trip.version)
    travel.close(trip=made[2], by=office, comment="出访报告及经费决算齐全，予以结项。")
    # Visas in every status, and briefings confirmed, on the trips still ahead.
    statuses = [(Visa.Status.GRANTED, Visa.Kind.OFFICIAL), (Visa.Status.APPLIED, Visa.Kind.BUSINESS),
                (Visa.Status.REFUSED, Visa.Kind.VISITOR), (Visa.Status.NOT_NEEDED, Visa.Kind.OTHER)]
    position = 0
    for trip in (cleared, on_notice):
        stays = list(trip.countries.all())
        for member in trip.members.all():
            travel.confirm_briefing(trip=trip, member=member, by=coordinator)
            for stay in stays:
                status, kind = statuses[position % len(statuses)]
                position += 1
                granted = status == Visa.Status.GRANTED
                travel.save_visa(visa=Visa(
                    member=member, country=stay.country, kind=kind, status=status,
                    applied_on=today - timedelta(days=5) if status != Visa.Status.NOT_NEEDED else None,
                    granted_on=today if granted else None, valid_from=stay.arrives_on if granted else None,
                    valid_until=stay.leaves_on + timedelta(days=30) if granted else None), by=coordinator)
    ctx.log("trips abroad: one travelling, one back with its report, one closed into mobilities; "
            f"visas in every status ({position} on the trips ahead)")
