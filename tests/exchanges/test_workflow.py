"""The mobility workflow: planned → submitted → approved → completed, or cancelled; return, report."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exchanges import services
from exchanges.models import Mobility
from intlportal.workflow import WorkflowError, timeline
from tests.factories import FundingSchemeFactory, MobilityFactory

Status = Mobility.Status


@pytest.fixture
def mobility(faculty_a):
    return MobilityFactory(faculty=faculty_a)


def transition_url(mobility, action):
    return reverse("exchanges:mobility-transition", args=[mobility.pk, action])


def test_submitting_marks_the_mobility_awaiting_approval_and_locks_it_for_the_coordinator(coord_a, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    mobility.refresh_from_db()
    assert mobility.is_awaiting_approval
    assert mobility.locked_for_coordinator()
    assert mobility.version == 2


def test_approval_keeps_who_when_and_the_comment(coord_a, office, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    services.mobility_approve(mobility=mobility, by=office, comment="经费已核")
    steps = list(timeline(mobility))
    assert [(s.from_state, s.to_state, s.by) for s in steps] == [
        ("planned", "submitted", coord_a), ("submitted", "approved", office)]
    assert steps[1].comment == "经费已核"
    assert steps[1].at is not None


def test_return_needs_a_comment_and_hands_the_record_back(coord_a, office, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    with pytest.raises(WorkflowError):
        services.mobility_return(mobility=mobility, by=office, comment="  ")
    services.mobility_return(mobility=mobility, by=office, comment="请补充邀请函")
    mobility.refresh_from_db()
    assert mobility.status == Status.PLANNED and mobility.submitted_at is None
    assert not mobility.locked_for_coordinator()
    returned = list(timeline(mobility))[-1]
    assert (returned.from_state, returned.to_state, returned.comment) == ("submitted", "planned", "请补充邀请函")


def test_a_mobility_not_submitted_cannot_be_returned(office, mobility):
    with pytest.raises(WorkflowError):
        services.mobility_return(mobility=mobility, by=office, comment="?")


def test_approving_an_already_approved_mobility_is_refused_with_a_clear_message(office_client, office, mobility):
    services.mobility_approve(mobility=mobility, by=office)
    response = office_client.post(transition_url(mobility, "approve"), follow=True)
    assert "already been approved" in response.content.decode() or "已经批准" in response.content.decode()
    assert len(list(timeline(mobility))) == 1


def test_stale_approval_by_a_second_reviewer_is_refused(office, mobility):
    first_view = Mobility.objects.get(pk=mobility.pk)
    second_view = Mobility.objects.get(pk=mobility.pk)
    services.mobility_approve(mobility=first_view, by=office)
    with pytest.raises(WorkflowError):
        services.mobility_approve(mobility=second_view, by=office)


def test_complete_only_from_approved_and_cancel_from_planned_or_approved(office, mobility):
    with pytest.raises(WorkflowError):
        services.mobility_complete(mobility=mobility, by=office)
    services.mobility_approve(mobility=mobility, by=office)
    services.mobility_complete(mobility=mobility, by=office)
    with pytest.raises(WorkflowError):
        services.mobility_cancel(mobility=mobility, by=office)
    assert Mobility.objects.get(pk=mobility.pk).status == Status.COMPLETED


def test_coordinator_submits_through_the_page(coord_a_client, mobility):
    response = coord_a_client.post(transition_url(mobility, "submit"))
    assert response.status_code == 302
    assert Mobility.objects.get(pk=mobility.pk).is_awaiting_approval


def test_coordinator_cannot_approve_their_own_faculty_mobility(coord_a_client, mobility):
    assert coord_a_client.post(transition_url(mobility, "approve")).status_code == 403
    assert Mobility.objects.get(pk=mobility.pk).status == Status.PLANNED


def test_coordinator_of_another_faculty_cannot_submit_it(coord_b_client, mobility):
    assert coord_b_client.post(transition_url(mobility, "submit")).status_code == 404
    assert not Mobility.objects.get(pk=mobility.pk).is_awaiting_approval


def test_leader_cannot_move_a_mobility(leader_client, mobility):
    assert leader_client.post(transition_url(mobility, "approve")).status_code == 403


def test_state_changes_refuse_get(office_client, mobility):
    assert office_client.get(transition_url(mobility, "approve")).status_code == 405


def test_returning_through_the_page_without_a_comment_changes_nothing(office_client, coord_a, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    office_client.post(transition_url(mobility, "return"), {"comment": ""})
    assert Mobility.objects.get(pk=mobility.pk).is_awaiting_approval


def test_detail_page_shows_the_timeline(office_client, coord_a, office, mobility):
    services.mobility_submit(mobility=mobility, by=coord_a)
    services.mobility_return(mobility=mobility, by=office, comment="请补充邀请函")
    page = office_client.get(mobility.get_absolute_url()).content.decode()
    assert "请补充邀请函" in page


# --- funding ------------------------------------------------------------------------------------


def test_a_mobility_that_would_overspend_its_scheme_is_refused(faculty_a, office):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("6000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("3000"), status=Status.COMPLETED)
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("9000"), status=Status.CANCELLED)
    extra = MobilityFactory.build(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("1000.01"))
    with pytest.raises(ValidationError) as refused:
        services.mobility_save(mobility=extra, by=office)
    assert "amount" in refused.value.message_dict
    extra.amount = Decimal("1000")
    services.mobility_save(mobility=extra, by=office)
    assert extra.pk is not None


def test_changing_a_mobility_does_not_count_its_own_old_amount(faculty_a, office):
    scheme = FundingSchemeFactory(budget=Decimal("5000"))
    mobility = MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("5000"))
    mobility.amount = Decimal("4000")
    services.mobility_save(mobility=mobility, by=office, expected_version=mobility.version)
    assert Mobility.objects.get(pk=mobility.pk).amount == Decimal("4000")


def test_scheme_totals_split_committed_and_spent(faculty_a):
    scheme = FundingSchemeFactory(budget=Decimal("10000"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("100"))
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("200"), status=Status.APPROVED)
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("400"), status=Status.COMPLETED)
    MobilityFactory(faculty=faculty_a, funding_scheme=scheme, amount=Decimal("800"), status=Status.CANCELLED)
    annotated = type(scheme).objects.with_totals().get(pk=scheme.pk)
    assert (annotated.committed, annotated.spent, annotated.remaining) == (300, 400, 9300)


# --- report -------------------------------------------------------------------------------------


def completed_teacher_mobility(faculty, days_ago=40):
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    return MobilityFactory(faculty=faculty, starts_on=end - datetime.timedelta(days=10), ends_on=end,
                           status=Status.COMPLETED)


def test_report_of_an_outbound_teacher_is_kept_with_its_date(faculty_a, coord_a):
    mobility = completed_teacher_mobility(faculty_a)
    assert Mobility.objects.report_overdue().filter(pk=mobility.pk).exists()
    services.mobility_submit_report(mobility=mobility, by=coord_a, text="访问了合作实验室。")
    mobility.refresh_from_db()
    assert mobility.report_submitted_at is not None
    assert not Mobility.objects.report_overdue().filter(pk=mobility.pk).exists()


def test_a_student_mobility_takes_no_report(faculty_a, coord_a):
    mobility = completed_teacher_mobility(faculty_a)
    Mobility.objects.filter(pk=mobility.pk).update(person_kind=Mobility.PersonKind.STUDENT)
    with pytest.raises(WorkflowError):
        services.mobility_submit_report(mobility=mobility, by=coord_a, text="报告")


def test_report_is_not_overdue_within_thirty_days(faculty_a):
    recent = completed_teacher_mobility(faculty_a, days_ago=10)
    assert not Mobility.objects.report_overdue(days=30).filter(pk=recent.pk).exists()


def test_leader_cannot_write_a_report(leader_client, faculty_a):
    mobility = completed_teacher_mobility(faculty_a)
    assert leader_client.get(reverse("exchanges:mobility-report", args=[mobility.pk])).status_code == 403
