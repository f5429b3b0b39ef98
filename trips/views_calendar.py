"""Who is abroad when: the month calendar for the office and leaders, and each user's iCalendar feed."""

from __future__ import annotations

urlpatterns: list = []

