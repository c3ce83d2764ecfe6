"""The timeline fold in plain Python: the definition the SQL selectors must agree with.

Used by the services to check a transition against a person's own events, and by the
property-based tests as the reference the database query is compared to.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from panah.status.models import RESULTING_POPULATION, EventKind


@dataclass(frozen=True)
class Fact:
    id: int
    kind: str
    effective: dt.date
    recorded_at: dt.datetime
    supersedes_id: int | None = None


def as_facts(events: Iterable) -> list[Fact]:
    return [Fact(e.id, e.kind, e.effective, e.recorded_at, e.supersedes_id) for e in events]


def known_events(facts: Sequence[Fact], known_on: dt.datetime) -> list[Fact]:
    """Events recorded by `known_on` and not superseded by a correction recorded by then."""
    known = [f for f in facts if f.recorded_at <= known_on]
    superseded = {f.supersedes_id for f in known if f.supersedes_id is not None}
    return [f for f in known if f.id not in superseded]


def population_on(facts: Sequence[Fact], as_of: dt.date, known_on: dt.datetime) -> str:
    """Population type on `as_of` as known at `known_on`; "" when in no stock."""
    last: Fact | None = None
    for fact in known_events(facts, known_on):
        if fact.effective > as_of or RESULTING_POPULATION[fact.kind] is None:
            continue
        if last is None or (fact.effective, fact.recorded_at, fact.id) > (last.effective, last.recorded_at, last.id):
            last = fact
    return RESULTING_POPULATION[last.kind] or "" if last else ""


def last_kind_on(facts: Sequence[Fact], as_of: dt.date, known_on: dt.datetime) -> str | None:
    """The kind of the last population-changing event in force on `as_of`."""
    changing = [
        f for f in known_events(facts, known_on) if f.effective <= as_of and RESULTING_POPULATION[f.kind] is not None
    ]
    if not changing:
        return None
    return max(changing, key=lambda f: (f.effective, f.recorded_at, f.id)).kind


__all__ = ["EventKind", "Fact", "as_facts", "known_events", "last_kind_on", "population_on"]
