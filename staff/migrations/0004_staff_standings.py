"""Staff members get their dated standings (category, overseas degree) from their audit trail.

The first standing holds from the hire date (1 Jan 1900 when it is unknown), then one per
change of either, effective the day it was saved (``staff.standings``, which the live
``services.standings_sync`` also uses).  A staff member without an audit trail gets one
standing from the hire date with what the record holds: the assessment then reads the same
as before.
"""

from django.db import migrations
from django.utils import timezone

from staff.standings import Standing, Version, first_effective, standing_steps


def standings_for(versions, current, hired_on, today):
    """The standings of one staff member: those the versions show, else one from the hire
    date; ending, in any case, with what the record holds now (``current``: category, degree)."""
    steps = standing_steps(versions) or [Standing(first_effective(hired_on), *current)]
    if (steps[-1].category, steps[-1].has_overseas_degree) != tuple(current):
        steps.append(Standing(max(today, steps[-1].effective_on), *current))
    return steps


def forwards(apps, schema_editor):
    StaffMember = apps.get_model("staff", "StaffMember")
    HistoricalStaffMember = apps.get_model("staff", "HistoricalStaffMember")
    StaffStanding = apps.get_model("staff", "StaffStanding")
    members = {pk: (category, degree, hired_on) for pk, category, degree, hired_on in StaffMember.objects.exclude(
        standings__isnull=False).values_list("pk", "category", "has_overseas_degree", "hired_on")}
    versions = {pk: [] for pk in members}
    for pk, category, degree, hired_on, saved_at in (
            HistoricalStaffMember.objects.filter(id__in=list(members)).exclude(history_type="-")
            .order_by("history_date", "history_id")
            .values_list("id", "category", "has_overseas_degree", "hired_on", "history_date")):
        versions[pk].append(Version(category, degree, hired_on, timezone.localdate(saved_at)))
    today = timezone.localdate()
    StaffStanding.objects.bulk_create(
        [StaffStanding(staff_member_id=pk, effective_on=step.effective_on, category=step.category,
                       has_overseas_degree=step.has_overseas_degree)
         for pk, (category, degree, hired_on) in sorted(members.items())
         for step in standings_for(versions[pk], (category, degree), hired_on, today)],
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    apps.get_model("staff", "StaffStanding").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0003_evidence_verification_and_dated_history"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
