"""A trip from approval to closing: pre-departure briefing, visas, departure, return, report,
spending, and closing into mobilities."""

from __future__ import annotations

urlpatterns: list = []


def detail_context(request, trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``)."""
    return {}
