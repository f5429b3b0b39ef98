from django.db import migrations


def seed(apps, schema_editor):
    from assessment.defaults import default_indicator_fields

    Indicator = apps.get_model("assessment", "Indicator")
    for fields in default_indicator_fields():
        code = fields.pop("code")
        Indicator.objects.get_or_create(code=code, defaults=fields)


def unseed(apps, schema_editor):
    from assessment.defaults import DEFAULT_INDICATORS

    Indicator = apps.get_model("assessment", "Indicator")
    Indicator.objects.filter(code__in=[row[0] for row in DEFAULT_INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
