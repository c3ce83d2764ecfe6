"""Statistical disclosure control for tables that leave the system for the public.

A table of counts (rows × columns, with row totals, column totals and a grand total) goes through
`protect()` with a `Policy` and comes out as a `ProtectedTable` of published cells and footnotes.
Three methods (domain notes §3b, R2–R6):

``none``
    Every figure exact. For internal, authorised use only.
``suppress`` (UNHCR yearbook / sdcTable style)
    *Primary* suppression of the figures, interior cells and totals alike, with
    ``1 <= n < threshold`` (and of zeros only with ``suppress_zeros``). Totals are published true,
    so headline figures stay exact, except a total that is small itself and, rarely, a grand total
    that is the only figure left that can protect a small one (five origins with one person each
    under a published total of 5 are five 1s). *Secondary* suppression then hides further non-zero
    figures until every suppressed figure meets the protection rule below (see "Protection
    levels" and `feasibility_intervals()`). The other option of R4, leaving suppressed figures out
    of the totals (UNHCR 2017), is not offered.
``round`` (Eurostat style)
    Every interior cell rounded to the nearest multiple of ``base`` (halves upwards); the totals
    are the sums of the rounded cells, so the published table adds up.

Rates (`published_rate`, `protect_rate`) are computed from the figures *as published* and shown
only when every figure they rest on is published. A rate over a suppressed figure would be one more
equation for an intruder, and a percentage to one decimal pins a small count: 30.0 % of 10
substantive decisions, 7 of them published rejections, is 3 recognised. Under ``round`` they are
computed from the rounded figures, since an exact rate undoes the rounding (42.9 % of rounded 5 + 5
can only be 3 of 7). They are hidden too when their published denominator is below
``rate_min_denominator`` (R6).

The table as a network
----------------------
Both the audit and secondary suppression see a table as a circulation in a small directed graph:
a source node ``s``, one node per row, one per column and a sink ``t``, with an arc
``s → row`` carrying the row total, ``row → column`` the interior cell, ``column → t`` the column
total and ``t → s`` the grand total. Flow conservation at each node is exactly the set of
additivity equations of the table (row sums, column sums, sum of the row totals, sum of the column
totals), so the tables consistent with everything published are the integer circulations that
agree with the published arcs and respect the intruder's lower bound on the others.

What the intruder knows
-----------------------
The published figures, the additivity of the table, that counts are integers and, when zeros are
shown (no ``suppress_zeros``), that a * never stands for 0: zeros are then never suppressed, not
even secondarily, so every suppressed figure is at least 1 (`ProtectedTable.hidden_floor`; 0 when
zeros are confidential). That floor turns ones into a risk that non-negativity alone does not show:
two * in a line whose published figures fall 2 short of its total are both 1 (Langsrud 2024,
"Secondary cell suppression by Gaussian elimination: an algorithm suitable for handling issues with
zeros and singletons", PSD 2024, LNCS; the easySdcTable vignette "The problem of singletons and
zeros"). The intruder is not told which * are primary, so no upper bound is assumed from the
threshold.

The audit: feasibility intervals
--------------------------------
The feasibility interval ``[lo, hi]`` of a suppressed figure is the range it takes over every table
consistent with what the intruder knows (Hundepool et al., *Statistical Disclosure Control*, Wiley
2012, on protection levels and the intruder's a-priori bounds; sdcTable ``setBounds`` "lb",
GaussSuppression ``ComputeIntervals(minVal = ...)`` compute it by linear programming). On the
network no LP solver is needed. Let ``f`` be any consistent table (found from the published figures
with a max-flow). Any other differs from it by a circulation ``d`` on the suppressed arcs with
``f_a + d_a >= floor``, i.e. a flow in the *residual graph* of the suppressed arcs: each forward
without bound, each backward with capacity ``f_a - floor``. So for ``e = (u → v)``, ``hi - f_e`` is
the maximum flow from ``v`` to ``u`` in the residual graph of the other suppressed arcs (unbounded
if a path of forward arcs joins them) and ``f_e - lo`` the maximum flow from ``u`` to ``v``, capped at
``f_e - floor``. Max-flows of integer capacities are integral, and a difference of two integer
tables splits into unit cycles that pass ``e`` at most once each, so the integer tables take every
value from ``lo`` to ``hi`` and the real relaxation gives the same interval. A figure with
``lo == hi`` is *recoverable* (`recoverable_cells`); the answer does not depend on which ``f`` is used.

Protection levels
-----------------
Not being pinned is not enough for a small figure: an interval [3, 4] around a 4, or [1, 2] around
a 1, tells nearly all. The rule of Statistics Norway's GaussSuppression for frequency tables
(``PrimaryDefault(protectionIntervals = TRUE)``: "the upper bound must be at least 1 above the
observed frequency, and the total interval width must be at least 2"), in the terms of Hundepool et
al. an upper protection level of 1 and a sliding protection level of 2, applies to every
primary-suppressed figure ``n``: ``hi >= n + UPPER_PROTECTION`` and ``hi - lo >= SLIDING_PROTECTION``.
With the floor of 1 a suppressed 1 has ``lo = 1``, so it must be able to reach 3. A secondary figure
needs only ``lo < hi``. The rule needs the true figures, so `protect()` enforces it; from the
published figures alone, `recoverable_cells` is the audit. Example: [4, 1 | 5] with both cells
suppressed leaves the 4 in [1, 4], at the top of its interval; a third non-zero figure, or else
the total, has to go as well.

Secondary suppression
---------------------
1. The line rule (R3), to a fixpoint: every row, column, the row of column totals and the column
   of row totals is a line ``cells = total``. A line with exactly one suppressed member gives it
   away by subtraction, so one more non-zero member is suppressed: an interior cell if there is
   one, preferring one whose other line also has a lone suppressed member, then the smallest;
   only then another total (never the grand total unless nothing else is left).
2. Widening, to a fixpoint: for every suppressed figure short of its rule, the table is moved
   within the current pattern as far as that figure can go (a max-flow). If that is not far enough,
   the cheapest published figures that let it go one further are found with Dijkstra over the
   residual graph, published non-zero arcs costing (compared lexicographically: grand total, other
   totals, then the sum of the values hidden) and suppressed arcs free, and are suppressed. Each
   step widens that interval by at least 1. Once every non-zero figure is suppressed, each lies on
   a cycle of forward arcs and is unbounded above, so the loop ends.
3. A grand total hidden though not small is published again if the rule holds without it.

Linked tables
-------------
A release publishes several tables that share figures: the stock by population type is the column
of row totals of the stock by origin, by region and by sex and age, and its total is their grand
total (likewise the flow totals for the flows by origin and by region). Protected one by one they
can hide different partners, and a figure hidden in one is then read off another: the flow totals
hide complementary 3 and rejected 6, flows by origin shows rejected 6, and 3 follows. The
requirement is that no * can be worked out from *all* the published figures together (Hundepool et
al. 2012, on linked tables). `protect_linked` takes the tables and the links between their
shared figures and:

1. protects each table with every shared figure hidden in any table as a *forced* suppression
   (`protect(forced=...)`), and again, until each shared figure is hidden in all tables or in none;
2. audits the release as a whole. The tables are independent once the shared figures are fixed,
   so a release consistent with everything published is a move of the shared figures that every
   table can absorb through its own * (a max-flow per table, `_route`), with the figure under test
   moved on top in its table. Each * must reach its protection levels by such moves (tried over
   moves of one to three shared figures by a few units, `_Joint`). A move found is a genuine
   release, so the audit never passes a figure that is not protected; it can only ask for more
   suppression than strictly needed, when every witness moves more shared figures than it tries;
3. for a * that falls short, suppresses the cheapest published figures (same costs as widening,
   shared figures costing once per table that shows them) that let it make the move, carries them
   into step 1 as forced suppressions and repeats. The repair searches further than the audit of
   step 2 (which stops after `_MAX_JOINT_MOVES` moves), so it may find the move already possible
   with nothing more hidden: that move is a witness, and the figure passes. Should no move it tries
   work, every published non-zero figure of the figure's table goes (`_Joint._hide_more`). Forced
   suppressions only grow, so this ends; in the worst case every non-zero figure is hidden, and
   each rises freely along its row total and the grand total in every table.

The stock and flow tables of `panah.stats.tables.build_tables` are protected this way, and the
recognition rates are computed from the jointly protected flow totals, so a rate rests only on
figures shown in every table.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Final, Literal

from django.utils.translation import gettext as _

Method = Literal["none", "suppress", "round"]
METHODS: Final = ("none", "suppress", "round")

#: The label used in audit keys for a margin: ``(row, TOTAL)`` is a row total, ``(TOTAL, column)``
#: a column total, ``(TOTAL, TOTAL)`` the grand total. No row or column may be called this.
TOTAL: Final = "__total__"

#: The single row of a one-dimensional table made by `protect_vector`.
VECTOR_ROW: Final = "total"

#: Protection levels of a primary-suppressed figure n (see "Protection levels"): its feasibility
#: interval [lo, hi] must have hi >= n + UPPER_PROTECTION and hi - lo >= SLIDING_PROTECTION.
UPPER_PROTECTION: Final = 1
SLIDING_PROTECTION: Final = 2

Key = tuple[str, str]


@dataclass(frozen=True)
class Policy:
    method: Method = "suppress"
    threshold: int = 5  # suppress: cells with 1 <= n < threshold are primary-suppressed (default 1–4)
    base: int = 5  # round: round to a multiple of base
    suppress_zeros: bool = False  # zeros are not disclosive by default
    rate_min_denominator: int = 5  # rates are hidden when their denominator < this

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown disclosure method {self.method!r}; expected one of {METHODS}")
        for name, minimum in (("threshold", 1), ("base", 1), ("rate_min_denominator", 0)):
            value = getattr(self, name)
            if type(value) is not int or value < minimum:
                raise ValueError(f"{name} must be an integer >= {minimum}, not {value!r}")
        if type(self.suppress_zeros) is not bool:
            raise ValueError(f"suppress_zeros must be a boolean, not {self.suppress_zeros!r}")

    def to_dict(self) -> dict:
        """The policy as a JSON-serialisable dict, keys in field order."""
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping) -> Policy:
        """The inverse of `to_dict`; missing keys take their defaults, unknown keys are an error."""
        names = [f.name for f in fields(cls)]
        unknown = sorted(set(d) - set(names))
        if unknown:
            raise ValueError(f"unknown policy keys: {', '.join(unknown)}")
        return cls(**{name: d[name] for name in names if name in d})


PUBLIC: Final = Policy()  # the default public policy
EXACT: Final = Policy(method="none")


@dataclass
class Cell:
    value: int | None  # None when suppressed
    suppressed: bool = False
    primary: bool = False  # suppressed because the figure itself is small (False for secondary)


@dataclass
class ProtectedTable:
    rows: list[str]
    columns: list[str]
    cells: dict[Key, Cell]  # interior cells
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell
    notes: list[str] = field(default_factory=list)  # footnotes in plain language
    # The least value a * can stand for, as any reader can tell: 1 when zeros are shown, because
    # then no zero is ever suppressed; 0 when zeros may be suppressed too.
    hidden_floor: int = 0

    def get(self, key: Key) -> Cell:
        """Any cell by its audit key: ``(row, column)``, ``(row, TOTAL)``, ``(TOTAL, column)`` or
        ``(TOTAL, TOTAL)``."""
        row, column = key
        if row == TOTAL and column == TOTAL:
            return self.total
        if column == TOTAL:
            return self.row_totals[row]
        if row == TOTAL:
            return self.column_totals[column]
        return self.cells[key]

    def audit_keys(self) -> list[Key]:
        """The audit keys of every cell, totals included."""
        return _Net(self.rows, self.columns).keys


# -- public functions ---------------------------------------------------------------------------


def protect(
    counts: Mapping[Key, int],
    rows: Sequence[str],
    columns: Sequence[str],
    policy: Policy,
    *,
    forced: Iterable[Key] = (),
) -> ProtectedTable:
    """Apply `policy` to a table of exact counts (missing ``(row, column)`` pairs count 0).

    `forced` names figures (audit keys) that must be shown as * whatever their value, because they
    are hidden in another table of the same release (see `protect_linked`); they are protected like
    secondary suppressions. Ignored unless the method is ``suppress``."""
    net = _Net(rows, columns)
    values = net.true_values(counts)
    if policy.method == "none":
        return _table(net, values, set(), set(), [_("Exact figures: no disclosure control has been applied.")])
    if policy.method == "round":
        return _rounded(net, values, policy)
    floor = 0 if policy.suppress_zeros else 1
    forced_arcs = set()
    for key in forced:
        if key not in net.index:
            raise ValueError(f"forced suppression {key!r} is not a cell of the table")
        forced_arcs.add(net.index[key])
    suppressed, primary = _suppress(net, values, policy, forced_arcs, floor)
    return _checked_table(net, values, policy, suppressed, primary, floor)


def _suppress(net: _Net, values: list[int], policy: Policy, forced: set[int], floor: int) -> tuple[set[int], set[int]]:
    """Primary and secondary suppression of one table (the arcs suppressed, the primary ones), with
    the arcs in `forced` suppressed from the start and never published again."""
    for a in forced:
        if values[a] < floor:
            raise ValueError(f"cannot suppress {net.keys[a]}: a * stands for at least {floor}, and it is {values[a]}")
    primary = {a for a in range(len(values)) if _is_primary(values[a], policy)} if net.rows and net.columns else set()
    suppressed = primary | forced
    _line_rule(net, values, suppressed)
    _widen_all(net, values, suppressed, primary, floor)
    _publish_grand_total_if_safe(net, values, suppressed, primary, floor, keep=primary | forced)
    return suppressed, primary


def _checked_table(
    net: _Net, values: list[int], policy: Policy, suppressed: set[int], primary: set[int], floor: int
) -> ProtectedTable:
    notes = _suppression_notes(net, policy, suppressed, primary)
    table = _table(net, values, suppressed, primary, notes, hidden_floor=floor)
    leaked = recoverable_cells(table)
    if leaked:  # a bug in this module, never a property of the data
        raise RuntimeError(f"secondary suppression left recoverable cells: {sorted(leaked)}")
    return table


def protect_vector(counts: Mapping[str, int], keys: Sequence[str], policy: Policy) -> ProtectedTable:
    """A one-dimensional table: a single row `VECTOR_ROW` with the keys as columns, same rules.

    Each column total equals its one cell and is published or suppressed with it."""
    return protect({(VECTOR_ROW, k): n for k, n in counts.items()}, [VECTOR_ROW], keys, policy)


@dataclass(frozen=True)
class TableCounts:
    """One table of a release, before protection: exact counts and its row and column labels."""

    counts: Mapping[Key, int]
    rows: Sequence[str]
    columns: Sequence[str]


#: A figure published in several tables of a release: the (table index, audit key) of each place.
Link = Sequence[tuple[int, Key]]


def protect_linked(tables: Sequence[TableCounts], links: Sequence[Link], policy: Policy) -> list[ProtectedTable]:
    """Apply `policy` to tables that are published together and share figures (see "Linked
    tables"): each link names the places of one figure, which must hold the same true value in
    each. Under ``suppress`` a figure is shown everywhere or nowhere, and every * meets the
    protection rule against an intruder who combines every table of the release; the other methods
    protect each table on its own."""
    if policy.method != "suppress":
        return [protect(t.counts, t.rows, t.columns, policy) for t in tables]
    nets = [_Net(t.rows, t.columns) for t in tables]
    values = [net.true_values(t.counts) for net, t in zip(nets, tables, strict=True)]
    floor = 0 if policy.suppress_zeros else 1
    groups = _link_groups(nets, values, links)
    forced: list[set[int]] = [set() for _ in tables]
    while True:
        patterns = _consistent_patterns(nets, values, policy, forced, groups, floor)
        joint = _Joint(nets, values, [s for s, _p in patterns], groups, floor, policy)
        added = joint.repair_all()
        if not added:
            break
        for i, a in added:
            forced[i].add(a)
    return [
        _checked_table(net, vals, policy, suppressed, primary, floor)
        for net, vals, (suppressed, primary) in zip(nets, values, patterns, strict=True)
    ]


def published_rate(
    table: ProtectedTable, numerator: Sequence[Key], denominator: Sequence[Key], policy: Policy
) -> float | None:
    """``sum(numerator) / sum(denominator)`` over figures of `table` (audit keys), as a percentage
    with one decimal (halves upwards), computed from the figures as published: exact ones, or the
    rounded ones under ``round``. None (shown as "–") when any of them is suppressed, or when the
    denominator so computed is 0 or below ``policy.rate_min_denominator``.

    So a published rate is a function of published figures and tells an intruder nothing more.
    Recognition rates (domain notes §1e) over a table of flows: RRR has numerator [recognised] and
    denominator [recognised, complementary, rejected]; TPR numerator [recognised, complementary]."""
    shown: dict[Key, int] = {}
    for key in [*numerator, *denominator]:
        value = table.get(key).value
        if value is None:
            return None
        shown[key] = value
    top = sum(shown[key] for key in numerator)
    bottom = sum(shown[key] for key in denominator)
    if bottom == 0 or bottom < policy.rate_min_denominator:
        return None
    return _percentage(top, bottom)


def protect_rate(numerator: int, denominator: int, policy: Policy) -> float | None:
    """``numerator / denominator`` as a percentage, for a rate whose figures are not published
    elsewhere: the two figures it rests on, ``numerator`` and ``denominator - numerator``, are
    protected as a one-row table under `policy` and the rate is `published_rate` over that table.
    So under ``suppress`` it is hidden when the numerator or its complement is small (a small
    complement is a small count too: 98.0 % of 100 is 2 rejections), under ``round`` it is
    computed from the rounded figures, and it is hidden when the denominator is below
    ``policy.rate_min_denominator``."""
    for name, n in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError(f"{name} must be a non-negative integer, not {n!r}")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} is larger than denominator {denominator}")
    parts = ["numerator", "rest"]
    table = protect_vector({"numerator": numerator, "rest": denominator - numerator}, parts, policy)
    return published_rate(table, [(VECTOR_ROW, "numerator")], [(VECTOR_ROW, p) for p in parts], policy)


def rate_notes(policy: Policy) -> list[str]:
    """The footnotes for a table of rates made with `published_rate` or `protect_rate`."""
    if policy.method == "round":
        if policy.rate_min_denominator <= 1:
            return [_("Rates are computed from the rounded figures.")]
        return [
            _("Rates are computed from the rounded figures and not shown (–) where those add up to fewer than %(n)d.")
            % {"n": policy.rate_min_denominator}
        ]
    if policy.rate_min_denominator <= 1:
        notes = [_("Rates are computed from exact figures.")]
    else:
        notes = [
            _("Rates are computed from exact figures and not shown (–) where they rest on fewer than %(n)d cases.")
            % {"n": policy.rate_min_denominator}
        ]
    if policy.method == "suppress":
        notes.append(_("Rates that rest on a figure shown as * are not shown either."))
    return notes


def feasibility_intervals(table: ProtectedTable) -> dict[Key, tuple[int, int | None]]:
    """The intruder's view of every suppressed cell, interior or total: the least and greatest
    value it takes over all integer tables that agree with the published figures, add up, and give
    every suppressed figure at least ``table.hidden_floor``; None for no greatest value.

    Margins are keyed ``(row, TOTAL)``, ``(TOTAL, column)`` and ``(TOTAL, TOTAL)``. Raises
    ValueError if the published figures are inconsistent (no such table exists)."""
    net, flow, suppressed, floor = _intruder_view(table)
    residual = _Residual(net, flow, suppressed, floor)
    intervals: dict[Key, tuple[int, int | None]] = {}
    for e in sorted(suppressed):
        up = residual.slack(e, +1)
        down = residual.slack(e, -1)
        assert down is not None  # a decrease is capped by the floor
        intervals[net.keys[e]] = (flow[e] - down, None if up is None else flow[e] + up)
    return intervals


def recoverable_cells(table: ProtectedTable) -> set[Key]:
    """The audit: the suppressed cells, interior or totals, whose value is uniquely determined by the
    published figures, the additivity of the table and the floor (``table.hidden_floor``): those
    whose feasibility interval is a single value. Raises ValueError if the published figures are
    inconsistent."""
    net, flow, suppressed, floor = _intruder_view(table)
    residual = _Residual(net, flow, suppressed, floor)
    return {net.keys[e] for e in sorted(suppressed) if residual.slack(e, +1, 1) == 0 and residual.slack(e, -1, 1) == 0}


def _intruder_view(table: ProtectedTable) -> tuple[_Net, list[int], set[int], int]:
    """The network of `table`, a consistent table found from its published figures alone, the
    suppressed arcs, and the floor."""
    net = _Net(table.rows, table.columns)
    published: dict[int, int] = {}
    suppressed: set[int] = set()
    for a, key in enumerate(net.keys):
        cell = table.get(key)
        if cell.suppressed:
            suppressed.add(a)
        elif cell.value is None or cell.value < 0:
            raise ValueError(f"published cell {key} has no non-negative value")
        else:
            published[a] = cell.value
    if type(table.hidden_floor) is not int or table.hidden_floor < 0:
        raise ValueError(f"hidden_floor must be a non-negative integer, not {table.hidden_floor!r}")
    return net, _feasible_flow(net, published, suppressed, table.hidden_floor), suppressed, table.hidden_floor


def _percentage(numerator: int, denominator: int) -> float:
    """A percentage with one decimal, halves upwards, from the exact fraction (no float rounding)."""
    tenths, remainder = divmod(1000 * numerator, denominator)
    if 2 * remainder >= denominator:
        tenths += 1
    return tenths / 10


# -- the network --------------------------------------------------------------------------------

_S, _T = 0, 1

# Lexicographic cost of suppressing one more published figure: (grand total, other totals, value
# hidden, figures hidden).
Cost = tuple[int, int, int, int]
_FREE: Final[Cost] = (0, 0, 0, 0)


class _Net:
    """The arcs of the table network in a fixed order: row totals, interior cells row by row,
    column totals, grand total. Arc ``a`` runs ``ends[a]`` and stands for cell ``keys[a]``."""

    def __init__(self, rows: Sequence[str], columns: Sequence[str]) -> None:
        self.rows, self.columns = list(rows), list(columns)
        for name, labels in (("row", self.rows), ("column", self.columns)):
            if len(set(labels)) != len(labels):
                raise ValueError(f"duplicate {name} labels")
            if TOTAL in labels:
                raise ValueError(f"{TOTAL!r} is reserved and cannot be a {name} label")
        row_node = {r: 2 + i for i, r in enumerate(self.rows)}
        col_node = {c: 2 + len(self.rows) + j for j, c in enumerate(self.columns)}
        self.n_nodes = 2 + len(self.rows) + len(self.columns)
        self.keys: list[Key] = []
        self.ends: list[tuple[int, int]] = []
        self.kind: list[str] = []  # "cell", "margin" or "grand"
        for r in self.rows:
            self._arc((r, TOTAL), _S, row_node[r], "margin")
        for r in self.rows:
            for c in self.columns:
                self._arc((r, c), row_node[r], col_node[c], "cell")
        for c in self.columns:
            self._arc((TOTAL, c), col_node[c], _T, "margin")
        self._arc((TOTAL, TOTAL), _T, _S, "grand")
        self.index = {key: a for a, key in enumerate(self.keys)}
        # Lines: (members, the member that is the line's total). Every arc is in exactly two.
        grand = self.index[(TOTAL, TOTAL)]
        self.lines: list[tuple[list[int], int]] = []
        for r in self.rows:
            total = self.index[(r, TOTAL)]
            self.lines.append(([self.index[(r, c)] for c in self.columns] + [total], total))
        for c in self.columns:
            total = self.index[(TOTAL, c)]
            self.lines.append(([self.index[(r, c)] for r in self.rows] + [total], total))
        self.lines.append(([self.index[(TOTAL, c)] for c in self.columns] + [grand], grand))
        self.lines.append(([self.index[(r, TOTAL)] for r in self.rows] + [grand], grand))
        self.lines_of: list[list[int]] = [[] for _ in self.keys]
        for i, (members, _total) in enumerate(self.lines):
            for a in members:
                self.lines_of[a].append(i)

    def _arc(self, key: Key, u: int, v: int, kind: str) -> None:
        self.keys.append(key)
        self.ends.append((u, v))
        self.kind.append(kind)

    def true_values(self, counts: Mapping[Key, int]) -> list[int]:
        """Every arc's true value from the interior counts."""
        cells = {(r, c) for r in self.rows for c in self.columns}
        for key, n in counts.items():
            if key not in cells:
                raise ValueError(f"count for {key!r} is outside the table's rows and columns")
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise ValueError(f"count for {key!r} must be a non-negative integer, not {n!r}")
        values = [0] * len(self.keys)
        for a, key in enumerate(self.keys):
            if self.kind[a] == "cell":
                values[a] = counts.get(key, 0)
        for r in self.rows:
            values[self.index[(r, TOTAL)]] = sum(counts.get((r, c), 0) for c in self.columns)
        for c in self.columns:
            values[self.index[(TOTAL, c)]] = sum(counts.get((r, c), 0) for r in self.rows)
        values[self.index[(TOTAL, TOTAL)]] = sum(counts.values())
        return values

    def cost(self, a: int, value: int) -> Cost:
        kind = self.kind[a]
        if kind == "grand":
            return (1, 0, value, 1)
        if kind == "margin":
            return (0, 1, value, 1)
        return (0, 0, value, 1)

    def grand_total_mirrors(self) -> list[int]:
        """The grand total and the totals that are the same figure: the row total of a one-row
        table, the column total of a one-column table."""
        mirrors = [self.index[(TOTAL, TOTAL)]]
        if len(self.rows) == 1:
            mirrors.append(self.index[(self.rows[0], TOTAL)])
        if len(self.columns) == 1:
            mirrors.append(self.index[(TOTAL, self.columns[0])])
        return mirrors


def _is_primary(n: int, policy: Policy) -> bool:
    return 1 <= n < policy.threshold or (n == 0 and policy.suppress_zeros)


class _Residual:
    """The residual graph of the suppressed `arcs` around a consistent table `flow`, as a max-flow
    network: for arc ``a`` edge ``2k`` runs along it without bound (the figure may rise) and edge
    ``2k + 1`` against it with capacity ``flow[a] - floor`` (it may fall to the floor)."""

    def __init__(self, net: _Net, flow: Sequence[int], arcs: set[int], floor: int) -> None:
        self.net, self.flow, self.floor = net, flow, floor
        self.to: list[int] = []
        self.out: list[list[int]] = [[] for _ in range(net.n_nodes)]
        self.edge: dict[int, int] = {}
        rooms = []
        for a in sorted(arcs):
            room = flow[a] - floor
            if room < 0:
                raise ValueError(f"cell {net.keys[a]} is below the floor of {floor}")
            u, v = net.ends[a]
            self.edge[a] = len(self.to)
            self.out[u].append(len(self.to))
            self.to.append(v)
            self.out[v].append(len(self.to))
            self.to.append(u)
            rooms.append(room)
        self.rooms = rooms
        # A finite max-flow is bounded by a cut of backward edges alone, so it never reaches this.
        self.unbounded = sum(rooms) + 1

    def slack(self, e: int, direction: int, limit: int | None = None) -> int | None:
        """How far arc `e` can move up (`direction` +1) or down (-1) with every other suppressed arc
        free and every published one fixed, stopping at `limit`; None: without bound."""
        return self.moved(e, direction, limit)[0]

    def moved(self, e: int, direction: int, limit: int | None) -> tuple[int | None, list[int]]:
        """`slack`, and a consistent table in which `e` has moved that far (if bounded)."""
        u, v = self.net.ends[e]
        if direction < 0:
            room = self.flow[e] - self.floor
            limit = room if limit is None else min(limit, room)
            source, sink = u, v
        else:
            source, sink = v, u
        # Forward edges must outlast any limit too, or a path of them would look bounded.
        without_bound = self.unbounded + (limit or 0)
        capacity = [c for room in self.rooms for c in (without_bound, room)]
        if e in self.edge:
            capacity[self.edge[e]] = capacity[self.edge[e] + 1] = 0
        total = 0
        while limit is None or total < limit:
            parent = {source: -1}
            queue = deque([source])
            while queue and sink not in parent:
                node = queue.popleft()
                for i in self.out[node]:
                    if capacity[i] > 0 and self.to[i] not in parent:
                        parent[self.to[i]] = i
                        queue.append(self.to[i])
            if sink not in parent:
                break
            path = []
            node = sink
            while node != source:
                i = parent[node]
                path.append(i)
                node = self.to[i ^ 1]
            push = min(capacity[i] for i in path)
            if limit is not None:
                push = min(push, limit - total)
            for i in path:
                capacity[i] -= push
                capacity[i ^ 1] += push
            total += push
            if limit is None and total >= self.unbounded:
                return None, list(self.flow)
        table = list(self.flow)
        for a, i in self.edge.items():
            table[a] += capacity[i + 1] - self.rooms[i // 2]
        table[e] = self.flow[e] + direction * total
        return total, table


def _feasible_flow(net: _Net, published: dict[int, int], suppressed: set[int], floor: int) -> list[int]:
    """Integer values of at least `floor` for the suppressed arcs that, with the published ones,
    satisfy every additivity equation (Edmonds–Karp on the uncapacitated transshipment problem for
    what the suppressed arcs carry above the floor)."""
    excess = [0] * net.n_nodes  # fixed inflow - outflow: what the suppressed arcs must carry out on top
    for a, n in [*published.items(), *((a, floor) for a in suppressed)]:
        u, v = net.ends[a]
        excess[u] -= n
        excess[v] += n
    need = sum(x for x in excess if x > 0)
    source, sink = net.n_nodes, net.n_nodes + 1
    # Edge list with paired reverses: to[i], capacity[i]; edge i ^ 1 is the reverse of edge i.
    to: list[int] = []
    capacity: list[int] = []
    out: list[list[int]] = [[] for _ in range(net.n_nodes + 2)]

    def add(u: int, v: int, cap: int) -> int:
        out[u].append(len(to))
        to.append(v)
        capacity.append(cap)
        out[v].append(len(to))
        to.append(u)
        capacity.append(0)
        return len(to) - 2

    edge_of = {a: add(*net.ends[a], need + 1) for a in sorted(suppressed)}
    for node, x in enumerate(excess):
        if x > 0:
            add(source, node, x)
        elif x < 0:
            add(node, sink, -x)
    flowed = 0
    while flowed < need:
        parent: dict[int, int] = {source: -1}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for i in out[node]:
                if capacity[i] > 0 and to[i] not in parent:
                    parent[to[i]] = i
                    queue.append(to[i])
        if sink not in parent:
            raise ValueError("the published figures are inconsistent: no table within the known bounds adds up to them")
        path = []
        node = sink
        while node != source:
            i = parent[node]
            path.append(i)
            node = to[i ^ 1]
        push = min(capacity[i] for i in path)
        for i in path:
            capacity[i] -= push
            capacity[i ^ 1] += push
        flowed += push
    flow = [0] * len(net.keys)
    for a, n in published.items():
        flow[a] = n
    for a, i in edge_of.items():
        flow[a] = floor + capacity[i ^ 1]
    return flow


# -- secondary suppression ----------------------------------------------------------------------


def _line_rule(net: _Net, values: list[int], suppressed: set[int]) -> None:
    """R3: no line may have exactly one suppressed member. Iterates to a fixpoint. A zero is never a
    partner: it is published (see "What the intruder knows"), or already suppressed as primary."""

    def count(line: int) -> int:
        return sum(1 for a in net.lines[line][0] if a in suppressed)

    changed = True
    while changed:
        changed = False
        for i, (members, _total) in enumerate(net.lines):
            if count(i) != 1:
                continue
            candidates = []
            for a in members:
                if a in suppressed or values[a] == 0:
                    continue
                tier = {"cell": 0, "margin": 1, "grand": 2}[net.kind[a]]
                (other,) = (line for line in net.lines_of[a] if line != i)
                candidates.append((tier, 0 if count(other) == 1 else 1, values[a], a))
            if candidates:
                suppressed.add(min(candidates)[3])
                changed = True


def _requirement(a: int, primary: set[int]) -> tuple[int, int]:
    """How far above the true figure the feasibility interval of arc `a` must reach, and how wide it
    must be (see "Protection levels")."""
    return (UPPER_PROTECTION, SLIDING_PROTECTION) if a in primary else (0, 1)


def _meets(residual: _Residual, a: int, primary: set[int]) -> bool:
    up_needed, width = _requirement(a, primary)
    up = residual.slack(a, +1, width) or 0
    if up < up_needed:
        return False
    return up >= width or up + (residual.slack(a, -1, width - up) or 0) >= width


def _shortfalls(net: _Net, values: list[int], suppressed: set[int], primary: set[int], floor: int) -> list[int]:
    residual = _Residual(net, values, suppressed, floor)
    return [a for a in sorted(suppressed) if not _meets(residual, a, primary)]


def _widen_all(net: _Net, values: list[int], suppressed: set[int], primary: set[int], floor: int) -> None:
    """Suppress more figures until every suppressed one meets its rule."""
    while short := _shortfalls(net, values, suppressed, primary, floor):
        for a in short:
            _widen(net, values, suppressed, primary, floor, a)


def _widen(net: _Net, values: list[int], suppressed: set[int], primary: set[int], floor: int, a: int) -> None:
    """Suppress the cheapest figures that let arc `a` move far enough, one step at a time."""
    up_needed, width = _requirement(a, primary)
    while True:
        residual = _Residual(net, values, suppressed, floor)
        up, highest = residual.moved(a, +1, width)
        assert up is not None  # bounded by the limit
        if up >= width:
            return
        options = [_cheapest_extension(net, values, highest, suppressed, floor, a, +1)]
        if up >= up_needed:
            down, lowest = residual.moved(a, -1, width - up)
            assert down is not None
            if up + down >= width:
                return
            if lowest[a] > floor:
                options.append(_cheapest_extension(net, values, lowest, suppressed, floor, a, -1))
        found = [option for option in options if option is not None]
        if not found:  # pragma: no cover - with every non-zero figure suppressed, a rises without bound
            raise RuntimeError(f"cell {net.keys[a]} cannot be protected")
        _cost, arcs = min(found)
        added = [x for x in arcs if x not in suppressed]
        if not added:  # pragma: no cover - the move above went as far as the suppressed arcs allow
            raise RuntimeError(f"no progress protecting cell {net.keys[a]}")
        suppressed.update(added)


def _cheapest_extension(
    net: _Net, values: list[int], table: list[int], suppressed: set[int], floor: int, e: int, direction: int
) -> tuple[Cost, list[int]] | None:
    """The cheapest path that moves arc `e` one unit further in `direction` from the consistent
    `table`, through suppressed arcs (free) and published non-zero ones (at a cost)."""
    adjacency: list[list[tuple[int, int, Cost]]] = [[] for _ in range(net.n_nodes)]
    for a in range(len(net.keys)):
        if a == e:
            continue
        if a in suppressed:
            cost, room = _FREE, table[a] - floor
        elif values[a] == 0:
            continue  # zeros stay published
        else:
            cost, room = net.cost(a, values[a]), values[a] - floor
        u, v = net.ends[a]
        adjacency[u].append((v, a, cost))
        if room > 0:
            adjacency[v].append((u, a, cost))
    u, v = net.ends[e]
    return _dijkstra(adjacency, v, u) if direction > 0 else _dijkstra(adjacency, u, v)


def _dijkstra(adjacency: list[list[tuple[int, int, Cost]]], start: int, goal: int) -> tuple[Cost, list[int]] | None:
    best: dict[int, Cost] = {start: _FREE}
    via: dict[int, tuple[int, int]] = {}
    heap: list[tuple[Cost, int]] = [(_FREE, start)]
    done: set[int] = set()
    while heap:
        cost, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            arcs = []
            while node != start:
                node, a = via[node]
                arcs.append(a)
            return cost, arcs
        for nxt, a, step in adjacency[node]:
            candidate: Cost = tuple(x + y for x, y in zip(cost, step, strict=True))  # type: ignore[assignment]
            if nxt not in done and (nxt not in best or candidate < best[nxt]):
                best[nxt] = candidate
                via[nxt] = (node, a)
                heapq.heappush(heap, (candidate, nxt))
    return None


def _publish_grand_total_if_safe(
    net: _Net, values: list[int], suppressed: set[int], primary: set[int], floor: int, keep: set[int] | None = None
) -> None:
    """Widening takes the grand total only when nothing cheaper helps at that moment; figures
    suppressed later may have made it unnecessary, and the headline figure is worth a re-check.
    Not if it is in `keep` (default: `primary`): small, or hidden in a linked table."""
    keep = primary if keep is None else keep
    mirrors = set(net.grand_total_mirrors())
    if not mirrors <= suppressed or mirrors & keep:
        return
    trial = suppressed - mirrors
    if not _shortfalls(net, values, trial, primary, floor):
        suppressed.difference_update(mirrors)


# -- linked tables ------------------------------------------------------------------------------

#: How many moves of the shared figures are tried before a requirement is taken to be unmet (and
#: more is suppressed). A cap only ever costs suppression, never protection: every move accepted is
#: an actual release consistent with everything published.
_MAX_JOINT_MOVES: Final = 300

Place = tuple[int, int]  # (table index, arc)


def _link_groups(nets: Sequence[_Net], values: Sequence[list[int]], links: Sequence[Link]) -> list[list[Place]]:
    """The links as groups of places (table, arc), links that share a place merged."""
    parent: dict[Place, Place] = {}

    def find(p: Place) -> Place:
        while parent.setdefault(p, p) != p:
            p = parent[p]
        return p

    for link in links:
        places = []
        for i, key in link:
            if not 0 <= i < len(nets):
                raise ValueError(f"link names table {i}, but there are {len(nets)}")
            if key not in nets[i].index:
                raise ValueError(f"link names {key!r}, which is not a cell of table {i}")
            places.append((i, nets[i].index[key]))
        for p in places[1:]:
            parent[find(p)] = find(places[0])
        if places:
            find(places[0])
    members: dict[Place, list[Place]] = {}
    for p in parent:
        members.setdefault(find(p), []).append(p)
    groups = [sorted(m) for m in members.values() if len(m) > 1]
    for group in groups:
        if len({values[i][a] for i, a in group}) != 1:
            shown = ", ".join(f"table {i} {nets[i].keys[a]} = {values[i][a]}" for i, a in group)
            raise ValueError(f"linked figures differ: {shown}")
    return sorted(groups)


def _consistent_patterns(
    nets: Sequence[_Net],
    values: Sequence[list[int]],
    policy: Policy,
    forced: list[set[int]],
    groups: Sequence[Sequence[Place]],
    floor: int,
) -> list[tuple[set[int], set[int]]]:
    """Protect every table, carry a figure hidden in one table into every table that shows it as a
    forced suppression, and again, until each linked figure is hidden everywhere or nowhere."""
    while True:
        patterns = [
            _suppress(net, vals, policy, forced[i], floor)
            for i, (net, vals) in enumerate(zip(nets, values, strict=True))
        ]
        grew = False
        for group in groups:
            hidden = [a in patterns[i][0] for i, a in group]
            if any(hidden) and not all(hidden):
                for i, a in group:
                    grew = grew or a not in forced[i]
                    forced[i].add(a)
        if not grew:
            return patterns


def _add(x: Cost, y: Cost) -> Cost:
    return tuple(p + q for p, q in zip(x, y, strict=True))  # type: ignore[return-value]


def _route(
    net: _Net,
    values: list[int],
    hidden: set[int],
    floor: int,
    moves: Mapping[int, int],
    frozen: set[int],
    allow_published: bool,
) -> tuple[Cost, list[int]] | None:
    """Change the arcs in `moves` by the amounts given and rebalance the table through the other
    arcs, except those in `frozen`: suppressed ones for free, published non-zero ones (if allowed)
    at their cost, every figure staying at least `floor`. Returns the cost and the published arcs
    used, or None if the moves cannot be made. Unit augmenting paths on the residual graph of the
    table as changed so far: with published arcs barred this is a max-flow, so None is exact."""
    work = list(values)
    excess = [0] * net.n_nodes  # inflow - outflow of each node after the moves
    for a, d in moves.items():
        work[a] += d
        if work[a] < floor:
            return None
        u, v = net.ends[a]
        excess[v] += d
        excess[u] -= d
    used = set(hidden)
    cost, new = _FREE, []
    while any(x > 0 for x in excess):
        adjacency: list[list[tuple[int, int, int, Cost]]] = [[] for _ in range(net.n_nodes)]
        for a in range(len(net.keys)):
            if a in frozen:
                continue
            if a in used:
                step = _FREE
            elif allow_published and values[a] > 0 and values[a] >= floor:
                step = net.cost(a, values[a])
            else:
                continue
            u, v = net.ends[a]
            adjacency[u].append((v, a, +1, step))
            if work[a] > floor:
                adjacency[v].append((u, a, -1, step))
        best: dict[int, Cost] = {}
        via: dict[int, tuple[int, int, int]] = {}
        heap = [(_FREE, node) for node, x in enumerate(excess) if x > 0]
        for _c, node in heap:
            best[node] = _FREE
        heapq.heapify(heap)
        done: set[int] = set()
        goal = None
        while heap:
            c, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            if excess[node] < 0:
                goal = node
                break
            for nxt, a, direction, step in adjacency[node]:
                candidate = _add(c, step)
                if nxt not in done and (nxt not in best or candidate < best[nxt]):
                    best[nxt] = candidate
                    via[nxt] = (node, a, direction)
                    heapq.heappush(heap, (candidate, nxt))
        if goal is None:
            return None
        cost = _add(cost, best[goal])
        excess[goal] += 1
        node = goal
        while node in via:
            node, a, direction = via[node]
            work[a] += direction
            if a not in used:
                used.add(a)
                new.append(a)
        excess[node] -= 1
    return cost, new


class _Joint:
    """The release as an intruder sees it, for the joint audit and repair of `protect_linked`.

    A hidden figure meets its rule when, for each move it needs (see `_requirement`), some release
    consistent with everything published makes it: a move of the shared figures (a few units on one
    to three of them) that every table can absorb through its own hidden figures (`_route`), with
    the figure moved in its own table on top. Every release found this way is genuine, so a figure
    passed is protected; one failed gets the cheapest suppressions that let it move."""

    def __init__(
        self,
        nets: Sequence[_Net],
        values: Sequence[list[int]],
        suppressed: Sequence[set[int]],
        groups: Sequence[Sequence[Place]],
        floor: int,
        policy: Policy,
    ) -> None:
        self.nets, self.values, self.floor, self.policy = nets, values, floor, policy
        self.suppressed = [set(s) for s in suppressed]
        self.groups = groups
        self.linked = [set() for _ in nets]
        for group in groups:
            for i, a in group:
                self.linked[i].add(a)
        self.order = sorted(range(len(nets)), key=lambda i: len(nets[i].keys))
        self._fixed: dict[int, _Residual] = {}
        self._cache: dict[tuple, bool] = {}

    def _group_value(self, g: int) -> int:
        i, a = self.groups[g][0]
        return self.values[i][a]

    def _group_hidden(self, g: int) -> bool:
        i, a = self.groups[g][0]
        return a in self.suppressed[i]

    def items(self) -> list[tuple[int, int | None, int | None]]:
        """(group, None, None) for each hidden shared figure, (-1, table, arc) for each other one."""
        items: list[tuple[int, int | None, int | None]] = [
            (g, None, None) for g in range(len(self.groups)) if self._group_hidden(g)
        ]
        for i, suppressed in enumerate(self.suppressed):
            items += [(-1, i, a) for a in sorted(suppressed - self.linked[i])]
        return items

    def _value(self, item: tuple[int, int | None, int | None]) -> int:
        g, i, a = item
        return self._group_value(g) if g >= 0 else self.values[i][a]  # type: ignore[index]

    def meets(self, item: tuple[int, int | None, int | None]) -> bool:
        g, i, a = item
        primary = _is_primary(self._value(item), self.policy)
        if g < 0:  # a figure of one table: first try moving it with every shared figure held
            assert i is not None and a is not None
            if i not in self._fixed:
                self._fixed[i] = _Residual(
                    self.nets[i], self.values[i], self.suppressed[i] - self.linked[i], self.floor
                )
            if _meets(self._fixed[i], a, {a} if primary else set()):
                return True
        up_needed, width = (UPPER_PROTECTION, SLIDING_PROTECTION) if primary else (0, 1)
        for up in range(width, up_needed - 1, -1):
            if (up == 0 or self._can(item, up)) and (up == width or self._can(item, up - width)):
                return True
        return False

    def _deltas(self, item: tuple[int, int | None, int | None], move: int, pool: list[int], supports: int) -> list:
        g0 = item[0]
        size = abs(move)
        fixed = {g0: move} if g0 >= 0 else {}
        others = [g for g in pool if g != g0]
        amounts = [v for v in range(-size, size + 1) if v]
        deltas = [fixed]
        for k in range(1, supports + 1):
            for chosen in itertools.combinations(others, k):
                for vals in itertools.product(amounts, repeat=k):
                    if sum(map(abs, vals)) <= 2 * size:
                        deltas.append({**fixed, **dict(zip(chosen, vals, strict=True))})
        deltas.sort(key=lambda d: (sum(map(abs, d.values())), len(d)))
        return deltas

    def _near(self, item: tuple[int, int | None, int | None], pool: list[int]) -> set[int]:
        """The shared figures of `pool` that meet a figure of one table at one of its ends, where a
        move of it is most often balanced; none for a shared figure (its moves all include it)."""
        g0, i, a = item
        if g0 >= 0:
            return set()
        assert i is not None and a is not None
        ends = set(self.nets[i].ends[a])
        return {g for g in pool for j, b in self.groups[g] if j == i and set(self.nets[i].ends[b]) & ends}

    def _can(self, item: tuple[int, int | None, int | None], move: int) -> bool:
        hidden = [g for g in range(len(self.groups)) if self._group_hidden(g)]
        near = self._near(item, hidden)
        deltas = self._deltas(item, move, hidden, 2)
        # The moves the repair tries first (sorting is stable: smallest first within each part), so
        # the cap cuts off far moves rather than the near ones that usually witness: with many
        # shared figures hidden, the small far moves alone run past the cap.
        deltas.sort(key=lambda d: len(d) >= 2 and not set(d) & near)
        for delta in deltas[:_MAX_JOINT_MOVES]:
            if self._realise(item, move, delta, allow_published=False) is not None:
                return True
        return False

    def _realise(
        self,
        item: tuple[int, int | None, int | None],
        move: int,
        delta: Mapping[int, int],
        allow_published: bool,
        budget: Cost | None = None,
    ) -> tuple[Cost, list[Place]] | None:
        """The cost and the new suppressions of a release in which the shared figures move by
        `delta` and `item` by `move`, or None."""
        total, new = _FREE, []
        for g in delta:
            if not self._group_hidden(g):
                if not allow_published:
                    return None
                for i, a in self.groups[g]:
                    total = _add(total, self.nets[i].cost(a, self.values[i][a]))
                    new.append((i, a))
        _g0, item_table, item_arc = item
        for j in self.order:
            moves = {a: delta[g] for g in delta for i, a in self.groups[g] if i == j}
            frozen = self.linked[j]
            if j == item_table:
                assert item_arc is not None
                moves[item_arc] = move
                frozen = frozen | {item_arc}
            if not moves:
                continue
            key = (j, tuple(sorted(moves.items())), item_arc if j == item_table else None)
            if not allow_published and key in self._cache:
                if not self._cache[key]:
                    return None
                continue
            hidden = self.suppressed[j]
            routed = _route(self.nets[j], self.values[j], hidden, self.floor, moves, frozen, allow_published)
            if not allow_published:
                self._cache[key] = routed is not None
            if routed is None:
                return None
            cost, arcs = routed
            total = _add(total, cost)
            new += [(j, a) for a in arcs]
            if budget is not None and total >= budget:
                return None
        return total, new

    def _repair(self, item: tuple[int, int | None, int | None]) -> list[Place] | None:
        """The cheapest suppressions that let `item` make the move its rule needs first: up by the
        full width. Empty if the move needs none (the figure meets its rule: `meets` tries fewer
        moves); None if no move tried here can be made whatever is hidden (see `_hide_more`)."""
        g0 = item[0]
        primary = _is_primary(self._value(item), self.policy)
        move = SLIDING_PROTECTION if primary else 1
        pool = [
            g for g in range(len(self.groups)) if self._group_hidden(g) or self._group_value(g) >= max(self.floor, 1)
        ]
        if g0 >= 0:
            deltas = self._deltas(item, move, pool, 1)
        else:
            near = self._near(item, pool)
            deltas = [d for d in self._deltas(item, move, pool, 2) if len(d) < 2 or set(d) & near]
        best: tuple[Cost, list[Place]] | None = None
        for delta in deltas:
            found = self._realise(item, move, delta, allow_published=True, budget=best[0] if best else None)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is None:
            return None
        return best[1]

    def _hide_more(self, item: tuple[int, int | None, int | None]) -> list[Place]:
        """When no move within `_repair`'s reach protects `item`: every published non-zero figure of
        its table (of every table if its own has none left), each with the places it shares. Crude,
        but it can only add protection, and once every non-zero figure is hidden each one lies on a
        cycle of hidden figures through its row total and the grand total, which every table of the
        release can follow (a row total is at least as large as any figure in its row)."""
        g0, i, _a = item
        own = [i] if i is not None else sorted({j for j, _b in self.groups[g0]})
        for scope in (own, range(len(self.nets))):
            new: list[Place] = [
                (j, b)
                for j in scope
                for b, value in enumerate(self.values[j])
                if b not in self.suppressed[j] and value > 0 and value >= self.floor
            ]
            for group in self.groups:  # a shared figure goes in every table at once
                if any(p in group for p in new):
                    new += [p for p in group if p not in new and p[1] not in self.suppressed[p[0]]]
            if new:
                return new
        return []

    def repair_all(self) -> list[Place]:
        """Check every hidden figure; repair those short of their rule. The suppressions added."""
        added: list[Place] = []
        for item in self.items():
            if self.meets(item):
                continue
            new = self._repair(item)
            if new is None:
                new = self._hide_more(item)
            # An empty repair is a move that costs nothing: a release, consistent with everything
            # published, in which the figure moves as its rule needs. `meets` tries only the first
            # _MAX_JOINT_MOVES moves and can miss it (nineteen shared 1s, every figure hidden: a
            # cell's one witness comes after 300 other moves of its row total), so the figure is
            # protected after all.
            # Nothing to hide any more (every non-zero figure is) is the safest release there is.
            for i, a in new:
                self.suppressed[i].add(a)
                self._fixed.pop(i, None)
            if new:
                self._cache.clear()
            added += new
        return added


# -- building the published table ---------------------------------------------------------------


def _table(
    net: _Net, values: list[int], suppressed: set[int], primary: set[int], notes: list[str], hidden_floor: int = 0
) -> ProtectedTable:
    def cell(a: int) -> Cell:
        if a in suppressed:
            return Cell(None, suppressed=True, primary=a in primary)
        return Cell(values[a])

    index = net.index
    return ProtectedTable(
        rows=list(net.rows),
        columns=list(net.columns),
        cells={(r, c): cell(index[(r, c)]) for r in net.rows for c in net.columns},
        row_totals={r: cell(index[(r, TOTAL)]) for r in net.rows},
        column_totals={c: cell(index[(TOTAL, c)]) for c in net.columns},
        total=cell(index[(TOTAL, TOTAL)]),
        notes=notes,
        hidden_floor=hidden_floor,
    )


def round_half_up(n: int, base: int) -> int:
    """`n` to the nearest multiple of `base`, halves upwards: 3 → 5, 2 → 0, 626 → 625."""
    quotient, remainder = divmod(n, base)
    return base * (quotient + (1 if 2 * remainder >= base else 0))


def _rounded(net: _Net, values: list[int], policy: Policy) -> ProtectedTable:
    rounded = list(values)
    for a, kind in enumerate(net.kind):
        if kind == "cell":
            rounded[a] = round_half_up(values[a], policy.base)
    for r in net.rows:
        rounded[net.index[(r, TOTAL)]] = sum(rounded[net.index[(r, c)]] for c in net.columns)
    for c in net.columns:
        rounded[net.index[(TOTAL, c)]] = sum(rounded[net.index[(r, c)]] for r in net.rows)
    rounded[net.index[(TOTAL, TOTAL)]] = sum(rounded[a] for a, kind in enumerate(net.kind) if kind == "cell")
    n_cells = len(net.rows) * len(net.columns)
    notes = [
        _("All figures are rounded to the nearest multiple of %(base)d (halves upwards).") % {"base": policy.base},
        _(
            "Totals are the sums of the rounded figures, so the table adds up, but they may differ from the "
            "true totals: the overall total by at most %(bound)d."
        )
        % {"bound": n_cells * (policy.base // 2)},
    ]
    return _table(net, rounded, set(), set(), notes)


def _mirrors_a_cell(net: _Net, a: int) -> bool:
    """A total over a single cell (a column total of a one-row table, say) is that cell again."""
    row, column = net.keys[a]
    summed_rows = len(net.rows) if row == TOTAL else 1
    summed_columns = len(net.columns) if column == TOTAL else 1
    return summed_rows * summed_columns == 1


def _suppression_notes(net: _Net, policy: Policy, suppressed: set[int], primary: set[int]) -> list[str]:
    notes = []
    top = policy.threshold - 1
    if top == 1:
        notes.append(_("Figures of 1 are confidential and shown as *."))
    elif top > 1:
        notes.append(_("Figures from 1 to %(top)d are confidential and shown as *.") % {"top": top})
    if policy.suppress_zeros:
        notes.append(_("Zeros are confidential too and shown as *."))
    if not notes:
        notes.append(_("No figures are confidential under this policy."))
    if suppressed - primary:
        notes.append(
            _(
                "Some other figures are also shown as * so that the confidential ones cannot be worked out from the totals."
            )
        )
    if suppressed:
        notes.append(_("Totals are true totals: they include the figures shown as *."))
        if any(net.kind[a] != "cell" and not _mirrors_a_cell(net, a) for a in suppressed):
            notes.append(_("Totals that would reveal a confidential figure are shown as * as well."))
    return notes
