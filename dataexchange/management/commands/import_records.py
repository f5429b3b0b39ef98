"""``manage.py import_records KIND FILE [--dry-run] [--user NAME]``: import a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataexchange import registry
from dataexchange.management.commands._common import acting_user, kind_named


class Command(BaseCommand):
    help = ("Import a .xlsx or .csv file of KIND (see the README's “Import and export”). Every row is "
            "checked first; if any is bad, every bad row is printed and nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="the kind of records, e.g. mobilities")
        parser.add_argument("file", type=Path, help="a .xlsx or .csv file with a header row")
        parser.add_argument("--dry-run", action="store_true", help="check every row but write nothing")
        parser.add_argument("--user", help="the office user the history credits (default: none)")

    def handle(self, *args, kind, file, dry_run, user, **options):
        found = kind_named(kind)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = registry.import_rows(found, file, user=acting_user(user), dry_run=dry_run)
        for message in result.file_errors:
            self.stderr.write(message)
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.ok:
            raise CommandError(f"{file}: {len(result.bad_rows)} bad row(s), {len(result.file_errors)} "
                               "file error(s). Nothing was written.")
        verb = "would add" if dry_run else "added"
        self.stdout.write(self.style.SUCCESS(
            f"{found.name}: {result.total} rows; {verb} {result.created}, "
            f"{'would update' if dry_run else 'updated'} {result.updated}, unchanged {result.unchanged}."
            + (" Dry run: nothing was written." if dry_run else "")))
