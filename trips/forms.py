"""Forms of trips abroad: the application, a member, a country, a decision's comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intlportal.forms import ScopedModelForm
from staff.models import StaffMember
from trips.models import BUDGET_LINES, Trip, TripCountry, TripMember


class TripForm(ScopedModelForm):
    class Meta:
        model = Trip
        fields = ["faculty", "title", "purpose", "partner", "inviting_institution", "departs_on", "returns_on",
                  "funding_source", "funding_scheme", "grant_number", *BUDGET_LINES, "in_annual_plan",
                  "outside_plan_reason"]
        widgets = {"outside_plan_reason": forms.Textarea(attrs={"rows": 2})}


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


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea)
