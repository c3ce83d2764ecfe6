"""Maintaining the bitemporal stock index (`StockFact`) from the status timeline.

A person's rows are rebuilt from their events whenever something that feeds a figure changes:
for every moment the system learned something (each event's `recorded_at`, each `AttributeVersion`),
the timeline is folded as known at that moment (`panah.status.timeline`), cut into regions by the
address history as known then, and stored as rectangles [valid_from, valid_to) x [known_from, known_to)
carrying the sex, birth date and origin as known then. Consecutive moments that give the same
picture share one rectangle, so most persons have one or two rows.

So a correction of a status event, of a person's sex, birth date or origin, or of their addresses
changes the figures as known from the correction on, and never a figure as known before it.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.registry.models import Address, DatePrecision, Person
from panah.stats.models import AttributeVersion, FlowFact, StockFact
from panah.status.models import RESULTING_POPULATION, ApplicationType, EventKind, StatusEvent
from panah.status.timeline import Fact, known_events

BATCH = 2000


@dataclass(frozen=True)
class Attributes:
    origin: str
    sex: str
    birth_ref: dt.date | None
    born: dt.date | None  # the birth date when known to the month or day: births are counted from it
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


def region_on(regions: Sequence[tuple[dt.date, str]], day: dt.date) -> str:
    region = regions[0][1]
    for since, code in regions:
        if since <= day:
            region = code
    return region


K = EventKind
# Which flow each event kind counts in (asylum applications are split into first and repeat).
FLOW_OF_KIND: dict[str, str] = {
    K.REFUGEE_GRANTED: "recognised",
    K.ASYLUM_REJECTED: "rejected",
    K.APPEAL_REJECTED: "rejected",
    K.CLAIM_CLOSED: "otherwise_closed",
    K.APPEAL_LODGED: "appeals",
    K.STATELESS_DETERMINED: "stateless_determinations",
    K.NATURALISED: "naturalisations",
    K.DEPARTED: "departures",
    K.DIED: "deaths",
    K.NATIONALITY_CONFIRMED: "nationality_confirmed",
}
FLOWS = [
    "applications_first", "applications_repeat", "recognised", "complementary_protection", "rejected",
    "otherwise_closed", "appeals", "stateless_determinations", "undetermined_resolved",
    "undetermined_confirmed_nationality", "undetermined_determined_stateless", "nationality_confirmed",
    "naturalisations", "departures", "deaths", "births",
]  # fmt: skip


def flows_of(kind: str, repeat: bool, was_undetermined: bool) -> list[str]:
    if kind == K.ASYLUM_APPLICATION:
        return ["applications_repeat" if repeat else "applications_first"]
    flow = FLOW_OF_KIND[kind]
    if was_undetermined and kind == K.NATIONALITY_CONFIRMED:
        return [flow, "undetermined_resolved", "undetermined_confirmed_nationality"]
    if was_undetermined and kind == K.STATELESS_DETERMINED:
        return [flow, "undetermined_resolved", "undetermined_determined_stateless"]
    return [flow]


def flow_items(
    facts: Sequence[Fact], moment: dt.datetime, attributes: Attributes, repeats: frozenset[int]
) -> list[tuple[str, dt.date, str]]:
    """(flow, effective, region) of every flow counted for the person, as known at `moment`.

    A birth counts once the person is known to the statistics at all (any event recorded), dated by
    a birth date known to the month or day, in the region of residence on that date."""
    known = known_events(facts, moment)
    undetermined_since = min((f.effective for f in known if f.kind == K.UNDETERMINED_IDENTIFIED), default=None)
    items = [
        (flow, f.effective, region_on(attributes.regions, f.effective))
        for f in known
        if f.kind in FLOW_OF_KIND or f.kind == K.ASYLUM_APPLICATION
        for flow in flows_of(
            f.kind, f.id in repeats, undetermined_since is not None and undetermined_since <= f.effective
        )
    ]
    if attributes.born is not None and any(f.recorded_at <= moment for f in facts):
        items.append(("births", attributes.born, region_on(attributes.regions, attributes.born)))
    return sorted(items)


History = Sequence[tuple[dt.datetime, Attributes]]
# When a person's first version was known from: it stands for all that was known before any correction.
BEGINNING = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def attributes_at(history: History, moment: dt.datetime) -> Attributes:
    """The attributes as known at `moment`; the first version also covers moments before it.

    Events may carry an earlier `recorded_at` than the first version (history entered later): what
    was first known about the person is the best account of them for those moments."""
    current = history[0][1]
    for recorded_at, attributes in history:
        if recorded_at > moment:
            break
        current = attributes
    return current


Timeline = list[tuple[dt.datetime, Attributes, list]]


def _compressed(snapshots: Iterable[tuple[dt.datetime, Attributes, list]]) -> Timeline:
    """Drop moments that change nothing, and those before the first with anything to count."""
    result: Timeline = []
    for moment, attributes, picture in snapshots:
        if not result and not picture:
            continue
        if not result or result[-1][1:] != (attributes, picture):
            result.append((moment, attributes, picture))
    return result


def versions(
    facts: Sequence[Fact], history: History, repeats: frozenset[int] = frozenset()
) -> tuple[Timeline, Timeline]:
    """The person's stock pieces and flows at every moment either changed: [(known from, attributes, picture)]."""
    moments = sorted({f.recorded_at for f in facts} | {recorded_at for recorded_at, _ in history[1:]})
    snapshots = [(moment, attributes_at(history, moment)) for moment in moments]
    stock = _compressed((m, a, pieces(status_intervals(facts, m), a.regions)) for m, a in snapshots)
    flows = _compressed((m, a, flow_items(facts, m, a, repeats)) for m, a in snapshots)
    return stock, flows


# The columns of the index rows, in the order `row_values` gives them.
STOCK_COLUMNS = (
    "person_id", "population_type", "valid_from", "valid_to", "known_from", "known_to", "origin", "sex",
    "birth_ref", "region",
)  # fmt: skip
VERSION_COLUMNS = ("person_id", "recorded_at", "origin", "sex", "birth_ref", "born", "regions")
FLOW_COLUMNS = ("person_id", "flow", "effective", "known_from", "known_to", "origin", "sex", "birth_ref", "region")


def _rectangles(timeline: Timeline) -> Iterator[tuple[dt.datetime, dt.datetime | None, Attributes, list]]:
    for index, (known_from, attributes, picture) in enumerate(timeline):
        known_to = timeline[index + 1][0] if index + 1 < len(timeline) else None
        yield known_from, known_to, attributes, picture


def row_values(
    person_id: int, facts: Sequence[Fact], history: History, repeats: frozenset[int] = frozenset()
) -> tuple[list[tuple], list[tuple]]:
    """The person's StockFact and FlowFact rows, as tuples of STOCK_COLUMNS and FLOW_COLUMNS."""
    stock, flows = versions(facts, history, repeats)
    stock_rows = [
        (person_id, piece.population_type, piece.valid_from, piece.valid_to, known_from, known_to,
         attributes.origin, attributes.sex, attributes.birth_ref, piece.region)
        for known_from, known_to, attributes, picture in _rectangles(stock)
        for piece in picture
    ]  # fmt: skip
    flow_rows = [
        (
            person_id,
            flow,
            effective,
            known_from,
            known_to,
            attributes.origin,
            attributes.sex,
            attributes.birth_ref,
            region,
        )
        for known_from, known_to, attributes, picture in _rectangles(flows)
        for flow, effective, region in picture
    ]
    return stock_rows, flow_rows


def current_attributes(person_ids: Iterable[int]) -> dict[int, Attributes]:
    """The statistical attributes the registry holds now."""
    person_ids = list(person_ids)
    addresses: dict[int, list[tuple[dt.date, str]]] = {}
    for pid, since, region in (
        Address.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "valid_from", "id")
        .values_list("person_id", "valid_from", "region_id")
    ):
        addresses.setdefault(pid, []).append((since, region))
    persons = Person.objects.filter(pk__in=person_ids).values_list(
        "pk", "country_of_origin_id", "sex", "birth_date", "birth_date_precision", "region_id"
    )
    return {
        pk: attributes_of(origin, sex, birth_date, precision, addresses.get(pk) or [(dt.date.min, region)])
        for pk, origin, sex, birth_date, precision, region in persons
    }


def attributes_of(
    origin: str | None,
    sex: str,
    birth_date: dt.date | None,
    precision: str,
    regions: Sequence[tuple[dt.date, str]],
) -> Attributes:
    """The statistical attributes of a person with these values and these (from, region) address
    steps, oldest first (or, with no address, [(dt.date.min, the person's region)])."""
    return Attributes(
        origin=origin or "",
        sex=sex,
        birth_ref=birth_reference(birth_date, precision),
        born=birth_date if precision in (DatePrecision.DAY, DatePrecision.MONTH) else None,
        regions=tuple(regions),
    )


def _from_version(version: AttributeVersion) -> Attributes:
    return Attributes(
        origin=version.origin,
        sex=version.sex,
        birth_ref=version.birth_ref,
        born=version.born,
        regions=tuple((dt.date.fromisoformat(since), code) for since, code in version.regions),
    )


def _version(person_id: int, recorded_at: dt.datetime, attributes: Attributes) -> AttributeVersion:
    return AttributeVersion(
        person_id=person_id,
        recorded_at=recorded_at,
        origin=attributes.origin,
        sex=attributes.sex,
        birth_ref=attributes.birth_ref,
        born=attributes.born,
        regions=[[since.isoformat(), code] for since, code in attributes.regions],
    )


def histories(person_ids: Sequence[int]) -> dict[int, list[tuple[dt.datetime, Attributes]]]:
    """Each person's attribute versions, oldest first.

    A person with none yet (written in bulk, e.g. by the demo, or registered before any figure was
    computed) gets one now, from the beginning of time: without it, a later correction would have
    nothing to say what was known before it."""
    result: dict[int, list[tuple[dt.datetime, Attributes]]] = {}
    for version in AttributeVersion.objects.filter(person_id__in=person_ids).order_by("person_id", "recorded_at", "id"):
        result.setdefault(version.person_id, []).append((version.recorded_at, _from_version(version)))
    baseline = current_attributes(pid for pid in person_ids if pid not in result)
    AttributeVersion.objects.bulk_create(
        [_version(pid, BEGINNING, attributes) for pid, attributes in baseline.items()], batch_size=BATCH
    )
    for pid, attributes in baseline.items():
        result[pid] = [(BEGINNING, attributes)]
    return result


def _insert(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Write index rows. The ORM's bulk_create spent more time preparing values than the database
    spent storing them (a full rebuild is millions of rows), so the two backends we run on get their
    fastest bulk path: COPY on PostgreSQL, one prepared INSERT run for every row on SQLite."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(c) for c in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
                copy.write_row(row)
    elif connection.vendor == "sqlite":
        adapters = {
            "DateField": connection.ops.adapt_datefield_value,
            "DateTimeField": connection.ops.adapt_datetimefield_value,
            "JSONField": json.dumps,
        }
        adapt = [adapters.get(f.get_internal_type()) for f in fields]
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names from the model
                [tuple(a(v) if a else v for a, v in zip(adapt, row, strict=True)) for row in rows],
            )
    else:
        model.objects.bulk_create([model(**dict(zip(columns, r, strict=True))) for r in rows], batch_size=BATCH)


def _merges(
    person_ids: Sequence[int],
) -> tuple[dict[int, dict[int, dt.datetime]], dict[int, tuple[dt.datetime, list[int]]]]:
    """Merges in force that touch these persons: for each survivor, the events it took over and when;
    for each merged-away record, when it was merged and the events it had."""
    from panah.matching.models import Merge  # matching builds on this module; read its merges late

    taken: dict[int, dict[int, dt.datetime]] = {}
    merged_away: dict[int, tuple[dt.datetime, list[int]]] = {}
    merges = (
        Merge._base_manager.filter(undone_at__isnull=True)
        .filter(Q(survivor_id__in=person_ids) | Q(merged_id__in=person_ids))
        .values_list("survivor_id", "merged_id", "at", "snapshot")
    )
    for survivor, merged, at, snapshot in merges:
        events = snapshot.get("moved", {}).get("status.StatusEvent", [])
        taken.setdefault(survivor, {}).update(dict.fromkeys(events, at))
        merged_away[merged] = (at, events)
    return taken, merged_away


def _known_until(rows: list[tuple], moment: dt.datetime, known_from: int) -> list[tuple]:
    """Rows as the index held them before `moment`: later ones dropped, open ones closed there."""
    known_to = known_from + 1
    return [
        (
            *row[:known_to],
            moment if row[known_to] is None or row[known_to] > moment else row[known_to],
            *row[known_to + 1 :],
        )
        for row in rows
        if row[known_from] < moment
    ]


def rebuild(person_ids: Sequence[int]) -> int:
    """Replace the index rows of these persons. Returns rows written.

    Side effects: StockFact and FlowFact rows; a first AttributeVersion for a person who has none.

    A merge changes what is known from the moment it is made, not before: the survivor counts the
    events it took over as known from the merge on, and the merged-away record keeps the rows it had
    as known until the merge. So a figure as known before a merge, and a release, stay as they were.
    """
    with unscoped("rebuild the statistics index"), transaction.atomic():
        taken, merged_away = _merges(person_ids)
        attribute_histories = histories(person_ids)
        facts: dict[int, list[Fact]] = {}
        repeats: set[int] = set()
        former = {event: pid for pid, (_at, events) in merged_away.items() for event in events}
        for event_id, pid, kind, effective, recorded_at, supersedes_id, application_type in (
            StatusEvent.objects.filter(Q(person_id__in=person_ids) | Q(pk__in=list(former)))
            .order_by("person_id", "id")
            .values_list("id", "person_id", "kind", "effective", "recorded_at", "supersedes_id", "application_type")
        ):
            if application_type == ApplicationType.REPEAT:
                repeats.add(event_id)
            if event_id in former:  # as the merged-away record had it, before the merge
                facts.setdefault(former[event_id], []).append(
                    Fact(event_id, kind, effective, recorded_at, supersedes_id)
                )
            if pid in attribute_histories:
                known = max(recorded_at, taken.get(pid, {}).get(event_id, recorded_at))
                facts.setdefault(pid, []).append(Fact(event_id, kind, effective, known, supersedes_id))
        StockFact.objects.filter(person_id__in=person_ids).delete()
        FlowFact.objects.filter(person_id__in=person_ids).delete()
        stock_rows: list[tuple] = []
        flow_rows: list[tuple] = []
        frozen_repeats = frozenset(repeats)
        for pid, history in attribute_histories.items():
            stock, flows = row_values(pid, facts.get(pid, []), history, frozen_repeats)
            if pid in merged_away:
                at = merged_away[pid][0]
                stock = _known_until(stock, at, STOCK_COLUMNS.index("known_from"))
                flows = _known_until(flows, at, FLOW_COLUMNS.index("known_from"))
            stock_rows.extend(stock)
            flow_rows.extend(flows)
        _insert(StockFact, STOCK_COLUMNS, stock_rows)
        _insert(FlowFact, FLOW_COLUMNS, flow_rows)
        return len(stock_rows) + len(flow_rows)


def index_new_persons(persons: Iterable[tuple[int, Attributes, Sequence[Fact], frozenset[int]]]) -> int:
    """Index persons just written in bulk, from what the writer wrote, without reading it back.
    Returns rows written.

    Each item is (person id, the person's attributes as `current_attributes` would read them, their
    status events as facts, the ids of those that are repeat asylum applications). For persons with
    no AttributeVersion, no index rows and no merge (new ones), the result is exactly that of
    `rebuild`: a first AttributeVersion from the beginning, and the same StockFact and FlowFact rows
    (`row_values` is the one definition both use). An import of 100,000 persons spent a quarter of
    its time reading back in `rebuild` what it had just written.

    Side effects: AttributeVersion, StockFact and FlowFact rows. Call inside the writer's transaction.
    """
    versions_: list[tuple] = []
    stock_rows: list[tuple] = []
    flow_rows: list[tuple] = []
    for pid, attributes, person_facts, repeats in persons:
        versions_.append(
            (
                pid,
                BEGINNING,
                attributes.origin,
                attributes.sex,
                attributes.birth_ref,
                attributes.born,
                [[since.isoformat(), code] for since, code in attributes.regions],
            )
        )
        stock, flows = row_values(pid, person_facts, [(BEGINNING, attributes)], repeats)
        stock_rows.extend(stock)
        flow_rows.extend(flows)
    with unscoped("index new persons in the statistics"):
        _insert(AttributeVersion, VERSION_COLUMNS, versions_)
        _insert(StockFact, STOCK_COLUMNS, stock_rows)
        _insert(FlowFact, FLOW_COLUMNS, flow_rows)
    return len(stock_rows) + len(flow_rows)


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

    The services call it after every write that can change a figure. When the statistical attributes
    differ from the last version kept, a new version is appended first, so figures as known before
    stay as they were known.
    """
    with unscoped("keep the statistics index in step with the registry"):
        current = current_attributes([person_id]).get(person_id)
        last = AttributeVersion.objects.filter(person_id=person_id).order_by("recorded_at", "id").last()
        if current is not None and (last is None or _from_version(last) != current):
            _version(person_id, BEGINNING if last is None else timezone.now(), current).save()
    rebuild([person_id])
