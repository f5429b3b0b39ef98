"""The audit trail pages: a record's history field by field, deleted records and their restore."""

from __future__ import annotations

import pytest
from django.urls import reverse

from faculties import services
from faculties.models import Discipline, Faculty, FacultyYear, InternationalizationPlan
from intlportal.history import record_models
from tests.factories import DisciplineFactory, FacultyYearFactory, PlanFactory, PlanTargetFactory

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse("history:record", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def test_the_office_sees_who_changed_which_field_from_what_to_what(office_client, faculty_a):
    edit = reverse("faculties:faculty-edit", args=[faculty_a.pk])
    office_client.post(edit, {"code": "A", "name_zh": "甲学院", "name_en": "School of A", "is_active": "on",
                              "version": faculty_a.version})
    body = office_client.get(history_url(faculty_a)).content.decode()
    assert "office_user" in body
    assert "Faculty A" in body and "School of A" in body


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("coord_a", 403), ("coord_b", 403)])
def test_only_the_office_sees_a_history(personas, faculty_a, who, status):
    assert personas[who].get(history_url(faculty_a)).status_code == status


def test_the_history_of_a_model_that_is_not_a_record_kind_is_not_found(office_client, office):
    assert office_client.get(reverse("history:record", args=["intlportal", "user", office.pk])).status_code == 404
    assert office_client.get(reverse("history:record", args=["nosuch", "thing", 1])).status_code == 404


def test_the_record_page_links_to_its_history_for_the_office_only(office_client, leader_client, faculty_a):
    page = reverse("faculties:faculty-detail", args=[faculty_a.pk])
    assert history_url(faculty_a) in office_client.get(page).content.decode()
    assert history_url(faculty_a) not in leader_client.get(page).content.decode()


def test_workflow_transitions_appear_in_the_history_with_their_comment(office_client, faculty_a, coord_a, office):
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    services.plan_submit(plan=plan, by=coord_a)
    services.plan_return(plan=plan, by=office, comment="请补充具体措施")
    body = office_client.get(history_url(plan)).content.decode()
    assert "请补充具体措施" in body
    assert "coord_a" in body


def test_a_deleted_record_is_listed_and_the_office_restores_it(office_client, faculty_a):
    discipline = DisciplineFactory(faculty=faculty_a, name_zh="国际经济与贸易")
    office_client.post(reverse("faculties:discipline-delete", args=[discipline.pk]))
    assert not Discipline.objects.exists()
    listing = office_client.get(reverse("history:deleted")).content.decode()
    assert "国际经济与贸易" in listing
    entry = Discipline.history.get(history_type="-")
    response = office_client.post(reverse("history:restore", args=["faculties", "discipline", entry.history_id]))
    restored = Discipline.objects.get(pk=discipline.pk)
    assert response.status_code == 302
    assert restored.name_zh == "国际经济与贸易"
    restore_url = reverse("history:restore", args=["faculties", "discipline", entry.history_id])
    assert restore_url not in office_client.get(reverse("history:deleted")).content.decode()


def test_restoring_over_a_unique_value_taken_since_is_refused_with_a_message(office_client, faculty_a):
    year = FacultyYearFactory(faculty=faculty_a, year=2025)
    year.delete()
    FacultyYearFactory(faculty=faculty_a, year=2025, teachers=7)
    entry = FacultyYear.history.get(history_type="-")
    response = office_client.post(reverse("history:restore", args=["faculties", "facultyyear", entry.history_id]),
                                  follow=True)
    assert FacultyYear.objects.get().teachers == 7
    assert "alert-danger" in response.content.decode()


def test_restoring_a_part_of_a_deleted_plan_asks_to_restore_the_plan_first(office_client, faculty_a):
    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    plan.delete()
    target_entry = plan.targets.model.history.get(history_type="-")
    response = office_client.post(
        reverse("history:restore", args=["faculties", "plantarget", target_entry.history_id]), follow=True)
    assert "alert-danger" in response.content.decode()
    plan_entry = InternationalizationPlan.history.get(history_type="-")
    office_client.post(reverse("history:restore", args=["faculties", "internationalizationplan",
                                                         plan_entry.history_id]))
    office_client.post(reverse("history:restore", args=["faculties", "plantarget", target_entry.history_id]))
    assert InternationalizationPlan.objects.get().targets.count() == 1


def test_only_the_office_restores(leader_client, coord_a_client, faculty_a):
    DisciplineFactory(faculty=faculty_a).delete()
    entry = Discipline.history.get(history_type="-")
    address = reverse("history:restore", args=["faculties", "discipline", entry.history_id])
    assert leader_client.post(address).status_code == 403
    assert coord_a_client.post(address).status_code == 403
    assert leader_client.get(reverse("history:deleted")).status_code == 403
    assert not Discipline.objects.exists()


def test_the_deleted_list_filters_by_kind(office_client, faculty_a):
    DisciplineFactory(faculty=faculty_a, name_zh="被删学科").delete()
    FacultyYearFactory(faculty=faculty_a, year=2019).delete()
    body = office_client.get(reverse("history:deleted"), {"kind": "faculties.facultyyear"}).content.decode()
    assert "被删学科" not in body and "2019" in body


@pytest.mark.parametrize("rows", [1, 20])
def test_the_deleted_list_query_count_does_not_grow_with_rows(office_client, faculty_a, rows,
                                                               django_assert_num_queries):
    for i in range(rows):
        DisciplineFactory(faculty=faculty_a, name_zh=f"学科{i}").delete()
    kinds = len(record_models())
    # session, user, roles; one index query per record kind; the page's deleted disciplines and
    # their faculties (one query each); the navbar's unread notifications
    with django_assert_num_queries(3 + kinds + 2 + 1):
        response = office_client.get(reverse("history:deleted"))
    assert response.status_code == 200


@pytest.mark.parametrize("changes", [1, 15])
def test_a_history_page_query_count_does_not_grow_with_changes(office_client, faculty_a, changes,
                                                               django_assert_num_queries):
    for i in range(changes):
        Faculty.objects.filter(pk=faculty_a.pk).update(name_en=f"v{i}")
        faculty_a.refresh_from_db()
        faculty_a.name_en = f"Name {i}"
        faculty_a.save()
    # session, user, roles; count, page of history with users; the current record;
    # the navbar's unread notifications
    with django_assert_num_queries(7):
        office_client.get(history_url(faculty_a))


def test_a_long_step_comment_is_kept_whole_by_the_step_and_cut_to_its_column_in_the_history(
        coord_a, office, faculty_a):
    """A workflow step's comment becomes the history row's reason, a column of 100 characters
    that PostgreSQL enforces: the history keeps its start, the step keeps it whole."""
    from intlportal.models import CHANGE_REASON_CHARS, WorkflowTransition
    from tests.factories import TripCountryFactory, TripFactory, TripMemberFactory
    from trips import services

    trip = TripFactory(faculty=faculty_a)
    TripMemberFactory(trip=trip)
    TripCountryFactory(trip=trip)
    services.submit(trip=trip, by=coord_a)
    comment = "请补充邀请函中文译文，并逐日说明日程安排、经费来源与预算测算依据。" * 8  # 280 characters
    services.return_for_changes(trip=trip, by=office, comment=comment)

    reason = trip.history.latest("history_id").history_change_reason
    assert len(reason) <= CHANGE_REASON_CHARS and reason.startswith(comment[:50])
    assert WorkflowTransition.objects.filter(object_id=trip.pk).latest("at").comment == comment
