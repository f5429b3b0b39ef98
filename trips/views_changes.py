"""Change requests (任务变更), the annual outbound plan, the itinerary, the invitation letter and
objections to a notice: the plan's pages (``/abroad/plans/``), and what the trip's page shows
and does for them (``trips/_changes_panel.html``).  The rules are in ``trips.changes``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from intlportal import access, uploads
from intlportal.views import Column, RecordCreateView, RecordDetailView, RecordListView, RecordPages
from intlportal.workflow import WorkflowError
from trips import changes, filters, forms, page, services
from trips.models import Trip, TripObjection, TripPlan

S = Trip.Status
#: The trip's letters, by the name in their address.
LETTERS = {"letter": "invitation", "translation": "invitation_translation"}
#: The itinerary form's prefix: its fields' ids stay apart from the other forms' of the trip's page.
DAY_PREFIX = "itinerary"


# --- the annual outbound plan (年度出访计划) ----------------------------------------------------------

class PlanList(RecordListView):
    def base_queryset(self):
        return TripPlan.objects.select_related("faculty")


class PlanDetail(RecordDetailView):
    template_name = "trips/tripplan_detail.html"

    def base_queryset(self):
        return TripPlan.objects.select_related("faculty", "filed_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        ctx["standing"] = changes.plan_standing(plan.faculty_id, plan.year)
        ctx["year_trips"] = (Trip.objects.filter(faculty_id=plan.faculty_id, departs_on__year=plan.year)
                             .exclude(status=S.WITHDRAWN).annotate(people=Count("members"))
                             .order_by("departs_on", "pk"))
        return ctx


class PlanCreate(RecordCreateView):
    def form_valid(self, form):
        form.instance.filed_by = self.request.user
        return super().form_valid(form)


plans = RecordPages(
    TripPlan, "plans", name="tripplan", form=forms.TripPlanForm, filterset=filters.TripPlanFilter,
    columns=[
        Column("faculty", gettext_lazy("faculty"), sort="faculty__code", link=True),
        Column("year", gettext_lazy("year"), sort="year"),
        Column("planned_trips", gettext_lazy("planned trips"), sort="planned_trips"),
        Column("planned_people", gettext_lazy("planned travellers"), sort="planned_people"),
        Column("budget", gettext_lazy("budget (yuan)"), sort="budget"),
        Column("countries", gettext_lazy("countries and regions")),
    ],
    sort_default="-year",
    empty_hint=gettext_lazy("No annual outbound plan matches. Change the filters, or file the faculty's plan "
                            "for the year: the trips, travellers, countries and budget it plans."),
    detail_fields=["faculty", "year", "planned_trips", "planned_people", "countries", "budget", "notes",
                   "filed_by"],
    list_view=PlanList, detail_view=PlanDetail, create_view=PlanCreate,
)


# --- the trip's page ------------------------------------------------------------------------------------

def _trip(request, pk: int) -> Trip:
    return access.get_visible_or_404(request.user, Trip.objects.select_related("faculty"), pk=pk)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@page.part
def detail_context(request, trip) -> dict:
    """What this part adds to the trip's page (``trips.views.TripDetail``)."""
    user = request.user
    office = access.is_office(user)
    changeable = services.can_change(user, trip)
    pending = changes.change_pending(trip)
    sees_objections = access.acts_for_faculty(user, trip)  # the office and the trip's faculty
    objections = list(trip.objections.select_related("recorded_by")) if sees_objections else []
    return {
        "can_open_change": "change" in services.available_steps(user, trip),
        "change_pending": pending,
        "change_rows": changes.diff(trip.approved_version, trip) if pending else [],
        "itinerary_days": trip.days.all(),
        "day_form": forms.TripDayForm(user=user, trip=trip, prefix=DAY_PREFIX) if changeable else None,
        "plan_standing": changes.plan_standing(trip.faculty_id, trip.departs_on.year),
        "outside_plan_alert": office and not trip.in_annual_plan,
        "sees_objections": sees_objections,
        "objections": objections,
        "objection_form": forms.ObjectionForm() if office and trip.status == S.ON_NOTICE else None,
        "can_record_outcome": office,
    }


@require_POST
def day_add(request, pk: int):
    trip = _trip(request, pk)
    if not services.can_change(request.user, trip):
        raise PermissionDenied
    form = forms.TripDayForm(request.POST, user=request.user, trip=trip, prefix=DAY_PREFIX)
    if form.is_valid():
        form.save()
        messages.success(request, _("The day %(day)s was added to the itinerary.") % {
            "day": form.instance.day.isoformat()})
        return redirect(trip)
    return page.show_invalid(request, trip, day_form=form)


def invitation_download(request, pk: int, which: str):
    """The invitation letter (``letter``) or its translation, for whoever may see the trip."""
    if which not in LETTERS:
        raise Http404
    trip = _trip(request, pk)
    letter = getattr(trip, LETTERS[which])
    extension = letter.name.rsplit(".", 1)[-1] if letter else "pdf"
    return uploads.download(letter, f"trip-{trip.pk}-invitation{'-zh' if which == 'translation' else ''}.{extension}")


@require_POST
def objection_add(request, pk: int):
    trip = _trip(request, pk)
    access.require(access.is_office(request.user))
    form = forms.ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(trip)
    try:
        changes.record_objection(trip=trip, by=request.user, text=form.cleaned_data["text"])
    except (WorkflowError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The objection was recorded. The trip cannot be approved for travel until "
                                    "its outcome is recorded."))
    return redirect(trip)


@require_POST
def objection_outcome(request, pk: int, objection_pk: int):
    trip = _trip(request, pk)
    access.require(access.is_office(request.user))
    try:
        objection = trip.objections.get(pk=objection_pk)
    except TripObjection.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(trip)
    changes.record_outcome(objection=objection, by=request.user, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("The outcome of the objection was recorded."))
    return redirect(reverse("trips:trip-detail", args=[trip.pk]) + "#h-objections")


urlpatterns: list = [
    *plans.urls(),
    path("trips/<int:pk>/days/add/", day_add, name="trip-day-add"),
    path("trips/<int:pk>/invitation/<str:which>/", invitation_download, name="trip-invitation"),
    path("trips/<int:pk>/objections/add/", objection_add, name="trip-objection-add"),
    path("trips/<int:pk>/objections/<int:objection_pk>/outcome/", objection_outcome, name="trip-objection-outcome"),
]
