"""Filter labels follow the page's language, also after the API schema was built in English
(django-filter keeps the first label it computes; issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

PAGES = ["staff:staffmember-list", "staff:evaluation-list", "staff:assignment-list",
         "staff:languageassessment-list", "programs:program-list", "faculties:leadinggroupmember-list"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_filter_labels_stay_chinese_after_the_schema_is_built_in_english(office_client, page):
    with translation.override("en"):
        assert office_client.get(reverse("api:schema"), HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    response = office_client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="zh-hans")
    labels = [str(field.label) for field in response.context["filter"].form]
    english = [label for label in labels if label.isascii() and any(c.isalpha() for c in label)]
    assert not english, f"{page}: English filter labels on a Chinese page: {english}"
