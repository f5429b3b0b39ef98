"""``python manage.py recompute_pending``: recompute the assessment's pending changes now.

What the beat's ``assessment.sweep_pending_recomputes`` does every minute, without waiting for
the delay: useful without a broker (tasks in-process, no beat) from cron, or after an outage.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessment.tasks import recompute_pending


class Command(BaseCommand):
    help = "Recompute the assessment of every year with a pending change, then clear those changes."

    def handle(self, *args, **options):
        years = recompute_pending()
        if years:
            self.stdout.write(f"Recomputed: {', '.join(map(str, years))}")
        else:
            self.stdout.write("Nothing to recompute.")
