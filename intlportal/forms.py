"""Form bases shared by every app: access-scoped choices and the optimistic-lock version."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from intlportal import access


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ScopedModelForm(forms.ModelForm):
    """A model form that only offers what the user may use.

    * the ``faculty`` field offers the faculties the user may assign records to;
    * any other choice of a faculty-owned record kind (a staff member, a program) is scoped
      with ``access.scope_for``;
    * ``version`` travels with the form, so a save over someone else's newer save is refused.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version
        for form_field in self.fields.values():
            if not isinstance(form_field, forms.ModelChoiceField):
                continue
            model: type[Model] = form_field.queryset.model
            if model._meta.label == "faculties.Faculty":
                form_field.queryset = access.allowed_faculties(user)
            elif hasattr(model, "ACCESS_FACULTY") and model.ACCESS_FACULTY is not None:
                form_field.queryset = access.scope_for(user, form_field.queryset)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField):
                form_field.widget = DateInput()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError(_("The form lost its version; reload the page and try again."))
        return version


class ConfirmForm(forms.Form):
    """An empty form: a POST that confirms a destructive step."""


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
