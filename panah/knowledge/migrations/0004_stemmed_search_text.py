"""Stem again every translation's `search_text` with the Snowball stemmers and the Kazakh rule
(panah/knowledge/search.py), on both databases, so that articles published before stay searchable.

The index itself does not change: the same GIN expression on PostgreSQL, the same FTS5 table on SQLite,
now holding stems instead of words.
"""

from django.db import migrations


def restem(apps, schema_editor):
    from panah.knowledge import search

    ArticleTranslation = apps.get_model("knowledge", "ArticleTranslation")
    search.reindex(ArticleTranslation.objects.select_related("version").order_by("pk"))


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_partnerproject_organisation")]

    operations = [migrations.RunPython(restem, migrations.RunPython.noop, elidable=False)]
