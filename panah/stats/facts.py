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

from django.db import transaction

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


def rows_for(person_id: int, facts: Sequence[Fact], attributes: Attributes) -> list[StockFact]:
    history = versions(facts, attributes)
    rows = []
    for index, (known_from, picture) in enumerate(history):
        known_to = history[index + 1][0] if index + 1 < len(history) else None
        rows.extend(
            StockFact(
                person_id=person_id,
                population_type=piece.population_type,
                valid_from=piece.valid_from,
                valid_to=piece.valid_to,
                known_from=known_from,
                known_to=known_to,
                origin=attributes.origin,
                sex=attributes.sex,
                birth_ref=attributes.birth_ref,
                region=piece.region,
            )
            for piece in picture
        )
    return rows


def _attributes(persons: Iterable[Person], addresses: dict[int, list[tuple[dt.date, str]]]) -> dict[int, Attributes]:
    return {
        p.pk: Attributes(
            origin=p.country_of_origin_id or "",
            sex=p.sex,
            birth_ref=birth_reference(p.birth_date, p.birth_date_precision),
            regions=tuple(addresses.get(p.pk) or [(dt.date.min, p.region_id)]),
        )
        for p in persons
    }


def rebuild(person_ids: Sequence[int]) -> int:
    """Replace the StockFact rows of these persons. Side effects: StockFact rows only. Returns rows written."""
    with unscoped("rebuild the statistics index"), transaction.atomic():
        persons = Person.objects.filter(pk__in=person_ids).only(
            "pk", "country_of_origin", "sex", "birth_date", "birth_date_precision", "region"
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
        for event in (
            StatusEvent.objects.filter(person_id__in=person_ids)
            .only("id", "person_id", "kind", "effective", "recorded_at", "supersedes_id")
            .order_by("person_id", "id")
        ):
            facts.setdefault(event.person_id, []).append(
                Fact(event.id, event.kind, event.effective, event.recorded_at, event.supersedes_id)
            )
        StockFact.objects.filter(person_id__in=person_ids).delete()
        rows = [row for pid, attrs in attributes.items() for row in rows_for(pid, facts.get(pid, []), attrs)]
        StockFact.objects.bulk_create(rows, batch_size=BATCH)
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
