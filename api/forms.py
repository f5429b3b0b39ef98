from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intlportal.access import ROLES


class TokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Acts as user"),
        queryset=get_user_model().objects.none(),
        help_text=_("The token reads exactly what this user may read: the same role, the same faculties."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What the token is for, e.g. the system that uses it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A user without a portal role could read nothing; offering them would only confuse.
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name__in=ROLES)
            .distinct().order_by("username")
        )
