"""Forms of a trip from approval to closing: a member's visa, the trip report, the spending."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from intlportal import uploads
from intlportal.forms import DateInput, ScopedModelForm
from trips.models import SPENT_LINES, Trip, TripMember, Visa


def _group_and_countries(trip: Trip) -> tuple[list, set]:
    """The trip's members and country codes, read once for all the visa forms of its page."""
    if not hasattr(trip, "_visa_form_choices"):
        members = list(TripMember.objects.filter(trip=trip).select_related("staff_member"))
        trip._visa_form_choices = (members, set(trip.countries.values_list("country", flat=True)))
    return trip._visa_form_choices


class VisaForm(forms.ModelForm):
    """A member's visa for a country of the trip (a visa is no versioned record: the form has
    no ``version``)."""

    class Meta:
        model = Visa
        fields = ["member", "country", "kind", "status", "applied_on", "granted_on", "valid_from", "valid_until"]
        widgets = {name: DateInput() for name in ("applied_on", "granted_on", "valid_from", "valid_until")}

    def __init__(self, *args, trip: Trip, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trip, self.user = trip, user
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        members, codes = _group_and_countries(trip)
        member = self.fields["member"]
        member.queryset = TripMember.objects.filter(trip=trip)  # what a posted choice is checked against
        # Offered from the group read once per trip: a page shows one form per visa.
        member.choices = [("", member.empty_label), *((m.pk, member.label_from_instance(m)) for m in members)]
        self.fields["country"].choices = [(c, n) for c, n in self.fields["country"].choices if c in codes]
        if self.instance.pk:
            # A visa stays the member's and the country's: to change those, remove it and add another.
            self.fields["member"].disabled = True
            self.fields["country"].disabled = True


class ReportForm(ScopedModelForm):
    class Meta:
        model = Trip
        fields = ["report_text", "report_file"]
        widgets = {"report_text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_file"].validators.append(uploads.validate_pdf)
        self.fields["report_file"].widget = forms.ClearableFileInput(attrs={"accept": "application/pdf"})
        self.fields["report_file"].help_text = _("A PDF, checked by its content.")


class SpendingForm(ScopedModelForm):
    class Meta:
        model = Trip
        fields = list(SPENT_LINES)
