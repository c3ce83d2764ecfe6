"""Legal rules' titles and legal references in kk, ru and en (django-modeltranslation): what was written
(English) goes into the English column, and the shipped rules get their Russian and Kazakh references
(panah/cases/ruledata.py)."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from panah.cases.ruledata import fill_names
    from panah.common.multilingual import fill_language_fields

    for name in ("DeadlineRule", "EligibilityRule"):
        model = apps.get_model("cases", name)
        fill_language_fields(model, ("title", "legal_reference"))
        fill_names(model, "deadline_rules.json" if name == "DeadlineRule" else "eligibility_rules.json")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_encrypt_free_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='deadlinerule',
            name='legal_reference_en',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='deadlinerule',
            name='legal_reference_kk',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='deadlinerule',
            name='legal_reference_ru',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='deadlinerule',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AddField(
            model_name='eligibilityrule',
            name='legal_reference_en',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='eligibilityrule',
            name='legal_reference_kk',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='eligibilityrule',
            name='legal_reference_ru',
            field=models.CharField(max_length=300, null=True, verbose_name='legal reference'),
        ),
        migrations.AddField(
            model_name='eligibilityrule',
            name='title_en',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='deadlinerule',
            name='title_kk',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='deadlinerule',
            name='title_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='eligibilityrule',
            name='title_kk',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='eligibilityrule',
            name='title_ru',
            field=models.CharField(max_length=200, null=True, verbose_name='title'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
