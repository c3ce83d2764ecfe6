from django.db import migrations


def load(apps, schema_editor):
    from panah.notices.defaults import load as load_templates

    load_templates(apps.get_model("notices", "NoticeTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
