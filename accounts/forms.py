"""The office's account form (create and edit): the person's name, user name, staff number and
e-mail, one role, the faculties a coordinator serves, and the e-mail to set a portal password.

No field makes anyone a superuser or staff: a posted ``is_superuser`` or ``is_staff`` is not
read.  On an edit the form carries the account's editable state as it was opened
(``fingerprint``): ``services.update_account`` refuses it when the account changed since.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts import services
from faculties.models import Faculty
from intlportal import access

User = get_user_model()


class AccountForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("role"), widget=forms.RadioSelect,
                             choices=[(role, services.ROLE_LABELS[role]) for role in services.ROLES])
    faculties = forms.ModelMultipleChoiceField(
        label=_("faculties served"), queryset=Faculty.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a faculty coordinator only: the faculties whose records they see and keep."))
    send_password_email = forms.BooleanField(
        label=_("Send an e-mail to set a portal password"), required=False,
        help_text=ngettext_lazy(
            "For a person who signs in with a portal password: the e-mail holds a link, valid for %(days)s day, "
            "to set one. Without it, the person signs in through the university's identity service.",
            "For a person who signs in with a portal password: the e-mail holds a link, valid for %(days)s days, "
            "to set one. Without it, the person signs in through the university's identity service.",
            "days"))
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = User
        fields = ["last_name", "first_name", "username", "staff_no", "email"]
        labels = {"last_name": _("family name"), "first_name": _("given name")}
        help_texts = {"username": _("The name the person signs in with. Left blank, it is the staff number.")}

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        account = self.instance
        self.fields["username"].required = False
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        self.fields["send_password_email"].help_text = self.fields["send_password_email"].help_text % {"days": days}
        served = services.faculty_ids(account) if account.pk else []
        # Active faculties, and those the account serves already (a faculty closed since stays
        # ticked rather than being dropped unseen).
        self.fields["faculties"].queryset = Faculty.objects.filter(Q(is_active=True) | Q(pk__in=served))
        self.held_roles = services.role_names(account) if account.pk else []
        if len(self.held_roles) > 1:
            self.fields["role"].help_text = _(
                "This account holds several roles (%(roles)s): saving keeps only the one chosen here.") % {
                "roles": ", ".join(str(services.ROLE_LABELS[r]) for r in self.held_roles)}
        if account.pk:
            self.initial.setdefault("role", self.held_roles[0] if self.held_roles else None)
            self.initial.setdefault("faculties", served)
            self.initial.setdefault("fingerprint", services.fingerprint(account))
        else:
            del self.fields["fingerprint"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_staff_no(self):
        value = (self.cleaned_data.get("staff_no") or "").strip() or None
        if value:
            other = User.objects.filter(staff_no=value).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise ValidationError(_(
                    "Staff number %(number)s already belongs to the account “%(account)s”. A person has one "
                    "account: open that one, or check the number.")
                    % {"number": value, "account": services.account_label(other)})
        return value

    def clean(self):
        data = super().clean()
        # A new account needs a name; one made at a first sign-in may have none from the directory.
        if (not self.instance.pk and not (data.get("last_name") or data.get("first_name"))
                and not self.has_error("last_name")):
            self.add_error("last_name", _("Enter the person's name: the family name, the given name or both."))
        if not data.get("username") and not self.has_error("username") and not self.has_error("staff_no"):
            if data.get("staff_no"):
                data["username"] = data["staff_no"]
            else:
                self.add_error("username", _("Enter a user name, or a staff number to use as one."))
        username = data.get("username")
        if username and not self.has_error("username"):
            other = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error("username", _("The user name %(name)s is taken by the account “%(account)s”.")
                               % {"name": username, "account": services.account_label(other)})
        role = data.get("role")
        if role and not self.has_error("faculties"):
            try:
                services.check_role_faculties(role, data.get("faculties") or [])
            except ValidationError as error:
                self.add_error(None, error)
        if (role and self.instance.pk and self.instance.pk == getattr(self.by, "pk", None)
                and access.OFFICE in self.held_roles and role != access.OFFICE):
            self.add_error("role", _("You cannot take the office role from your own account. Another member of "
                                     "the Foreign Affairs Office can."))
        if data.get("send_password_email") and not data.get("email") and not self.has_error("email"):
            self.add_error("email", _("Enter the e-mail address the link to set a password goes to."))
        return data

    def account_fields(self) -> dict:
        """What the services take, from the cleaned form."""
        data = self.cleaned_data
        return {
            **{name: data.get(name) for name in services.EDITABLE_FIELDS},
            "role": data["role"],
            "faculties": list(data.get("faculties") or []),
            "send_password_email": data.get("send_password_email", False),
        }

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal, next to the field it names (or above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
