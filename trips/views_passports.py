"""Passports and travel permits (护照管理): the office's registry, custody log, lending and return."""

from __future__ import annotations

urlpatterns: list = []


def detail_context(request, trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``)."""
    return {}
