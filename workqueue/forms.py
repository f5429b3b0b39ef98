"""The filters of the list of evidence awaiting verification."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intlportal import access
from workqueue.selectors import kind_key, verification_kinds


class VerificationFilterForm(forms.Form):
    faculty = forms.ModelChoiceField(label=_("faculty"), required=False, queryset=None,
                                     empty_label=_("All faculties"))
    kind = forms.ChoiceField(label=_("kind"), required=False)
    entered_by = forms.ModelChoiceField(label=_("entered by"), required=False, queryset=None,
                                        empty_label=_("Anyone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind_key(model): model for model in verification_kinds()}
        self.fields["faculty"].queryset = apps.get_model(access.FACULTY_MODEL)._default_manager.order_by("code")
        self.fields["kind"].choices = [("", _("All kinds")), *(
            (key, model._meta.verbose_name_plural) for key, model in self.kinds.items())]
        # Coordinators enter what awaits the office (what the office enters is verified).
        self.fields["entered_by"].queryset = (get_user_model()._default_manager
                                              .filter(groups__name=access.COORDINATOR).distinct()
                                              .order_by("username"))

    def clean_kind(self):
        key = self.cleaned_data.get("kind")
        return self.kinds.get(key) if key else None
