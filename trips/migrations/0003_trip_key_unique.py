from django.db import migrations, models

from dataexchange.migration_checks import refuse_duplicate_keys


class Migration(migrations.Migration):

    dependencies = [
        ("trips", "0002_passports_visas_changes_report"),
    ]

    # The trips import key (faculty, title, departure) becomes unique: first refuse, naming them, if trips share it.
    operations = [
        refuse_duplicate_keys("trips", "Trip", ["faculty", "title", "departs_on"], "trip_key_unique"),
        migrations.AddConstraint(
            model_name="trip",
            constraint=models.UniqueConstraint(fields=("faculty", "title", "departs_on"), name="trip_key_unique"),
        ),
    ]
