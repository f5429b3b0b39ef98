"""Staff pages: who may see and change what, what each list costs, and where personal data
(salary, work permit) appears — on the office's pages alone."""

import datetime

import pytest
from django.urls import reverse

from staff.forms import ContractForm
from staff.models import ForeignTeacherContract, StaffMember, TeachingAssignment
from tests.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    LanguageAssessmentFactory,
    PublicationFactory,
    StaffMemberFactory,
    TeachingAssignmentFactory,
    TeachingEvaluationFactory,
    today,
)

pytestmark = pytest.mark.django_db

SALARY = "18500"
PERMIT = "WP-SECRET-"


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


@pytest.fixture
def teacher_a(faculty_a):
    return ForeignTeacherFactory(faculty=faculty_a, name="Alice Smith", staff_no="FA001")


@pytest.fixture
def contract_a(teacher_a):
    return ContractFactory(staff_member=teacher_a, salary=18500,
                           work_permit_expires_on=today() + datetime.timedelta(days=20))


def record_of(kind, staff_member):
    return {
        "staffmember": lambda: staff_member,
        "contract": lambda: ContractFactory(staff_member=staff_member),
        "assignment": lambda: TeachingAssignmentFactory(staff_member=staff_member),
        "evaluation": lambda: TeachingEvaluationFactory(staff_member=staff_member),
        "languageassessment": lambda: LanguageAssessmentFactory(staff_member=staff_member),
        "publication": lambda: PublicationFactory(staff_member=staff_member),
    }[kind]()


KINDS = ["staffmember", "contract", "assignment", "evaluation", "languageassessment", "publication"]


@pytest.mark.parametrize("kind", KINDS)
def test_an_anonymous_visitor_is_sent_to_sign_in(kind, personas, teacher_a):
    record = record_of(kind, teacher_a)
    for page in (url(f"{kind}-list"), url(f"{kind}-detail", record.pk)):
        response = personas["anonymous"].get(page)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_role_reads_the_lists_and_the_records_it_may_see(kind, personas, teacher_a):
    record = record_of(kind, teacher_a)
    for persona in ("office", "leader", "coord_a"):
        assert personas[persona].get(url(f"{kind}-list")).status_code == 200, persona
        assert personas[persona].get(url(f"{kind}-detail", record.pk)).status_code == 200, persona


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_cannot_see_another_faculty_record(kind, personas, teacher_a):
    record = record_of(kind, teacher_a)
    client = personas["coord_b"]

    for page in (url(f"{kind}-detail", record.pk), url(f"{kind}-edit", record.pk), url(f"{kind}-delete", record.pk)):
        assert client.get(page).status_code == 404, page
    assert str(record) not in client.get(url(f"{kind}-list")).content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_a_leader_never_gets_a_write_form(kind, personas, teacher_a):
    record = record_of(kind, teacher_a)
    client = personas["leader"]

    assert client.get(url(f"{kind}-create")).status_code == 403
    assert client.get(url(f"{kind}-edit", record.pk)).status_code == 403
    assert client.get(url(f"{kind}-delete", record.pk)).status_code == 403
    assert client.post(url(f"{kind}-delete", record.pk)).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", ["staffmember", "assignment", "evaluation", "languageassessment", "publication"])
def test_a_coordinator_edits_their_own_faculty_records(kind, personas, teacher_a):
    record = record_of(kind, teacher_a)

    assert personas["coord_a"].get(url(f"{kind}-create")).status_code == 200
    assert personas["coord_a"].get(url(f"{kind}-edit", record.pk)).status_code == 200


def test_only_the_office_creates_and_changes_contracts(personas, contract_a):
    assert personas["coord_a"].get(url("contract-create")).status_code == 403
    assert personas["coord_a"].get(url("contract-edit", contract_a.pk)).status_code == 403
    assert personas["office"].get(url("contract-create")).status_code == 200


def test_deleting_asks_for_confirmation_first(personas, teacher_a):
    # Their own entry, not yet verified: a verified one only the office deletes.
    publication = PublicationFactory(staff_member=teacher_a, unverified=True)

    page = personas["coord_a"].get(url("publication-delete", publication.pk))
    assert page.status_code == 200
    assert publication.title in page.content.decode()
    assert type(publication).objects.filter(pk=publication.pk).exists()

    response = personas["coord_a"].post(url("publication-delete", publication.pk))
    assert response.status_code == 302
    assert not type(publication).objects.filter(pk=publication.pk).exists()


# --- personal data -------------------------------------------------------------------------


def pages_showing_the_contract(contract):
    return [
        url("contract-detail", contract.pk),
        url("contract-list"),
        url("staffmember-detail", contract.staff_member.pk),
        url("staffmember-list"),
    ]


@pytest.mark.parametrize("persona", ["leader", "coord_a"])
def test_salary_and_work_permit_are_never_shown_to_leaders_or_coordinators(persona, personas, contract_a):
    for page in pages_showing_the_contract(contract_a):
        html = personas[persona].get(page).content.decode()
        assert SALARY not in html and "18,500" not in html, page
        assert PERMIT not in html, page
        assert contract_a.work_permit_expires_on.isoformat() not in html, page


def test_the_office_sees_salary_and_work_permit(personas, contract_a):
    html = personas["office"].get(url("contract-detail", contract_a.pk)).content.decode()

    assert contract_a.work_permit_no in html
    assert contract_a.work_permit_expires_on.isoformat() in html
    assert "18,500" in html or SALARY in html
    list_html = personas["office"].get(url("contract-list")).content.decode()
    assert contract_a.work_permit_no in list_html


def test_a_coordinator_sees_the_other_contract_fields_of_their_faculty(personas, contract_a):
    html = personas["coord_a"].get(url("contract-detail", contract_a.pk)).content.decode()

    assert contract_a.ends_on.isoformat() in html
    assert contract_a.get_category_display() in html


@pytest.mark.parametrize("persona", ["leader", "coord_a"])
def test_the_work_permit_expiry_filter_is_the_office_s_alone(persona, personas, contract_a):
    ContractFactory(staff_member=ForeignTeacherFactory(faculty=contract_a.staff_member.faculty),
                    work_permit_expires_on=today() + datetime.timedelta(days=300))

    response = personas[persona].get(url("contract-list"), {"expiring": "work_permit"})

    html = response.content.decode()
    assert 'value="work_permit"' not in html
    # The request cannot narrow the list down to the teachers whose permit expires soon.
    assert response.context["paginator"].count != 1


def test_the_office_lists_the_work_permits_expiring_within_90_days(personas, contract_a):
    ContractFactory(staff_member=ForeignTeacherFactory(faculty=contract_a.staff_member.faculty),
                    work_permit_expires_on=today() + datetime.timedelta(days=300))

    response = personas["office"].get(url("contract-list"), {"expiring": "work_permit"})

    assert [c.pk for c in response.context["object_list"]] == [contract_a.pk]
    assert response.context["expiry_counts"] == {"contracts": 0, "work_permits": 1}


def test_the_contract_form_carries_personal_fields_for_the_office_only(office, leader):
    assert "salary" in ContractForm(user=office).fields
    assert not {"salary", "work_permit_no", "work_permit_expires_on"} & set(ContractForm(user=leader).fields)


# --- expiry flags --------------------------------------------------------------------------


def test_a_contract_ending_within_90_days_is_flagged_on_the_lists(personas, teacher_a):
    ContractFactory(staff_member=teacher_a, ends_on=today() + datetime.timedelta(days=30))
    StaffMemberFactory(faculty=teacher_a.faculty, name="Bob Wang")

    for page in (url("contract-list"), url("staffmember-list")):
        html = personas["leader"].get(page).content.decode()
        assert html.count("badge-expiring") == 1, page


def test_the_contract_list_filters_contracts_ending_within_90_days(personas, teacher_a):
    soon = ContractFactory(staff_member=teacher_a, ends_on=today() + datetime.timedelta(days=89))
    ContractFactory(staff_member=teacher_a, ends_on=today() + datetime.timedelta(days=91))
    ContractFactory(staff_member=teacher_a, ends_on=today() + datetime.timedelta(days=10),
                    status=ForeignTeacherContract.Status.TERMINATED)

    response = personas["coord_a"].get(url("contract-list"), {"expiring": "contract"})

    assert [c.pk for c in response.context["object_list"]] == [soon.pk]


# --- the teacher's page --------------------------------------------------------------------


def test_the_teacher_page_shows_semester_averages_by_source_and_the_trend_data(personas, teacher_a):
    for semester, scores in {"2024-2025-2": (80, 90), "2025-2026-1": (92, 94)}.items():
        for score in scores:
            TeachingEvaluationFactory(staff_member=teacher_a, semester=semester, score=score)
    TeachingEvaluationFactory(staff_member=teacher_a, semester="2025-2026-1", source="peers", score=88)

    response = personas["leader"].get(url("staffmember-detail", teacher_a.pk))

    trend = response.context["trend"]
    assert [(t.semester, str(t.by_source["students"]), str(t.overall)) for t in trend] == [
        ("2024-2025-2", "85.00", "85.00"), ("2025-2026-1", "93.00", "91.33")]
    html = response.content.decode()
    assert 'id="evaluation-trend-data"' in html
    assert "staff/evaluation-trend.js" in html
    assert "<script>" not in html.replace('<script id="evaluation-trend-data" type="application/json">', "")


def test_the_teacher_page_says_what_to_do_when_nothing_is_recorded(personas, teacher_a):
    response = personas["coord_a"].get(url("staffmember-detail", teacher_a.pk))

    assert response.status_code == 200
    assert response.context["trend"] == []
    assert "evaluation-trend-data" not in response.content.decode()


# --- forms ---------------------------------------------------------------------------------


def test_a_bad_semester_is_refused_and_what_was_typed_is_kept(personas, teacher_a):
    response = personas["coord_a"].post(url("assignment-create"), {
        "staff_member": teacher_a.pk, "semester": "2025-2027-1", "course": "Academic Writing",
        "hours": 32, "context": "general"})

    assert response.status_code == 200
    form = response.context["form"]
    assert "semester" in form.errors
    assert 'value="Academic Writing"' in response.content.decode()
    assert not TeachingAssignment.objects.exists()


def test_a_coordinator_records_a_teaching_assignment_in_a_semester(personas, teacher_a):
    response = personas["coord_a"].post(url("assignment-create"), {
        "staff_member": teacher_a.pk, "semester": "2025-2026-2", "course": "Academic Writing",
        "hours": 32, "context": "international_students"})

    assert response.status_code == 302
    assignment = TeachingAssignment.objects.get()
    assert (assignment.semester, assignment.context) == ("2025-2026-2", "international_students")


def test_a_coordinator_cannot_file_a_record_under_another_faculty_teacher(personas, faculty_b):
    outsider = ForeignTeacherFactory(faculty=faculty_b)

    response = personas["coord_a"].post(url("assignment-create"), {
        "staff_member": outsider.pk, "semester": "2025-2026-2", "course": "X", "hours": 32, "context": "general"})

    assert response.status_code == 200
    assert "staff_member" in response.context["form"].errors
    assert not TeachingAssignment.objects.exists()


def test_leaving_before_being_hired_is_refused(personas, faculty_a):
    response = personas["coord_a"].post(url("staffmember-create"), {
        "faculty": faculty_a.pk, "staff_no": "X1", "name": "张伟", "nationality": "CN", "category": "domestic",
        "title": "lecturer", "hired_on": "2020-09-01", "left_on": "2019-07-01"})

    assert response.status_code == 200
    assert "left_on" in response.context["form"].errors
    assert not StaffMember.objects.filter(staff_no="X1").exists()


def test_a_contract_ending_before_it_starts_is_refused(personas, teacher_a):
    response = personas["office"].post(url("contract-create"), {
        "staff_member": teacher_a.pk, "category": "language_teacher", "starts_on": "2025-09-01",
        "ends_on": "2025-08-01", "status": "active", "salary": "15000"})

    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors


# --- query counts --------------------------------------------------------------------------

LIST_FACTORIES = {
    "staffmember": lambda faculty: ForeignTeacherFactory(faculty=faculty),
    "contract": lambda faculty: ContractFactory(staff_member__faculty=faculty,
                                                ends_on=today() + datetime.timedelta(days=30)),
    "assignment": lambda faculty: TeachingAssignmentFactory(staff_member__faculty=faculty),
    "evaluation": lambda faculty: TeachingEvaluationFactory(staff_member__faculty=faculty),
    "languageassessment": lambda faculty: LanguageAssessmentFactory(staff_member__faculty=faculty),
    "publication": lambda faculty: PublicationFactory(staff_member__faculty=faculty),
}


@pytest.mark.parametrize(("kind", "persona", "expected"), [
    # session, user, roles, count, notifications badge, faculty choices of the filter, page of rows
    ("staffmember", "office", 7),
    ("assignment", "office", 7),
    ("evaluation", "office", 7),
    ("languageassessment", "office", 7),
    ("publication", "office", 7),
    # ... and the office's expiry counts (one aggregate)
    ("contract", "office", 8),
    ("contract", "leader", 7),
    # a coordinator: ... and the faculties they serve
    ("staffmember", "coord_a", 8),
    ("contract", "coord_a", 8),
])
def test_a_list_runs_the_same_queries_for_one_row_and_for_many(kind, persona, expected, personas, faculty_a,
                                                               django_assert_num_queries):
    client = personas[persona]
    LIST_FACTORIES[kind](faculty_a)
    with django_assert_num_queries(expected):
        assert client.get(url(f"{kind}-list")).status_code == 200
    for _ in range(12):
        LIST_FACTORIES[kind](faculty_a)
    with django_assert_num_queries(expected):
        response = client.get(url(f"{kind}-list"))
    assert len(response.context["object_list"]) == 13


def test_the_teacher_page_does_not_grow_with_records(personas, teacher_a, django_assert_num_queries):
    # session, user, roles, teacher with faculty, evaluation averages (one aggregate),
    # notifications badge, contracts, assignments, language assessments, publications
    ContractFactory(staff_member=teacher_a)
    with django_assert_num_queries(10):
        personas["office"].get(url("staffmember-detail", teacher_a.pk))
    for semester in ("2024-2025-1", "2024-2025-2", "2025-2026-1"):
        TeachingAssignmentFactory(staff_member=teacher_a, semester=semester)
        TeachingEvaluationFactory(staff_member=teacher_a, semester=semester)
        PublicationFactory(staff_member=teacher_a)
        ContractFactory(staff_member=teacher_a)
    with django_assert_num_queries(10):
        personas["office"].get(url("staffmember-detail", teacher_a.pk))
