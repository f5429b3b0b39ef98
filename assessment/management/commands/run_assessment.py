"""``python manage.py run_assessment --year Y [--json] [--repeat RUN_ID]`` computes and stores a
run; ``run_assessment --year Y --published`` prints the year's published document instead,
computing nothing (exit code 1 when Y has not been published)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from assessment.models import AssessmentRun, Publication
from assessment.services import assessment_run


class Command(BaseCommand):
    help = (
        "Compute and store the assessment of a year: indicators, targets, scores, ranks and "
        "incentives. --json also prints the run's document. --published prints the year's published "
        "document and computes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year to assess.")
        parser.add_argument("--json", action="store_true", help="Print the run as JSON on standard output.")
        parser.add_argument(
            "--repeat", type=int, metavar="RUN_ID",
            help="Use the parameters stored with an earlier run of the same year instead of the ones in force.",
        )
        parser.add_argument(
            "--published", action="store_true",
            help="Print the document of the year's published run (the latest version) as JSON; compute nothing.",
        )

    def handle(self, *args, year: int, json: bool, repeat: int | None, published: bool, **options):
        if not 1990 <= year <= 2100:
            raise CommandError(f"The year must lie between 1990 and 2100, not {year}.")
        if published:
            self._print_published(year, repeat)
            return
        parameters = None
        if repeat is not None:
            earlier = AssessmentRun.objects.filter(pk=repeat).first()
            if earlier is None:
                raise CommandError(f"There is no assessment run {repeat}.")
            if earlier.year != year:
                raise CommandError(f"Run {repeat} assessed {earlier.year}, not {year}.")
            parameters = earlier.parameters
        run = assessment_run(year=year, trigger=AssessmentRun.Trigger.COMMAND, parameters=parameters)
        if json:
            self.stdout.write(_dumps(run.document))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Assessment {year} computed (run {run.pk}): {len(run.document['faculties'])} faculties."
            ))

    def _print_published(self, year: int, repeat: int | None) -> None:
        if repeat is not None:
            raise CommandError("--published prints a stored result: it cannot be combined with --repeat.")
        publication = Publication.objects.select_related("run", "published_by").filter(year=year) \
            .order_by("-version").first()
        if publication is None:
            raise CommandError(f"The assessment of {year} has not been published.")
        self.stdout.write(_dumps(publication.run.document))
        self.stderr.write(
            f"Published {publication.published_at:%Y-%m-%d %H:%M} by {publication.published_by or '-'} "
            f"(version {publication.version}, run {publication.run_id})."
        )


def _dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False)
