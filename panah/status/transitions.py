"""Which moves of the legal-status timeline make legal sense, and a replay that checks a whole timeline.

The services check every new event with `replay`, not only the event against the state just before it:
an event dated in the past (a decision recorded late, a correction) lands between events already on the
timeline and can make a later one impossible (a refugee grant dated before a rejection that is already
recorded leaves the rejection "from refugee"). The demo generator, the benchmarks and the tests replay
timelines with the same function, so there is one definition of a valid timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from panah.registry.models import PopulationType
from panah.status.models import EXIT, RESULTING_POPULATION, EventKind
from panah.status.timeline import Fact, known_events

K = EventKind
P = PopulationType
ANY_STOCK = frozenset(P.values)

# For each kind: the population types the person may be in just before it takes effect
# ("" = in no stock). A transition outside this table makes no legal sense and is refused.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    K.ASYLUM_APPLICATION: frozenset({EXIT, P.STA, P.UND, P.OOC}),
    K.REFUGEE_GRANTED: frozenset({P.ASY}),
    K.ASYLUM_REJECTED: frozenset({P.ASY}),
    K.APPEAL_LODGED: frozenset({EXIT}),
    K.APPEAL_REJECTED: frozenset({P.ASY}),
    K.CLAIM_CLOSED: frozenset({P.ASY}),
    K.REFUGEE_EXTENDED: frozenset({P.REF}),
    K.REFUGEE_CEASED: frozenset({P.REF}),
    K.REFUGEE_REVOKED: frozenset({P.REF}),
    K.UNDETERMINED_IDENTIFIED: frozenset({EXIT, P.OOC}),
    K.STATELESS_DETERMINED: frozenset({EXIT, P.UND, P.OOC}),
    K.NATIONALITY_CONFIRMED: frozenset({P.UND, P.STA}),
    K.RESIDENCE_PERMIT: ANY_STOCK,
    K.NATURALISED: frozenset({P.REF, P.STA, P.UND, P.OOC}),
    K.OTHER_OF_CONCERN: frozenset({EXIT}),
    K.DEPARTED: ANY_STOCK,
    K.DIED: ANY_STOCK,
}

# Some kinds also need a particular event just before them.
REQUIRES_PREVIOUS: dict[str, frozenset[str]] = {
    K.APPEAL_LODGED: frozenset({K.ASYLUM_REJECTED, K.APPEAL_REJECTED}),
    K.APPEAL_REJECTED: frozenset({K.APPEAL_LODGED}),
}


@dataclass(frozen=True)
class Violation:
    """An event that the events before it do not allow. `problem` is "after_death", "from_state" or
    "needs_previous"; `state` is the population type just before the event, `previous` the kind of the
    last population-changing event before it."""

    fact: Fact
    problem: str
    state: str
    previous: str | None


def timeline_order(fact: Fact) -> tuple[dt.date, dt.datetime, int]:
    """The order in which events take effect: by date, then by when they were recorded."""
    return (fact.effective, fact.recorded_at, fact.id)


def check_step(kind: str, state: str, previous: str | None) -> str | None:
    """Why `kind` cannot follow `state` reached by the event `previous` (None: it can)."""
    if previous == K.DIED:
        return "after_death"
    if kind not in ALLOWED_FROM:
        return None  # a retraction voids another event and is not a step of the timeline itself
    if state not in ALLOWED_FROM[kind]:
        return "from_state"
    needed = REQUIRES_PREVIOUS.get(kind)
    if needed and previous not in needed:
        return "needs_previous"
    return None


def replay(facts: Sequence[Fact], known_on: dt.datetime) -> list[Violation]:
    """Every event of a timeline, as known on `known_on`, that the events before it do not allow."""
    state, previous = "", None
    violations = []
    for fact in sorted(known_events(facts, known_on), key=timeline_order):
        if fact.kind == K.RETRACTION:
            continue
        problem = check_step(fact.kind, state, previous)
        if problem is not None:
            violations.append(Violation(fact, problem, state, previous))
        resulting = RESULTING_POPULATION[fact.kind]
        if resulting is not None:
            state, previous = resulting, fact.kind
    return violations
