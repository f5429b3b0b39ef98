from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intlportal.forms import DateInput, ScopedModelForm
from programs.models import CooperativeProgram, ProgramCourse, ProgramEnrollment, ProgramTeacherTraining


class CooperativeProgramForm(ScopedModelForm):
    """The program's particulars.  Its status moves only through the lifecycle actions."""

    class Meta:
        model = CooperativeProgram
        fields = ["code", "faculty", "name_zh", "name_en", "level", "form", "partners", "approval_no",
                  "approved_on", "expires_on", "annual_quota"]
        widgets = {"partners": forms.SelectMultiple(attrs={"size": 8})}

    def clean(self):
        cleaned = super().clean()
        approved, expires = cleaned.get("approved_on"), cleaned.get("expires_on")
        if approved and expires and expires <= approved:
            self.add_error("expires_on", _("The approval must expire after the date it was granted."))
        if self.instance.status in CooperativeProgram.ACTIVE_STATUSES:
            if "approval_no" in cleaned and not cleaned.get("approval_no"):
                self.add_error("approval_no", _("An approved program keeps its Ministry approval number."))
            if "approved_on" in cleaned and not cleaned.get("approved_on"):
                self.add_error("approved_on", _("An approved program keeps its approval date."))
        return cleaned


class ProgramEnrollmentForm(ScopedModelForm):
    class Meta:
        model = ProgramEnrollment
        fields = ["program", "year", "students"]


class ProgramCourseForm(ScopedModelForm):
    class Meta:
        model = ProgramCourse
        fields = ["program", "course", "credits", "hours", "is_core", "is_introduced", "partner_taught_hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_taught_hours"].help_text = _(
            "A core course with at least one hour taught by the partner's teachers counts as "
            "a partner-taught core course.")

    def clean(self):
        cleaned = super().clean()
        hours, partner = cleaned.get("hours"), cleaned.get("partner_taught_hours")
        if hours is not None and partner is not None and partner > hours:
            self.add_error("partner_taught_hours",
                           _("The partner's teachers cannot teach more hours (%(partner)s) than the course has "
                             "(%(hours)s).") % {"partner": partner, "hours": hours})
        return cleaned


class ProgramTeacherTrainingForm(ScopedModelForm):
    class Meta:
        model = ProgramTeacherTraining
        fields = ["program", "year", "date", "title", "participants"]

    def clean(self):
        cleaned = super().clean()
        year, day = cleaned.get("year"), cleaned.get("date")
        if year and day and day.year != year:
            self.add_error("date", _("The date must fall in the training year (%(year)s).") % {"year": year})
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(label=pgettext_lazy("program lifecycle", "Comment"),
                              widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ApproveForm(TransitionForm):
    approval_no = forms.CharField(label=_("Ministry approval number"), max_length=100)
    approved_on = forms.DateField(label=_("approved on"), widget=DateInput())
    expires_on = forms.DateField(label=_("approval expires on"), widget=DateInput(), required=False)
