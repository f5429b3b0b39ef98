"""``python manage.py publish_assessment --year Y [--reason TEXT] [--by USERNAME]``.

Publishes the year's latest stored run, as the office's "Publish" page does (same rules: a
reason from version 2 on).  ``--by`` names the office member recorded as publisher.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessment.publishing import PublishError, publish
from assessment.selectors import latest_run
from intlportal import access


class Command(BaseCommand):
    help = "Publish the latest stored assessment run of a year as its official result."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year to publish.")
        parser.add_argument("--reason", default="", help="Why the year is published again (required from version 2).")
        parser.add_argument("--by", metavar="USERNAME", help="The office member recorded as publisher.")

    def handle(self, *args, year: int, reason: str, by: str | None, **options):
        run = latest_run(year)
        if run is None:
            raise CommandError(f"The year {year} has not been assessed: run run_assessment --year {year} first.")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None or not access.is_office(user):
                raise CommandError(f"{by!r} is not a member of the office.")
        try:
            publication = publish(run, by=user, reason=reason)
        except PublishError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Assessment {year} published: version {publication.version} (run {run.pk})."
        ))
