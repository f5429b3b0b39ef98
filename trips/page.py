"""The trip's page: what it shows (``TripDetail``, with what each part of the trip adds), and
the page shown again when a form on it is refused (``show_invalid``): the form comes back with
what was typed and its errors, answered 400, instead of a redirect that would lose the input."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from intlportal.views import RecordDetailView, record_page_again
from intlportal.workflow import labelled_timeline
from trips import forms, services
from trips.models import BUDGET_LINES, Trip

S = Trip.Status

#: What each part of the trip adds to its page (``trips.views_changes``, ``views_travel``,
#: ``views_passports``: each registers its ``detail_context`` with ``part``), in that order.
PARTS: list[Callable] = []


def part(detail_context: Callable) -> Callable:
    PARTS.append(detail_context)
    return detail_context


class TripDetail(RecordDetailView):
    template_name = "trips/trip_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        trip, user = self.object, self.request.user
        changeable = services.can_change(user, trip)
        steps = services.available_steps(user, trip)
        today = timezone.localdate()
        ctx.update(
            can_edit=changeable, can_delete=changeable and trip.status == S.DRAFT, can_change_parts=changeable,
            can_submit="submit" in steps, can_approve="approve" in steps,
            can_leader_approve="leader-approve" in steps, can_return="return" in steps,
            can_withdraw="withdraw" in steps, can_clear="clear" in steps,
            notice_over=trip.notice_ends_on is not None and today > trip.notice_ends_on,
            leader_reasons=services.leader_reasons(trip),
            members=trip.members.select_related("staff_member"),
            countries=trip.countries.all(),
            budget=[(Trip._meta.get_field(name).verbose_name, getattr(trip, name)) for name in BUDGET_LINES],
            timeline=labelled_timeline(trip, S.choices),
            member_form=forms.TripMemberForm(user=user, trip=trip) if changeable else None,
            country_form=forms.TripCountryForm(user=user, trip=trip) if changeable else None,
            earliest_departure=services.earliest_departure(today),
        )
        # Each part of the trip's page adds what it shows (its panel is trips/_<part>_panel.html).
        for add in PARTS:
            ctx.update(add(self.request, trip))
        return ctx


def show_invalid(request, trip: Trip, **bound_forms):
    """The trip's page again with the refused ``bound_forms``, answered 400
    (``intlportal.views.record_page_again``)."""
    return record_page_again(request, Trip.objects.select_related("faculty").get(pk=trip.pk), **bound_forms)
