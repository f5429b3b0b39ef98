from django.db import migrations, models

from dataexchange.migration_checks import refuse_duplicate_keys


class Migration(migrations.Migration):

    dependencies = [
        ("exchanges", "0009_agreement_termination_dates"),
    ]

    # The language_tests import key becomes unique (issue 15): first refuse, naming them, if records share a key.
    operations = [
        refuse_duplicate_keys("exchanges", "StudentLanguageTest", ["student_id", "test", "date"], "language_test_key_unique"),
        migrations.AddConstraint(
            model_name="studentlanguagetest",
            constraint=models.UniqueConstraint(fields=("student_id", "test", "date"), name="language_test_key_unique"),
        ),
    ]
