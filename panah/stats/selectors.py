"""Official statistics computed by the database: stocks as of D as known on K, and flows over a period.

A stock is one GROUP BY over `StockFact` giving the finest cube (population type x origin x sex x
age group x region); every published breakdown is a margin of that cube, summed here in Python
over a few thousand cells at most. Flows are one GROUP BY over `FlowFact` likewise. Both indexes are
maintained on write by `panah.stats.facts`. They cover every organisation's persons, which is what
aggregate statistics are for; these selectors return counts only, never a person.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from panah.accounts.models import User
from panah.registry.models import PopulationType
from panah.stats.facts import FLOWS
from panah.stats.models import FlowFact, StockFact
from panah.status.models import EventKind
from panah.status.selectors import known_on_bound

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


def flow_cube(
    *, start: dt.date, end: dt.date, known_on: dt.date | dt.datetime, regions: Iterable[str] | None = None
) -> Cube:
    """Flows effective in [start, end] as known on `known_on`, by every breakdown (age at `end`): one query."""
    bound = known_on_bound(known_on)
    facts = FlowFact.objects.filter(
        Q(known_to__isnull=True) | Q(known_to__gt=bound),
        known_from__lte=bound,
        effective__gte=start,
        effective__lte=end,
    )
    if regions is not None:
        facts = facts.filter(region__in=list(regions))
    rows = (
        facts.annotate(age_group=age_group_expression(end))
        .values_list(*FLOW_DIMENSIONS)
        .annotate(n=Count("id"))
        .order_by()
    )
    cube = Cube(FLOW_DIMENSIONS)
    with _without_jit():
        for *key, n in rows:
            cube.cells[tuple(key)] += n
    return cube


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


def statistics_regions(user: User) -> tuple[str, ...] | None:
    """None for the whole country; otherwise the region codes the user's statistics cover.

    A user whose memberships allowing statistics cover every region that exists today is national; a
    regional department also sees its regions' history under their earlier names and codes.
    Raises Refused when no membership allows statistics at all."""
    from panah.accounts.permissions import require
    from panah.accounts.roles import Action
    from panah.accounts.scope import scope_for
    from panah.geo.models import Region

    require(user, Action.VIEW_STATISTICS)
    scope = scope_for(user, Action.VIEW_STATISTICS)
    if scope.everything:
        return None
    current = set(Region.objects.valid_on(timezone.localdate()).values_list("code", flat=True))
    covered = set(scope.region_codes)
    if current <= covered:
        return None
    predecessors = set(Region.objects.filter(successors__code__in=covered).values_list("code", flat=True))
    return tuple(sorted(covered | predecessors))
