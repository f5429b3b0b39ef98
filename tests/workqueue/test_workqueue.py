"""The office's work queue: one page with everything waiting for the office."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from faculties import services
from tests.factories import PlanFactory, PlanTargetFactory
from tests.notifications import records

pytestmark = pytest.mark.django_db
URL = "/work-queue/"


def test_the_url_name_is_the_work_queue():
    assert reverse("workqueue:index") == URL


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 403), ("coord_a", 403), ("coord_b", 403)])
def test_only_the_office_has_a_work_queue(personas, who, status):
    assert personas[who].get(URL).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(personas):
    assert personas["anonymous"].get(URL).status_code == 302


def test_each_waiting_item_links_to_where_it_is_handled(office_client, faculty_a, coord_a):
    plan = PlanFactory(faculty=faculty_a, title="待审规划")
    PlanTargetFactory(plan=plan)
    services.plan_submit(plan=plan, by=coord_a)
    agreement = records.agreement(faculties=[faculty_a], ends_in=45, title="即将到期的协议")
    contract = records.contract(faculty_a, ends_in=60, permit_in=20)
    late = records.mobility(faculty_a, ended_days_ago=40)
    records.agreement(faculties=[faculty_a], ends_in=200, title="远期协议")
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
        records.agreement(faculties=[faculty], ends_in=10 + i)
        records.contract(faculty, ends_in=20 + i, permit_in=30 + i)
        records.mobility(faculty, ended_days_ago=40 + i)
        records.mobility(faculty, ended_days_ago=-30, status="planned", submitted_at=timezone.now())


@pytest.mark.parametrize("rows", [1, 25])
def test_the_work_queue_query_count_does_not_grow_with_items(office_client, faculty_a, coord_a, rows,
                                                             django_assert_num_queries):
    _fill(faculty_a, coord_a, rows)
    # session, user, roles; per section a count and a page (plans with faculty and submitter;
    # mobilities to approve; agreements with partner + their faculties; contracts with staff and
    # faculty; permits; overdue reports): 2 × 6 + 1; the breaching programs; the navbar's unread count
    with django_assert_num_queries(3 + 13 + 1 + 1):
        assert office_client.get(URL).status_code == 200
