"""Statistical disclosure control for tables that leave the system for the public.

A table of counts (rows × columns, with row totals, column totals and a grand total) goes through
`protect()` with a `Policy` and comes out as a `ProtectedTable` of published cells and footnotes.
Three methods (domain notes §3b, R2–R6):

``none``
    Every figure exact. For internal, authorised use only.
``suppress`` (UNHCR yearbook / sdcTable style)
    *Primary* suppression of interior cells with ``1 <= n < threshold`` (and of zeros only with
    ``suppress_zeros``). Totals are published true, so headline figures stay exact, except that a
    total which is itself small (by the same rule) is primary-suppressed as well. *Secondary*
    suppression then hides further cells until no suppressed figure can be worked out exactly
    from what is published (see "Secondary suppression" below and `recoverable_cells()` for the
    audit). The other option of R4, leaving suppressed figures out of the totals (UNHCR 2017), is
    not offered.
``round`` (Eurostat style)
    Every interior cell rounded to the nearest multiple of ``base`` (halves upwards); the totals
    are the sums of the rounded cells, so the published table adds up.

Rates (`protect_rate`) are always computed from the exact counts and hidden when the denominator
is too small.

The table as a network
----------------------
Both the audit and secondary suppression see a table as a circulation in a small directed graph:
a source node ``s``, one node per row, one per column and a sink ``t``, with an arc
``s → row`` carrying the row total, ``row → column`` the interior cell, ``column → t`` the column
total and ``t → s`` the grand total. Flow conservation at each node is exactly the set of
additivity equations of the table (row sums, column sums, sum of the row totals, sum of the column
totals), so the tables consistent with everything published are the non-negative integer
circulations that agree with the published arcs.

The audit
---------
Let ``f`` be any consistent table (the true one, or one found from the published figures with a
max-flow). Another consistent table ``f'`` differs from ``f`` by a circulation ``d = f' - f``
supported on the suppressed arcs, with ``d_a >= 0`` wherever ``f_a = 0``. By the conformal
decomposition of circulations, ``d`` is a sum of simple cycles each of which runs along a
suppressed arc forwards (increase it: always allowed) or backwards (decrease it: only if
``f_a > 0``). Conversely, pushing one unit round such a cycle gives another non-negative *integer*
table. So a suppressed arc ``e = (u → v)`` can take another value iff the *residual graph*
of the suppressed arcs (every suppressed arc forwards, those with positive value also backwards)
has a cycle through ``e``: a path ``v ⇝ u`` that does not use ``e`` itself, or, when ``f_e > 0``,
a path ``u ⇝ v``. Otherwise its value is determined, i.e. recoverable. This is exact for real and
for integer solutions alike, needs no LP solver, and does not depend on which consistent ``f`` is
used. It is the sharp form of the rule of thumb "at least two suppressed cells per line", which is
not sufficient in two dimensions (a suppressed cell can be a bridge between two otherwise
protected blocks; a pattern can be pinned by zeros, which cannot decrease).

The attacker modelled knows the published figures, the additivity of the table and that counts
are non-negative integers; not that a "*" hides a figure from 1 to ``threshold - 1``.

Secondary suppression
---------------------
1. The line rule (R3), to a fixpoint: every row, column, the row of column totals and the column
   of row totals is a line ``cells = total``. A line with exactly one suppressed member gives it
   away by subtraction, so one more member is suppressed: a non-zero interior cell if there is
   one, preferring one whose other line also has a lone suppressed member, then the smallest;
   only if none, a zero that is not pinned by a published zero total; only then another total
   (never the grand total unless nothing else is left).
2. The audit, to a fixpoint: for every suppressed arc that is still determined, the cheapest set
   of published arcs whose suppression closes a residual cycle through it is found with Dijkstra
   (costs compared lexicographically: grand total, other totals, zeros, then the sum of the values
   hidden) and suppressed. Each round hides at least one more figure, and once everything but the
   grand total is suppressed no figure of a table of two or more cells with a non-zero total is
   determined, so the loop ends with an empty audit; the grand total itself is never needed.
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
    cells: dict[tuple[str, str], Cell]  # interior cells
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell
    notes: list[str] = field(default_factory=list)  # footnotes in plain language

    def get(self, key: tuple[str, str]) -> Cell:
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

    def audit_keys(self) -> list[tuple[str, str]]:
        """The audit keys of every cell, totals included."""
        return _Net(self.rows, self.columns).keys


# -- public functions ---------------------------------------------------------------------------


def protect(
    counts: Mapping[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str], policy: Policy
) -> ProtectedTable:
    """Apply `policy` to a table of exact counts (missing ``(row, column)`` pairs count 0)."""
    net = _Net(rows, columns)
    values = net.true_values(counts)
    if policy.method == "none":
        return _table(net, values, set(), set(), [_("Exact figures: no disclosure control has been applied.")])
    if policy.method == "round":
        return _rounded(net, values, policy)
    primary = {a for a in range(len(values)) if _is_primary(values[a], policy)} if net.rows and net.columns else set()
    suppressed = set(primary)
    _line_rule(net, values, suppressed)
    _close_cycles(net, values, suppressed)
    table = _table(net, values, suppressed, primary, _suppression_notes(net, policy, suppressed, primary))
    leaked = recoverable_cells(table)
    if leaked:  # a bug in this module, never a property of the data
        raise RuntimeError(f"secondary suppression left recoverable cells: {sorted(leaked)}")
    return table


def protect_vector(counts: Mapping[str, int], keys: Sequence[str], policy: Policy) -> ProtectedTable:
    """A one-dimensional table: a single row `VECTOR_ROW` with the keys as columns, same rules.

    Each column total equals its one cell and is published or suppressed with it."""
    return protect({(VECTOR_ROW, k): n for k, n in counts.items()}, [VECTOR_ROW], keys, policy)


def protect_rate(numerator: int, denominator: int, policy: Policy) -> float | None:
    """``numerator / denominator`` as a percentage with one decimal (halves upwards), from the exact
    counts; None (shown as "–") when the denominator is 0 or below ``policy.rate_min_denominator``.

    Recognition rates (domain notes §1e): RRR = protect_rate(recognised, recognised + other +
    rejected), TPR = protect_rate(recognised + other, same denominator)."""
    for name, n in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError(f"{name} must be a non-negative integer, not {n!r}")
    if denominator == 0 or denominator < policy.rate_min_denominator:
        return None
    tenths, remainder = divmod(1000 * numerator, denominator)
    if 2 * remainder >= denominator:
        tenths += 1
    return tenths / 10


def rate_notes(policy: Policy) -> list[str]:
    """The footnote for a table of rates made with `protect_rate`."""
    if policy.rate_min_denominator <= 1:
        return [_("Rates are computed from exact figures.")]
    return [
        _("Rates are computed from exact figures and not shown (–) where they rest on fewer than %(n)d cases.")
        % {"n": policy.rate_min_denominator}
    ]


def recoverable_cells(table: ProtectedTable) -> set[tuple[str, str]]:
    """The audit: the suppressed cells, interior or totals, whose value is uniquely determined by the
    published figures, the additivity of the table and non-negativity (real or integer: the same).

    Margins are keyed ``(row, TOTAL)``, ``(TOTAL, column)`` and ``(TOTAL, TOTAL)``. A feasible table
    is found from the published figures alone by a max-flow, then each suppressed arc is tested for
    a residual cycle through it (see the module docstring). Raises ValueError if the published
    figures are inconsistent (no non-negative table agrees with them)."""
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
    flow = _feasible_flow(net, published, suppressed)
    return {net.keys[a] for a in _determined(net, flow, suppressed)}


# -- the network --------------------------------------------------------------------------------

_S, _T = 0, 1

# Lexicographic cost of suppressing one more published figure: (grand total, other totals, zeros,
# value hidden, figures hidden).
Cost = tuple[int, int, int, int, int]
_FREE: Final[Cost] = (0, 0, 0, 0, 0)


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
        self.keys: list[tuple[str, str]] = []
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

    def _arc(self, key: tuple[str, str], u: int, v: int, kind: str) -> None:
        self.keys.append(key)
        self.ends.append((u, v))
        self.kind.append(kind)

    def true_values(self, counts: Mapping[tuple[str, str], int]) -> list[int]:
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
            return (1, 0, 0, value, 1)
        if kind == "margin":
            return (0, 1, 0, value, 1)
        if value == 0:
            return (0, 0, 1, 0, 1)
        return (0, 0, 0, value, 1)


def _is_primary(n: int, policy: Policy) -> bool:
    return 1 <= n < policy.threshold or (n == 0 and policy.suppress_zeros)


def _residual_adjacency(net: _Net, flow: Mapping[int, int] | Sequence[int], arcs: set[int]) -> list[list]:
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(net.n_nodes)]
    for a in sorted(arcs):
        u, v = net.ends[a]
        adjacency[u].append((v, a))
        if flow[a] > 0:
            adjacency[v].append((u, a))
    return adjacency


def _reaches(adjacency: list[list[tuple[int, int]]], start: int, goal: int, skip: int) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt, a in adjacency[node]:
            if a == skip or nxt in seen:
                continue
            if nxt == goal:
                return True
            seen.add(nxt)
            queue.append(nxt)
    return False


def _is_determined(net: _Net, adjacency: list[list], flow, e: int) -> bool:
    u, v = net.ends[e]
    if _reaches(adjacency, v, u, skip=e):
        return False  # e can increase
    return not (flow[e] > 0 and _reaches(adjacency, u, v, skip=e))  # or decrease


def _determined(net: _Net, flow, suppressed: set[int]) -> list[int]:
    """The suppressed arcs that lie on no residual cycle, for a consistent table `flow`."""
    adjacency = _residual_adjacency(net, flow, suppressed)
    return [e for e in sorted(suppressed) if _is_determined(net, adjacency, flow, e)]


def _feasible_flow(net: _Net, published: dict[int, int], suppressed: set[int]) -> dict[int, int]:
    """Non-negative integer values for the suppressed arcs that, with the published ones, satisfy
    every additivity equation (Edmonds–Karp on the uncapacitated transshipment problem)."""
    excess = [0] * net.n_nodes  # published inflow - outflow: what the suppressed arcs must carry out
    for a, n in published.items():
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
            raise ValueError("the published figures are inconsistent: no non-negative table adds up to them")
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
    flow = dict(published)
    for a, i in edge_of.items():
        flow[a] = capacity[i ^ 1]
    return flow


# -- secondary suppression ----------------------------------------------------------------------


def _line_rule(net: _Net, values: list[int], suppressed: set[int]) -> None:
    """R3: no line may have exactly one suppressed member. Iterates to a fixpoint."""

    def count(line: int) -> int:
        return sum(1 for a in net.lines[line][0] if a in suppressed)

    def pinned_zero(a: int) -> bool:
        # A zero in a line whose total is a published zero is known anyway: hiding it protects nothing.
        return any((total := net.lines[line][1]) not in suppressed and values[total] == 0 for line in net.lines_of[a])

    changed = True
    while changed:
        changed = False
        for i, (members, _total) in enumerate(net.lines):
            if count(i) != 1:
                continue
            candidates = []
            for a in members:
                if a in suppressed:
                    continue
                kind = net.kind[a]
                if kind == "cell":
                    if values[a] > 0:
                        tier = 0
                    elif pinned_zero(a):
                        continue
                    else:
                        tier = 1
                else:
                    tier = 2 if kind == "margin" else 3
                (other,) = (line for line in net.lines_of[a] if line != i)
                candidates.append((tier, 0 if count(other) == 1 else 1, values[a], a))
            if candidates:
                suppressed.add(min(candidates)[3])
                changed = True


def _close_cycles(net: _Net, values: list[int], suppressed: set[int]) -> None:
    """Suppress the cheapest completions until no suppressed arc is determined."""
    while True:
        determined = _determined(net, values, suppressed)
        if not determined:
            return
        for e in determined:
            adjacency = _residual_adjacency(net, values, suppressed)
            if not _is_determined(net, adjacency, values, e):
                continue  # an earlier completion in this round protected it too
            completion = _cheapest_completion(net, values, suppressed, e)
            if completion is None:  # pragma: no cover - impossible for a table with rows and columns
                raise RuntimeError(f"cell {net.keys[e]} cannot be protected")
            suppressed.update(completion)


def _cheapest_completion(net: _Net, values: list[int], suppressed: set[int], e: int) -> list[int] | None:
    """The cheapest published arcs whose suppression puts `e` on a residual cycle."""
    adjacency: list[list[tuple[int, int, Cost]]] = [[] for _ in range(net.n_nodes)]
    for a in range(len(net.keys)):
        if a == e:
            continue
        u, v = net.ends[a]
        cost = _FREE if a in suppressed else net.cost(a, values[a])
        adjacency[u].append((v, a, cost))
        if values[a] > 0:
            adjacency[v].append((u, a, cost))
    u, v = net.ends[e]
    options = [_dijkstra(adjacency, v, u)]
    if values[e] > 0:
        options.append(_dijkstra(adjacency, u, v))
    found = [option for option in options if option is not None]
    if not found:
        return None
    _cost, arcs = min(found)
    return sorted(a for a in arcs if a not in suppressed)


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


# -- building the published table ---------------------------------------------------------------


def _table(net: _Net, values: list[int], suppressed: set[int], primary: set[int], notes: list[str]) -> ProtectedTable:
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
