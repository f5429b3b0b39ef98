"""A record kind's pages declared once (``intlportal.views.RecordPages``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchanges import views as exchange_views
from exchanges.models import Mobility
from faculties import views as faculty_views
from faculties.models import InternationalizationPlan
from intlportal import access
from intlportal.views import RecordDetailView, RecordListView, RecordPages, page_queryset
from tests.factories import MobilityFactory, PlanFactory


def test_a_declaration_names_its_pages_after_the_app_and_the_model_and_links_them():
    pages = exchange_views.mobilities
    names = [p.name for p in pages.urls()]
    assert names == ["mobility-list", "mobility-detail", "mobility-create", "mobility-edit", "mobility-delete"]
    assert [str(p.pattern) for p in pages.urls()] == [
        "mobilities/", "mobilities/<int:pk>/", "mobilities/new/", "mobilities/<int:pk>/edit/",
        "mobilities/<int:pk>/delete/"]
    views = pages.views
    assert views["list"].create_url_name == "exchanges:mobility-create"
    assert (views["detail"].edit_url_name, views["detail"].delete_url_name, views["detail"].list_url_name) == (
        "exchanges:mobility-edit", "exchanges:mobility-delete", "exchanges:mobility-list")
    assert views["delete"].success_url_name == "exchanges:mobility-list"
    assert views["list"].import_kind == views["list"].export_kind == "mobilities"
    # The page's own behaviour is kept, with the declaration's settings on top.
    assert issubclass(views["detail"], exchange_views.MobilityDetail)
    assert views["detail"].model is Mobility and views["create"].form_class is views["edit"].form_class


def test_a_kind_without_an_edit_page_has_no_edit_link():
    pages = faculty_views.coordinators
    assert [p.name for p in pages.urls()] == [
        "coordinatormembership-list", "coordinatormembership-detail", "coordinatormembership-create",
        "coordinatormembership-delete"]
    assert pages.views["detail"].edit_url_name is None


def test_a_name_differing_from_the_model_is_declared_and_a_missing_import_is_none():
    pages = exchange_views.language_tests
    assert pages.url_name("list") == "exchanges:languagetest-list"
    assert pages.views["list"].export_kind == "language_tests"
    assert faculty_views.coordinators.views["list"].export_kind is None


def test_list_and_record_page_read_the_kinds_queryset_with_its_joins(faculty_a):
    assert page_queryset(Mobility).query.select_related == Mobility.objects.with_related().query.select_related
    MobilityFactory(faculty=faculty_a)
    assert RecordListView(model=Mobility).base_queryset().get().faculty  # joined, no query
    assert RecordDetailView(model=InternationalizationPlan).base_queryset().query.select_related == {
        "faculty": {}, "submitted_by": {}}


def test_the_generated_pages_answer_like_the_hand_written_ones(office_client, coord_b_client, faculty_a):
    plan = PlanFactory(faculty=faculty_a)
    assert office_client.get(reverse("faculties:plan-detail", args=[plan.pk])).status_code == 200
    assert coord_b_client.get(reverse("faculties:plan-detail", args=[plan.pk])).status_code == 404
    body = office_client.get(reverse("faculties:plan-list")).content.decode()
    assert plan.get_absolute_url() in body and reverse("faculties:plan-create") in body


def test_a_declaration_leaves_out_the_pages_a_kind_does_not_have():
    pages = RecordPages(InternationalizationPlan, "elsewhere", name="other", pages=("list", "detail"))
    assert [p.name for p in pages.urls()] == ["other-list", "other-detail"]
    assert pages.views["list"].create_url_name is None


# --- who acts for a record's faculty -----------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("office", True), ("coord_a", True), ("coord_b", False),
                                               ("leader", False)])
def test_the_office_and_the_records_coordinators_act_for_its_faculty_even_when_it_is_locked(
        who, expected, request, faculty_a):
    plan = PlanFactory(faculty=faculty_a, status=InternationalizationPlan.Status.SUBMITTED)
    assert access.acts_for_faculty(request.getfixturevalue(who), plan) is expected


def test_a_coordinator_of_one_faculty_finds_it_chosen_on_a_new_record(coord_a_client, faculty_a, faculty_b):
    from django.urls import reverse

    form = coord_a_client.get(reverse("exchanges:mobility-create")).context["form"]
    assert form["faculty"].value() == faculty_a.pk
    assert list(form.fields["faculty"].queryset) == [faculty_a]


def test_the_office_chooses_the_faculty_itself(office_client, faculty_a, faculty_b):
    from django.urls import reverse

    assert office_client.get(reverse("exchanges:mobility-create")).context["form"]["faculty"].value() is None
