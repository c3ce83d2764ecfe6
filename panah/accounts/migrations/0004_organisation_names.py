"""Organisation names in kk, ru and en (django-modeltranslation); each name written so far goes into the
column of its language (panah/common/multilingual.py)."""

from typing import Any

from django.db import migrations, models



def fill(apps: Any, schema_editor: Any) -> None:
    from panah.common.multilingual import fill_language_fields

    fill_language_fields(apps.get_model("accounts", "Organisation"), ("name",))



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_sharing_agreement_actions'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='name_en',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='name_kk',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='name_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
