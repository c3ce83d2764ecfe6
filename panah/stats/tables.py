"""The published tables: margins of the stock and flow cubes, protected by a disclosure policy.

`build_tables` gives one JSON-ready dict; the command line, the dashboard, the exports and the
releases all use it, so a figure reads the same wherever it is shown.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from panah.geo.models import Region
from panah.stats import selectors
from panah.stats.disclosure import (
    TOTAL,
    VECTOR_ROW,
    Policy,
    ProtectedTable,
    TableCounts,
    protect_linked,
    published_rate,
)
from panah.stats.selectors import AGE_GROUPS, FLOWS, POPULATION_TYPES, Cube

SEX_LABELS = {"F": "F", "M": "M", "X": "X", "": "unknown"}
UNKNOWN_ORIGIN = "unknown"

# UNHCR recognition rates (domain notes §1e): shares of substantive decisions, otherwise closed left out.
SUBSTANTIVE = ("recognised", "complementary_protection", "rejected")
RATES = {
    "refugee_recognition_rate": (("recognised",), SUBSTANTIVE),
    "total_recognition_rate": (("recognised", "complementary_protection"), SUBSTANTIVE),
}


@dataclass(frozen=True)
class Parameters:
    """Everything that decides a set of tables; frozen into a release."""

    as_of: dt.date
    known_on: dt.datetime
    period_start: dt.date
    period_end: dt.date
    policy: Policy
    regions: tuple[str, ...] | None = None  # None: the whole country

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "known_on": self.known_on.isoformat(),
            "period": {"from": self.period_start.isoformat(), "to": self.period_end.isoformat()},
            "policy": self.policy.to_dict(),
            "regions": list(self.regions) if self.regions is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Parameters":
        return cls(
            as_of=dt.date.fromisoformat(data["as_of"]),
            known_on=dt.datetime.fromisoformat(data["known_on"]),
            period_start=dt.date.fromisoformat(data["period"]["from"]),
            period_end=dt.date.fromisoformat(data["period"]["to"]),
            policy=Policy.from_dict(data["policy"]),
            regions=tuple(data["regions"]) if data["regions"] is not None else None,
        )


def default_period(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months before `as_of` (for 1 January: the previous calendar year)."""
    return selectors.years_before(as_of, 1), as_of - dt.timedelta(days=1)


def _cell(cell: Any) -> int | None:
    return None if cell.suppressed else cell.value


def _as_json(table: ProtectedTable, *, rows_label: str = "rows") -> dict[str, Any]:
    """{row: {column: value, ..., "total": value}, "total": {...}}; suppressed cells are null."""
    result: dict[str, Any] = {}
    for row in table.rows:
        result[row] = {column: _cell(table.cells[(row, column)]) for column in table.columns}
        result[row]["total"] = _cell(table.row_totals[row])
    result["total"] = {column: _cell(table.column_totals[column]) for column in table.columns}
    result["total"]["total"] = _cell(table.total)
    return result


def _vector_as_json(table: ProtectedTable) -> dict[str, Any]:
    """{key: value, ..., "total": value} of a one-row table."""
    (row,) = table.rows
    result: dict[str, Any] = {column: _cell(table.cells[(row, column)]) for column in table.columns}
    result["total"] = _cell(table.total)
    return result


def _two_way(margin: Counter, rows: Sequence[str], columns: Sequence[str]) -> TableCounts:
    return TableCounts({(r, c): margin.get((r, c), 0) for r in rows for c in columns}, rows, columns)


def _vector(counts: dict[str, int], keys: Sequence[str]) -> TableCounts:
    return TableCounts({(VECTOR_ROW, k): counts.get(k, 0) for k in keys}, [VECTOR_ROW], keys)


def _columns(margin: Counter, position: int, order: Sequence[str] | None = None) -> list[str]:
    present = {key[position] for key, n in margin.items() if n}
    if order is not None:
        return [value for value in order if value in present]
    return sorted(present)


def _with_margins(totals: TableCounts, breakdowns: Sequence[TableCounts], policy: Policy) -> list[ProtectedTable]:
    """A totals vector and the two-way tables whose rows it totals, protected together: each of its
    figures is the row total of every breakdown, and its total their grand total, so a figure hidden
    in one is hidden in all, and no combination of them gives one away (`protect_linked`). A
    breakdown whose total differs (a column left out) shares nothing with the vector."""
    keys = totals.columns
    tables = [totals, *breakdowns]
    grand = sum(totals.counts.values())

    def row_total(table: TableCounts, row: str) -> int:
        return sum(table.counts.get((row, c), 0) for c in table.columns)

    links = []
    for key in keys:
        n = totals.counts.get((VECTOR_ROW, key), 0)
        links.append(
            [(0, (VECTOR_ROW, key)), (0, (TOTAL, key))]
            + [(i, (key, TOTAL)) for i, t in enumerate(breakdowns, 1) if row_total(t, key) == n]
        )
    links.append(
        [(0, (TOTAL, TOTAL)), (0, (VECTOR_ROW, TOTAL))]
        + [(i, (TOTAL, TOTAL)) for i, t in enumerate(breakdowns, 1) if sum(t.counts.values()) == grand]
    )
    return protect_linked(tables, links, policy)


def stock_tables(cube: Cube, policy: Policy) -> dict[str, Any]:
    relabelled = Cube(cube.dimensions)
    for (population, origin, sex, age, region), n in cube.cells.items():
        relabelled.cells[(population, origin or UNKNOWN_ORIGIN, SEX_LABELS[sex], age, region)] += n
    totals = relabelled.margin("population_type")
    by_origin = relabelled.margin("population_type", "origin")
    by_region = relabelled.margin("population_type", "region")
    sex_age = Counter()
    for (population, sex, age), n in relabelled.margin("population_type", "sex", "age_group").items():
        sex_age[(population, f"{sex} {age}")] += n
    sex_age_columns = [f"{s} {a}" for s in ("F", "M", "X", "unknown") for a in AGE_GROUPS]
    vector, origin, sex_age_table, region = _with_margins(
        _vector({p: totals.get((p,), 0) for p in POPULATION_TYPES}, POPULATION_TYPES),
        [
            _two_way(by_origin, POPULATION_TYPES, _columns(by_origin, 1)),
            _two_way(sex_age, POPULATION_TYPES, _columns(sex_age, 1, sex_age_columns)),
            _two_way(by_region, POPULATION_TYPES, _columns(by_region, 1, region_order())),
        ],
        policy,
    )
    return {
        "stock_total": _vector_as_json(vector),
        "stock_by_origin": _as_json(origin),
        "stock_by_sex_age": _as_json(sex_age_table),
        "stock_by_region": _as_json(region),
    }


# "Undetermined nationality resolved" is the sum of its two parts, which are published: published
# beside them it would give a hidden part away by subtraction. Readers add the two parts.
PUBLISHED_FLOWS = [f for f in FLOWS if f != "undetermined_resolved"]


def flow_tables(cube: Cube, policy: Policy) -> dict[str, Any]:
    by_origin = Counter()
    for (flow, origin), n in cube.margin("flow", "origin").items():
        by_origin[(flow, origin or UNKNOWN_ORIGIN)] += n
    by_region = cube.margin("flow", "region")
    flow_total, origin, region = _with_margins(
        _vector(selectors.flow_totals(cube), PUBLISHED_FLOWS),
        [
            _two_way(by_origin, PUBLISHED_FLOWS, _columns(by_origin, 1)),
            _two_way(by_region, PUBLISHED_FLOWS, _columns(by_region, 1, region_order())),
        ],
        policy,
    )
    return {
        "flow_total": _vector_as_json(flow_total),
        "flow_by_origin": _as_json(origin),
        "flow_by_region": _as_json(region),
        # From the jointly protected totals: a rate rests only on figures published in every table.
        "rates": published_recognition_rates(flow_total, policy),
    }


def published_recognition_rates(flow_total: ProtectedTable, policy: Policy) -> dict[str, float | None]:
    """The recognition rates over the protected flow totals, from the figures as published there: a
    rate resting on a figure shown as * would be one more equation for working it out, so it is not
    shown either (`published_rate`)."""
    return {
        name: published_rate(flow_total, [(VECTOR_ROW, f) for f in top], [(VECTOR_ROW, f) for f in bottom], policy)
        for name, (top, bottom) in RATES.items()
    }


def region_order() -> list[str]:
    return list(Region.objects.order_by("code").values_list("code", flat=True))


def build_tables(parameters: Parameters) -> dict[str, Any]:
    """Every table for these parameters, protected by their policy; the shape `panah stats --format json` prints."""
    regions = list(parameters.regions) if parameters.regions is not None else None
    stock = selectors.stock_cube(as_of=parameters.as_of, known_on=parameters.known_on, regions=regions)
    flows = selectors.flow_cube(
        start=parameters.period_start, end=parameters.period_end, known_on=parameters.known_on, regions=regions
    )
    stock_json = stock_tables(stock, parameters.policy)
    flow_json = flow_tables(flows, parameters.policy)
    return {
        "as_of": parameters.as_of.isoformat(),
        "known_on": parameters.known_on.isoformat(),
        "stock": {p: stock_json["stock_total"][p] for p in POPULATION_TYPES},
        "tables": {
            "by_origin": stock_json["stock_by_origin"],
            "by_sex_age": stock_json["stock_by_sex_age"],
            "by_region": stock_json["stock_by_region"],
            "flows": {
                "period": {"from": parameters.period_start.isoformat(), "to": parameters.period_end.isoformat()},
                "totals": flow_json["flow_total"],
                "rates": flow_json["rates"],
                "by_origin": flow_json["flow_by_origin"],
                "by_region": flow_json["flow_by_region"],
            },
        },
        "regions": parameters.to_dict()["regions"],
        "disclosure": parameters.policy.to_dict(),
    }
