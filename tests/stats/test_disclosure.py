"""Disclosure control of published tables (domain notes §3, R2–R6): the worked examples, and
properties checked against a brute-force enumeration of every table consistent with what is
published. Pure Python: no database."""

import json
import random
from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from panah.stats.disclosure import (
    EXACT,
    PUBLIC,
    TOTAL,
    VECTOR_ROW,
    Cell,
    Policy,
    ProtectedTable,
    protect,
    protect_rate,
    protect_vector,
    rate_notes,
    recoverable_cells,
    round_half_up,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BRUTE_FORCE_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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
    counts: Mapping[Key, int], rows: Sequence[str], columns: Sequence[str], hidden: set[Key]
) -> ProtectedTable:
    """A table as published with exactly the cells in `hidden` suppressed (no policy involved)."""
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
    )


def consistent_tables(
    table: ProtectedTable, bound: int, first: Sequence[Key] = (), cut: Callable[[int, dict], bool] | None = None
) -> Iterator[dict[Key, int]]:
    """Every non-negative integer table whose interior cells are at most `bound` and which agrees
    with every published figure of `table` (interior and totals), by plain enumeration: suppressed
    interior cells are tried one by one (those in `first` first), a value that would overshoot a
    published total is cut, and the last unknown cell of a line with a published total is forced.
    `cut(i, chosen)`, if given, drops the branch after the i-th unknown cell has been chosen."""
    rows, columns = table.rows, table.columns
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
                yield complete()
            return
        r, c = unknown[i]
        low, high = 0, bound
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
    """Whether some consistent table gives `key` another value than `value`. The search starts with
    the suppressed cells that make up `key`, drops every branch where they add up to `value`, and
    then spreads along rows and columns, so that a contradiction shows early and a free table is
    completed at once."""
    row, column = key
    parts = [
        (r, c)
        for r in table.rows
        for c in table.columns
        if row in (r, TOTAL) and column in (c, TOTAL) and table.cells[(r, c)].suppressed
    ]
    if not parts:  # a sum of published cells
        return False
    known = sum(
        cell.value
        for (r, c), cell in table.cells.items()
        if row in (r, TOTAL) and column in (c, TOTAL) and not cell.suppressed
    )
    order = list(parts)
    for r, c in order:  # the list grows while it is walked: a breadth-first spread over shared lines
        order += [o for o in [(r, cc) for cc in table.columns] + [(rr, c) for rr in table.rows] if o not in order]

    def same(i: int, chosen: dict) -> bool:
        return i == len(parts) - 1 and known + sum(chosen[p] for p in parts) == value

    return next(consistent_tables(table, bound, first=order, cut=same), None) is not None


def shown(cell: Cell) -> int | str:
    return "*" if cell.suppressed else cell.value


def vector_row(table: ProtectedTable) -> list[int | str]:
    return [shown(table.cells[(VECTOR_ROW, c)]) for c in table.columns]


def assert_policy_respected(table: ProtectedTable, counts: Mapping[Key, int], policy: Policy) -> None:
    values = true_values(counts, table.rows, table.columns)
    small = {key for key, n in values.items() if 1 <= n < policy.threshold or (n == 0 and policy.suppress_zeros)}
    for key in table.audit_keys():
        cell = table.get(key)
        if cell.suppressed:
            assert cell.value is None
            assert cell.primary == (key in small), key
        else:
            # Every published figure, interior or total, is the true one and is not small.
            assert cell.value == values[key], key
            assert key not in small, key
            assert not cell.primary
    # The headline figure is never hidden unless it is itself small.
    assert table.total.suppressed == ((TOTAL, TOTAL) in small)
    assert recoverable_cells(table) == set()


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
def tiny_tables(draw) -> tuple[dict[Key, int], list, list]:
    """2×3, 3×2 or 3×3 with a total of at most 15 (12 for 3×3): small enough to enumerate every solution."""
    counts, rows, columns = draw(
        tables(max_rows=3, max_columns=3, counts=st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 8)))
    )
    if (len(rows), len(columns)) not in {(2, 3), (3, 2), (3, 3)}:
        # Pad and scale down rather than filter, so hypothesis does not give up on the shape.
        rows = rows + [f"R{i}" for i in range(len(rows), 3)]
        columns = columns + [f"C{j}" for j in range(len(columns), 3)]
    counts = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    limit = 12 if len(rows) * len(columns) == 9 else 15
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
def test_every_suppressed_figure_could_be_at_least_two_values(table_spec, policy):
    """(4) by enumeration: every suppressed cell, interior or total, takes two or more values among
    the non-negative integer tables that agree with everything published."""
    counts, rows, columns = table_spec
    table = protect(counts, rows, columns, policy)
    grand = sum(counts.values())
    values = true_values(counts, rows, columns)
    # Any table found is a genuine solution, so a small search box can only make this test stricter.
    for key in table.audit_keys():
        if table.get(key).suppressed:
            assert can_differ(table, key, values[key], bound=grand + 1), key


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
)
def test_the_audit_agrees_with_brute_force(table_spec, flags, hide_grand_total):
    """recoverable_cells is exactly the set of suppressed cells that take one value across every
    consistent table, for arbitrary suppression patterns (interior cells and totals)."""
    counts, rows, columns = table_spec
    keys = [key for key in true_values(counts, rows, columns) if key != (TOTAL, TOTAL)]
    hidden = {key for key, flag in zip(keys, flags, strict=False) if flag}
    if hide_grand_total:
        hidden.add((TOTAL, TOTAL))
    table = published_table(counts, rows, columns, hidden)
    grand = sum(counts.values())
    # With the grand total published the box is no restriction. Without it the search is cut at
    # grand + 2 per cell: a cell that can differ at all can differ by one unit (it lies on a cycle
    # of suppressed cells), so no witness is lost, and a false "determined" would show anyway.
    values = true_values(counts, rows, columns)
    bound = grand if not hide_grand_total else grand + 2
    determined = {key for key in hidden if not can_differ(table, key, values[key], bound)}
    assert recoverable_cells(table) == determined


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
        (2, 5, PUBLIC, 40.0),
        (1, 3, Policy(rate_min_denominator=3), 33.3),
        (2, 3, Policy(rate_min_denominator=3), 66.7),
        (1, 16, PUBLIC, 6.3),  # 6.25 rounds half up, from the exact fraction
        (1, 800, PUBLIC, 0.1),  # 0.125
        (9, 9, Policy(rate_min_denominator=10), None),
        (3, 7, Policy(method="round"), 42.9),  # computed from exact counts, never from rounded ones
    ],
)
def test_protect_rate(numerator, denominator, policy, rate):
    assert protect_rate(numerator, denominator, policy) == rate


def test_protect_rate_refuses_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        protect_rate(-1, 10, PUBLIC)


def test_rate_notes_name_the_minimum_denominator():
    assert rate_notes(PUBLIC) == [
        "Rates are computed from exact figures and not shown (–) where they rest on fewer than 5 cases."
    ]
