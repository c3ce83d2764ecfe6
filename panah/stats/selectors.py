"""Official statistics computed by the database: stocks as of D as known on K, and flows over a period.

A stock is one GROUP BY over `StockFact` giving the finest cube (population type x origin x sex x
age group x region); every published breakdown is a margin of that cube, summed here in Python
over a few thousand cells at most. Flows are one GROUP BY over the status events known on K.
Both read across every organisation's persons, which is what aggregate statistics are for: they
say so with `unscoped`, and they return counts only, never a person.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from panah.accounts.scope import unscoped
from panah.registry.models import Address, DatePrecision, Person, PopulationType
from panah.stats.models import StockFact
from panah.status.models import ApplicationType, EventKind, StatusEvent
from panah.status.selectors import known_events, known_on_bound

POPULATION_TYPES = [p.value for p in PopulationType]
AGE_GROUPS = ["0-4", "5-11", "12-17", "18-59", "60+", "unknown"]
SEXES = ["F", "M", "X", ""]
CUBE_DIMENSIONS = ("population_type", "origin", "sex", "age_group", "region")
K = EventKind


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_group_expression(reference: dt.date, field_name: str = "birth_ref") -> Case:
    """The UNHCR age group at `reference` of a birth date column; a person is N on their Nth birthday."""

    def born_after(years: int) -> Q:
        return Q(**{f"{field_name}__gt": years_before(reference, years)})

    return Case(
        When(**{f"{field_name}__isnull": True}, then=Value("unknown")),
        When(born_after(5), then=Value("0-4")),
        When(born_after(12), then=Value("5-11")),
        When(born_after(18), then=Value("12-17")),
        When(born_after(60), then=Value("18-59")),
        default=Value("60+"),
        output_field=CharField(),
    )


def age_group(birth_ref: dt.date | None, reference: dt.date) -> str:
    """The same rule in Python, for tests and single values."""
    if birth_ref is None:
        return "unknown"
    for years, label in ((5, "0-4"), (12, "5-11"), (18, "12-17"), (60, "18-59")):
        if birth_ref > years_before(reference, years):
            return label
    return "60+"


@dataclass
class Cube:
    """Counts by the finest breakdown; margins are sums over it."""

    dimensions: tuple[str, ...]
    cells: Counter = field(default_factory=Counter)

    def margin(self, *keep: str) -> Counter:
        index = [self.dimensions.index(d) for d in keep]
        result: Counter = Counter()
        for key, n in self.cells.items():
            result[tuple(key[i] for i in index)] += n
        return result

    def total(self) -> int:
        return sum(self.cells.values())


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, which these
    aggregates over the whole caseload are; compiling them took longer than running them (0.9 s of
    1.3 s for one year of flows at 100,000 persons; bench/stats.py). Off for this transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def facts_in_force(*, as_of: dt.date, known_on: dt.date | dt.datetime) -> QuerySet[StockFact]:
    bound = known_on_bound(known_on)
    return StockFact.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of),
        Q(known_to__isnull=True) | Q(known_to__gt=bound),
        valid_from__lte=as_of,
        known_from__lte=bound,
    )


def stock_cube(*, as_of: dt.date, known_on: dt.date | dt.datetime, regions: Iterable[str] | None = None) -> Cube:
    """Persons in each population type on `as_of` as known on `known_on`, by every breakdown: one query."""
    facts = facts_in_force(as_of=as_of, known_on=known_on)
    if regions is not None:
        facts = facts.filter(region__in=list(regions))
    rows = (
        facts.annotate(age_group=age_group_expression(as_of))
        .values_list(*CUBE_DIMENSIONS)
        .annotate(n=Count("id"))
        .order_by()
    )
    cube = Cube(CUBE_DIMENSIONS)
    with _without_jit():
        for *key, n in rows:
            cube.cells[tuple(key)] += n
    return cube


def stock_totals(cube: Cube) -> dict[str, int]:
    margin = cube.margin("population_type")
    return {p: margin[(p,)] for p in POPULATION_TYPES}


# Flows ------------------------------------------------------------------------------------------

FLOW_DIMENSIONS = ("flow", "origin", "sex", "age_group", "region")

# Which flow each event kind counts in (asylum applications are split into first and repeat below).
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


def _region_at(date_field: str) -> Coalesce:
    """Region of the address in force on the event's date (or the person's current region)."""
    address = (
        Address._base_manager.filter(person_id=OuterRef("person_id"), valid_from__lte=OuterRef(date_field))
        .order_by("-valid_from", "-id")
        .values("region_id")[:1]
    )
    return Coalesce(Subquery(address, output_field=CharField()), "person__region_id")


def flow_cube(
    *, start: dt.date, end: dt.date, known_on: dt.date | dt.datetime, regions: Iterable[str] | None = None
) -> Cube:
    """Events effective in [start, end], as known on `known_on`, by flow and breakdown (age at `end`)."""
    cube = Cube(FLOW_DIMENSIONS)
    with unscoped("aggregate statistics: flows"), _without_jit():
        undetermined_before = known_events(known_on).filter(
            person_id=OuterRef("person_id"), kind=K.UNDETERMINED_IDENTIFIED, effective__lte=OuterRef("effective")
        )
        events = (
            _known_events_scanned(known_on)
            .filter(effective__gte=start, effective__lte=end, kind__in=[*FLOW_OF_KIND, K.ASYLUM_APPLICATION])
            .annotate(
                origin=Coalesce("person__country_of_origin_id", Value(""), output_field=CharField()),
                person_sex=Coalesce("person__sex", Value(""), output_field=CharField()),
                age_group=_birth_age_group(end),
                region=_region_at("effective"),
                was_undetermined=Exists(undetermined_before),
            )
        )
        if regions is not None:
            events = events.filter(region__in=list(regions))
        rows = (
            events.values_list(
                "kind", "application_type", "was_undetermined", "origin", "person_sex", "age_group", "region"
            )
            .annotate(n=Count("id"))
            .order_by()
        )
        for kind, application_type, was_undetermined, origin, sex, age, region, n in rows:
            for flow in _flows_of(kind, application_type, was_undetermined):
                cube.cells[(flow, origin, sex, age, region)] += n
        births = _births(start=start, end=end, known_on=known_on, regions=regions)
        for (origin, sex, age, region), n in births.items():
            cube.cells[("births", origin, sex, age, region)] += n
    return cube


def _known_events_scanned(known_on: dt.date | dt.datetime) -> QuerySet[StatusEvent]:
    """`known_events(known_on)`, written so that SQLite reads the events table in order instead of
    through the `recorded_at` index: for a recent K nearly every event qualifies, and fetching each
    row through the index took 20 s for a year of flows at 5,000,000 events against 1 s for a scan
    (bench/stats.py). SQLite uses no index for a NOT; recorded_at is never NULL, so "not recorded
    after K" is "recorded by K". PostgreSQL plans both forms alike."""
    bound = known_on_bound(known_on)
    corrections = StatusEvent.objects.filter(supersedes=OuterRef("pk"), recorded_at__lte=bound)
    return StatusEvent.objects.exclude(recorded_at__gt=bound).exclude(Exists(corrections))


def _birth_age_group(reference: dt.date) -> Case:
    """Age group at `reference` from the person's birth date, read as `birth_reference` does:
    a year-only date is 1 July of that year, a month-only one (stored as the 1st) the 15th."""

    def younger_than(years: int) -> Q:
        limit = years_before(reference, years)  # born after this date: not yet `years` old
        year_limit = limit.year if limit >= dt.date(limit.year, 7, 1) else limit.year - 1
        return (
            Q(person__birth_date_precision=DatePrecision.YEAR, person__birth_date__year__gt=year_limit)
            | Q(person__birth_date_precision=DatePrecision.MONTH, person__birth_date__gt=limit - dt.timedelta(days=14))
            | Q(person__birth_date_precision=DatePrecision.DAY, person__birth_date__gt=limit)
        )

    return Case(
        When(person__birth_date__isnull=True, then=Value("unknown")),
        *[
            When(younger_than(y), then=Value(label))
            for y, label in ((5, "0-4"), (12, "5-11"), (18, "12-17"), (60, "18-59"))
        ],
        default=Value("60+"),
        output_field=CharField(),
    )


def _flows_of(kind: str, application_type: str, was_undetermined: bool) -> list[str]:
    if kind == K.ASYLUM_APPLICATION:
        return ["applications_repeat" if application_type == ApplicationType.REPEAT else "applications_first"]
    flow = FLOW_OF_KIND[kind]
    if was_undetermined and kind == K.NATIONALITY_CONFIRMED:
        return [flow, "undetermined_resolved", "undetermined_confirmed_nationality"]
    if was_undetermined and kind == K.STATELESS_DETERMINED:
        return [flow, "undetermined_resolved", "undetermined_determined_stateless"]
    return [flow]


def _births(*, start: dt.date, end: dt.date, known_on: dt.date | dt.datetime, regions: Iterable[str] | None) -> Counter:
    """Persons of concern born in the period (a day or month birth date inside it) known by `known_on`."""
    bound = known_on_bound(known_on)
    persons = Person.objects.filter(
        birth_date__gte=start, birth_date__lte=end, birth_date_precision__in=[DatePrecision.DAY, DatePrecision.MONTH]
    ).filter(Exists(StatusEvent.objects.filter(person_id=OuterRef("pk"), recorded_at__lte=bound)))
    first_address = (
        Address._base_manager.filter(person_id=OuterRef("pk")).order_by("valid_from", "id").values("region_id")[:1]
    )
    rows = (
        persons.annotate(
            origin_code=Coalesce("country_of_origin_id", Value(""), output_field=CharField()),
            region_code=Coalesce(Subquery(first_address, output_field=CharField()), "region_id"),
        )
        .values_list("origin_code", "sex", "region_code")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter = Counter()
    for origin, sex, region, n in rows:
        if regions is None or region in set(regions):
            counts[(origin, sex, "0-4", region)] += n
    return counts


def flow_totals(cube: Cube) -> dict[str, int]:
    margin = cube.margin("flow")
    return {f: margin[(f,)] for f in FLOWS}


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal; undefined (None) when nothing was decided."""
    return None if denominator == 0 else round(100 * numerator / denominator, 1)


def recognition_rates(totals: dict[str, int]) -> dict[str, float | None]:
    """UNHCR: RRR = recognised / substantive decisions; TPR (Total Recognition Rate) = (recognised +
    complementary) / substantive decisions; otherwise closed are not substantive and excluded."""
    substantive = totals["recognised"] + totals["complementary_protection"] + totals["rejected"]
    return {
        "refugee_recognition_rate": rate(totals["recognised"], substantive),
        "total_recognition_rate": rate(totals["recognised"] + totals["complementary_protection"], substantive),
    }


def regions_in(codes: Sequence[str] | None) -> list[str] | None:
    return None if codes is None else sorted(codes)
