"""The trip's page: what it shows (``TripDetail``, with what each part of the trip adds), and
the page shown again when a form on it is refused (``show_invalid``): the form comes back with
what was typed and its errors, answered 400, instead of a redirect that would lose the input."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import resolve
from django.utils import timezone

from intlportal.views import RecordDetailView
from intlportal.workflow import timeline
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
            timeline=_labelled(timeline(trip)),
            member_form=forms.TripMemberForm(user=user, trip=trip) if changeable else None,
            country_form=forms.TripCountryForm(user=user, trip=trip) if changeable else None,
            earliest_departure=services.earliest_departure(today),
        )
        # Each part of the trip's page adds what it shows (its panel is trips/_<part>_panel.html).
        for add in PARTS:
            ctx.update(add(self.request, trip))
        return ctx


def _labelled(steps) -> list:
    labels = dict(S.choices)
    steps = list(steps)
    for entry in steps:
        entry.to_label = labels.get(entry.to_state, entry.to_state)
    return steps


def show_invalid(request, trip: Trip, **bound_forms):
    """The trip's page again, with ``bound_forms`` (the page's context names → the refused,
    bound forms) in place of the empty ones, answered 400. The trip is read again: a model
    form's validation has written the typed values onto the instance it was given."""
    fresh = Trip.objects.select_related("faculty").get(pk=trip.pk)
    registered = resolve(fresh.get_absolute_url()).func  # the page as RecordPages configured it
    view = registered.view_class(**registered.view_initkwargs)
    view.setup(request, pk=fresh.pk)
    view.object = fresh
    context = view.get_context_data(object=fresh)
    context.update(bound_forms)
    return view.render_to_response(context, status=400)
