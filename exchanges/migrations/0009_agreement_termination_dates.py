"""Terminated agreements get the date they were terminated, where their audit trail knows it.

The date is the day of the version in which the agreement moved to "terminated" from another
status (the last such move).  An agreement entered as terminated, or one whose trail does not
show the move, keeps no date — and is in force in no year (ASSESSMENT.md), as it was counted
before; so is one whose recorded move predates its start.  The office can give the date on the
agreement's form.
"""

from django.db import migrations
from django.utils import timezone

TERMINATED = "terminated"


def termination_day(versions):
    """The day of the last move to terminated from another status, or None; ``versions`` are
    ``(status, saved on)`` pairs, oldest first."""
    day = None
    previous = None
    for status, saved_on in versions:
        if status == TERMINATED and previous is not None and previous != TERMINATED:
            day = saved_on
        previous = status
    return day


def forwards(apps, schema_editor):
    Agreement = apps.get_model("exchanges", "Agreement")
    HistoricalAgreement = apps.get_model("exchanges", "HistoricalAgreement")
    terminated = dict(Agreement.objects.filter(status=TERMINATED, terminated_on__isnull=True)
                      .values_list("pk", "starts_on"))
    if not terminated:
        return
    versions = {pk: [] for pk in terminated}
    for pk, status, saved_at in (HistoricalAgreement.objects.filter(id__in=list(terminated))
                                 .exclude(history_type="-").order_by("history_date", "history_id")
                                 .values_list("id", "status", "history_date")):
        versions[pk].append((status, timezone.localdate(saved_at)))
    for pk, starts_on in terminated.items():
        day = termination_day(versions[pk])
        if day is not None and day >= starts_on:
            Agreement.objects.filter(pk=pk).update(terminated_on=day)


def backwards(apps, schema_editor):
    apps.get_model("exchanges", "Agreement").objects.update(terminated_on=None)


class Migration(migrations.Migration):

    dependencies = [
        ("exchanges", "0008_evidence_verification_and_dated_history"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
