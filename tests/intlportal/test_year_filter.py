"""One bounded year filter for every list (and its exports) and the API.

``?year=0`` or ``?year=10000`` on the mobility, event, agreement, language-assessment and
language-test lists answered 500 (the year of a date must be 1–9999), and a CSV export with it
streamed a truncated file.  Now every FilterSet that filters by a year declares
``intlportal.filters.YearFilter``; a year out of range (or not a whole number) is a form error
on the list, and an export with it shows the list with that error instead.
"""

from __future__ import annotations

import datetime
import importlib

import django_filters
import pytest
from django.apps import apps
from django.urls import get_resolver, resolve, reverse

from api.filtering import integer_bounds
from exchanges.filters import MobilityFilter
from exchanges.models import Mobility
from intlportal.filters import MAX_YEAR, MIN_YEAR, YearFilter
from intlportal.views import RecordListView
from tests.factories import MobilityFactory

BAD_YEARS = ["0", "10000", "-5", "abc", "2025.5", "1e3", "99999999999999999999999"]
YEAR_LOOKUPS = {"year", "iso_year"}


def _filtersets() -> list[type[django_filters.FilterSet]]:
    for app in apps.get_app_configs():
        for module in ("filters", "plan_filters"):
            try:
                importlib.import_module(f"{app.name}.{module}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app.name}.{module}":
                    raise
    found, todo = [], list(django_filters.FilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {a.name for a in apps.get_app_configs()}:
            found.append(cls)
    return found


def _list_urls_with_a_year_filter() -> list[str]:
    """Every list page of the project whose FilterSet filters by year."""
    urls = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                if str(entry.pattern).startswith(("admin/", "api/")):
                    continue
                walk(entry.url_patterns, ":".join(p for p in (namespace, entry.namespace or "") if p))
                continue
            view_class = getattr(entry.callback, "view_class", None)
            if not (entry.name and view_class and issubclass(view_class, RecordListView)):
                continue
            filterset = view_class.filterset_class
            if filterset is not None and "year" in filterset.base_filters:
                urls.append(reverse(f"{namespace}:{entry.name}" if namespace else entry.name))

    walk(get_resolver().url_patterns)
    return sorted(urls)


LIST_URLS = _list_urls_with_a_year_filter()


def test_the_lists_the_probe_named_are_among_those_checked():
    named = {reverse(n) for n in ("exchanges:mobility-list", "exchanges:event-list", "exchanges:agreement-list",
                                  "staff:languageassessment-list", "exchanges:languagetest-list")}
    assert named <= set(LIST_URLS)


def test_every_filterset_filters_by_year_with_the_one_bounded_year_filter():
    offenders = []
    for filterset in _filtersets():
        for name, model_filter in filterset.base_filters.items():
            by_year = name == "year" or getattr(model_filter, "lookup_expr", None) in YEAR_LOOKUPS
            if by_year and not isinstance(model_filter, YearFilter):
                offenders.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert not offenders, offenders


def test_the_api_bounds_years_with_the_same_numbers():
    year = MobilityFilter.base_filters["year"]
    assert integer_bounds(year, Mobility, "year") == (MIN_YEAR, MAX_YEAR) == (1, 9999)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_a_year_out_of_range_is_a_form_error_never_a_500(office_client, url, settings):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "en"
    office_client.raise_request_exception = False
    export_kind = resolve(url).func.view_class().export_kind  # a property on some lists
    wrong = []
    for year in BAD_YEARS:
        response = office_client.get(url, {"year": year})
        if response.status_code != 200 or not response.context["filter"].errors.get("year"):
            wrong.append(f"?year={year}: {response.status_code}")
        if export_kind:
            for fmt in ("csv", "xlsx"):
                export = office_client.get(url, {"year": year, "export": fmt})
                if export.status_code != 200 or not export["Content-Type"].startswith("text/html") \
                        or "Nothing was exported" not in export.content.decode():
                    wrong.append(f"?year={year}&export={fmt}: {export.status_code} {export['Content-Type']}")
    assert not wrong, f"{url}\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
def test_a_year_in_range_still_filters_and_exports(office_client, faculty_a):
    MobilityFactory(faculty=faculty_a, person_name="去年的", starts_on=datetime.date(2024, 5, 1),
                    ends_on=datetime.date(2024, 5, 9))
    MobilityFactory(faculty=faculty_a, person_name="今年的", starts_on=datetime.date(2025, 5, 1),
                    ends_on=datetime.date(2025, 5, 9))
    url = reverse("exchanges:mobility-list")
    response = office_client.get(url, {"year": "2025"})
    assert [m.person_name for m in response.context["object_list"]] == ["今年的"]
    for year in ("1", "9999"):
        assert office_client.get(url, {"year": year}).context["filter"].is_valid()
    export = office_client.get(url, {"year": "2025", "export": "csv"})
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert "今年的" in body and "去年的" not in body
