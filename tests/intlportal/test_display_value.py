"""``display_value``: the label of a choice as ``get_<field>_display()`` gives it, from a table
built once per field and language."""

from __future__ import annotations

import pytest
from django.utils import translation

from intlportal.views import display_value
from tests.factories import MobilityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_choice_labels_equal_what_django_displays(language):
    mobility = MobilityFactory(country="JP", activity="conference", direction="outbound")
    with translation.override(language):
        assert display_value(mobility, "country") == mobility.get_country_display()
        assert display_value(mobility, "activity") == mobility.get_activity_display()
        assert display_value(mobility, "direction") == mobility.get_direction_display()
        assert display_value(mobility, "faculty__code") == mobility.faculty.code
        expected = f"{mobility.person_name} → {mobility.get_country_display()} ({mobility.starts_on:%Y-%m-%d})"
        assert str(mobility) == expected


def test_an_unknown_stored_value_is_shown_as_stored():
    mobility = MobilityFactory()
    mobility.activity = "no_such_activity"
    assert display_value(mobility, "activity") == "no_such_activity"


def test_the_table_is_used_and_a_models_own_display_method_wins(monkeypatch):
    from django.db.models import Model

    from exchanges.models import Mobility
    from intlportal.views import _choice_labels

    assert _choice_labels(Mobility, "country") is not None
    calls = []
    monkeypatch.setattr(Model, "_get_FIELD_display", lambda self, field: calls.append(field) or "?")
    mobility = MobilityFactory(country="JP")
    display_value(mobility, "country")
    assert calls == []  # read from the table, not rebuilt

    monkeypatch.setattr(Mobility, "get_activity_display", lambda self: "own", raising=True)
    monkeypatch.setattr("intlportal.views._CHOICE_LABELS", {})
    assert _choice_labels(Mobility, "activity") is None
    assert display_value(mobility, "activity") == "own"
