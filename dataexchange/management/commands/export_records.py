"""``manage.py export_records KIND FILE``: every record of KIND to a .csv or .xlsx file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataexchange.files import FileRejected
from dataexchange.management.commands._common import acting_user, kind_named
from dataexchange.writing import export_to_path


class Command(BaseCommand):
    help = "Export every record of KIND to FILE (.csv or .xlsx, by its ending), in the import's columns."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="the kind of records, e.g. mobilities")
        parser.add_argument("file", type=Path, help="where to write: a path ending in .csv or .xlsx")

    def handle(self, *args, kind, file, **options):
        found = kind_named(kind)
        try:
            count = export_to_path(found, found.model._default_manager.all(), file, user=acting_user(None))
        except FileRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(self.style.SUCCESS(f"{found.name}: {count} rows written to {file}."))
