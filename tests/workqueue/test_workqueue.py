"""The office's work queue: one page with everything waiting for the office."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from faculties import services
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    MobilityFactory,
    PlanFactory,
    PlanTargetFactory,
    VisitFactory,
    days,
)

pytestmark = pytest.mark.django_db
URL = "/work-queue/"


def test_the_url_name_is_the_work_queue():
    assert reverse("workqueue:index") == URL


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 403), ("coord_a", 302), ("coord_b", 302)])
def test_only_the_office_has_a_work_queue(personas, who, status):
    # a coordinator is sent to their own faculty's to-do instead
    response = personas[who].get(URL)
    assert response.status_code == status
    if status == 302:
        assert response.url == reverse("workqueue:mine")


def test_an_anonymous_visitor_is_sent_to_sign_in(personas):
    assert personas["anonymous"].get(URL).status_code == 302


def test_each_waiting_item_links_to_where_it_is_handled(office_client, faculty_a, coord_a):
    plan = PlanFactory(faculty=faculty_a, title="待审规划")
    PlanTargetFactory(plan=plan)
    services.plan_submit(plan=plan, by=coord_a)
    agreement = AgreementFactory(faculties=[faculty_a], ends_on=days(45), title="即将到期的协议")
    contract = ContractFactory(staff_member__faculty=faculty_a, ends_on=days(60), work_permit_expires_on=days(20))
    late = MobilityFactory(faculty=faculty_a, returned=True, ends_on=days(-40))
    AgreementFactory(faculties=[faculty_a], ends_on=days(200), title="远期协议")
    body = office_client.get(URL).content.decode()
    for obj in (plan, agreement, contract, late):
        assert obj.get_absolute_url() in body
    assert "即将到期的协议" in body and "远期协议" not in body


def test_an_empty_queue_says_so_section_by_section(office_client):
    body = office_client.get(URL).content.decode()
    assert "暂无待审核的规划" in body


def _fill(faculty, coord, n):
    for i in range(n):
        plan = PlanFactory(faculty=faculty, title=f"规划{i}")
        PlanTargetFactory(plan=plan)
        services.plan_submit(plan=plan, by=coord)
        AgreementFactory(faculties=[faculty], ends_on=days(10 + i))
        ContractFactory(staff_member__faculty=faculty, ends_on=days(20 + i), work_permit_expires_on=days(30 + i))
        MobilityFactory(faculty=faculty, returned=True, ends_on=days(-(40 + i)))
        MobilityFactory(faculty=faculty, status="submitted", submitted_at=timezone.now())
        VisitFactory(faculty=faculty, status="submitted" if i % 2 else "hosted")


@pytest.mark.parametrize("rows", [1, 25])
def test_the_work_queue_query_count_does_not_grow_with_items(office_client, faculty_a, coord_a, rows,
                                                             django_assert_num_queries):
    _fill(faculty_a, coord_a, rows)
    # session, user, roles; per section one page carrying the section's total (plans with faculty
    # and submitter; mobilities to approve; agreements with partner + their faculties; contracts
    # with staff and faculty; permits; overdue reports): 6 + 1; the breaching programs; the
    # navbar's unread count; the count of evidence to verify (none here: every record is verified);
    # the trips abroad waiting for the office (one more page); the trips leaving within a week
    # with a member lacking a visa (one more page); the travel documents overdue or expiring (one more);
    # the trip reports overdue (one more); the foreign visits to approve or close (one more)
    with django_assert_num_queries(3 + 7 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1):
        assert office_client.get(URL).status_code == 200


def test_each_section_counts_all_its_items_and_lists_the_first(office_client, faculty_a, coord_a):
    from workqueue import views

    _fill(faculty_a, coord_a, views.SHOWN + 5)
    sections = {s.key: s for s in office_client.get(URL).context["sections"]}
    for key in ("plans", "mobilities", "agreements", "contracts", "permits", "reports", "visits"):
        assert sections[key].total == views.SHOWN + 5, key
        assert len(sections[key].items) == views.SHOWN, key
    assert sections["reports"].items[0].due < sections["reports"].items[1].due  # still in queue order


def test_an_empty_section_counts_zero(office_client, db):
    sections = office_client.get(URL).context["sections"]
    assert all(s.total == 0 and s.items == [] for s in sections)


def test_foreign_visits_wait_for_the_office_to_approve_or_to_close_them(office_client, faculty_a):
    submitted = VisitFactory(faculty=faculty_a, status="submitted", title="待审批的来访")
    hosted = VisitFactory(faculty=faculty_a, status="hosted", title="待办结的来访")
    VisitFactory(faculty=faculty_a, status="draft", title="草稿来访")
    VisitFactory(faculty=faculty_a, status="office_approved", title="已批准的来访")
    section = {s.key: s for s in office_client.get(URL).context["sections"]}["visits"]
    assert section.total == 2
    assert {item.url for item in section.items} == {submitted.get_absolute_url(), hosted.get_absolute_url()}
