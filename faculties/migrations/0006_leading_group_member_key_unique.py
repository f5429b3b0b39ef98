from django.db import migrations, models

from dataexchange.migration_checks import refuse_duplicate_keys


class Migration(migrations.Migration):

    dependencies = [
        ("faculties", "0005_site_update_log"),
    ]

    # The leading_group import key becomes unique (issue 15): first refuse, naming them, if records share a key.
    operations = [
        refuse_duplicate_keys("faculties", "LeadingGroupMember", ["faculty", "name"], "leading_group_member_key_unique"),
        migrations.AddConstraint(
            model_name="leadinggroupmember",
            constraint=models.UniqueConstraint(fields=("faculty", "name"), name="leading_group_member_key_unique"),
        ),
    ]
