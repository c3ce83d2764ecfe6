"""Partner projects in kk, ru and en (django-modeltranslation); each text written so far goes into the
column of its language (panah/common/multilingual.py)."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from panah.common.multilingual import fill_language_fields

    fill_language_fields(
        apps.get_model("knowledge", "PartnerProject"), ("partner", "title", "services", "eligibility")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0004_stemmed_search_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='partnerproject',
            name='eligibility_en',
            field=models.TextField(null=True, verbose_name='who can apply'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='eligibility_kk',
            field=models.TextField(null=True, verbose_name='who can apply'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='eligibility_ru',
            field=models.TextField(null=True, verbose_name='who can apply'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='partner_en',
            field=models.CharField(max_length=200, null=True, verbose_name='partner organisation'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='partner_kk',
            field=models.CharField(max_length=200, null=True, verbose_name='partner organisation'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='partner_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='partner organisation'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='services_en',
            field=models.TextField(help_text='One service a line.', null=True, verbose_name='services'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='services_kk',
            field=models.TextField(help_text='One service a line.', null=True, verbose_name='services'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='services_ru',
            field=models.TextField(help_text='One service a line.', null=True, verbose_name='services'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='project'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='title_kk',
            field=models.CharField(max_length=200, null=True, verbose_name='project'),
        ),
        migrations.AddField(
            model_name='partnerproject',
            name='title_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='project'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
