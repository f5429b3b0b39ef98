"""Form bases shared by every app: access-scoped choices and the optimistic-lock version."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from intlportal import access
from intlportal.versioning import InvalidVersion, parse_expected_version


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


BLANK = "---------"  # Django's empty choice of an optional select


class ScopedModelForm(forms.ModelForm):
    """A model form that only offers what the user may use.

    * the ``faculty`` field offers the faculties the user may assign records to;
    * any other choice of a faculty-owned record kind (a staff member, a program) is scoped
      with ``access.scope_for``;
    * ``version`` travels with the form, so a save over someone else's newer save is refused.
      When an existing record's form comes back without a valid version (missing, empty,
      garbled, 0 or negative: ``versioning.parse_expected_version`` decides), nothing is
      saved: the form says so above its fields, keeps what was typed, and carries the
      record's current version, so that saving again is a deliberate choice.
    * errors of hidden fields are shown with the form's own errors: nobody sees a hidden
      field's place in the page.
    """

    # Text, not IntegerField: a garbled value must reach clean_version (and its visible
    # message) instead of stopping at "Enter a whole number." on a field nobody sees.
    version = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version
        for name, form_field in self.fields.items():
            if not isinstance(form_field, forms.ModelChoiceField):
                continue
            model: type[Model] = form_field.queryset.model
            if model._meta.label == access.FACULTY_MODEL:
                form_field.queryset = access.allowed_faculties(user)
                # A coordinator of one faculty: it is chosen already on a new record.
                if not self.instance.pk and not access.is_office(user):
                    only = list(form_field.queryset[:2])
                    if len(only) == 1:
                        self.initial.setdefault(name, only[0].pk)
            elif hasattr(model, "ACCESS_FACULTY") and model.ACCESS_FACULTY is not None:
                form_field.queryset = access.scope_for(user, form_field.queryset)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.DateField):
                form_field.widget = DateInput()
            # An optional choice's empty option reads 请选择, not Django's "---------".
            if isinstance(form_field, forms.ModelChoiceField):
                if form_field.empty_label == BLANK:
                    form_field.empty_label = _("- Select an option -")
            elif isinstance(form_field, forms.ChoiceField) and ("", BLANK) in form_field.choices:
                form_field.choices = [(code, _("- Select an option -") if (code, label) == ("", BLANK) else label)
                                      for code, label in form_field.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_version(self) -> int | None:
        if not self.instance.pk:
            return None  # a new record: there is nothing to have read
        try:
            return parse_expected_version(self.cleaned_data.get("version"))
        except InvalidVersion:
            # Offer the version the record has now: the form comes back with it, so saving
            # again (after checking the record) is possible without retyping anything.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = str(self.instance.version)
            raise forms.ValidationError(_(
                "Nothing was saved: the form did not say which version of the record you opened, so "
                "your changes could overwrite someone else's. What you typed is still below; check the "
                "record's current values, then save again to keep your changes."), code="version") from None

    def non_field_errors(self):
        """The form's errors and those of its hidden fields, which have no place to show."""
        errors = self.error_class(error_class="nonfield", renderer=self.renderer)
        errors.extend(super().non_field_errors())
        for hidden in self.hidden_fields():
            errors.extend(hidden.errors)
        return errors


class ConfirmForm(forms.Form):
    """An empty form: a POST that confirms a destructive step."""


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required


class DecisionForm(forms.Form):
    """The comment given with a workflow step asked for from a record's page (``take_step``)."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea)
