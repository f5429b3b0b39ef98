from django.db import migrations, models

from dataexchange.migration_checks import refuse_duplicate_keys


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0004_program_status_history"),
    ]

    # The program_courses import key becomes unique (issue 15): first refuse, naming them, if records share a key.
    operations = [
        refuse_duplicate_keys("programs", "ProgramCourse", ["program", "course"], "program_course_key_unique"),
        migrations.AddConstraint(
            model_name="programcourse",
            constraint=models.UniqueConstraint(fields=("program", "course"), name="program_course_key_unique"),
        ),
    ]
