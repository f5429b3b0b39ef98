"""Foreign visits in a real browser (in Chinese), the whole path: a coordinator registers a
delegation with two lectures and submits it; the office approves it, makes the invitation letter
from its Word template and downloads it (the merged values are in the file); the delegation is
received, the visit recorded as hosted and closed; the two lectures are in the faculty's
scorecard drill-down of lectures by overseas scholars. axe checks every page."""

import re
from datetime import timedelta

import pytest
from docx import Document
from playwright.sync_api import expect

from visits.models import Visit

pytestmark = pytest.mark.browser

LECTURES = ("Machine learning for materials discovery", "Research data infrastructures in Europe")


def _form(page, action: str):
    return page.locator(f'form[action="{action}"]')


def _status(pk: int) -> str:
    return Visit.objects.get(pk=pk).status


def _step(page, pk: int, action: str) -> None:
    page.locator(f'button[formaction="/visits/visits/{pk}/{action}/"], '
                 f'form[action="/visits/visits/{pk}/{action}/"] button[type=submit]').first.click()
    expect(page.locator("#visit-status")).to_be_visible()


def _text(path) -> str:
    """Every paragraph and table cell of a .docx."""
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_delegation_from_registration_to_the_lectures_counted(journey):
    from django.utils import timezone

    from exchanges.models import Event, Mobility
    from staff.models import StaffMember
    from visits.models import ProgrammeItem

    page = journey.page
    today = timezone.localdate()
    arrives, leaves = today + timedelta(days=20), today + timedelta(days=22)
    host = StaffMember.objects.filter(faculty__code="CS").order_by("pk").first()
    assert host is not None, "the demo has staff in CS"

    # 1. The coordinator registers the delegation: the visit, two members, two lectures and a banquet.
    journey.sign_in("coordinator")
    journey.visit("/visits/visits/new/")
    journey.check("a new foreign visit")
    page.locator("#id_title").fill("慕尼黑工业大学信息学院代表团来访")
    page.locator("#id_institution").fill("Technical University of Munich")
    page.locator("#id_country").select_option("DE")
    page.locator("#id_delegation_leader").fill("Prof. Helmut Krause")
    page.locator("#id_delegation_leader_position").fill("Dean, School of Computation, Information and Technology")
    page.locator("#id_purpose").select_option("lectures")
    page.locator("#id_arrives_on").fill(arrives.isoformat())
    page.locator("#id_leaves_on").fill(leaves.isoformat())
    page.locator("#id_host").select_option(str(host.pk))
    page.locator("#id_funding_source").select_option("faculty")
    page.locator("#id_budget_meals").fill("4800")
    page.locator("#id_budget_honoraria").fill("6000")
    page.locator("form:has(#id_title) button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/visits/visits/\d+/$"))
    visit = Visit.objects.get(title="慕尼黑工业大学信息学院代表团来访")

    for name, position in (("Helmut Krause", "Dean"), ("Lena Vogel", "Associate Professor")):
        members = _form(page, f"/visits/visits/{visit.pk}/members/add/")
        members.locator("input[name=name]").fill(name)
        members.locator("select[name=nationality]").select_option("DE")
        members.locator("input[name=position]").fill(position)
        members.locator("button[type=submit]").click()
        expect(page.locator("#h-members")).to_be_visible()
    entries = [(arrives, "meeting", "与计算机学院领导会谈", ""),
               (arrives + timedelta(days=1), "lecture", LECTURES[0], "Prof. Helmut Krause"),
               (arrives + timedelta(days=1), "lecture", LECTURES[1], "Dr. Lena Vogel"),
               (arrives + timedelta(days=1), "banquet", "欢迎晚宴", "")]
    for day, kind, title, speaker in entries:
        programme = _form(page, f"/visits/visits/{visit.pk}/programme/add/")
        programme.locator("input[name=day]").fill(day.isoformat())
        programme.locator("select[name=kind]").select_option(kind)
        programme.locator("input[name=title]").fill(title)
        programme.locator("input[name=speaker]").fill(speaker)
        programme.locator("button[type=submit]").click()
        expect(page.locator("#h-programme")).to_be_visible()
    assert visit.members.count() == 2 and visit.programme.filter(kind="lecture").count() == 2
    journey.check("the visit with its delegation and programme")
    _step(page, visit.pk, "submit")
    assert _status(visit.pk) == Visit.Status.SUBMITTED

    # 2. The office approves it and makes the invitation letter from its template.
    journey.switch_to("office")
    journey.visit("/work-queue/")
    page.locator(f'a[href="/visits/visits/{visit.pk}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/visits/visits/{visit.pk}/$"))
    journey.check("the visit as the office reviews it")
    _step(page, visit.pk, "approve")
    assert _status(visit.pk) == Visit.Status.OFFICE_APPROVED  # within budget, a dean's delegation: no leader
    _form(page, f"/documents/generate/visit_invitation/{visit.pk}/").locator("button[type=submit]").click()
    expect(page.locator("#documents table")).to_be_visible()
    journey.check("the visit with its invitation letter")
    letter = journey.download(lambda: page.locator("#documents table a[href$='/download/']").first.click())
    assert letter.suffix == ".docx"
    content = _text(letter)
    for expected in ("Prof. Helmut Krause", "Technical University of Munich", "计算机科学与技术学院",
                     "School of Computer Science and Technology", LECTURES[0]):
        assert expected in content, f"{expected!r} is not in the invitation letter"

    # 3. The delegation comes (the live server cannot move the calendar: the visit's days move into the
    # past instead, as they would have passed); the coordinator records it hosted, the office closes it.
    shift = (today - timedelta(days=3)) - arrives
    Visit.objects.filter(pk=visit.pk).update(arrives_on=arrives + shift, leaves_on=leaves + shift)
    for item in ProgrammeItem.objects.filter(visit=visit):
        ProgrammeItem.objects.filter(pk=item.pk).update(day=item.day + shift)
    journey.switch_to("coordinator")
    journey.visit(f"/visits/visits/{visit.pk}/")
    _step(page, visit.pk, "host")
    assert _status(visit.pk) == Visit.Status.HOSTED
    journey.switch_to("office")
    journey.visit(f"/visits/visits/{visit.pk}/")
    _step(page, visit.pk, "close")
    assert _status(visit.pk) == Visit.Status.CLOSED
    expect(page.locator("#h-outcomes")).to_be_visible()
    journey.check("the visit closed into mobilities and lectures")
    assert Mobility.objects.filter(visit_member__visit=visit, direction="inbound", status="completed",
                                   verified_at__isnull=False).count() == 2
    lectures = Event.objects.filter(visit_programme_item__visit=visit).order_by("title")
    assert [(e.kind, e.speaker) for e in lectures] == [("overseas_scholar_lecture", "Prof. Helmut Krause"),
                                                       ("overseas_scholar_lecture", "Dr. Lena Vogel")]

    # 4. The faculty's scorecard drill-down of lectures by overseas scholars lists both.
    journey.switch_to("coordinator")
    year = lectures[0].date.year
    journey.visit(f"/assessment/{year}/faculties/CS/overseas_scholar_lectures/records/")
    journey.check("the lectures behind the faculty's score")
    for title in LECTURES:
        expect(page.locator("main")).to_contain_text(title)
    journey.assert_no_page_errors()
