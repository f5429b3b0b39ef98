"""Plan pages: list, page, form, workflow actions, targets and attachments, by role."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from faculties import services
from faculties.models import InternationalizationPlan, PlanAttachment, PlanTarget
from tests.factories import PlanFactory, PlanTargetFactory

pytestmark = pytest.mark.django_db
Status = InternationalizationPlan.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(faculty_a):
    return PlanFactory(faculty=faculty_a, first_year=2025, last_year=2027, title="甲学院国际化规划")


def url(name, *args):
    return reverse(f"faculties:{name}", args=args)


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 200), ("coord_a", 200), ("coord_b", 404)])
def test_the_plan_page_answers_each_role(personas, plan, who, status):
    assert personas[who].get(url("plan-detail", plan.pk)).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(personas, plan):
    response = personas["anonymous"].get(url("plan-detail", plan.pk))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_leader_never_gets_a_write_form(leader_client, plan):
    assert leader_client.get(url("plan-edit", plan.pk)).status_code == 403
    assert leader_client.get(url("plan-create")).status_code == 403
    assert leader_client.post(url("plan-submit", plan.pk)).status_code == 403
    assert leader_client.post(url("plan-approve", plan.pk)).status_code == 403
    assert leader_client.get(url("plan-target-create", plan.pk)).status_code == 403


def test_another_faculty_coordinator_gets_404_everywhere(coord_b_client, plan):
    target = PlanTargetFactory(plan=plan)
    addresses = [url("plan-edit", plan.pk), url("plan-delete", plan.pk), url("plan-target-edit", plan.pk, target.pk)]
    for address in addresses:
        assert coord_b_client.get(address).status_code == 404
    assert coord_b_client.post(url("plan-submit", plan.pk)).status_code == 404


def test_the_list_shows_a_coordinator_only_their_faculty(coord_a_client, plan, faculty_b):
    PlanFactory(faculty=faculty_b, title="乙学院规划")
    body = coord_a_client.get(url("plan-list")).content.decode()
    assert "甲学院国际化规划" in body
    assert "乙学院规划" not in body


def test_the_list_filters_by_status_and_year(office_client, plan, faculty_b):
    PlanFactory(faculty=faculty_b, title="乙学院旧规划", first_year=2020, last_year=2022, status=Status.APPROVED)
    body = office_client.get(url("plan-list"), {"status": "approved"}).content.decode()
    assert "乙学院旧规划" in body and "甲学院国际化规划" not in body
    body = office_client.get(url("plan-list"), {"year": 2026}).content.decode()
    assert "甲学院国际化规划" in body and "乙学院旧规划" not in body


def test_the_empty_list_says_what_to_do(coord_a_client, faculty_a):
    body = coord_a_client.get(url("plan-list")).content.decode()
    assert "提交" in body


@pytest.mark.parametrize("rows", [1, 30])
def test_the_plan_list_query_count_does_not_grow_with_rows(office_client, faculty_a, rows, django_assert_num_queries):
    for i in range(rows):
        PlanFactory(faculty=faculty_a, title=f"规划{i}")
    # session, user, roles; count, page of plans joined with their faculty;
    # the filter's faculty choices; the navbar's unread notifications
    with django_assert_num_queries(7):
        response = office_client.get(url("plan-list"))
    assert response.status_code == 200


def test_a_coordinator_creates_a_draft_and_the_form_keeps_what_was_typed_on_an_error(coord_a_client, faculty_a):
    response = coord_a_client.post(url("plan-create"), {
        "faculty": faculty_a.pk, "first_year": 2027, "last_year": 2025, "title": "新规划", "partnerships": "深化合作"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "深化合作" in body and "新规划" in body
    response = coord_a_client.post(url("plan-create"), {
        "faculty": faculty_a.pk, "first_year": 2025, "last_year": 2027, "title": "新规划"})
    created = InternationalizationPlan.objects.get(title="新规划")
    assert response.status_code == 302
    assert created.status == Status.DRAFT


def test_a_submitted_plan_is_read_only_for_its_coordinator(coord_a_client, coord_a, plan):
    PlanTargetFactory(plan=plan)
    services.plan_submit(plan=plan, by=coord_a)
    assert coord_a_client.get(url("plan-edit", plan.pk)).status_code == 403
    assert coord_a_client.get(url("plan-target-create", plan.pk)).status_code == 403


def test_submitting_through_the_page_without_targets_shows_a_clear_message(coord_a_client, plan):
    response = coord_a_client.post(url("plan-submit", plan.pk), follow=True)
    assert "至少" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_the_office_returns_and_approves_from_the_plan_page_and_the_timeline_shows_it(
        coord_a_client, office_client, plan):
    PlanTargetFactory(plan=plan)
    coord_a_client.post(url("plan-submit", plan.pk), {"comment": "请审核"})
    page = office_client.get(url("plan-detail", plan.pk)).content.decode()
    assert url("plan-approve", plan.pk) in page
    office_client.post(url("plan-return", plan.pk), {"comment": "请补充经费保障措施"})
    coord_a_client.post(url("plan-submit", plan.pk))
    office_client.post(url("plan-approve", plan.pk), {"comment": "同意"})
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    page = coord_a_client.get(url("plan-detail", plan.pk)).content.decode()
    for text in ["请审核", "请补充经费保障措施", "同意", "已批准"]:
        assert text in page
    assert url("plan-edit", plan.pk) not in page


def test_approving_a_draft_through_the_page_is_refused_with_a_message(office_client, plan):
    response = office_client.post(url("plan-approve", plan.pk), follow=True)
    assert "草稿" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_a_target_outside_the_plan_years_is_refused_and_the_value_kept(coord_a_client, plan):
    response = coord_a_client.post(url("plan-target-create", plan.pk),
                                   {"indicator": "partners", "year": 2030, "value": "7.5"})
    assert response.status_code == 200
    assert "7.5" in response.content.decode()
    assert not PlanTarget.objects.exists()
    coord_a_client.post(url("plan-target-create", plan.pk), {"indicator": "partners", "year": 2026, "value": "7.5"})
    assert PlanTarget.objects.get().year == 2026


def test_a_duplicate_target_is_refused_with_a_message(coord_a_client, plan):
    PlanTargetFactory(plan=plan, indicator="partners", year=2025)
    response = coord_a_client.post(url("plan-target-create", plan.pk),
                                   {"indicator": "partners", "year": 2025, "value": "2"})
    assert response.status_code == 200
    assert PlanTarget.objects.count() == 1


def test_deleting_a_target_asks_for_confirmation_first(coord_a_client, plan):
    target = PlanTargetFactory(plan=plan)
    response = coord_a_client.get(url("plan-target-delete", plan.pk, target.pk))
    assert response.status_code == 200 and PlanTarget.objects.exists()
    coord_a_client.post(url("plan-target-delete", plan.pk, target.pk))
    assert not PlanTarget.objects.exists()


def test_deleting_a_plan_asks_for_confirmation_first(coord_a_client, plan):
    assert coord_a_client.get(url("plan-delete", plan.pk)).status_code == 200
    coord_a_client.post(url("plan-delete", plan.pk))
    assert not InternationalizationPlan.objects.exists()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [("plan.pdf", PDF), ("plan.docx", _docx())])
def test_a_document_is_stored_under_a_random_name_and_downloaded_as_attachment(
        coord_a_client, coord_b_client, plan, name, content):
    response = coord_a_client.post(url("plan-attachment-create", plan.pk),
                                   {"title": "规划全文", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    attachment = PlanAttachment.objects.get()
    assert "plan" not in attachment.file.name.rsplit("/", 1)[-1]
    download = coord_a_client.get(url("plan-attachment-download", attachment.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == content
    assert coord_b_client.get(url("plan-attachment-download", attachment.pk)).status_code == 404


@pytest.mark.parametrize(("name", "content"), [("fake.pdf", b"MZ\x90\x00 not a pdf"), ("notes.txt", b"hello"),
                                               ("fake.docx", PDF)])
def test_a_file_that_is_not_really_an_office_document_is_refused(coord_a_client, plan, name, content):
    response = coord_a_client.post(url("plan-attachment-create", plan.pk),
                                   {"title": "附件", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert "附件" in response.content.decode()
    assert not PlanAttachment.objects.exists()


def test_a_returned_plans_form_shows_the_offices_comment(coord_a, coord_a_client, office, faculty_a):
    from faculties import services as plan_services
    from tests.factories import PlanFactory, PlanTargetFactory

    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    plan_services.plan_submit(plan=plan, by=coord_a)
    plan_services.plan_return(plan=plan, by=office, comment="请补充经费保障措施")

    page = coord_a_client.get(reverse("faculties:plan-edit", args=[plan.pk])).content.decode()
    assert "请补充经费保障措施" in page


def test_the_office_is_not_offered_the_facultys_submit_on_a_plan_it_returned(coord_a, office, office_client,
                                                                             faculty_a):
    from faculties import services as plan_services
    from intlportal.workflow import WorkflowError
    from tests.factories import PlanFactory, PlanTargetFactory

    plan = PlanFactory(faculty=faculty_a)
    PlanTargetFactory(plan=plan)
    plan_services.plan_submit(plan=plan, by=coord_a)
    plan_services.plan_return(plan=plan, by=office, comment="请补充")
    page = office_client.get(plan.get_absolute_url()).content.decode()
    assert reverse("faculties:plan-submit", args=[plan.pk]) not in page
    with pytest.raises(WorkflowError):
        plan_services.plan_submit(plan=plan, by=office)
