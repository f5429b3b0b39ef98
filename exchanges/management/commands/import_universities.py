"""Load the world universities registry into the partner institutions."""

from django.core.management.base import BaseCommand, CommandError

from exchanges.services import import_universities


class Command(BaseCommand):
    help = ("Load world_universities_and_domains.json (name, alpha_two_code, domains, web_pages) into the "
            "partner registry. Running it again adds nothing; an updated file updates what changed.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of world_universities_and_domains.json")

    def handle(self, *args, path: str, **options):
        try:
            summary = import_universities(path)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except ValueError as exc:  # includes json.JSONDecodeError
            raise CommandError(f"{path} is not a list of universities in JSON: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Partners: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged."))
        if summary.skipped:
            shown = "; ".join(summary.skipped[:10])
            more = f" and {len(summary.skipped) - 10} more" if len(summary.skipped) > 10 else ""
            self.stdout.write(self.style.WARNING(
                f"Skipped {len(summary.skipped)} entries (unknown country code or a name already used): {shown}{more}"))
