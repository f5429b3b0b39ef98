"""``manage.py export_records KIND FILE [--style codes|labels] [--language zh-hans|en]``: every
record of KIND to a .csv or .xlsx file, headed and written by code (the default) or in words."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dataexchange.columns import STYLES
from dataexchange.files import FileRejected
from dataexchange.management.commands._common import acting_user, kind_named
from dataexchange.writing import export_to_path


class Command(BaseCommand):
    help = "Export every record of KIND to FILE (.csv or .xlsx, by its ending), in the import's columns."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="the kind of records, e.g. mobilities")
        parser.add_argument("file", type=Path, help="where to write: a path ending in .csv or .xlsx")
        parser.add_argument("--style", choices=STYLES, default="codes",
                            help="codes: headers and values as codes (default); labels: headings and values "
                                 "in words, in --language")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="the language of a labels export")

    def handle(self, *args, kind, file, style, language, **options):
        found = kind_named(kind)
        try:
            with translation.override(language):
                count = export_to_path(found, found.model._default_manager.all(), file, user=acting_user(None),
                                       style=style)
        except FileRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(self.style.SUCCESS(f"{found.name}: {count} rows written to {file}."))
