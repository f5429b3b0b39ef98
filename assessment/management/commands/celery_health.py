"""``python manage.py celery_health [--timeout S] [--max-pending-age S]``: is background work running?

Exits 0 when at least one Celery worker answers a ping through the broker and no assessment
recompute has been pending for longer than ``--max-pending-age`` (which would mean the beat's
sweep is not running, or the worker cannot finish it); exits 1 otherwise, saying why — a
restart of the worker and the beat is the remedy.  Exits 3 when the broker itself does not
answer: restarting the worker would not help (it reconnects on its own once Redis is back), so
the systemd units in ``deploy/`` treat 3 as "log, do not restart".  Their timer runs it every
minute; a monitoring system can run it the same way.  Without a broker (tasks run in-process)
there is no worker to check and it exits 0.

It lives in the assessment app: the pending recomputes it watches are the assessment's (the
base package imports no app above it).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessment.models import PendingRecompute
from intlportal.celery import app

BROKER_DOWN = 3


class Command(BaseCommand):
    help = "Exit non-zero when no Celery worker answers, or assessment recomputes are left pending."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=5.0,
                            help="Seconds to wait for the workers' answers (default 5).")
        parser.add_argument("--max-pending-age", type=int, default=None, metavar="SECONDS",
                            help="Fail when an assessment recompute has been pending longer than this "
                                 "(default: the recompute delay plus five sweep intervals; 0 turns the check off).")

    def handle(self, *args, timeout: float, max_pending_age: int | None, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("No broker configured: tasks run in-process, there is no worker to check.")
            return
        try:
            replies = app.control.ping(timeout=timeout)
        except Exception as exc:  # the broker itself is unreachable
            raise CommandError(f"The broker does not answer: {exc!r}", returncode=BROKER_DOWN) from exc
        if not replies:
            raise CommandError(f"No Celery worker answered within {timeout:g} s.")
        workers = sorted(name for reply in replies for name in reply)
        self.stdout.write(f"{len(workers)} worker(s) answered: {', '.join(workers)}")

        if max_pending_age is None:
            max_pending_age = settings.ASSESSMENT_RECOMPUTE_DELAY + 5 * settings.ASSESSMENT_SWEEP_SECONDS
        if max_pending_age > 0:
            oldest = PendingRecompute.objects.order_by("requested_at").values_list("requested_at", flat=True).first()
            if oldest is not None and oldest < timezone.now() - timedelta(seconds=max_pending_age):
                raise CommandError(
                    f"An assessment recompute has been pending since {oldest:%Y-%m-%d %H:%M:%S %Z} "
                    f"(more than {max_pending_age} s): is celery beat running?"
                )
