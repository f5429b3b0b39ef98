"""The website update log takes over from the faculty's own date.

Every date a faculty's ``foreign_site_updated_on`` held — now or in an earlier version (its
audit trail) — with a site address at the time becomes a verified ``SiteUpdate``: the office
had entered it, and the assessment counted it.  A date without an address never counted and
is left out.  The faculty keeps the field as a read-only copy of its latest verified update.
"""

from django.db import migrations, models
from django.utils import timezone


def site_updates_from(versions):
    """``{(faculty id, updated on): url}`` from ``(faculty id, updated on, url)`` versions,
    oldest first: one update per faculty and day (the latest address given for it wins), only
    where both a date and an address were given."""
    found = {}
    for faculty_id, updated_on, url in versions:
        if updated_on is not None and url:
            found[(faculty_id, updated_on)] = url
    return found


def forwards(apps, schema_editor):
    Faculty = apps.get_model("faculties", "Faculty")
    HistoricalFaculty = apps.get_model("faculties", "HistoricalFaculty")
    SiteUpdate = apps.get_model("faculties", "SiteUpdate")
    versions = list(HistoricalFaculty.objects.order_by("history_date", "history_id")
                    .values_list("id", "foreign_site_updated_on", "foreign_site_url"))
    versions += list(Faculty.objects.order_by("pk").values_list("id", "foreign_site_updated_on", "foreign_site_url"))
    faculties = set(Faculty.objects.values_list("pk", flat=True))
    existing = set(SiteUpdate.objects.values_list("faculty_id", "updated_on"))
    now = timezone.now()
    SiteUpdate.objects.bulk_create(
        [SiteUpdate(faculty_id=faculty_id, updated_on=updated_on, url=url, verification="verified",
                    verified_at=now)
         for (faculty_id, updated_on), url in sorted(site_updates_from(versions).items())
         if faculty_id in faculties and (faculty_id, updated_on) not in existing],
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('faculties', '0004_evidence_verification_and_dated_history'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='faculty',
            name='foreign_site_updated_on',
            field=models.DateField(blank=True, editable=False, help_text='The date of the latest verified entry in the website update log.', null=True, verbose_name='foreign-language website last updated'),
        ),
        migrations.AlterField(
            model_name='historicalfaculty',
            name='foreign_site_updated_on',
            field=models.DateField(blank=True, editable=False, help_text='The date of the latest verified entry in the website update log.', null=True, verbose_name='foreign-language website last updated'),
        ),
    ]
