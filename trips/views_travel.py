"""A trip from approval to closing: pre-departure briefing, visas, departure, return, report,
spending, and closing into mobilities (the services are ``trips.travel``; the departure, return
and closing buttons post to ``trips:trip-step``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intlportal import access, uploads
from intlportal.versioning import StaleEdit
from intlportal.workflow import WorkflowError
from trips import page, services, travel
from trips.forms_travel import ReportForm, SpendingForm, VisaForm
from trips.models import BUDGET_LINES, SPENT_LINES, Trip, TripMember, Visa

S = Trip.Status


def _trip(request, pk: int) -> Trip:
    return access.get_visible_or_404(request.user, Trip.objects.select_related("faculty"), pk=pk)


def _acting(request, pk: int) -> Trip:
    """The trip (404 for another faculty's), for someone who acts for its faculty (403 otherwise)."""
    trip = _trip(request, pk)
    if not access.acts_for_faculty(request.user, trip):
        raise PermissionDenied
    return trip


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _stale(request) -> None:
    messages.error(request, _("Nothing was saved: someone changed this trip meanwhile. Check the page as it is "
                              "now, then enter your changes again."))


@require_POST
def briefing(request, pk: int, member_pk: int):
    trip = _acting(request, pk)
    member = get_object_or_404(TripMember.objects.select_related("staff_member"), pk=member_pk, trip=trip)
    try:
        travel.confirm_briefing(trip=trip, member=member, by=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The briefing of %(person)s is confirmed.") % {"person": member})
    return redirect(trip)


@require_POST
def visa_add(request, pk: int):
    trip = _acting(request, pk)
    form = VisaForm(request.POST, user=request.user, trip=trip, prefix="visa")
    return _save_visa(request, trip, form, _("The visa was added."), key="travel_visa_form")


@require_POST
def visa_edit(request, pk: int, visa_pk: int):
    trip = _acting(request, pk)
    visa = get_object_or_404(Visa.objects.select_related("member"), pk=visa_pk, member__trip=trip)
    form = VisaForm(request.POST, instance=visa, user=request.user, trip=trip, prefix=f"visa{visa.pk}")
    return _save_visa(request, trip, form, _("The visa was changed."))


def _save_visa(request, trip, form, done: str, key: str | None = None):
    """Save a visa; a refused one comes back on the trip's page as typed (the add form, ``key``)."""
    if not travel.may_keep_visas(request.user, trip):
        messages.error(request, _("The visas of a closed or withdrawn trip no longer change."))
        return redirect(trip)
    if form.is_valid():
        try:
            travel.save_visa(visa=form.save(commit=False), by=request.user)
        except (ValidationError, WorkflowError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, done)
            return redirect(trip)
    if key is None:  # a visa's own edit form among many: its errors as a message
        messages.error(request, _errors(form))
        return redirect(trip)
    return page.show_invalid(request, trip, **{key: form})


@require_POST
def visa_delete(request, pk: int, visa_pk: int):
    """Remove a visa; the panel asks first (“Yes, remove”, which posts ``confirmed``)."""
    trip = _acting(request, pk)
    visa = get_object_or_404(Visa.objects.select_related("member__staff_member"), pk=visa_pk, member__trip=trip)
    if not travel.may_keep_visas(request.user, trip):
        raise PermissionDenied
    if request.POST.get("confirmed") != "1":
        messages.error(request, _("Nothing was removed: confirm the removal with “Yes, remove”."))
        return redirect(trip)
    travel.delete_visa(visa=visa, by=request.user)
    messages.success(request, _("The visa of %(person)s for %(country)s was removed.")
                     % {"person": visa.member, "country": visa.country.name})
    return redirect(trip)


@require_POST
def report(request, pk: int):
    trip = _acting(request, pk)
    form = ReportForm(request.POST, request.FILES, instance=trip, user=request.user, prefix="report")
    return _save_versioned(request, trip, form, "travel_report_form", travel.submit_report,
                           _("The trip report was filed."))


def report_download(request, pk: int):
    trip = _trip(request, pk)
    return uploads.download(trip.report_file, f"trip-report-{trip.pk}.pdf")


@require_POST
def spending(request, pk: int):
    trip = _acting(request, pk)
    form = SpendingForm(request.POST, instance=trip, user=request.user, prefix="spending")
    return _save_versioned(request, trip, form, "travel_spending_form", travel.record_spending,
                           _("The spending was recorded."))


def _save_versioned(request, trip, form, key: str, service, done: str):
    """The report's and the spending's form: saved through ``service`` under the version lock;
    refused, it comes back on the trip's page as typed, with the reason."""
    if form.is_valid():
        try:
            service(trip=form.save(commit=False), by=request.user, expected_version=form.cleaned_data["version"])
        except StaleEdit:
            _stale(request)
            return redirect(trip)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(trip)
    return page.show_invalid(request, trip, **{key: form})


urlpatterns = [
    path("trips/<int:pk>/travel/briefing/<int:member_pk>/", briefing, name="trip-briefing"),
    path("trips/<int:pk>/travel/visas/add/", visa_add, name="trip-visa-add"),
    path("trips/<int:pk>/travel/visas/<int:visa_pk>/edit/", visa_edit, name="trip-visa-edit"),
    path("trips/<int:pk>/travel/visas/<int:visa_pk>/remove/", visa_delete, name="trip-visa-delete"),
    path("trips/<int:pk>/travel/report/", report, name="trip-report"),
    path("trips/<int:pk>/travel/report/file/", report_download, name="trip-report-download"),
    path("trips/<int:pk>/travel/spending/", spending, name="trip-spending"),
]


@page.part
def detail_context(request, trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``)."""
    user = request.user
    if trip.status not in (S.ON_NOTICE, S.CLEARED, S.TRAVELLING, S.BACK, S.CLOSED):
        return {"travel_shown": False}
    acting = access.acts_for_faculty(user, trip)
    steps = services.available_steps(user, trip)
    today = timezone.localdate()
    members = list(trip.members.select_related("staff_member", "briefed_by", "mobility").prefetch_related("visas"))
    visas = [visa for member in members for visa in member.visas.all()]
    for visa in visas:
        visa.member_label = next(str(m) for m in members if m.pk == visa.member_id)
    keeps_visas = travel.may_keep_visas(user, trip)
    spending_rows = [(Trip._meta.get_field(budget).verbose_name, getattr(trip, budget), getattr(trip, spent))
                     for budget, spent in zip(BUDGET_LINES, SPENT_LINES, strict=True)]
    reporting = travel.may_report(user, trip)
    return {
        "travel_shown": True,
        "travel_members": members,
        "travel_may_brief": acting and trip.status in travel.BRIEFING_STATES,
        "travel_visas": visas,
        "travel_lacking": travel.members_without_visa(trip) if trip.status in (S.ON_NOTICE, S.CLEARED) else [],
        "travel_visa_form": VisaForm(user=user, trip=trip, prefix="visa") if keeps_visas else None,
        "travel_visa_edit_forms": ([(visa, VisaForm(instance=visa, user=user, trip=trip, prefix=f"visa{visa.pk}"))
                                    for visa in visas] if keeps_visas else []),
        "travel_can_depart": "depart" in steps,
        "travel_can_come_back": "come-back" in steps,
        "travel_can_close": "close" in steps,
        "travel_not_yet_departing": trip.status == S.CLEARED and today < trip.departs_on,
        "travel_not_yet_back": trip.status == S.TRAVELLING and today < trip.returns_on,
        "travel_report_due": travel.report_due_on(trip),
        "travel_report_overdue": travel.report_overdue(trip, today),
        "travel_report_form": ReportForm(instance=trip, user=user, prefix="report") if reporting else None,
        "travel_spending_rows": spending_rows,
        "travel_spending_form": SpendingForm(instance=trip, user=user, prefix="spending") if reporting else None,
        "travel_mobilities": [m.mobility for m in members if m.mobility_id],
    }
