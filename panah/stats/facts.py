"""Maintaining the bitemporal stock index (`StockFact`) from the status timeline.

A person's rows are rebuilt from their events whenever something that feeds a figure changes:
for every moment the system learned something (each event's `recorded_at`), the timeline is folded
as known at that moment (`panah.status.timeline`), cut by the person's address history into
regions, and stored as rectangles [valid_from, valid_to) x [known_from, known_to). Consecutive
moments that give the same picture share one rectangle, so most persons have one or two rows.

Limitation: sex, birth date, origin and addresses are not themselves bitemporal in the registry, so
each row carries their current values; correcting them changes past (D, K) answers. Published
releases keep their figures and hash, and "what changed since" shows such a difference.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db import connection, transaction

from panah.accounts.scope import unscoped
from panah.registry.models import Address, DatePrecision, Person
from panah.stats.models import StockFact
from panah.status.models import RESULTING_POPULATION, StatusEvent
from panah.status.timeline import Fact, known_events

BATCH = 2000


@dataclass(frozen=True)
class Attributes:
    origin: str
    sex: str
    birth_ref: dt.date | None
    regions: tuple[tuple[dt.date, str], ...]  # (from, region) steps, sorted; the first also covers earlier dates


@dataclass(frozen=True)
class Piece:
    population_type: str
    valid_from: dt.date
    valid_to: dt.date | None
    region: str


def birth_reference(birth: dt.date | None, precision: str) -> dt.date | None:
    """The date ages are computed from: the middle of what a partial birth date says."""
    if birth is None:
        return None
    if precision == DatePrecision.YEAR:
        return dt.date(birth.year, 7, 1)
    if precision == DatePrecision.MONTH:
        return dt.date(birth.year, birth.month, 15)
    return birth


def status_intervals(facts: Sequence[Fact], known_on: dt.datetime) -> list[tuple[dt.date, dt.date | None, str]]:
    """(from, until, population type) of every stretch in a stock, as known at `known_on`."""
    changing = sorted(
        (f for f in known_events(facts, known_on) if RESULTING_POPULATION[f.kind] is not None),
        key=lambda f: (f.effective, f.recorded_at, f.id),
    )
    intervals: list[tuple[dt.date, dt.date | None, str]] = []
    current, start = "", None
    for day, same_day in groupby(changing, key=lambda f: f.effective):
        state = RESULTING_POPULATION[list(same_day)[-1].kind] or ""
        if state != current:
            if current:
                intervals.append((start, day, current))  # type: ignore[arg-type]
            current, start = state, day
    if current:
        intervals.append((start, None, current))  # type: ignore[arg-type]
    return intervals


def pieces(
    intervals: Iterable[tuple[dt.date, dt.date | None, str]], regions: Sequence[tuple[dt.date, str]]
) -> list[Piece]:
    """Cut status intervals where the region of residence changes."""
    result = []
    for start, end, population in intervals:
        region = regions[0][1]
        for since, code in regions:
            if since <= start:
                region = code
        cut = start
        for since, code in regions:
            if since <= start or (end is not None and since >= end):
                continue
            if code != region:
                result.append(Piece(population, cut, since, region))
                cut, region = since, code
        result.append(Piece(population, cut, end, region))
    return result


def versions(facts: Sequence[Fact], attributes: Attributes) -> list[tuple[dt.datetime, list[Piece]]]:
    """The picture of one person at every moment it changed: [(known from, pieces)]."""
    moments = sorted({f.recorded_at for f in facts})
    result: list[tuple[dt.datetime, list[Piece]]] = []
    for moment in moments:
        picture = pieces(status_intervals(facts, moment), attributes.regions)
        if not result or result[-1][1] != picture:
            result.append((moment, picture))
    return result


# The columns of a StockFact row, in the order `row_values` gives them.
COLUMNS = (
    "person_id", "population_type", "valid_from", "valid_to", "known_from", "known_to", "origin", "sex",
    "birth_ref", "region",
)  # fmt: skip


def row_values(person_id: int, facts: Sequence[Fact], attributes: Attributes) -> list[tuple]:
    """The person's StockFact rows as tuples of COLUMNS."""
    history = versions(facts, attributes)
    rows = []
    for index, (known_from, picture) in enumerate(history):
        known_to = history[index + 1][0] if index + 1 < len(history) else None
        rows.extend(
            (
                person_id,
                piece.population_type,
                piece.valid_from,
                piece.valid_to,
                known_from,
                known_to,
                attributes.origin,
                attributes.sex,
                attributes.birth_ref,
                piece.region,
            )
            for piece in picture
        )
    return rows


def _attributes(persons: Iterable[tuple], addresses: dict[int, list[tuple[dt.date, str]]]) -> dict[int, Attributes]:
    """From (pk, country_of_origin_id, sex, birth_date, birth_date_precision, region_id) tuples."""
    return {
        pk: Attributes(
            origin=origin or "",
            sex=sex,
            birth_ref=birth_reference(birth_date, precision),
            regions=tuple(addresses.get(pk) or [(dt.date.min, region)]),
        )
        for pk, origin, sex, birth_date, precision, region in persons
    }


def _insert(rows: list[tuple]) -> None:
    """Write StockFact rows. The ORM's bulk_create spent more time preparing values than the database
    spent storing them (a full rebuild is millions of rows), so the two backends we run on get their
    fastest bulk path: COPY on PostgreSQL, one prepared INSERT run for every row on SQLite."""
    if not rows:
        return
    table = connection.ops.quote_name(StockFact._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(StockFact._meta.get_field(c).column) for c in COLUMNS)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.vendor == "sqlite":
        ops = connection.ops
        date, moment = ops.adapt_datefield_value, ops.adapt_datetimefield_value
        marks = ", ".join(["%s"] * len(COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
                [
                    (
                        pid,
                        population,
                        date(v_from),
                        date(v_to),
                        moment(k_from),
                        moment(k_to),
                        origin,
                        sex,
                        date(birth),
                        region,
                    )
                    for pid, population, v_from, v_to, k_from, k_to, origin, sex, birth, region in rows
                ],
            )
    else:
        StockFact.objects.bulk_create([StockFact(**dict(zip(COLUMNS, r, strict=True))) for r in rows], batch_size=BATCH)


def rebuild(person_ids: Sequence[int]) -> int:
    """Replace the StockFact rows of these persons. Side effects: StockFact rows only. Returns rows written."""
    with unscoped("rebuild the statistics index"), transaction.atomic():
        persons = Person.objects.filter(pk__in=person_ids).values_list(
            "pk", "country_of_origin_id", "sex", "birth_date", "birth_date_precision", "region_id"
        )
        addresses: dict[int, list[tuple[dt.date, str]]] = {}
        for pid, since, region in (
            Address.objects.filter(person_id__in=person_ids)
            .order_by("person_id", "valid_from", "id")
            .values_list("person_id", "valid_from", "region_id")
        ):
            addresses.setdefault(pid, []).append((since, region))
        attributes = _attributes(persons, addresses)
        facts: dict[int, list[Fact]] = {}
        for event_id, pid, kind, effective, recorded_at, supersedes_id in (
            StatusEvent.objects.filter(person_id__in=person_ids)
            .order_by("person_id", "id")
            .values_list("id", "person_id", "kind", "effective", "recorded_at", "supersedes_id")
        ):
            facts.setdefault(pid, []).append(Fact(event_id, kind, effective, recorded_at, supersedes_id))
        StockFact.objects.filter(person_id__in=person_ids).delete()
        rows = [row for pid, attrs in attributes.items() for row in row_values(pid, facts.get(pid, []), attrs)]
        _insert(rows)
        return len(rows)


def rebuild_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index, batch by batch. Returns the number of rows written."""
    written = 0
    with unscoped("rebuild the statistics index"):
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        written += rebuild(ids[start : start + BATCH])
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return written


def refresh_person(person_id: int) -> None:
    """Keep one person's rows in step with their record, inside the caller's transaction.

    The services call it after every write that can change a figure."""
    rebuild([person_id])
