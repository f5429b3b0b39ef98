"""Faculty, discipline, headcount, leading-group and coordinator pages for every role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faculties.models import Discipline, Faculty, FacultyYear, LeadingGroupMember
from tests.factories import (
    CoordinatorMembershipFactory,
    DisciplineFactory,
    FacultyFactory,
    FacultyYearFactory,
    LeadingGroupMemberFactory,
    SiteUpdateFactory,
)

# Record kinds owned by a faculty: (url name prefix, factory, form data builder)
KINDS = {
    "discipline": (DisciplineFactory, lambda f: {"faculty": f.pk, "name_zh": "新学科", "name_en": "New"}),
    "facultyyear": (FacultyYearFactory, lambda f: {"faculty": f.pk, "year": 2020, "teachers": 10, "students": 20}),
    "siteupdate": (SiteUpdateFactory, lambda f: {"faculty": f.pk, "updated_on": "2025-03-01",
                                                 "url": "https://a.example.edu.cn/en/", "note": "新闻"}),
    "leadinggroupmember": (LeadingGroupMemberFactory,
                           lambda f: {"faculty": f.pk, "name": "王五", "position": "院长", "group_role": "leader"}),
}


def url(name, *args):
    return reverse(f"faculties:{name}", args=args)


# --- anonymous --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["faculty-list", "discipline-list", "facultyyear-list", "siteupdate-list",
                                  "leadinggroupmember-list", "coordinatormembership-list",
                                  "faculty-create", "discipline-create"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_cannot_see_a_faculty(client, faculty_a):
    assert client.get(url("faculty-detail", faculty_a.pk)).status_code == 302


# --- faculties ----------------------------------------------------------------------------


def test_office_and_leader_see_every_faculty(office_client, leader_client, faculty_a, faculty_b):
    for client in (office_client, leader_client):
        page = client.get(url("faculty-list"))
        assert page.status_code == 200
        assert {f.code for f in page.context["object_list"]} == {"A", "B"}


def test_coordinator_sees_only_their_own_faculty(coord_a_client, faculty_a, faculty_b):
    page = coord_a_client.get(url("faculty-list"))
    assert [f.code for f in page.context["object_list"]] == ["A"]
    assert coord_a_client.get(url("faculty-detail", faculty_a.pk)).status_code == 200


def test_coordinator_of_another_faculty_gets_404(coord_b_client, faculty_a):
    assert coord_b_client.get(url("faculty-detail", faculty_a.pk)).status_code == 404
    assert coord_b_client.get(url("faculty-edit", faculty_a.pk)).status_code == 404
    assert coord_b_client.post(url("faculty-delete", faculty_a.pk)).status_code == 404


def test_only_the_office_creates_and_edits_faculties(office_client, leader_client, coord_a_client, faculty_a):
    assert office_client.get(url("faculty-create")).status_code == 200
    assert leader_client.get(url("faculty-create")).status_code == 403
    assert coord_a_client.get(url("faculty-create")).status_code == 403
    assert leader_client.get(url("faculty-edit", faculty_a.pk)).status_code == 403
    assert coord_a_client.get(url("faculty-edit", faculty_a.pk)).status_code == 403


def test_office_creates_a_faculty(office_client, db):
    response = office_client.post(url("faculty-create"), {
        "code": "NEW", "name_zh": "新学院", "name_en": "New School", "is_active": "on"})
    assert response.status_code == 302
    assert Faculty.objects.get(code="NEW").name_zh == "新学院"


def test_a_duplicate_faculty_code_is_refused_and_the_form_keeps_what_was_typed(office_client, faculty_a):
    response = office_client.post(url("faculty-create"), {"code": "A", "name_zh": "重复学院", "name_en": "Dup"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert "重复学院" in response.content.decode()


def test_the_faculty_form_no_longer_takes_the_website_date(office_client, db):
    # When the site was updated is the website update log's (faculties.SiteUpdate): a date
    # posted with the faculty is ignored, and the faculty's copy stays empty.
    response = office_client.post(url("faculty-create"), {
        "code": "W", "name_zh": "网", "name_en": "W", "foreign_site_updated_on": "2025-03-01"})
    assert response.status_code == 302
    assert Faculty.objects.get(code="W").foreign_site_updated_on is None


def test_deleting_a_faculty_asks_for_confirmation_first(office_client, faculty_a):
    page = office_client.get(url("faculty-delete", faculty_a.pk))
    assert page.status_code == 200
    assert Faculty.objects.filter(pk=faculty_a.pk).exists()
    assert office_client.post(url("faculty-delete", faculty_a.pk)).status_code == 302
    assert not Faculty.objects.filter(pk=faculty_a.pk).exists()


def test_leader_gets_no_write_buttons_on_a_faculty_page(leader_client, faculty_a):
    page = leader_client.get(url("faculty-detail", faculty_a.pk))
    assert page.context["can_edit"] is False
    assert page.context["can_delete"] is False


def test_the_faculty_list_filters_sorts_and_searches(office_client, db):
    FacultyFactory(code="ZZ", name_zh="艺术学院", name_en="Arts")
    FacultyFactory(code="AA", name_zh="法学院", name_en="Law", is_active=False)
    page = office_client.get(url("faculty-list"), {"q": "艺术"})
    assert [f.code for f in page.context["object_list"]] == ["ZZ"]
    page = office_client.get(url("faculty-list"), {"sort": "-code"})
    assert [f.code for f in page.context["object_list"]] == ["ZZ", "AA"]
    page = office_client.get(url("faculty-list"), {"is_active": "false"})
    assert [f.code for f in page.context["object_list"]] == ["AA"]


def test_the_faculty_list_paginates(office_client, db, settings):
    for i in range(30):
        FacultyFactory(code=f"P{i:02d}")
    page = office_client.get(url("faculty-list"))
    assert len(page.context["object_list"]) == 25
    assert page.context["paginator"].num_pages == 2
    assert len(office_client.get(url("faculty-list"), {"page": 2}).context["object_list"]) == 5


# --- records owned by a faculty -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_role_sees_the_expected_records(kind, personas, faculty_a, faculty_b):
    factory, _data = KINDS[kind]
    mine, theirs = factory(faculty=faculty_a), factory(faculty=faculty_b)
    for persona, expected in {"office": {mine, theirs}, "leader": {mine, theirs},
                              "coord_a": {mine}, "coord_b": {theirs}}.items():
        page = personas[persona].get(url(f"{kind}-list"))
        assert page.status_code == 200, persona
        assert set(page.context["object_list"]) == expected, persona
    assert personas["anonymous"].get(url(f"{kind}-detail", mine.pk)).status_code == 302


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_of_another_faculty_gets_404_everywhere(kind, coord_b_client, faculty_a):
    factory, data = KINDS[kind]
    record = factory(faculty=faculty_a)
    for name in ("detail", "edit", "delete"):
        assert coord_b_client.get(url(f"{kind}-{name}", record.pk)).status_code == 404, name
    assert coord_b_client.post(url(f"{kind}-edit", record.pk), data(faculty_a)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_manages_their_own_faculty_records(kind, coord_a_client, faculty_a):
    factory, data = KINDS[kind]
    model = factory._meta.model
    response = coord_a_client.post(url(f"{kind}-create"), data(faculty_a))
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].errors
    record = model.objects.latest("pk")
    assert record.faculty == faculty_a
    assert coord_a_client.get(url(f"{kind}-edit", record.pk)).status_code == 200
    assert coord_a_client.post(url(f"{kind}-delete", record.pk)).status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_coordinator_cannot_file_a_record_under_another_faculty(kind, coord_a_client, faculty_a, faculty_b):
    factory, data = KINDS[kind]
    response = coord_a_client.post(url(f"{kind}-create"), data(faculty_b))
    assert response.status_code == 200
    assert "faculty" in response.context["form"].errors
    assert not factory._meta.model.objects.filter(faculty=faculty_b).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_leader_reads_but_never_gets_a_write_form(kind, leader_client, faculty_a):
    factory, data = KINDS[kind]
    record = factory(faculty=faculty_a)
    assert leader_client.get(url(f"{kind}-detail", record.pk)).status_code == 200
    assert leader_client.get(url(f"{kind}-create")).status_code == 403
    assert leader_client.get(url(f"{kind}-edit", record.pk)).status_code == 403
    assert leader_client.post(url(f"{kind}-delete", record.pk)).status_code == 403


def test_a_headcount_must_be_unique_per_faculty_and_year(office_client, faculty_a):
    FacultyYearFactory(faculty=faculty_a, year=2024)
    response = office_client.post(url("facultyyear-create"),
                                  {"faculty": faculty_a.pk, "year": 2024, "teachers": 1, "students": 1})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert FacultyYear.objects.filter(faculty=faculty_a, year=2024).count() == 1


def test_a_negative_headcount_is_refused(office_client, faculty_a):
    response = office_client.post(url("facultyyear-create"),
                                  {"faculty": faculty_a.pk, "year": 2024, "teachers": -1, "students": 1})
    assert "teachers" in response.context["form"].errors


# --- coordinator memberships ------------------------------------------------------------------


def test_only_the_office_assigns_coordinators(office_client, leader_client, coord_a_client, coord_b, faculty_a):
    assert leader_client.get(url("coordinatormembership-create")).status_code == 403
    assert coord_a_client.get(url("coordinatormembership-create")).status_code == 403
    response = office_client.post(url("coordinatormembership-create"), {"user": coord_b.pk, "faculty": faculty_a.pk})
    assert response.status_code == 302
    assert faculty_a.coordinator_memberships.filter(user=coord_b).exists()


def test_the_office_sees_coordinators_on_the_faculty_page_and_a_leader_does_not(
        office_client, leader_client, coord_a, faculty_a):
    assert "coord_a" in office_client.get(url("faculty-detail", faculty_a.pk)).content.decode()
    assert leader_client.get(url("faculty-detail", faculty_a.pk)).context["coordinators"] is None


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["faculty", *KINDS, "coordinatormembership"])
def test_list_pages_run_the_same_number_of_queries_for_one_row_and_for_many(
        kind, office_client, django_assert_max_num_queries, faculty_a):
    # Expected queries: session, user, the user's roles (groups), the navbar's unread
    # notifications, the count for the paginator and the page of rows (with select_related):
    # nothing per row, so twenty more rows add no query.
    created = iter(range(1000))

    def make(n):
        for _ in range(n):
            i = next(created)
            own_faculty = kind in {"faculty", "coordinatormembership"}
            faculty = FacultyFactory(code=f"Q{kind[:3]}{i}") if own_faculty else faculty_a
            if kind in KINDS:
                factory, _ = KINDS[kind]
                if kind == "facultyyear":
                    factory(faculty=faculty, year=2000 + i)
                else:
                    factory(faculty=faculty)
            elif kind == "coordinatormembership":
                CoordinatorMembershipFactory(faculty=faculty)

    make(1)

    with CaptureQueriesContext(connection) as few:
        assert office_client.get(url(f"{kind}-list")).status_code == 200
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert office_client.get(url(f"{kind}-list")).status_code == 200


def test_the_faculty_list_runs_six_queries(office_client, faculty_a, django_assert_num_queries):
    # session, user, roles (groups), the navbar's unread notifications, count, page of faculties
    with django_assert_num_queries(6):
        office_client.get(url("faculty-list"))


def test_models_have_readable_names(faculty_a):
    assert str(DisciplineFactory(faculty=faculty_a, name_zh="法学", name_en="Law"))
    assert str(LeadingGroupMember(faculty=faculty_a, name="张三", group_role="leader")).startswith("张三")
    assert Discipline._meta.verbose_name
