"""The full-text index of the knowledge base, one per database (see panah/knowledge/search.py).

SQLite: an FTS5 virtual table keyed by the translation's id. PostgreSQL: a GIN index on the very
expression the search query uses, to_tsvector('simple', search_text). Each is a no-op on the other.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS knowledge_search"
POSTGRESQL_CREATE = (
    "CREATE INDEX IF NOT EXISTS knowledge_translation_search ON knowledge_articletranslation "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)
POSTGRESQL_DROP = "DROP INDEX IF EXISTS knowledge_translation_search"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
