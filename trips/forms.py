"""Forms of trips abroad: the application, a member, a country."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intlportal import uploads
from intlportal.forms import ScopedModelForm
from staff.models import StaffMember
from trips.models import BUDGET_LINES, Trip, TripCountry, TripDay, TripMember, TripPlan


class TripForm(ScopedModelForm):
    class Meta:
        model = Trip
        fields = ["faculty", "title", "purpose", "partner", "inviting_institution", "departs_on", "returns_on",
                  "funding_source", "funding_scheme", "grant_number", *BUDGET_LINES, "in_annual_plan",
                  "outside_plan_reason", "invitation", "invitation_translation"]
        widgets = {"outside_plan_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["in_annual_plan"].help_text = _(
            "Each faculty's plan for the year is under Annual outbound plans (%(url)s): tick this when the trip "
            "is one of its planned trips; otherwise say why below.") % {"url": reverse("trips:tripplan-list")}
        for name in ("invitation", "invitation_translation"):
            self.fields[name].widget.attrs["accept"] = "application/pdf,.pdf,image/jpeg,.jpg,.jpeg,image/png,.png"
        self.fields["invitation"].help_text = _(
            "The inviting institution's letter: a PDF, or a JPEG or PNG scan, at most 20 MB. Required to submit.")
        self.fields["invitation_translation"].help_text = _(
            "Its Chinese translation, same formats; not needed when the letter is in Chinese.")

    def _clean_letter(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            # Stored under a random name with the extension its content calls for.
            upload.name = f"letter.{uploads.validate_pdf_or_image(upload)}"
        return upload

    def clean_invitation(self):
        return self._clean_letter("invitation")

    def clean_invitation_translation(self):
        return self._clean_letter("invitation_translation")


class TripMemberForm(ScopedModelForm):
    class Meta:
        model = TripMember
        fields = ["staff_member", "role", "senior_post"]

    def __init__(self, *args, trip: Trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.trip = trip
        # The group travels for its faculty: its staff members, those not in it yet.
        self.fields["staff_member"].queryset = (StaffMember.objects.filter(faculty=trip.faculty)
                                                .exclude(trip_memberships__trip=trip).order_by("name"))


class TripCountryForm(ScopedModelForm):
    class Meta:
        model = TripCountry
        fields = ["country", "arrives_on", "leaves_on"]

    def __init__(self, *args, trip: Trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.trip = trip
        if not self.is_bound:
            self.initial.setdefault("arrives_on", trip.departs_on)
            self.initial.setdefault("leaves_on", trip.returns_on)

    def clean_country(self):
        country = self.cleaned_data["country"]
        if TripCountry.objects.filter(trip=self.instance.trip, country=country).exists():
            raise forms.ValidationError(_("This country or region is in the trip already."))
        return country




# --- change requests, annual plan, itinerary, objections (trips/views_changes.py) ---------------------

class TripDayForm(ScopedModelForm):
    class Meta:
        model = TripDay
        fields = ["day", "place", "activities"]
        widgets = {"activities": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, trip: Trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.trip = trip
        if not self.is_bound:
            taken = set(trip.days.values_list("day", flat=True))
            free = [trip.departs_on + timedelta(days=n) for n in range((trip.returns_on - trip.departs_on).days + 1)]
            self.initial.setdefault("day", next((d for d in free if d not in taken), trip.departs_on))

    def clean_day(self):
        day = self.cleaned_data["day"]
        if TripDay.objects.filter(trip=self.instance.trip, day=day).exists():
            raise forms.ValidationError(_("This day is in the itinerary already: remove it first to change it."))
        return day


class TripPlanForm(ScopedModelForm):
    class Meta:
        model = TripPlan
        fields = ["faculty", "year", "planned_trips", "planned_people", "countries", "budget", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"countries": _("The countries and regions the faculty plans to visit, e.g. 日本、德国、美国."),
                      "notes": _("Each planned trip: purpose, destination, when, how many people.")}


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
