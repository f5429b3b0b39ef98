"""Strings Django and its libraries show on our pages that their own catalogues do not translate
into Chinese (yet).  Marked here, ``make messages`` puts them in the project's catalogue, which
Django reads before the libraries' own (``LOCALE_PATHS``)."""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("- Select an option -"),  # Django 6's empty choice of a required select (BLANK_CHOICE_LABEL)
]
