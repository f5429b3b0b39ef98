"""Forms of foreign visits: the visit, a member of the delegation (with the passport data for
the office alone), a programme entry, the office's passport data of a member, a step's comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intlportal import access
from intlportal.forms import DateInput, ScopedModelForm
from visits.models import BUDGET_LINES, ProgrammeItem, Visit, VisitMember


class VisitForm(ScopedModelForm):
    class Meta:
        model = Visit
        fields = ["faculty", "title", "partner", "institution", "country", "delegation_leader",
                  "delegation_leader_position", "led_by_president", "purpose", "arrives_on", "leaves_on", "host",
                  "reception_level", "funding_source", "funding_scheme", "grant_number", *BUDGET_LINES, "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The host is one of the host faculty's staff: once the visit has its faculty, only them
        # (on a new visit, the staff of the faculties the user may choose; ``clean`` checks it).
        hosts = self.fields["host"].queryset.select_related("faculty").order_by("faculty__code", "name")
        if self.instance.faculty_id:
            hosts = hosts.filter(faculty_id=self.instance.faculty_id)
        else:
            hosts = hosts.filter(faculty__in=access.allowed_faculties(self.user))
        self.fields["host"].queryset = hosts
        self.fields["host"].help_text = _("A member of staff of the host faculty. Required to submit the visit.")

    def clean(self):
        cleaned = super().clean()
        host, faculty = cleaned.get("host"), cleaned.get("faculty")
        if host is not None and faculty is not None and host.faculty_id != faculty.pk:
            self.add_error("host", _("The host must be a member of staff of the host faculty."))
        return cleaned


class _PartOfVisit(ScopedModelForm):
    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.visit = visit


class VisitMemberForm(_PartOfVisit):
    """A member as the faculty enters them: no passport data (the office's alone)."""

    class Meta:
        model = VisitMember
        fields = ["name", "nationality", "position", "institution"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if VisitMember.objects.filter(visit=self.instance.visit, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("%(name)s is in the delegation already.") % {"name": name})
        return name


class OfficeVisitMemberForm(VisitMemberForm):
    """The office's: with the passport number and the date of birth for the visa invitation."""

    class Meta(VisitMemberForm.Meta):
        fields = [*VisitMemberForm.Meta.fields, *VisitMember.PERSONAL_FIELDS]


def member_form_class(user) -> type[VisitMemberForm]:
    """The member form ``user`` is given: with the personal fields for the office only."""
    return OfficeVisitMemberForm if access.can_see_personal_data(user) else VisitMemberForm


class PersonalDataForm(forms.ModelForm):
    """The office completes a member's passport data, also after the visit was submitted (a
    member is no record of its own: no version to check, the visit's page is the office's)."""

    class Meta:
        model = VisitMember
        fields = list(VisitMember.PERSONAL_FIELDS)
        widgets = {"date_of_birth": DateInput}


class ProgrammeItemForm(_PartOfVisit):
    class Meta:
        model = ProgrammeItem
        fields = ["day", "starts_at", "kind", "title", "speaker", "place", "participants"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("day", self.instance.visit.arrives_on)


