"""A mobility's submission is a state of its own (issue 13 item 6).

Before, a submitted mobility stayed ``planned`` with ``submitted_at`` set, and the services
rewrote the log's last row to name steps that kept the state: a submission ``planned →
submitted``, a return ``submitted → returned``, a report ``completed → report_submitted``.
Now the status says it, and the log holds the moves made:

* planned mobilities with ``submitted_at`` become ``submitted``;
* a return is ``submitted → planned``, a report ``completed → completed``;
* an approval or a call-off that followed a submission starts from ``submitted``.

The timeline names each step as before (``exchanges.views.step_label``).  The history
tables keep what was recorded at the time.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce, Now

STATUS_CHOICES = [("planned", "Planned"), ("submitted", "Awaiting approval"), ("approved", "Approved"),
                  ("completed", "Completed"), ("cancelled", "Cancelled")]
# The old log's names of the steps that kept the state, and the state each one kept.
OLD_STEP_NAMES = {"returned": "planned", "report_submitted": "completed"}
# The steps that can follow a submission without returning it first.
AFTER_SUBMISSION = ("approved", "cancelled")


def _mobility_steps(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    WorkflowTransition = apps.get_model("intlportal", "WorkflowTransition")
    content_type = ContentType.objects.filter(app_label="exchanges", model="mobility").first()
    if content_type is None:  # a new database: nothing was logged yet
        return WorkflowTransition.objects.none()
    return WorkflowTransition.objects.filter(content_type=content_type)


def _steps_after_submission(steps, *, from_state: str) -> list[int]:
    """The approvals and call-offs logged from ``from_state`` right after a submission."""
    found, previous = [], {}
    rows = steps.order_by("object_id", "at", "pk").values_list("pk", "object_id", "from_state", "to_state")
    for pk, object_id, from_, to in rows.iterator(chunk_size=5000):
        if from_ == from_state and to in AFTER_SUBMISSION and previous.get(object_id) == "submitted":
            found.append(pk)
        previous[object_id] = to
    return found


def _update_in_chunks(steps, pks: list[int], **values) -> None:
    for start in range(0, len(pks), 1000):
        steps.filter(pk__in=pks[start:start + 1000]).update(**values)


def forwards(apps, schema_editor):
    Mobility = apps.get_model("exchanges", "Mobility")
    Mobility.objects.filter(status="planned", submitted_at__isnull=False).update(status="submitted")
    steps = _mobility_steps(apps)
    _update_in_chunks(steps, _steps_after_submission(steps, from_state="planned"), from_state="submitted")
    for name, state in OLD_STEP_NAMES.items():
        steps.filter(to_state=name).update(to_state=state)


def backwards(apps, schema_editor):
    Mobility = apps.get_model("exchanges", "Mobility")
    # The old "awaiting approval" was ``planned`` with a submission time.
    Mobility.objects.filter(status="submitted").update(status="planned",
                                                       submitted_at=Coalesce("submitted_at", Now()))
    steps = _mobility_steps(apps)
    steps.filter(from_state="submitted", to_state="planned").update(to_state="returned")
    steps.filter(from_state="completed", to_state="completed").update(to_state="report_submitted")
    steps.filter(from_state="submitted", to_state__in=AFTER_SUBMISSION).update(from_state="planned")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("intlportal", "0001_initial"),
        ("exchanges", "0006_import_key_unique"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalmobility",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="planned", max_length=20, verbose_name="status"),
        ),
        migrations.AlterField(
            model_name="mobility",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="planned", max_length=20, verbose_name="status"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
