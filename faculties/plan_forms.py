"""Forms of internationalization plans, their planned targets and attachments."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from faculties.models import InternationalizationPlan, PlanAttachment, PlanTarget
from intlportal import uploads
from intlportal.forms import ScopedModelForm

SECTION_FIELDS = ["partnerships", "teachers", "students", "curriculum", "research", "support_measures"]

class PlanForm(ScopedModelForm):
    class Meta:
        model = InternationalizationPlan
        fields = ["faculty", "first_year", "last_year", "title", *SECTION_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in SECTION_FIELDS}
        help_texts = {
            "partnerships": _("Partner institutions to keep, deepen or add, and the agreements planned."),
            "teachers": _("Teachers sent abroad, foreign teachers recruited, language training."),
            "students": _("Student exchanges, summer schools, internships abroad, language tests."),
            "curriculum": _("Courses introduced from partners, courses taught in English, cooperative programs."),
            "research": _("Joint research, international conferences, publications in international journals."),
            "support_measures": _("Organisation, funding, incentives and the foreign-language website."),
        }

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year cannot be before the first year."))
        return cleaned


class PlanTargetForm(ScopedModelForm):
    class Meta:
        model = PlanTarget
        fields = ["indicator", "year", "value"]

    def __init__(self, *args, plan: InternationalizationPlan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["year"].help_text = _("A year between %(first)s and %(last)s.") % {
            "first": plan.first_year, "last": plan.last_year}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.plan.first_year <= year <= self.plan.last_year:
            raise forms.ValidationError(_("The plan covers %(first)s–%(last)s; choose a year in that range.")
                                        % {"first": self.plan.first_year, "last": self.plan.last_year})
        return year

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A planned value cannot be negative."))
        return value

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("indicator", _("The plan already has a target for this indicator in this year; "
                                          "edit that one instead."))


class PlanAttachmentForm(ScopedModelForm):
    version = None

    class Meta:
        model = PlanAttachment
        fields = ["title", "file"]
        help_texts = {"file": _("PDF, Word, Excel or PowerPoint, at most 20 MB.")}

    def __init__(self, *args, plan: InternationalizationPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        kind = uploads.validate_document(upload)
        # A random stored name: the uploader's file name never reaches the disk.
        upload.name = uploads.random_name(kind)
        return upload


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=4000)
