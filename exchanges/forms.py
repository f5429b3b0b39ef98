"""Forms of partners, agreements, funding schemes, mobilities, events and language tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exchanges.models import Agreement, Event, FundingScheme, Mobility, PartnerInstitution, StudentLanguageTest
from exchanges.widgets import PartnerComboboxInput, StaffMemberSelect
from intlportal.forms import ScopedModelForm
from intlportal.uploads import validate_pdf

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LIST_SEPARATOR = ";"


# --- the partner picker ---------------------------------------------------------------------


def find_partner(text: str, queryset):
    """The partner a typed text names: its exact name, else any of its names ignoring case,
    else one of its domains.  Returns (partner or None, number of candidates)."""
    text = " ".join(text.split())
    exact = list(queryset.filter(name=text)[:2])
    if len(exact) == 1:
        return exact[0], 1
    loose = list(queryset.filter(Q(name__iexact=text) | Q(name_en__iexact=text) | Q(name_zh__iexact=text))[:2])
    if not loose and DOMAIN_RE.match(text.lower()):
        loose = [p for p in queryset.filter(domains__icontains=text.lower())[:20]
                 if text.lower() in (d.lower() for d in p.domains or [])][:2]
    return (loose[0] if len(loose) == 1 else None), len(loose)


class PartnerField(forms.ModelChoiceField):
    """Choose a partner by typing its name; the registry is searched, never sent whole."""

    default_error_messages = {
        "unknown": _("No partner named “%(text)s” is in the registry. Pick one from the suggestions, "
                     "or ask the office to add it first."),
        "ambiguous": _("Several partners are named “%(text)s”. Pick the right one from the suggestions."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", PartnerInstitution.objects.all())
        kwargs.setdefault("widget", PartnerComboboxInput())
        kwargs.setdefault("help_text", _("Type part of the name, in any language, or a web domain, then choose."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartnerInstitution):
            return value.name
        if isinstance(value, int):
            return self.queryset.filter(pk=value).values_list("name", flat=True).first() or ""
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        partner, found = find_partner(str(value), self.queryset)
        if partner is None:
            code = "ambiguous" if found > 1 else "unknown"
            raise ValidationError(self.error_messages[code], code=code, params={"text": value})
        return partner

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class PartnerListField(forms.ModelMultipleChoiceField):
    """Several partners, their names separated by semicolons."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", PartnerInstitution.objects.all())
        kwargs.setdefault("widget", PartnerComboboxInput(multiple=True))
        kwargs.setdefault("help_text", _("Type part of a name, then choose; separate partners with a semicolon (;)."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        items = list(value or [])
        if items and not isinstance(items[0], PartnerInstitution):
            items = list(self.queryset.filter(pk__in=items))
        return "; ".join(p.name for p in items)

    def clean(self, value):
        names = [n.strip() for n in (value or "").split(LIST_SEPARATOR) if n.strip()]
        if not names:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        chosen, errors = [], []
        for name in names:
            partner, found = find_partner(name, self.queryset)
            if partner is None:
                key = "ambiguous" if found > 1 else "unknown"
                errors.append(ValidationError(PartnerField.default_error_messages[key], code=key,
                                              params={"text": name}))
            elif partner not in chosen:
                chosen.append(partner)
        if errors:
            raise ValidationError(errors)
        return self.queryset.filter(pk__in=[p.pk for p in chosen])

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "")


class DomainListField(forms.CharField):
    """Web domains, separated by commas, spaces or new lines, stored as a list."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [d for d in re.split(r"[\s,;]+", text.lower()) if d]

    def validate(self, value):
        super().validate(value)
        bad = [d for d in value if not DOMAIN_RE.match(d)]
        if bad:
            raise ValidationError(_("Not a web domain: %(domains)s. Write domains like ox.ac.uk, without "
                                    "http:// or a path."), params={"domains": ", ".join(bad)}, code="domain")


def _check_dates(form, start: str, end: str, message) -> None:
    starts_on, ends_on = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error(end, message)


# --- partners --------------------------------------------------------------------------------


class PartnerForm(ScopedModelForm):
    domains = DomainListField(label=_("domains"), required=False,
                              help_text=_("Web domains of the institution, such as ox.ac.uk; separate several "
                                          "with commas."))
    confirm_new = forms.BooleanField(
        label=_("This is a different institution: save it anyway"), required=False, widget=forms.HiddenInput)

    class Meta:
        model = PartnerInstitution
        fields = ["name", "name_en", "name_zh", "country", "kind", "website", "domains"]

    def clean(self):
        cleaned = super().clean()
        domains = list(cleaned.get("domains") or [])
        host = urlsplit(cleaned.get("website") or "").hostname or ""
        if host:
            domains += [host.lower(), host.lower().removeprefix("www.")]
        duplicates = PartnerInstitution.objects.likely_duplicates(
            names=[cleaned.get("name"), cleaned.get("name_en"), cleaned.get("name_zh")], domains=domains)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        self.duplicates = list(duplicates[:5])
        if self.duplicates and not cleaned.get("confirm_new"):
            self.fields["confirm_new"].widget = forms.CheckboxInput()
            links = format_html_join(", ", '<a href="{}">{}</a>',
                                     ((p.get_absolute_url(), p.autocomplete_label) for p in self.duplicates))
            raise ValidationError(format_html(
                "{} {}", ngettext(
                    "The registry already holds a partner with this name or domain, probably the same institution:",
                    "The registry already holds partners with this name or domain, probably the same institution:",
                    len(self.duplicates)), links), code="duplicate")
        return cleaned


# --- agreements ------------------------------------------------------------------------------


class AgreementForm(ScopedModelForm):
    partner = PartnerField(label=_("partner"))

    class Meta:
        model = Agreement
        fields = ["partner", "title", "kind", "faculties", "signed_on", "starts_on", "ends_on", "status",
                  "terminated_on", "document"]
        widgets = {"faculties": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("The signed agreement as a PDF, at most 20 MB.")
        self.fields["document"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            validate_pdf(document)
        return document

    def clean(self):
        cleaned = super().clean()
        _check_dates(self, "starts_on", "ends_on", _("The agreement cannot end before it starts."))
        signed_on, ends_on = cleaned.get("signed_on"), cleaned.get("ends_on")
        if signed_on and ends_on and signed_on > ends_on:
            self.add_error("signed_on", _("The agreement cannot be signed after it ends."))
        return cleaned


# --- funding schemes -------------------------------------------------------------------------


class FundingSchemeForm(ScopedModelForm):
    class Meta:
        model = FundingScheme
        fields = ["name", "year", "budget"]

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and self.instance.pk:
            committed, spent = self.instance.totals()
            if budget < committed + spent:
                raise ValidationError(_(
                    "The budget cannot be less than what is already committed and spent: %(used)s yuan."),
                    params={"used": committed + spent}, code="below_used")
        return budget


# --- mobilities ------------------------------------------------------------------------------


class MobilityForm(ScopedModelForm):
    partner = PartnerField(label=_("partner"), required=False)

    class Meta:
        model = Mobility
        fields = ["faculty", "direction", "person_kind", "person_name", "person_id", "staff_member", "partner",
                  "country", "activity", "starts_on", "ends_on", "funding_scheme", "amount"]
        widgets = {"staff_member": StaffMemberSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = self.fields["staff_member"].queryset.select_related("faculty")
        self.fields["staff_member"].help_text = _("For a teacher of the university: links the mobility to the "
                                                  "staff record used by the assessment.")
        self.fields["amount"].help_text = _("The amount paid from the funding scheme, in yuan.")
        self.fields["country"].required = False  # taken from the partner when left empty
        self.fields["country"].help_text = _("Where the exchange takes place (outbound) or where the person "
                                             "comes from (inbound). Left empty, the partner's country is used.")

    def clean(self):
        cleaned = super().clean()
        _check_dates(self, "starts_on", "ends_on", _("The mobility cannot end before it starts."))
        scheme, amount = cleaned.get("funding_scheme"), cleaned.get("amount")
        if amount and not scheme:
            self.add_error("funding_scheme", _("Choose the funding scheme that pays this amount."))
        if scheme and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount paid from the funding scheme."))
        staff, faculty = cleaned.get("staff_member"), cleaned.get("faculty")
        if staff and faculty and staff.faculty_id != faculty.pk:
            self.add_error("staff_member", _("This staff member belongs to %(faculty)s, not to the faculty chosen "
                                             "above.") % {"faculty": staff.faculty})
        partner = cleaned.get("partner")
        if not cleaned.get("country") and "country" not in self.errors:
            if partner:
                cleaned["country"] = partner.country.code
            else:
                self.add_error("country", _("Choose the country, or a partner whose country will be used."))
        return cleaned


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("What was done, with whom, what came of it, and what follows."))
    file = forms.FileField(label=_("Report file (PDF)"), required=False,
                           help_text=_("Optional: the signed report as a PDF, at most 20 MB."),
                           validators=[validate_pdf],
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))


# --- events and language tests ---------------------------------------------------------------


class EventForm(ScopedModelForm):
    partners = PartnerListField(label=_("partners"), required=False)

    class Meta:
        model = Event
        fields = ["faculty", "kind", "title", "date", "partners", "participants_total", "participants_foreign"]

    def clean(self):
        cleaned = super().clean()
        total, foreign = cleaned.get("participants_total"), cleaned.get("participants_foreign")
        if total is not None and foreign is not None and foreign > total:
            self.add_error("participants_foreign", _("Foreign participants cannot outnumber all participants."))
        return cleaned


class StudentLanguageTestForm(ScopedModelForm):
    class Meta:
        model = StudentLanguageTest
        fields = ["faculty", "student_id", "test", "date", "score"]
