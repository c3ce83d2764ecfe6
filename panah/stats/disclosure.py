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
"""

from __future__ import annotations

import heapq
import json
from collections import deque
from collections.abc import Mapping, Sequence
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


def protect(counts: Mapping[Key, int], rows: Sequence[str], columns: Sequence[str], policy: Policy) -> ProtectedTable:
    """Apply `policy` to a table of exact counts (missing ``(row, column)`` pairs count 0)."""
    net = _Net(rows, columns)
    values = net.true_values(counts)
    if policy.method == "none":
        return _table(net, values, set(), set(), [_("Exact figures: no disclosure control has been applied.")])
    if policy.method == "round":
        return _rounded(net, values, policy)
    floor = 0 if policy.suppress_zeros else 1
    primary = {a for a in range(len(values)) if _is_primary(values[a], policy)} if net.rows and net.columns else set()
    suppressed = set(primary)
    _line_rule(net, values, suppressed)
    _widen_all(net, values, suppressed, primary, floor)
    _publish_grand_total_if_safe(net, values, suppressed, primary, floor)
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
    net: _Net, values: list[int], suppressed: set[int], primary: set[int], floor: int
) -> None:
    """Widening takes the grand total only when nothing cheaper helps at that moment; figures
    suppressed later may have made it unnecessary, and the headline figure is worth a re-check."""
    mirrors = set(net.grand_total_mirrors())
    if not mirrors <= suppressed or mirrors & primary:
        return
    trial = suppressed - mirrors
    if not _shortfalls(net, values, trial, primary, floor):
        suppressed.difference_update(mirrors)


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
