"""The optimistic lock never opens without a valid version.

A save posted with version 0 used to overwrite the office's newer change: ``x or current``
took 0 (or a missing version) for "not given" and saved over the current version.  Now a
missing, empty, garbled, zero or negative version is a refusal on every path — the generic
edit view, plans, planned targets, mobilities and their services — and the form says so
visibly, keeping what was typed.
"""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse

from exchanges import services as exchange_services
from exchanges.models import Mobility
from faculties import services as faculty_services
from faculties.models import Faculty, InternationalizationPlan, PlanTarget
from intlportal.versioning import InvalidVersion, StaleEdit, parse_expected_version, save_versioned
from intlportal.views import RecordUpdateView
from tests.factories import MobilityFactory, PlanFactory, PlanTargetFactory
from tests.formdata import form_data

pytestmark = pytest.mark.django_db

# What a tampered, truncated or buggy form may send as its version (None: no version at all).
BAD_VERSIONS = [None, "", "  ", "0", "-1", "-5", "abc", "1.0", "1e3", "0x2", "٣"]
REFUSAL = "Nothing was saved: the form did not say which version"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _post(client, url, data, version):
    data = {k: v for k, v in data.items() if k != "version"}
    if version is not None:
        data["version"] = version
    return client.post(url, data)


def _offered_version(html: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', html).group(1)


# --- the one function ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", " ", "abc", "0", 0, -1, "-1", "1.5", 1.0, True, False, "٣", "+1",
                                   "9" * 5000])
def test_parse_expected_version_refuses_anything_but_a_whole_number_from_one(value):
    with pytest.raises(InvalidVersion):
        parse_expected_version(value)


@pytest.mark.parametrize(("value", "expected"), [(1, 1), ("1", 1), (" 7 ", 7), (42, 42)])
def test_parse_expected_version_accepts_a_whole_number_from_one(value, expected):
    assert parse_expected_version(value) == expected


@pytest.mark.parametrize("version", [None, 0, -1, "", "abc"])
def test_save_versioned_refuses_a_missing_or_invalid_version(faculty_a, version):
    copy = Faculty.objects.get(pk=faculty_a.pk)
    copy.name_en = "Overwritten"
    with pytest.raises(StaleEdit) as refused:
        save_versioned(copy, expected_version=version)
    assert refused.value.current_version == faculty_a.version
    faculty_a.refresh_from_db()
    assert faculty_a.name_en == "Faculty A"


def test_save_versioned_does_not_bring_back_a_deleted_record(faculty_a):
    copy = Faculty.objects.get(pk=faculty_a.pk)
    Faculty.objects.filter(pk=faculty_a.pk).delete()
    with pytest.raises(Faculty.DoesNotExist):
        save_versioned(copy, expected_version=copy.version)
    assert not Faculty.objects.filter(pk=faculty_a.pk).exists()


# --- the generic edit view -----------------------------------------------------------------------


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_the_office_newer_change_survives_a_save_posted_without_a_valid_version(office_client, faculty_a, version):
    edit = reverse("faculties:faculty-edit", args=[faculty_a.pk])
    opened = form_data(office_client.get(edit).content.decode())
    # The office saves a newer change meanwhile (version 1 → 2).
    assert office_client.post(edit, {**opened, "name_en": "Renamed by the office"}).status_code == 302
    faculty_a.refresh_from_db()
    assert faculty_a.version == 2

    response = _post(office_client, edit, {**opened, "name_zh": "过时的改名"}, version)
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSAL in html  # shown with the form's errors, not hidden with the hidden field
    assert 'value="过时的改名"' in html  # what was typed is kept
    assert _offered_version(html) == "2"  # saving again is a deliberate choice on the current version
    faculty_a.refresh_from_db()
    assert (faculty_a.name_en, faculty_a.name_zh, faculty_a.version) == ("Renamed by the office", "甲学院", 2)


def test_after_the_refusal_saving_again_keeps_the_typed_change(office_client, faculty_a):
    edit = reverse("faculties:faculty-edit", args=[faculty_a.pk])
    opened = form_data(office_client.get(edit).content.decode())
    refused = _post(office_client, edit, {**opened, "name_zh": "新名称"}, "0")
    again = form_data(refused.content.decode())
    assert again["name_zh"] == "新名称"
    assert office_client.post(edit, again).status_code == 302
    faculty_a.refresh_from_db()
    assert (faculty_a.name_zh, faculty_a.version) == ("新名称", 2)


# --- plans, planned targets, mobilities -------------------------------------------------------------


@pytest.mark.parametrize("version", [None, "", "0", "-1", "abc"])
def test_a_plan_is_not_saved_without_a_valid_version(coord_a_client, faculty_a, version):
    plan = PlanFactory(faculty=faculty_a, title="原标题")
    edit = reverse("faculties:plan-edit", args=[plan.pk])
    opened = form_data(coord_a_client.get(edit).content.decode())
    response = _post(coord_a_client, edit, {**opened, "title": "新标题"}, version)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("原标题", 1)


@pytest.mark.parametrize("version", [None, "", "0", "-1", "abc"])
def test_a_planned_target_is_not_saved_without_a_valid_version(coord_a_client, faculty_a, version):
    plan = PlanFactory(faculty=faculty_a)
    target = PlanTargetFactory(plan=plan)
    edit = reverse("faculties:plan-target-edit", args=[plan.pk, target.pk])
    opened = form_data(coord_a_client.get(edit).content.decode())
    before = PlanTarget.objects.values().get(pk=target.pk)
    response = _post(coord_a_client, edit, {**opened, "value": "9"}, version)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert PlanTarget.objects.values().get(pk=target.pk) == before


@pytest.mark.parametrize("version", [None, "", "0", "-1", "abc"])
def test_a_mobility_is_not_saved_without_a_valid_version(coord_a_client, faculty_a, version):
    mobility = MobilityFactory(faculty=faculty_a, person_name="张三")
    edit = reverse("exchanges:mobility-edit", args=[mobility.pk])
    opened = form_data(coord_a_client.get(edit).content.decode())
    response = _post(coord_a_client, edit, {**opened, "person_name": "李四"}, version)
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSAL in html
    assert 'value="李四"' in html
    mobility.refresh_from_db()
    assert (mobility.person_name, mobility.version) == ("张三", 1)


def test_the_edit_forms_still_save_with_the_version_they_carry(coord_a_client, faculty_a):
    # Not yet verified: the coordinator's edit is saved, not proposed (intlportal.verification).
    mobility = MobilityFactory(faculty=faculty_a, person_name="张三", unverified=True)
    edit = reverse("exchanges:mobility-edit", args=[mobility.pk])
    opened = form_data(coord_a_client.get(edit).content.decode())
    assert coord_a_client.post(edit, {**opened, "person_name": "李四"}).status_code == 302
    mobility.refresh_from_db()
    assert (mobility.person_name, mobility.version) == ("李四", 2)


# --- the services, called without a version ----------------------------------------------------------


@pytest.mark.parametrize("version", [None, 0, -1])
def test_the_services_refuse_a_change_without_a_valid_version(office, faculty_a, version):
    mobility = MobilityFactory(faculty=faculty_a, person_name="张三")
    mobility.person_name = "李四"
    with pytest.raises(StaleEdit):
        exchange_services.mobility_save(mobility=mobility, by=office, expected_version=version)
    assert Mobility.objects.get(pk=mobility.pk).person_name == "张三"

    plan = PlanFactory(faculty=faculty_a, title="原标题")
    with pytest.raises(StaleEdit):
        faculty_services.plan_update(plan=plan, by=office, data={"title": "新标题"}, expected_version=version)
    assert InternationalizationPlan.objects.get(pk=plan.pk).title == "原标题"

    target = PlanTargetFactory(plan=plan, value=3)
    target.value = 9
    with pytest.raises(StaleEdit):
        faculty_services.plan_target_save(target=target, by=office, expected_version=version)
    assert PlanTarget.objects.get(pk=target.pk).value == 3


def test_every_edit_page_carries_the_version_its_form_is_checked_against():
    """An edit form without the hidden version could never be saved (every save refused)."""
    def views(patterns):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                yield from views(entry.url_patterns)
            elif isinstance(getattr(entry.callback, "view_class", None), type):
                yield entry.callback.view_class

    update_views = [v for v in views(get_resolver().url_patterns) if issubclass(v, RecordUpdateView)]
    assert len(update_views) > 20
    missing = [v.__name__ for v in update_views if "version" not in v.form_class.base_fields]
    assert not missing, missing
