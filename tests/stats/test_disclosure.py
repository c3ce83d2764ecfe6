"""Disclosure control of published tables (domain notes §3, R2–R6): the worked examples, and
properties checked against a brute-force enumeration of every table consistent with what is
published. Pure Python except the last tests, which run the recognition rates through
`build_tables` on a small registry."""

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from panah.accounts.scope import unscoped
from panah.stats.disclosure import (
    EXACT,
    PUBLIC,
    SLIDING_PROTECTION,
    TOTAL,
    UPPER_PROTECTION,
    VECTOR_ROW,
    Cell,
    Policy,
    ProtectedTable,
    feasibility_intervals,
    protect,
    protect_rate,
    protect_vector,
    published_rate,
    rate_notes,
    recoverable_cells,
    round_half_up,
)
from panah.stats.selectors import FLOWS
from panah.stats.tables import RATES, Parameters, build_tables, published_recognition_rates
from panah.status.models import EventKind
from panah.status.services import record_status_event
from tests.factories import OrganisationFactory, PersonFactory, country, region

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BRUTE_FORCE_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOCAL_SEARCH_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Key = tuple[str, str]


# -- helpers --------------------------------------------------------------------------------------


def true_values(counts: Mapping[Key, int], rows: Sequence[str], columns: Sequence[str]) -> dict[Key, int]:
    """Every cell of the table, totals included, keyed as the audit keys them."""
    values = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    values[(TOTAL, TOTAL)] = sum(values[(r, c)] for r in rows for c in columns)
    return values


def published_table(
    counts: Mapping[Key, int], rows: Sequence[str], columns: Sequence[str], hidden: set[Key], floor: int = 0
) -> ProtectedTable:
    """A table as published with exactly the cells in `hidden` suppressed (no policy involved), whose
    readers know that every * stands for at least `floor`."""
    values = true_values(counts, rows, columns)

    def cell(key: Key) -> Cell:
        return Cell(None, suppressed=True) if key in hidden else Cell(values[key])

    return ProtectedTable(
        rows=list(rows),
        columns=list(columns),
        cells={(r, c): cell((r, c)) for r in rows for c in columns},
        row_totals={r: cell((r, TOTAL)) for r in rows},
        column_totals={c: cell((TOTAL, c)) for c in columns},
        total=cell((TOTAL, TOTAL)),
        notes=[],
        hidden_floor=floor,
    )


def consistent_tables(
    table: ProtectedTable,
    bound: int,
    first: Sequence[Key] = (),
    cut: Callable[[int, dict], bool] | None = None,
    near: tuple[Mapping[Key, int], int] | None = None,
) -> Iterator[dict[Key, int]]:
    """Every integer table whose interior cells are at most `bound`, whose suppressed cells and totals
    are at least `table.hidden_floor`, and which agrees with every published figure of `table`
    (interior and totals), by plain enumeration: suppressed interior cells are tried one by one
    (those in `first` first), a value that would overshoot a published total is cut, and the last
    unknown cell of a line with a published total is forced. `cut(i, chosen)`, if given, drops the
    branch after the i-th unknown cell has been chosen. `near=(values, r)` keeps every cell within
    r of `values`."""
    rows, columns = table.rows, table.columns
    floor = table.hidden_floor
    hidden_totals = [key for key in table.audit_keys() if TOTAL in key and table.get(key).suppressed]
    fixed = {key: cell.value for key, cell in table.cells.items() if not cell.suppressed}
    unknown = [key for key in first if key not in fixed]
    unknown += [(r, c) for r in rows for c in columns if (r, c) not in fixed and (r, c) not in unknown]
    row_total = {r: cell.value for r, cell in table.row_totals.items() if not cell.suppressed}
    column_total = {c: cell.value for c, cell in table.column_totals.items() if not cell.suppressed}
    grand = None if table.total.suppressed else table.total.value
    row_sum = {r: sum(v for (rr, _c), v in fixed.items() if rr == r) for r in rows}
    column_sum = {c: sum(v for (_r, cc), v in fixed.items() if cc == c) for c in columns}
    last_in_row = {r: max((i for i, (rr, _c) in enumerate(unknown) if rr == r), default=-1) for r in rows}
    last_in_column = {c: max((i for i, (_r, cc) in enumerate(unknown) if cc == c), default=-1) for c in columns}
    chosen: dict[Key, int] = {}

    def complete() -> dict[Key, int]:
        values = {**fixed, **chosen}
        values.update({(r, TOTAL): sum(values[(r, c)] for c in columns) for r in rows})
        values.update({(TOTAL, c): sum(values[(r, c)] for r in rows) for c in columns})
        values[(TOTAL, TOTAL)] = sum(values[(r, c)] for r in rows for c in columns)
        return values

    def search(i: int, grand_sum: int) -> Iterator[dict[Key, int]]:
        if i == len(unknown):
            rows_add_up = all(row_sum[r] == n for r, n in row_total.items())
            columns_add_up = all(column_sum[c] == n for c, n in column_total.items())
            if rows_add_up and columns_add_up and (grand is None or grand_sum == grand):
                values = complete()
                if all(values[key] >= floor for key in hidden_totals):
                    yield values
            return
        r, c = unknown[i]
        low, high = floor, bound
        if near is not None:
            centre, radius = near
            low, high = max(low, centre[(r, c)] - radius), min(high, centre[(r, c)] + radius)
        if r in row_total:
            high = min(high, row_total[r] - row_sum[r])
        if c in column_total:
            high = min(high, column_total[c] - column_sum[c])
        if grand is not None:
            high = min(high, grand - grand_sum)
        if r in row_total and last_in_row[r] == i:
            low = max(low, row_total[r] - row_sum[r])
        if c in column_total and last_in_column[c] == i:
            low = max(low, column_total[c] - column_sum[c])
        for v in range(low, high + 1):
            chosen[(r, c)] = v
            row_sum[r] += v
            column_sum[c] += v
            if cut is None or not cut(i, chosen):
                yield from search(i + 1, grand_sum + v)
            row_sum[r] -= v
            column_sum[c] -= v
        chosen.pop((r, c), None)

    yield from search(0, sum(fixed.values()))


def values_taken(table: ProtectedTable, bound: int) -> dict[Key, set[int]]:
    """For every suppressed cell, the values it takes across all consistent tables."""
    suppressed = [key for key in table.audit_keys() if table.get(key).suppressed]
    taken: dict[Key, set[int]] = {key: set() for key in suppressed}
    for values in consistent_tables(table, bound):
        for key in suppressed:
            taken[key].add(values[key])
    return taken


def can_differ(table: ProtectedTable, key: Key, value: int, bound: int) -> bool:
    """Whether some consistent table gives `key` another value than `value`."""
    return can_take(table, key, lambda v: v != value, bound)


def can_take(
    table: ProtectedTable,
    key: Key,
    accept: Callable[[int], bool],
    bound: int,
    near: tuple[Mapping[Key, int], int] | None = None,
) -> bool:
    """Whether some consistent table gives `key` a value that `accept`s. The search starts with the
    suppressed cells that make up `key`, drops every branch where they add up to a value it does not
    accept, and then spreads along rows and columns, so that a contradiction shows early and a free
    table is completed at once."""
    row, column = key
    parts = [
        (r, c)
        for r in table.rows
        for c in table.columns
        if row in (r, TOTAL) and column in (c, TOTAL) and table.cells[(r, c)].suppressed
    ]
    known = sum(
        cell.value
        for (r, c), cell in table.cells.items()
        if row in (r, TOTAL) and column in (c, TOTAL) and not cell.suppressed
    )
    if not parts:  # a sum of published cells
        return accept(known)
    order = list(parts)
    for r, c in order:  # the list grows while it is walked: a breadth-first spread over shared lines
        order += [o for o in [(r, cc) for cc in table.columns] + [(rr, c) for rr in table.rows] if o not in order]

    def refused(i: int, chosen: dict) -> bool:
        return i == len(parts) - 1 and not accept(known + sum(chosen[p] for p in parts))

    return next(consistent_tables(table, bound, first=order, cut=refused, near=near), None) is not None


def protection_failures(table: ProtectedTable, values: Mapping[Key, int]) -> dict[Key, tuple[int, int | None]]:
    """The suppressed figures whose feasibility interval breaks the rule: a single value, or for a
    primary figure n a top below n + 1 or a width below 2."""
    failures = {}
    for key, (lo, hi) in feasibility_intervals(table).items():
        n = values[key]
        assert lo <= n and (hi is None or n <= hi), key  # the truth is always a consistent table
        if hi is None:
            continue
        wide_enough = hi - lo >= SLIDING_PROTECTION and hi >= n + UPPER_PROTECTION
        if not (wide_enough if table.get(key).primary else hi > lo):
            failures[key] = (lo, hi)
    return failures


def with_grand_total_published(table: ProtectedTable, values: Mapping[Key, int]) -> ProtectedTable:
    """`table` with the grand total, and the totals that are the same figure, shown after all."""
    changed = dataclasses.replace(
        table,
        row_totals=dict(table.row_totals),
        column_totals=dict(table.column_totals),
        total=Cell(values[(TOTAL, TOTAL)]),
    )
    if len(table.rows) == 1:
        changed.row_totals[table.rows[0]] = Cell(values[(table.rows[0], TOTAL)])
    if len(table.columns) == 1:
        changed.column_totals[table.columns[0]] = Cell(values[(TOTAL, table.columns[0])])
    return changed


def shown(cell: Cell) -> int | str:
    return "*" if cell.suppressed else cell.value


def vector_row(table: ProtectedTable) -> list[int | str]:
    return [shown(table.cells[(VECTOR_ROW, c)]) for c in table.columns]


def assert_policy_respected(table: ProtectedTable, counts: Mapping[Key, int], policy: Policy) -> None:
    values = true_values(counts, table.rows, table.columns)
    small = {key for key, n in values.items() if 1 <= n < policy.threshold or (n == 0 and policy.suppress_zeros)}
    assert table.hidden_floor == (0 if policy.suppress_zeros else 1)
    for key in table.audit_keys():
        cell = table.get(key)
        if cell.suppressed:
            assert cell.value is None
            assert cell.primary == (key in small), key
            # Zeros are shown unless they are confidential, so a * is never 0: the floor is true.
            assert values[key] >= table.hidden_floor, key
        else:
            # Every published figure, interior or total, is the true one and is not small.
            assert cell.value == values[key], key
            assert key not in small, key
            assert not cell.primary
    assert recoverable_cells(table) == set()
    assert protection_failures(table, values) == {}
    # The headline figure is hidden only if it is small itself, or if showing it would break the rule.
    if (TOTAL, TOTAL) in small:
        assert table.total.suppressed
    elif table.total.suppressed:
        assert protection_failures(with_grand_total_published(table, values), values)


# -- strategies -----------------------------------------------------------------------------------

# Mostly small counts: zeros, figures under the threshold, and a few larger ones.
count = st.one_of(st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 30))
policies = st.builds(
    Policy, method=st.just("suppress"), threshold=st.sampled_from([1, 2, 3, 5, 10]), suppress_zeros=st.booleans()
)


@st.composite
def tables(draw, max_rows: int = 5, max_columns: int = 5, counts=count) -> tuple[dict[Key, int], list, list]:
    rows = [f"R{i}" for i in range(draw(st.integers(1, max_rows)))]
    columns = [f"C{j}" for j in range(draw(st.integers(1, max_columns)))]
    values = draw(st.lists(counts, min_size=len(rows) * len(columns), max_size=len(rows) * len(columns)))
    return dict(zip([(r, c) for r in rows for c in columns], values, strict=True)), rows, columns


@st.composite
def tiny_tables(draw, limit: int = 15) -> tuple[dict[Key, int], list, list]:
    """2×3, 3×2 or 3×3 with a total of at most `limit` (4/5 of it for 3×3): small enough to enumerate
    every solution."""
    counts, rows, columns = draw(
        tables(max_rows=3, max_columns=3, counts=st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 8)))
    )
    if (len(rows), len(columns)) not in {(2, 3), (3, 2), (3, 3)}:
        # Pad and scale down rather than filter, so hypothesis does not give up on the shape.
        rows = rows + [f"R{i}" for i in range(len(rows), 3)]
        columns = columns + [f"C{j}" for j in range(len(columns), 3)]
    counts = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    if len(rows) * len(columns) == 9:
        limit = limit * 4 // 5
    while sum(counts.values()) > limit:
        key = max(counts, key=counts.get)
        counts[key] //= 2
    return counts, rows, columns


# -- the policy ---------------------------------------------------------------------------------


def test_public_policy_defaults_suppress_one_to_four():
    assert Policy(method="suppress", threshold=5, base=5, suppress_zeros=False, rate_min_denominator=5) == PUBLIC
    assert EXACT.method == "none"


def test_policy_serialises_to_json_with_stable_key_order():
    policy = Policy(method="round", threshold=10, base=10, suppress_zeros=True, rate_min_denominator=20)
    assert list(policy.to_dict()) == ["method", "threshold", "base", "suppress_zeros", "rate_min_denominator"]
    assert Policy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy
    assert Policy.from_dict(json.loads(policy.to_json())) == policy
    assert Policy.from_dict({}) == PUBLIC


@pytest.mark.parametrize(
    "data",
    [
        {"method": "perturb"},
        {"threshold": 0},
        {"threshold": "5"},
        {"threshold": True},
        {"base": 0},
        {"rate_min_denominator": -1},
        {"suppress_zeros": "yes"},
        {"treshold": 5},
    ],
)
def test_policy_rejects_invalid_settings(data):
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        Policy.from_dict(data)


# -- suppression: the worked examples -------------------------------------------------------------


def test_two_small_cells_in_a_row_protect_each_other():
    """R3: [AFG 120, SYR 3, UZB 7, PSE 2 | 132] with k=5 → SYR and PSE suppressed, nothing else."""
    keys = ["AFG", "SYR", "UZB", "PSE"]
    table = protect_vector({"AFG": 120, "SYR": 3, "UZB": 7, "PSE": 2}, keys, PUBLIC)
    assert vector_row(table) == [120, "*", 7, "*"]
    assert table.cells[(VECTOR_ROW, "SYR")].primary and table.cells[(VECTOR_ROW, "PSE")].primary
    assert table.row_totals[VECTOR_ROW].value == 132
    assert table.total == Cell(132)
    assert recoverable_cells(table) == set()


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    """R3: [120, 3, 7 | 130] → 3 suppressed (primary), 7 suppressed too (secondary)."""
    table = protect_vector({"AFG": 120, "SYR": 3, "UZB": 7}, ["AFG", "SYR", "UZB"], PUBLIC)
    assert vector_row(table) == [120, "*", "*"]
    assert table.cells[(VECTOR_ROW, "SYR")].primary
    assert not table.cells[(VECTOR_ROW, "UZB")].primary
    assert table.total == Cell(130)
    assert any("cannot be worked out" in note for note in table.notes)


def test_headline_refugee_total_stays_exact():
    """AT3: 626 refugees at 31 Dec 2016, ~95% Afghan; the small origins are hidden, 626 is not."""
    origins = {"AFG": 595, "SYR": 22, "UZB": 7, "PSE": 2}
    table = protect_vector(origins, list(origins), PUBLIC)
    assert vector_row(table) == [595, 22, "*", "*"]
    assert table.total.value == 626
    assert recoverable_cells(table) == set()


def test_a_vector_with_only_primary_suppression_has_no_note_about_hidden_totals():
    table = protect_vector({"a": 10, "b": 2, "c": 3}, ["a", "b", "c"], PUBLIC)
    assert vector_row(table) == [10, "*", "*"]
    assert table.notes == [
        "Figures from 1 to 4 are confidential and shown as *.",
        "Totals are true totals: they include the figures shown as *.",
    ]


def test_two_way_table_keeps_true_margins_and_hides_the_small_cells():
    rows, columns = ["KZ-55", "KZ-75", "KZ-71"], ["AFG", "SYR", "UZB"]
    counts = {
        ("KZ-55", "AFG"): 40, ("KZ-55", "SYR"): 3, ("KZ-55", "UZB"): 12,
        ("KZ-75", "AFG"): 300, ("KZ-75", "SYR"): 20, ("KZ-75", "UZB"): 1,
        ("KZ-71", "AFG"): 250, ("KZ-71", "SYR"): 0, ("KZ-71", "UZB"): 0,
    }  # fmt: skip
    table = protect(counts, rows, columns, PUBLIC)
    assert table.cells[("KZ-55", "SYR")].suppressed and table.cells[("KZ-75", "UZB")].suppressed
    # Zeros stay visible; every total is published and true.
    assert table.cells[("KZ-71", "SYR")] == Cell(0)
    assert [table.row_totals[r].value for r in rows] == [55, 321, 250]
    assert [table.column_totals[c].value for c in columns] == [590, 23, 13]
    assert table.total.value == 626
    assert_policy_respected(table, counts, PUBLIC)
    # Each small cell has a partner in its row and in its column.
    for r in rows:
        assert sum(table.cells[(r, c)].suppressed for c in columns) != 1
    for c in columns:
        assert sum(table.cells[(r, c)].suppressed for r in rows) != 1


def test_a_small_total_is_suppressed_and_protected_like_a_cell():
    rows, columns = ["R0", "R1"], ["C0", "C1"]
    counts = {("R0", "C0"): 3, ("R0", "C1"): 10, ("R1", "C0"): 0, ("R1", "C1"): 10}
    table = protect(counts, rows, columns, PUBLIC)
    assert table.column_totals["C0"].suppressed and table.column_totals["C0"].primary
    # C0's total (3) could otherwise be worked out as 23 − 20 from the grand total.
    assert table.total.value == 23
    assert_policy_respected(table, counts, PUBLIC)
    assert "Totals that would reveal a confidential figure are shown as * as well." in table.notes


def test_two_ones_cannot_protect_each_other_when_zeros_are_shown():
    """[1, 1, 8 | 10]: hiding the two 1s alone leaves 10 − 8 = 2 for two figures that are not 0, so
    both are 1. The 8 goes too, and each then lies anywhere from 1 to 8."""
    table = protect_vector({"AFG": 1, "SYR": 1, "UZB": 8}, ["AFG", "SYR", "UZB"], PUBLIC)
    assert vector_row(table) == ["*", "*", "*"]
    assert table.total == Cell(10)
    assert feasibility_intervals(table)[(VECTOR_ROW, "AFG")] == (1, 8)
    assert_policy_respected(table, {(VECTOR_ROW, "AFG"): 1, (VECTOR_ROW, "SYR"): 1, (VECTOR_ROW, "UZB"): 8}, PUBLIC)


def test_a_small_figure_at_the_top_of_its_interval_takes_another_with_it():
    """[4, 1, 0, 30 | 35]: with 4 and 1 hidden, 4 + 1 = 5 and neither is 0, so the 4 is somewhere in
    [1, 4], never above what it is: the intruder learns it is at most 4 and the 1 at least 1. The
    30 is hidden too (the grand total is dearer), and the 0 stays a 0."""
    counts = {"a": 4, "b": 1, "c": 0, "d": 30}
    table = protect_vector(counts, list(counts), PUBLIC)
    assert vector_row(table) == ["*", "*", 0, "*"]
    assert table.total == Cell(35)
    assert feasibility_intervals(table)[(VECTOR_ROW, "a")] == (1, 33)
    assert_policy_respected(table, {(VECTOR_ROW, k): n for k, n in counts.items()}, PUBLIC)


def test_the_total_of_small_figures_alone_is_hidden_when_nothing_else_can_protect_them():
    """Five origins with one person each: the total 5 is not small, but with every * at least 1 it
    says that all five are 1. Nothing but the total can protect them. [4, 1 | 5] likewise: the 4
    cannot be shown to be anything but at most 4 while the total stands."""
    ones = {f"O{i}": 1 for i in range(5)}
    table = protect_vector(ones, list(ones), PUBLIC)
    assert vector_row(table) == ["*"] * 5
    assert table.total.suppressed and not table.total.primary
    assert "Totals that would reveal a confidential figure are shown as * as well." in table.notes
    assert_policy_respected(table, {(VECTOR_ROW, k): n for k, n in ones.items()}, PUBLIC)
    # Shown, the total would pin every one of them.
    values = true_values({(VECTOR_ROW, k): n for k, n in ones.items()}, table.rows, table.columns)
    assert recoverable_cells(with_grand_total_published(table, values)) >= {(VECTOR_ROW, k) for k in ones}

    table = protect_vector({"a": 4, "b": 1}, ["a", "b"], PUBLIC)
    assert table.total.suppressed and vector_row(table) == ["*", "*"]
    assert protect_vector({"a": 4, "b": 1, "c": 9}, ["a", "b", "c"], PUBLIC).total == Cell(14)


def test_zeros_are_suppressed_only_when_asked():
    counts = {("R0", "C0"): 0, ("R0", "C1"): 9, ("R1", "C0"): 7, ("R1", "C1"): 8}
    assert not protect(counts, ["R0", "R1"], ["C0", "C1"], PUBLIC).cells[("R0", "C0")].suppressed
    policy = Policy(suppress_zeros=True)
    table = protect(counts, ["R0", "R1"], ["C0", "C1"], policy)
    assert table.cells[("R0", "C0")].primary
    assert_policy_respected(table, counts, policy)
    assert "Zeros are confidential too and shown as *." in table.notes


def test_an_all_zero_table_with_suppressed_zeros_hides_everything():
    policy = Policy(suppress_zeros=True)
    table = protect({}, ["R0", "R1"], ["C0", "C1"], policy)
    assert all(table.get(key).suppressed for key in table.audit_keys())
    assert recoverable_cells(table) == set()


def test_threshold_one_suppresses_nothing():
    table = protect_vector({"a": 1, "b": 2}, ["a", "b"], Policy(threshold=1))
    assert vector_row(table) == [1, 2]
    assert table.notes == ["No figures are confidential under this policy."]


def test_a_table_without_rows_or_columns_has_a_zero_total():
    table = protect({}, [], ["C0"], PUBLIC)
    assert table.total == Cell(0)
    assert table.column_totals == {"C0": Cell(0)}


def test_suppression_is_deterministic_and_ignores_input_order():
    rng = random.Random(7)
    rows, columns = [f"R{i}" for i in range(6)], [f"C{j}" for j in range(6)]
    counts = {(r, c): rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]) for r in rows for c in columns}
    shuffled = dict(sorted(counts.items(), key=lambda _item: rng.random()))
    assert protect(counts, rows, columns, PUBLIC) == protect(shuffled, rows, columns, PUBLIC)


def test_a_realistic_region_by_origin_table_is_protected():
    """17 regions × 25 origins, mostly small counts: the full pipeline stays exact and quick enough."""
    rng = random.Random(2016)
    rows, columns = [f"KZ-{i:02d}" for i in range(17)], [f"O{j:02d}" for j in range(25)]
    counts = {(r, c): rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 13, 40, 200]) for r in rows for c in columns}
    table = protect(counts, rows, columns, PUBLIC)
    assert_policy_respected(table, counts, PUBLIC)


@pytest.mark.parametrize(
    ("counts", "rows", "columns", "message"),
    [
        ({("R0", "X"): 1}, ["R0"], ["C0"], "outside"),
        ({("R0", "C0"): -1}, ["R0"], ["C0"], "non-negative"),
        ({("R0", "C0"): 1.5}, ["R0"], ["C0"], "non-negative"),
        ({}, ["R0", "R0"], ["C0"], "duplicate"),
        ({}, ["R0"], [TOTAL], "reserved"),
    ],
)
def test_invalid_tables_are_refused(counts, rows, columns, message):
    with pytest.raises(ValueError, match=message):
        protect(counts, rows, columns, PUBLIC)


# -- suppression: properties ----------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(tables(), policies)
def test_suppression_hides_every_small_figure_and_leaves_nothing_recoverable(table_spec, policy):
    counts, rows, columns = table_spec
    assert_policy_respected(protect(counts, rows, columns, policy), counts, policy)


@PROPERTY_SETTINGS
@given(st.lists(count, min_size=1, max_size=8), policies)
def test_vector_suppression_hides_every_small_figure_and_leaves_nothing_recoverable(values, policy):
    keys = [f"K{i}" for i in range(len(values))]
    table = protect_vector(dict(zip(keys, values, strict=True)), keys, policy)
    assert_policy_respected(table, {(VECTOR_ROW, k): v for k, v in zip(keys, values, strict=True)}, policy)
    for k in keys:  # a column total of a one-row table is its cell again
        assert table.column_totals[k] == table.cells[(VECTOR_ROW, k)]


@BRUTE_FORCE_SETTINGS
@given(tiny_tables(), policies)
@example(
    ({("R0", "C0"): 120, ("R0", "C1"): 3, ("R0", "C2"): 7, ("R1", "C0"): 0}, ["R0", "R1"], ["C0", "C1", "C2"]), PUBLIC
)
@example(({("R0", "C0"): 4, ("R0", "C1"): 1, ("R1", "C2"): 9}, ["R0", "R1"], ["C0", "C1", "C2"]), PUBLIC)
def test_every_suppressed_figure_could_be_at_least_two_values(table_spec, policy):
    """(4) by enumeration: every suppressed cell, interior or total, takes two or more values among
    the integer tables that agree with everything published and respect the floor, and every
    primary one n can be n + 1 and lies in an interval at least 2 wide."""
    counts, rows, columns = table_spec
    table = protect(counts, rows, columns, policy)
    grand = sum(counts.values())
    values = true_values(counts, rows, columns)
    # Any table found is a genuine solution, so a small search box can only make this test stricter.
    # grand + 2 loses no witness: one that exists is reached by one or two unit cycles.
    for key in table.audit_keys():
        cell = table.get(key)
        if cell.suppressed:
            n = values[key]
            assert can_differ(table, key, n, bound=grand + 2), key
            if cell.primary:
                assert can_take(table, key, lambda v, n=n: v >= n + 1, bound=grand + 2), key
                assert can_take(table, key, lambda v, n=n: v >= n + 2 or v <= n - 1, bound=grand + 2), key


small_counts = st.one_of(st.just(0), st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 12))


@LOCAL_SEARCH_SETTINGS
@given(tables(counts=small_counts), policies)
@example(({("R0", "C0"): 1, ("R0", "C1"): 1, ("R0", "C2"): 8}, ["R0"], ["C0", "C1", "C2"]), PUBLIC)
def test_a_brute_force_intruder_pins_no_suppressed_figure_in_tables_up_to_5x5(table_spec, policy):
    """Up to 5×5, mostly small figures and zeros: the audit finds nothing, and neither does a search
    over the tables that differ from the true one by at most 1 (2 for the protection levels) in
    each cell. That box loses no witness: if a figure can move at all, a unit cycle of the other
    suppressed figures moves it by one, changing each of them by at most one."""
    counts, rows, columns = table_spec
    table = protect(counts, rows, columns, policy)
    assert_policy_respected(table, counts, policy)
    values = true_values(counts, rows, columns)
    bound = values[(TOTAL, TOTAL)] + 2
    for key in table.audit_keys():
        cell = table.get(key)
        if cell.suppressed:
            n = values[key]
            assert can_take(table, key, lambda v, n=n: v != n, bound, near=(values, 1)), key
            if cell.primary:
                assert can_take(table, key, lambda v, n=n: v >= n + 1, bound, near=(values, 1)), key
                assert can_take(table, key, lambda v, n=n: v >= n + 2 or v <= n - 1, bound, near=(values, 2)), key


def test_the_brute_force_enumerates_every_consistent_table():
    counts = {("R0", "C0"): 2, ("R0", "C1"): 3, ("R1", "C0"): 3, ("R1", "C1"): 2}
    hidden = {("R0", "C0"), ("R0", "C1"), ("R1", "C0"), ("R1", "C1")}
    solutions = list(consistent_tables(published_table(counts, ["R0", "R1"], ["C0", "C1"], hidden), bound=10))
    # Margins 5, 5 / 5, 5: the top-left cell fixes the rest, and it can be 0 to 5.
    assert sorted(s[("R0", "C0")] for s in solutions) == [0, 1, 2, 3, 4, 5]
    assert true_values(counts, ["R0", "R1"], ["C0", "C1"]) in solutions


# -- the audit ------------------------------------------------------------------------------------


def test_a_lone_suppressed_cell_in_a_row_is_recoverable():
    counts = {("R0", "C0"): 120, ("R0", "C1"): 3, ("R0", "C2"): 7}
    table = published_table(counts, ["R0"], ["C0", "C1", "C2"], hidden={("R0", "C1"), (TOTAL, "C1")})
    # The column total hides with it, but 130 − 120 − 7 = 3 all the same.
    assert recoverable_cells(table) == {("R0", "C1"), (TOTAL, "C1")}


def test_a_suppressed_total_over_published_cells_is_recoverable():
    counts = {("R0", "C0"): 2, ("R0", "C1"): 9, ("R1", "C0"): 5, ("R1", "C1"): 8}
    table = published_table(counts, ["R0", "R1"], ["C0", "C1"], hidden={("R0", TOTAL)})
    assert recoverable_cells(table) == {("R0", TOTAL)}


def test_two_suppressed_cells_per_line_are_not_always_enough():
    """Two protected 2×2 blocks joined by one suppressed cell: every row and column has two or
    three suppressed cells, yet the joining cell lies on no cycle and can be worked out: rows R0
    and R1 hide 11 + 17 = 28, columns C0 and C1 hide 12 + 10 = 22, and the difference is R1·C2."""
    rows, columns = ["R0", "R1", "R2", "R3"], ["C0", "C1", "C2", "C3"]
    counts = {
        ("R0", "C0"): 3, ("R0", "C1"): 8, ("R0", "C2"): 0, ("R0", "C3"): 30,
        ("R1", "C0"): 9, ("R1", "C1"): 2, ("R1", "C2"): 6, ("R1", "C3"): 33,
        ("R2", "C0"): 20, ("R2", "C1"): 21, ("R2", "C2"): 4, ("R2", "C3"): 7,
        ("R3", "C0"): 8, ("R3", "C1"): 18, ("R3", "C2"): 8, ("R3", "C3"): 1,
    }  # fmt: skip
    hidden = {
        ("R0", "C0"), ("R0", "C1"), ("R1", "C0"), ("R1", "C1"),  # block one
        ("R2", "C2"), ("R2", "C3"), ("R3", "C2"), ("R3", "C3"),  # block two
        ("R1", "C2"),  # the bridge
    }  # fmt: skip
    table = published_table(counts, rows, columns, hidden)
    for r in rows:
        assert sum((r, c) in hidden for c in columns) >= 2
    for c in columns:
        assert sum((r, c) in hidden for r in rows) >= 2
    assert recoverable_cells(table) == {("R1", "C2")}
    taken = values_taken(table, bound=table.total.value)
    assert taken[("R1", "C2")] == {6}
    assert all(len(seen) >= 2 for key, seen in taken.items() if key != ("R1", "C2"))


def test_non_negativity_pins_suppressed_cells_in_a_line_that_totals_zero():
    """Two suppressed zeros under a published total of 0: no subtraction reveals either, but
    counts cannot be negative, so both are 0."""
    counts = {("R0", "C0"): 0, ("R0", "C1"): 0, ("R1", "C0"): 6, ("R1", "C1"): 9}
    table = published_table(counts, ["R0", "R1"], ["C0", "C1"], hidden={("R0", "C0"), ("R0", "C1")})
    assert recoverable_cells(table) == {("R0", "C0"), ("R0", "C1")}


def test_two_suppressed_cells_per_line_pinned_by_zeros_are_recoverable():
    """Every row and column of the suppressed 2×2 block has two suppressed cells and every total is
    non-zero, but the suppressed cells of R1 add up to 7 − 7 = 0: both are 0, and then the rest
    follows by subtraction."""
    rows, columns = ["R0", "R1", "R2"], ["C0", "C1", "C2"]
    counts = {
        ("R0", "C0"): 3, ("R0", "C1"): 2, ("R0", "C2"): 10,
        ("R1", "C0"): 0, ("R1", "C1"): 0, ("R1", "C2"): 7,
        ("R2", "C0"): 5, ("R2", "C1"): 6, ("R2", "C2"): 9,
    }  # fmt: skip
    hidden = {("R0", "C0"), ("R0", "C1"), ("R1", "C0"), ("R1", "C1")}
    table = published_table(counts, rows, columns, hidden)
    assert recoverable_cells(table) == hidden
    assert values_taken(table, bound=table.total.value) == {key: {counts[key]} for key in hidden}
    # The same block with a positive figure where the zeros were can move round its cycle.
    counts[("R1", "C0")], counts[("R1", "C2")] = 1, 6
    assert recoverable_cells(published_table(counts, rows, columns, hidden)) == set()


def test_a_star_that_is_never_zero_pins_two_ones_under_their_total():
    """[1, 1, 8 | 10] with the 1s hidden: 10 − 8 = 2 is all non-negativity allows them; once the
    reader knows a * is never 0 (zeros are shown), both are 1."""
    counts = {("R0", "C0"): 1, ("R0", "C1"): 1, ("R0", "C2"): 8}
    hidden = {("R0", "C0"), ("R0", "C1"), (TOTAL, "C0"), (TOTAL, "C1")}
    rows, columns = ["R0"], ["C0", "C1", "C2"]
    assert recoverable_cells(published_table(counts, rows, columns, hidden, floor=0)) == set()
    table = published_table(counts, rows, columns, hidden, floor=1)
    assert recoverable_cells(table) == hidden
    assert values_taken(table, bound=10) == {key: {1} for key in hidden}


def test_the_floor_pins_a_whole_block_through_a_column_of_ones():
    """A 2×2 block hidden under published margins: rows 6 and 6, columns 2 and 10. Non-negativity
    leaves the first column anywhere in 0..2; with every * at least 1 it is 1 and 1, and the rest
    follows by subtraction."""
    counts = {("R0", "C0"): 1, ("R0", "C1"): 5, ("R1", "C0"): 1, ("R1", "C1"): 5}
    hidden = set(counts)
    rows, columns = ["R0", "R1"], ["C0", "C1"]
    assert feasibility_intervals(published_table(counts, rows, columns, hidden, floor=0))[("R0", "C0")] == (0, 2)
    table = published_table(counts, rows, columns, hidden, floor=1)
    assert recoverable_cells(table) == hidden
    assert feasibility_intervals(table) == {key: (n, n) for key, n in counts.items()}


def test_feasibility_intervals_can_be_unbounded():
    counts = {("R0", "C0"): 3, ("R0", "C1"): 2}
    hidden = {("R0", "C0"), ("R0", "C1"), (TOTAL, "C0"), (TOTAL, "C1"), ("R0", TOTAL), (TOTAL, TOTAL)}
    table = published_table(counts, ["R0"], ["C0", "C1"], hidden, floor=1)
    assert feasibility_intervals(table)[("R0", "C0")] == (1, None)
    assert feasibility_intervals(table)[(TOTAL, TOTAL)] == (2, None)


def test_the_audit_refuses_inconsistent_figures():
    counts = {("R0", "C0"): 4, ("R0", "C1"): 9}
    table = published_table(counts, ["R0"], ["C0", "C1"], hidden={("R0", "C0"), (TOTAL, "C0")})
    table.cells[("R0", "C1")] = Cell(20)  # more than the row total of 13
    with pytest.raises(ValueError, match="inconsistent"):
        recoverable_cells(table)


hidden_flags = st.lists(st.booleans(), min_size=16, max_size=16)


@BRUTE_FORCE_SETTINGS
@given(
    tables(max_rows=3, max_columns=3, counts=st.one_of(st.just(0), st.integers(0, 3))),
    hidden_flags,
    st.booleans(),
    st.sampled_from([0, 1]),
)
def test_the_audit_agrees_with_brute_force(table_spec, flags, hide_grand_total, floor):
    """recoverable_cells is exactly the set of suppressed cells that take one value across every
    consistent table, for arbitrary suppression patterns (interior cells and totals), whether the
    reader knows a * to be non-negative or at least 1 (then only non-zero figures are hidden)."""
    counts, rows, columns = table_spec
    values = true_values(counts, rows, columns)
    keys = [key for key in values if key != (TOTAL, TOTAL)]
    hidden = {key for key, flag in zip(keys, flags, strict=False) if flag}
    if hide_grand_total:
        hidden.add((TOTAL, TOTAL))
    hidden = {key for key in hidden if values[key] >= floor}
    table = published_table(counts, rows, columns, hidden, floor)
    grand = sum(counts.values())
    # With the grand total published the box is no restriction. Without it the search is cut at
    # grand + 2 per cell: a cell that can differ at all can differ by one unit (it lies on a cycle
    # of suppressed cells), so no witness is lost, and a false "determined" would show anyway.
    bound = grand if (TOTAL, TOTAL) not in hidden else grand + 2
    determined = {key for key in hidden if not can_differ(table, key, values[key], bound)}
    assert recoverable_cells(table) == determined


@BRUTE_FORCE_SETTINGS
@given(tiny_tables(limit=10), hidden_flags, st.sampled_from([0, 1]))
def test_feasibility_intervals_agree_with_brute_force(table_spec, flags, floor):
    """With the grand total published every figure is bounded by it, so every consistent table can be
    listed: each suppressed figure's least and greatest value are its interval, and it takes every
    value in between."""
    counts, rows, columns = table_spec
    values = true_values(counts, rows, columns)
    keys = [key for key in values if key != (TOTAL, TOTAL)]
    hidden = {key for key, flag in zip(keys, flags, strict=False) if flag and values[key] >= floor}
    table = published_table(counts, rows, columns, hidden, floor)
    taken = values_taken(table, bound=values[(TOTAL, TOTAL)])
    intervals = feasibility_intervals(table)
    assert set(intervals) == hidden == set(taken)
    for key, seen in taken.items():
        assert intervals[key] == (min(seen), max(seen)), key
        assert seen == set(range(min(seen), max(seen) + 1)), key
    assert recoverable_cells(table) == {key for key, seen in taken.items() if len(seen) == 1}


# -- rounding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "base", "rounded"),
    [(626, 5, 625), (6706, 5, 6705), (1781, 5, 1780), (3, 5, 5), (2, 5, 0), (0, 5, 0), (5, 10, 10), (14, 10, 10)],
)
def test_round_half_up(n, base, rounded):
    assert round_half_up(n, base) == rounded


def test_rounded_table_adds_up():
    """R5: 626 → 625, 6,706 → 6,705, 1,781 → 1,780, 3 → 5, 2 → 0; totals are sums of those."""
    keys = ["REF", "STA", "UND", "ASY", "OIP"]
    policy = Policy(method="round")
    table = protect_vector({"REF": 626, "STA": 6706, "UND": 1781, "ASY": 3, "OIP": 2}, keys, policy)
    assert vector_row(table) == [625, 6705, 1780, 5, 0]
    assert table.total == Cell(9115)  # true total 9,118
    assert table.notes == [
        "All figures are rounded to the nearest multiple of 5 (halves upwards).",
        "Totals are the sums of the rounded figures, so the table adds up, but they may differ from the true "
        "totals: the overall total by at most 10.",
    ]


@PROPERTY_SETTINGS
@given(tables(counts=st.integers(0, 200)), st.sampled_from([2, 3, 5, 10]))
def test_rounding_keeps_every_figure_close_and_the_table_additive(table_spec, base):
    counts, rows, columns = table_spec
    table = protect(counts, rows, columns, Policy(method="round", base=base))
    values = true_values(counts, rows, columns)
    for key in table.audit_keys():
        cell = table.get(key)
        assert not cell.suppressed and cell.value % base == 0
    for (r, c), cell in table.cells.items():
        assert abs(cell.value - values[(r, c)]) < base
        assert abs(cell.value - values[(r, c)]) <= base // 2
    for r in rows:
        assert table.row_totals[r].value == sum(table.cells[(r, c)].value for c in columns)
    for c in columns:
        assert table.column_totals[c].value == sum(table.cells[(r, c)].value for r in rows)
    assert table.total.value == sum(cell.value for cell in table.cells.values())
    assert abs(table.total.value - values[(TOTAL, TOTAL)]) <= len(table.cells) * (base // 2)


# -- no control -----------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(tables())
def test_exact_policy_publishes_the_truth(table_spec):
    counts, rows, columns = table_spec
    table = protect(counts, rows, columns, EXACT)
    values = true_values(counts, rows, columns)
    assert {key: table.get(key) for key in table.audit_keys()} == {key: Cell(n) for key, n in values.items()}
    assert table.notes == ["Exact figures: no disclosure control has been applied."]


# -- rates ----------------------------------------------------------------------------------------


def percentage(numerator: int, denominator: int) -> float:
    """How a reader knows a rate is shown: a percentage to one decimal, halves upwards."""
    tenths, remainder = divmod(1000 * numerator, denominator)
    return (tenths + (1 if 2 * remainder >= denominator else 0)) / 10


def test_recognition_rates_exclude_otherwise_closed():
    """§1e: recognised 30, complementary 10, rejected 60, otherwise closed 20 → RRR 30.0, TPR 40.0."""
    recognised, other, rejected, closed = 30, 10, 60, 20
    substantive = recognised + other + rejected
    assert substantive + closed == 120
    assert protect_rate(recognised, substantive, PUBLIC) == 30.0
    assert protect_rate(recognised + other, substantive, PUBLIC) == 40.0


@pytest.mark.parametrize(
    ("numerator", "denominator", "policy", "rate"),
    [
        (0, 0, PUBLIC, None),
        (0, 0, Policy(rate_min_denominator=0), None),
        (2, 4, PUBLIC, None),
        (5, 10, PUBLIC, 50.0),
        (0, 7, PUBLIC, 0.0),  # zeros are shown, and so is a rate of 0
        (7, 7, PUBLIC, 100.0),
        (1, 3, Policy(threshold=1, rate_min_denominator=3), 33.3),
        (2, 3, Policy(threshold=1, rate_min_denominator=3), 66.7),
        (5, 80, PUBLIC, 6.3),  # 6.25 rounds half up, from the exact fraction
        (5, 4000, PUBLIC, 0.1),  # 0.125
        (9, 9, Policy(rate_min_denominator=10), None),
        (3, 10, PUBLIC, None),  # 3 recognised: 30.0 % of 10 would say so
        (98, 100, PUBLIC, None),  # 2 rejected: 98.0 % of 100 would say so
        (95, 100, PUBLIC, 95.0),
        (3, 10, EXACT, 30.0),
        (3, 7, Policy(method="round"), 50.0),  # rounded 5 of 5 + 5; an exact 42.9 would undo the rounding
        (3, 4, Policy(method="round"), 100.0),  # rounded 5 of 5 + 0
        (1, 4, Policy(method="round"), 0.0),  # rounded 0 of 0 + 5
    ],
)
def test_protect_rate(numerator, denominator, policy, rate):
    assert protect_rate(numerator, denominator, policy) == rate


def test_protect_rate_refuses_impossible_counts():
    with pytest.raises(ValueError, match="non-negative"):
        protect_rate(-1, 10, PUBLIC)
    with pytest.raises(ValueError, match="larger"):
        protect_rate(11, 10, PUBLIC)


def test_rate_notes_say_what_a_rate_rests_on():
    assert rate_notes(PUBLIC) == [
        "Rates are computed from exact figures and not shown (–) where they rest on fewer than 5 cases.",
        "Rates that rest on a figure shown as * are not shown either.",
    ]
    assert rate_notes(EXACT) == [
        "Rates are computed from exact figures and not shown (–) where they rest on fewer than 5 cases."
    ]
    assert rate_notes(Policy(method="round")) == [
        "Rates are computed from the rounded figures and not shown (–) where those add up to fewer than 5."
    ]
    assert rate_notes(Policy(method="round", rate_min_denominator=0)) == [
        "Rates are computed from the rounded figures."
    ]


def test_published_rate_rests_on_published_figures_only():
    rows, columns = ["KZ-55", "KZ-75"], ["recognised", "rejected"]
    counts = {
        ("KZ-55", "recognised"): 40,
        ("KZ-55", "rejected"): 60,
        ("KZ-75", "recognised"): 2,
        ("KZ-75", "rejected"): 9,
    }
    table = protect(counts, rows, columns, PUBLIC)
    recognised, decided = [(TOTAL, "recognised")], [(TOTAL, "recognised"), (TOTAL, "rejected")]
    assert published_rate(table, recognised, decided, PUBLIC) == 37.8  # 42 of 111
    assert published_rate(table, recognised, decided, Policy(rate_min_denominator=112)) is None
    # The 2 recognised in KZ-75 are hidden, and so is the 40 of KZ-55 that protects them.
    assert table.cells[("KZ-75", "recognised")].primary and table.cells[("KZ-55", "recognised")].suppressed
    assert published_rate(table, [("KZ-75", "recognised")], [("KZ-75", TOTAL)], PUBLIC) is None
    assert published_rate(table, [("KZ-55", "recognised")], [("KZ-55", TOTAL)], PUBLIC) is None


def flow_vector(counts: Mapping[str, int], policy: Policy) -> ProtectedTable:
    return protect_vector({f: counts.get(f, 0) for f in FLOWS}, FLOWS, policy)


def test_a_rate_resting_on_a_secondary_suppression_is_hidden_too():
    """Recognised 50, complementary 2, rejected 100. The 2 is hidden and the 50 with it; neither the
    numerator (50) nor its complement (102) nor the denominator (152) is small. But an RRR of 32.9 %
    of 152 (152 = the total less every published flow) could only be 50 recognised, and so the
    complementary 2 would follow by subtraction."""
    counts = {"recognised": 50, "complementary_protection": 2, "rejected": 100}
    table = flow_vector(counts, PUBLIC)
    assert table.cells[(VECTOR_ROW, "recognised")].suppressed and not table.cells[(VECTOR_ROW, "recognised")].primary
    assert published_recognition_rates(table, PUBLIC) == {
        "refugee_recognition_rate": None,
        "total_recognition_rate": None,
    }
    assert [n for n in range(1, 152) if percentage(n, 152) == percentage(50, 152)] == [50]


def intruder_values(table: ProtectedTable, rates: Mapping[str, float | None], near: Mapping[Key, int]) -> dict:
    """For each suppressed flow: the values it takes in the tables consistent with the published
    flows, and those that also give the published rates (within 3 of the truth: the same box both)."""
    hidden = [key for key in table.audit_keys() if table.get(key).suppressed]
    plain: dict[Key, set[int]] = {key: set() for key in hidden}
    with_rates: dict[Key, set[int]] = {key: set() for key in hidden}
    for values in consistent_tables(table, bound=values_bound(near), near=(near, 3)):
        for key in hidden:
            plain[key].add(values[key])
        agrees = True
        for name, (top, bottom) in RATES.items():
            if rates[name] is not None:
                denominator = sum(values[(VECTOR_ROW, f)] for f in bottom)
                numerator = sum(values[(VECTOR_ROW, f)] for f in top)
                agrees = agrees and denominator > 0 and percentage(numerator, denominator) == rates[name]
        if agrees:
            for key in hidden:
                with_rates[key].add(values[key])
    return {"plain": plain, "with_rates": with_rates}


def values_bound(values: Mapping[Key, int]) -> int:
    return values[(TOTAL, TOTAL)] + 3


decision = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 9), st.integers(20, 60))
rate_policies = st.sampled_from(
    [
        PUBLIC,
        Policy(threshold=3),
        Policy(suppress_zeros=True),
        Policy(rate_min_denominator=10),
        EXACT,
        Policy(method="round"),
    ]
)


@BRUTE_FORCE_SETTINGS
@given(
    st.fixed_dictionaries(dict.fromkeys(("recognised", "complementary_protection", "rejected"), decision)),
    st.one_of(st.just(0), st.integers(1, 30)),
    rate_policies,
)
def test_no_published_rate_tells_an_intruder_anything_the_flow_totals_do_not(decisions, closed, policy):
    """The rates as `flow_tables` publishes them beside the flow totals. A published rate rests only
    on published figures and is the percentage of those; and an intruder who enumerates the tables
    consistent with the published totals learns nothing more about any * from the rates."""
    counts = {**decisions, "otherwise_closed": closed}
    table = flow_vector(counts, policy)
    rates = published_recognition_rates(table, policy)
    for name, (top, bottom) in RATES.items():
        if rates[name] is None:
            continue
        cells = [table.cells[(VECTOR_ROW, f)] for f in {*top, *bottom}]
        assert not any(cell.suppressed for cell in cells), name
        denominator = sum(table.cells[(VECTOR_ROW, f)].value for f in bottom)
        assert denominator >= max(policy.rate_min_denominator, 1)
        assert rates[name] == percentage(sum(table.cells[(VECTOR_ROW, f)].value for f in top), denominator)
    truth = true_values({(VECTOR_ROW, f): n for f, n in counts.items()}, table.rows, table.columns)
    if policy.method == "none":
        assert rates == {
            name: protect_rate(sum(counts.get(f, 0) for f in top), sum(counts.get(f, 0) for f in bottom), policy)
            for name, (top, bottom) in RATES.items()
        }
    if policy.method == "suppress" and not policy.suppress_zeros:  # else a dozen hidden zeros: 4**12 tables
        seen = intruder_values(table, rates, truth)
        assert seen["with_rates"] == seen["plain"]


def test_rounded_rates_are_those_of_the_rounded_figures():
    """Recognised 3, rejected 4: rounded 5 and 5. An exact 42.9 % with rounded 5 + 5 (true 3..7 each)
    could only be 3 of 7; the published 50.0 % is what the rounded figures say anyway."""
    policy = Policy(method="round")
    table = flow_vector({"recognised": 3, "rejected": 4}, policy)
    assert published_recognition_rates(table, policy)["refugee_recognition_rate"] == 50.0
    pairs = [(r, j) for r in range(3, 8) for j in range(3, 8) if percentage(r, r + j) == percentage(3, 7)]
    assert pairs == [(3, 4)]


# -- rates in the published tables ----------------------------------------------------------------

PERIOD = (dt.date(2016, 1, 1), dt.date(2016, 12, 31))


@pytest.fixture
def decide(db):
    """Record first-instance decisions in 2016: `decide(recognised=3, rejected=7)`."""
    org = OrganisationFactory(code="rates-org", regions=["KZ-55", "KZ-75"])

    def record(*, recognised: int = 0, rejected: int = 0, origin: str = "AFG", where: str = "KZ-55") -> None:
        for kind, n in ((EventKind.REFUGEE_GRANTED, recognised), (EventKind.ASYLUM_REJECTED, rejected)):
            for _ in range(n):
                person = PersonFactory(organisation=org, country_of_origin=country(origin), region=region(where))
                with unscoped("test"):
                    record_status_event(
                        person=person, kind=EventKind.ASYLUM_APPLICATION, effective=dt.date(2016, 2, 1), by=None
                    )
                    record_status_event(person=person, kind=kind, effective=dt.date(2016, 7, 1), by=None)

    return record


def published_flows(policy: Policy) -> dict:
    parameters = Parameters(dt.date(2017, 1, 1), timezone.now(), *PERIOD, policy)
    with unscoped("test"):
        return build_tables(parameters)["tables"]["flows"]


def assert_no_rate_reveals_a_hidden_flow(flows: dict) -> None:
    """No published rate times its published denominator gives a figure shown as *: a published
    rate's figures are all published, and it is their percentage."""
    totals = flows["totals"]
    for name, (top, bottom) in RATES.items():
        rate = flows["rates"][name]
        if rate is None:
            continue
        assert all(totals[f] is not None for f in {*top, *bottom}), name
        denominator = sum(totals[f] for f in bottom)
        assert [n for n in range(denominator + 1) if percentage(n, denominator) == rate] == [
            sum(totals[f] for f in top)
        ]


@pytest.mark.parametrize(
    ("recognised", "rejected", "policy", "rrr"),
    [
        (3, 7, PUBLIC, None),  # 30.0 % of 10 decisions, 7 of them rejections, would be 3 recognised
        (12, 2, PUBLIC, None),  # 85.7 % of 14 would be 2 rejections
        (6, 5, PUBLIC, 54.5),
        (3, 7, EXACT, 30.0),
        (3, 7, Policy(method="round"), 50.0),  # of the published 5 and 5
    ],
)
def test_published_rates_reveal_no_suppressed_flow(decide, recognised, rejected, policy, rrr):
    decide(recognised=recognised, rejected=rejected)
    flows = published_flows(policy)
    assert flows["rates"] == {"refugee_recognition_rate": rrr, "total_recognition_rate": rrr}
    if policy == PUBLIC and rrr is None:
        assert None in (flows["totals"]["recognised"], flows["totals"]["rejected"])
    assert_no_rate_reveals_a_hidden_flow(flows)


def test_rates_of_a_registry_with_several_origins_and_regions(decide):
    """Small figures by origin and region do not hide the national rate when the national figures
    are large enough; they are protected in their own tables."""
    decide(recognised=6, rejected=1, origin="SYR", where="KZ-75")
    decide(recognised=2, rejected=8, origin="AFG")
    flows = published_flows(PUBLIC)
    assert flows["totals"]["recognised"] == 8 and flows["totals"]["rejected"] == 9
    assert flows["rates"]["refugee_recognition_rate"] == 47.1  # 8 of 17
    assert flows["by_origin"]["recognised"]["AFG"] is None
    assert_no_rate_reveals_a_hidden_flow(flows)
