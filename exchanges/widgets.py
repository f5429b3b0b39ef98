"""The partner picker: a text input that a small script turns into an accessible combobox.

Without JavaScript it stays a text input in which the partner's name (or a web domain) is
typed; the form field resolves it.  With JavaScript (``exchanges/partner-combobox.js``) it
searches the registry as the user types, following the ARIA combobox pattern.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class PartnerComboboxInput(forms.TextInput):
    template_name = "django/forms/widgets/text.html"

    class Media:
        css = {"all": ("exchanges/partner-combobox.css",)}
        js = ("exchanges/partner-combobox.js",)

    def __init__(self, attrs=None, *, multiple: bool = False):
        base = {
            "autocomplete": "off",
            "spellcheck": "false",
            "data-partner-combobox": "multiple" if multiple else "single",
            "data-source": reverse_lazy("exchanges:partner-autocomplete"),
            "data-text-none": _("No partner in the registry matches."),
            "data-text-count": _("%(count)s partners found. Use the up and down arrows to choose."),
            "data-text-error": _("The registry could not be searched. Type the partner's exact name instead."),
        }
        base.update(attrs or {})
        super().__init__(base)


class StaffMemberSelect(forms.Select):
    """The staff member of a mobility: choosing one fills the person's name and staff number
    (``exchanges/staff-fill.js`` reads the member from the API, within what the user may see).
    Without JavaScript it is a plain select, and the name and number are typed."""

    class Media:
        js = ("exchanges/staff-fill.js",)

    def __init__(self, attrs=None, choices=()):
        base = {"data-staff-fill": "", "data-source": reverse_lazy("api:staff-member-list"),
                "data-name": "id_person_name", "data-number": "id_person_id"}
        super().__init__({**base, **(attrs or {})}, choices)
