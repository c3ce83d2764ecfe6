"""The fastest way each of our two databases takes many new rows: COPY on PostgreSQL, one prepared
INSERT run for every row on SQLite.

The ORM's bulk_create spent most of an import preparing values (on SQLite, in batches of fewer than
fifty persons, its limit of 999 values per statement); `panah.stats.facts` found the same for the
statistics index. Primary keys are reserved first (`reserve_ids`), so the registration number is
written with the person and the names' ids are known to their search tokens: no RETURNING, no
second UPDATE. `insert_rows` takes plain tuples: building a model instance per row only to read
its fields back cost an import of 100,000 persons more time than the database took to store them.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`. Call inside the transaction that inserts them, after
    a first write (on SQLite that write holds the database's write lock, so no one else takes ids)."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {quoted}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def insert(model: type[models.Model], objects: Sequence[models.Model], *, with_pk: bool = False) -> None:
    """Insert unsaved instances as they are (no save(), no signals): every concrete field is
    written from the instance, so the caller sets what save() would (auto_now, derived fields)."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    adapters = [_adapter(f) for f in fields]
    rows = [
        tuple(
            value if adapt is None or value is None else adapt(value)
            for adapt, value in zip(adapters, (getattr(obj, f.attname) for f in fields), strict=True)
        )
        for obj in objects
    ]
    _write(model, fields, rows)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows given as tuples of the fields `columns` (attribute names, e.g. "person_id"), as
    `insert` would insert instances built with those fields: every other concrete field gets the
    default the model's constructor gives it (an auto primary key is left to the database)."""
    rows = list(rows)
    if not rows:
        return
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    given = [by_name[c] for c in columns]
    rest = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
    fixed = tuple(f.get_default() for f in rest if not callable(f.default))
    varying = [f for f in rest if callable(f.default)]  # a new value per instance (now, dict, ...)
    fields = given + [f for f in rest if not callable(f.default)] + varying
    if varying:
        rows = [(*row, *fixed, *(f.get_default() for f in varying)) for row in rows]
    elif fixed:
        rows = [(*row, *fixed) for row in rows]
    adapters = [_adapter(f) for f in fields]
    if any(a is not None for a in adapters):
        rows = [
            tuple(
                value if adapt is None or value is None else adapt(value)
                for adapt, value in zip(adapters, row, strict=True)
            )
            for row in rows
        ]
    _write(model, fields, rows)


def _write(model: type[models.Model], fields: Sequence[models.Field], rows: Sequence[Sequence[Any]]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - names from the model


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    from panah.common.encryption import EncryptedTextField

    if isinstance(field, EncryptedTextField):
        return field.get_prep_value  # written encrypted, as save() would
    kind = field.get_internal_type()
    if kind == "JSONField":
        return json.dumps
    if connection.vendor == "sqlite" and kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if connection.vendor == "sqlite" and kind == "DateField":
        return connection.ops.adapt_datefield_value
    return None


# The models a registration writes and searches read: what a bulk load leaves the planner guessing about.
def registry_models() -> list[type[models.Model]]:
    from panah.registry.models import Address, Document, NameToken, Person, PersonName

    return [Person, PersonName, NameToken, Document, Address]


def refresh_statistics(tables: Sequence[type[models.Model]]) -> None:
    """Let the query planner see the rows just loaded: ANALYZE the tables of `tables`.

    After a bulk load PostgreSQL plans with the statistics of the table as it was (an empty table:
    "a few rows"), until autovacuum gets round to it, and chose nested loops over hundreds of
    thousands of name tokens; SQLite keeps no statistics until asked. An operator's load would
    ANALYZE; the import, the demo and the benchmark loader do it themselves. Outside a transaction
    on PostgreSQL it is VACUUM (ANALYZE), which also marks the new pages all-visible, so that name
    search reads its index-only scans without visiting the table. Seconds at a million persons."""
    names = [connection.ops.quote_name(model._meta.db_table) for model in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{verb} {', '.join(names)}")
            return
        for name in names:
            cursor.execute(f"ANALYZE {name}")


def worth_refreshing(created: int, model: type[models.Model]) -> bool:
    """Whether `created` new rows are enough to change plans: a tenth of the table or more, the
    share at which autovacuum would ANALYZE it (autovacuum_analyze_scale_factor), but now rather
    than within the minute; smaller imports do not move the statistics."""
    if created < MIN_REFRESH:
        return False
    return created * 10 >= model._base_manager.count()


MIN_REFRESH = 1_000
