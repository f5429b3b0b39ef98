from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intlportal import access
from intlportal.forms import ScopedModelForm
from staff.models import (
    ForeignTeacherContract,
    LanguageAssessment,
    Publication,
    StaffMember,
    TeachingAssignment,
    TeachingEvaluation,
)


class StaffMemberForm(ScopedModelForm):
    class Meta:
        model = StaffMember
        fields = ["faculty", "staff_no", "name", "nationality", "category", "title", "hired_on", "left_on",
                  "has_overseas_degree"]

    def clean(self):
        cleaned = super().clean()
        hired, left = cleaned.get("hired_on"), cleaned.get("left_on")
        if hired and left and left < hired:
            self.add_error("left_on", _("The leaving date cannot be before the hiring date."))
        return cleaned


class ContractForm(ScopedModelForm):
    class Meta:
        model = ForeignTeacherContract
        fields = ["staff_member", "category", "discipline", "starts_on", "ends_on", "status", "salary",
                  "work_permit_no", "work_permit_expires_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.can_see_personal_data(self.user):
            # Defence in depth: contracts are the office's, but a form never carries
            # personal fields to anyone else.
            for name in ForeignTeacherContract.PERSONAL_FIELDS:
                self.fields.pop(name, None)
        self.fields["staff_member"].queryset = (
            self.fields["staff_member"].queryset.foreign().select_related("faculty").order_by("name"))
        self.fields["staff_member"].help_text = _("Only foreign teachers and foreign experts are listed.")
        self.fields["discipline"].queryset = self.fields["discipline"].queryset.select_related("faculty")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The contract cannot end before it starts."))
        member, discipline = cleaned.get("staff_member"), cleaned.get("discipline")
        if member and discipline and discipline.faculty_id != member.faculty_id:
            self.add_error("discipline", _("Choose a discipline of the teacher's own faculty (%(faculty)s).")
                           % {"faculty": member.faculty})
        permit_no, permit_expires = cleaned.get("work_permit_no"), cleaned.get("work_permit_expires_on")
        if permit_no and not permit_expires:
            self.add_error("work_permit_expires_on", _("Give the date the work permit expires."))
        if permit_expires and not permit_no:
            self.add_error("work_permit_no", _("Give the work permit number."))
        return cleaned


class TeachingAssignmentForm(ScopedModelForm):
    class Meta:
        model = TeachingAssignment
        fields = ["staff_member", "semester", "course", "hours", "context", "program"]
        widgets = {"semester": forms.TextInput(attrs={"placeholder": "2025-2026-1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = self.fields["staff_member"].queryset.select_related("faculty")

    def clean(self):
        cleaned = super().clean()
        context, program = cleaned.get("context"), cleaned.get("program")
        if context == TeachingAssignment.Context.COOPERATIVE_PROGRAM and not program:
            self.add_error("program", _("Choose the cooperative program this course is taught in."))
        if program and context and context != TeachingAssignment.Context.COOPERATIVE_PROGRAM:
            self.add_error("program", _("A program is only given when the context is “cooperative program”."))
        return cleaned

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and hours == 0:
            raise forms.ValidationError(_("A course is taught for at least one hour."))
        return hours


class TeachingEvaluationForm(ScopedModelForm):
    class Meta:
        model = TeachingEvaluation
        fields = ["staff_member", "semester", "source", "course", "score", "feedback"]
        widgets = {"semester": forms.TextInput(attrs={"placeholder": "2025-2026-1"}),
                   "feedback": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = self.fields["staff_member"].queryset.select_related("faculty")
        self.fields["score"].help_text = _("From 0 to 100.")


class LanguageAssessmentForm(ScopedModelForm):
    class Meta:
        model = LanguageAssessment
        fields = ["staff_member", "date", "language", "result", "score"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = self.fields["staff_member"].queryset.select_related("faculty")

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return value


class PublicationForm(ScopedModelForm):
    class Meta:
        model = Publication
        fields = ["staff_member", "year", "title", "journal", "is_international", "doi"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = self.fields["staff_member"].queryset.select_related("faculty")
        self.fields["doi"].help_text = _("For example 10.1000/xyz123, without “https://doi.org/”.")

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("A publication cannot be from a future year."))
        return year

    def clean_doi(self):
        doi = (self.cleaned_data.get("doi") or "").strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix):]
        if doi and not (doi.startswith("10.") and "/" in doi):
            raise forms.ValidationError(_("A DOI starts with “10.” and contains a “/”, e.g. 10.1000/xyz123."))
        return doi


