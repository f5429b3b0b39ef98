"""``python manage.py send_unsent_emails``: send the notifications' e-mails that never went.

What the beat's ``notifications.send_unsent_emails`` does every 5 minutes: useful without a
broker (tasks in-process, no beat) from cron, or by hand after a long mail-server outage.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from notifications.tasks import send_unsent_emails, unsent_emails


class Command(BaseCommand):
    help = "Send the e-mails of notifications that have not gone out yet (up to 7 days old)."

    def handle(self, *args, **options):
        sent = send_unsent_emails()
        left = unsent_emails().count()
        self.stdout.write(f"Sent {sent} e-mails; {left} still unsent.")
        if left:
            self.stdout.write("The mail server may still be unavailable: see the log; they are retried later.")
