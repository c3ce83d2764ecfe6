"""Load the dated legal rules shipped in panah/cases/data (deadlines and eligibility)."""

from django.db import migrations


def load(apps, schema_editor):
    from panah.cases.ruledata import load_rules

    load_rules(apps.get_model("cases", "DeadlineRule"), apps.get_model("cases", "EligibilityRule"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
