"""Forms and filters of the travel-document registry (the office's): a document, lending it,
its return, marking it expired or cancelled, lifting a faculty's block on new trips."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faculties.filters import FacultyScopedFilterSet
from faculties.models import Faculty
from intlportal.forms import DateInput, ScopedModelForm
from trips import passports
from trips.models import TravelDocument, Trip

C = TravelDocument.Custody


class TravelDocumentForm(ScopedModelForm):
    class Meta:
        model = TravelDocument
        fields = ["holder", "kind", "number", "issued_on", "expires_on"]
        help_texts = {"number": _("As printed on the document, e.g. SE1234567 (official passport), "
                                  "E12345678 (private passport), C12345678 (Hong Kong and Macao permit).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = self.fields["holder"].queryset.select_related("faculty").order_by("name")

    def clean_number(self):
        return passports.normalise_number(self.cleaned_data.get("number", ""))

    def clean(self):
        cleaned = super().clean()
        if not all(cleaned.get(name) for name in ("kind", "number", "issued_on", "expires_on")):
            return cleaned
        probe = TravelDocument(pk=self.instance.pk, kind=cleaned["kind"], number=cleaned["number"],
                               issued_on=cleaned["issued_on"], expires_on=cleaned["expires_on"])
        try:
            passports.validate(probe)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return cleaned


class _VersionedForm(forms.Form):
    """A custody step's form; its ids are its own, as the document's page shows several at once."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    id_prefix = "custody"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class LendForm(_VersionedForm):
    id_prefix = "lend"
    trip = forms.ModelChoiceField(label=_("for the trip"), queryset=Trip.objects.none(),
                                  empty_label=_("- Select an option -"))
    on = forms.DateField(label=_("lent on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, document: TravelDocument, **kwargs):
        super().__init__(*args, **kwargs)
        # The trips of the holder that a document can be lent for.
        self.fields["trip"].queryset = (Trip.objects.filter(status__in=passports.LENDABLE_TRIP_STATES,
                                                            members__staff_member_id=document.holder_id)
                                        .order_by("departs_on", "pk"))
        self.fields["version"].initial = document.version


class ReturnForm(_VersionedForm):
    id_prefix = "return"
    on = forms.DateField(label=_("returned on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, document: TravelDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = document.version


class CustodyForm(_VersionedForm):
    id_prefix = "mark"
    custody = forms.ChoiceField(label=_("mark as"), choices=[(C.EXPIRED, C.EXPIRED.label),
                                                             (C.CANCELLED, C.CANCELLED.label)])
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("reason"), required=False, max_length=300,
                           help_text=_("Required to cancel: lost, replaced, the holder left…"))

    def __init__(self, *args, document: TravelDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = document.version


class BlockLiftForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(label=_("lifted until"), widget=DateInput())


class TravelDocumentFilter(FacultyScopedFilterSet):
    q = django_filters.CharFilter(label=_("holder"), method="search", help_text=_("Name, staff number or "
                                                                                  "document number."))
    faculty = django_filters.ModelChoiceFilter(label=_("faculty"), queryset=Faculty.objects.all(),
                                               field_name="holder__faculty")
    kind = django_filters.ChoiceFilter(label=_("document type"), choices=TravelDocument.Kind.choices)
    custody = django_filters.ChoiceFilter(label=_("custody"), choices=TravelDocument.Custody.choices)
    expiring = django_filters.BooleanFilter(label=_("expiring within 6 months"), method="filter_expiring")
    overdue = django_filters.BooleanFilter(label=_("return overdue"), method="filter_overdue")
    due = django_filters.BooleanFilter(label=_("overdue or expiring (the work queue's)"), method="filter_due")

    class Meta:
        model = TravelDocument
        fields = ["q", "faculty", "kind", "custody", "expiring", "overdue", "due"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(holder__name__icontains=value) | Q(holder__staff_no__icontains=value)
                               | Q(number__icontains=passports.normalise_number(value)))

    def filter_expiring(self, queryset, name, value):
        expiring = passports.expiring().values("pk")
        return queryset.filter(pk__in=expiring) if value else queryset.exclude(pk__in=expiring)

    def filter_overdue(self, queryset, name, value):
        overdue = passports.overdue_returns().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_due(self, queryset, name, value):
        due = passports.due_documents().values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)
