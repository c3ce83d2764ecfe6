"""A large import leaves the query planner statistics of what it loaded: name search and the
duplicate check are planned for the registry as it now is, not as it was before the file."""

from django.db import connection

from panah.imports import bulk
from panah.registry.models import Person
from tests.factories import PersonFactory
from tests.imports.test_write import ROWS, imported_ids


def statistics_of(table: str) -> int:
    """Rows of planner statistics the database holds about `table`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_an_import_of_a_tenth_of_the_registry_analyses_the_tables_it_loaded(cast, monkeypatch):
    monkeypatch.setattr(bulk, "MIN_REFRESH", 1)  # seven rows stand for a file of thousands
    if connection.vendor == "sqlite":  # PostgreSQL's autovacuum may have analysed the empty table before
        assert statistics_of("registry_nametoken") == 0
    imported_ids(cast)
    for model in bulk.registry_models():
        assert statistics_of(model._meta.db_table) > 0, model


def test_a_small_import_into_a_large_registry_leaves_it_to_autovacuum(cast, monkeypatch):
    monkeypatch.setattr(bulk, "MIN_REFRESH", 1)
    refreshed = []
    monkeypatch.setattr(bulk, "refresh_statistics", refreshed.append)
    PersonFactory.create_batch(10 * len(ROWS))  # the file is an eleventh of the registry once imported
    imported_ids(cast)
    assert refreshed == []


def test_imports_below_the_minimum_are_never_worth_it(db):
    assert not bulk.worth_refreshing(bulk.MIN_REFRESH - 1, Person)
    assert bulk.worth_refreshing(bulk.MIN_REFRESH, Person)  # into an empty registry
