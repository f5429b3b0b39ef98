"""Programs get their dated status history from their audit trail.

Each change of status becomes a step effective the day it was saved; the first step is
effective on the approval date when that version knows it, else the day the program was
entered; a move to approved, on the approval date it recorded (``programs.status_history``,
which the live ``services.status_history_sync`` also uses).  A program without an audit trail
gets no step: the assessment then reads its current status and approval date, as before.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from programs.status_history import Version, status_steps


def forwards(apps, schema_editor):
    CooperativeProgram = apps.get_model("programs", "CooperativeProgram")
    HistoricalCooperativeProgram = apps.get_model("programs", "HistoricalCooperativeProgram")
    ProgramStatusChange = apps.get_model("programs", "ProgramStatusChange")
    users = set(apps.get_model(settings.AUTH_USER_MODEL).objects.values_list("pk", flat=True))
    programs = set(CooperativeProgram.objects.exclude(status_changes__isnull=False).values_list("pk", flat=True))
    versions = {pk: [] for pk in programs}
    for pk, status, approved_on, saved_at, user_id in (
            HistoricalCooperativeProgram.objects.filter(id__in=list(programs)).exclude(history_type="-")
            .order_by("history_date", "history_id")
            .values_list("id", "status", "approved_on", "history_date", "history_user_id")):
        versions[pk].append(Version(status, approved_on, timezone.localdate(saved_at), user_id))
    ProgramStatusChange.objects.bulk_create(
        [ProgramStatusChange(program_id=pk, status=step.status, effective_on=step.effective_on,
                             recorded_by_id=step.recorded_by_id if step.recorded_by_id in users else None)
         for pk in sorted(programs) for step in status_steps(versions[pk])],
        batch_size=500,
    )


def backwards(apps, schema_editor):
    apps.get_model("programs", "ProgramStatusChange").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0003_evidence_verification_and_dated_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
