"""Change requests (任务变更), the annual outbound plan, the itinerary, the invitation letter and
objections to a notice."""

from __future__ import annotations

urlpatterns: list = []


def detail_context(request, trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``)."""
    return {}
