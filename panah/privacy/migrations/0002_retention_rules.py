from django.db import migrations


def load(apps, schema_editor):
    from panah.privacy.ruledata import load_rules

    load_rules(apps.get_model("privacy", "RetentionRule"))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
