from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import IncentivePool, Indicator, Target
from intlportal.forms import ScopedModelForm


class IndicatorForm(ScopedModelForm):
    class Meta:
        model = Indicator
        fields = ["name_zh", "name_en", "weight", "growth_percent", "floor", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_active") is False and self.instance.pk:
            others = Indicator.objects.active().exclude(pk=self.instance.pk)
            if not others.exists():
                self.add_error("is_active", _("At least one indicator must stay active."))
        return cleaned


class TargetForm(ScopedModelForm):
    class Meta:
        model = Target
        fields = ["faculty", "year", "indicator", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error(None, _(
                "The office has already set this faculty's target for this indicator and year. "
                "Edit that target instead."))


class IncentivePoolForm(ScopedModelForm):
    class Meta:
        model = IncentivePool
        fields = ["year", "amount", "threshold"]


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("A year that has not begun cannot be assessed."))
        return year


class PublishForm(forms.Form):
    """The office's confirmation: the run it reviewed, and why it publishes again."""

    run = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for publishing again"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version and shown to everyone who reads the published results."),
    )

    def __init__(self, *args, republishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        if republishing:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
