from django.db import migrations, models


def tell_apart_earlier_duplicates(apps, schema_editor):
    """Before the key (teacher, semester, source, course) is unique, evaluations recorded before the course
    was kept may share it: the first keeps an empty course, the others are numbered "#2", "#3"… so none is
    lost and the office can name their courses later."""
    TeachingEvaluation = apps.get_model("staff", "TeachingEvaluation")
    seen: dict[tuple, int] = {}
    renumbered = []
    for evaluation in TeachingEvaluation.objects.order_by("staff_member_id", "semester", "source", "pk").iterator():
        key = (evaluation.staff_member_id, evaluation.semester, evaluation.source)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            evaluation.course = f"#{seen[key]}"
            renumbered.append(evaluation)
    TeachingEvaluation.objects.bulk_update(renumbered, ["course"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0004_staff_standings"),
    ]

    # The teaching_evaluations import key becomes unique (issue 15); a course tells apart a teacher's
    # several student evaluations in one semester.
    operations = [
        migrations.AlterModelOptions(
            name="teachingevaluation",
            options={"ordering": ["-semester", "staff_member__staff_no", "source", "course"],
                     "verbose_name": "teaching evaluation", "verbose_name_plural": "teaching evaluations"},
        ),
        migrations.AddField(
            model_name="teachingevaluation",
            name="course",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="course"),
        ),
        migrations.AddField(
            model_name="historicalteachingevaluation",
            name="course",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="course"),
        ),
        migrations.RunPython(tell_apart_earlier_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="teachingevaluation",
            constraint=models.UniqueConstraint(fields=("staff_member", "semester", "source", "course"),
                                               name="evaluation_key_unique"),
        ),
    ]
