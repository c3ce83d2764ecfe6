"""Property-based tests of the bitemporal timeline: the database fold agrees with the Python
definition and with a plain replay, and a correction recorded after K never changes what was
known on K."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from panah.accounts.scope import unscoped
from panah.registry.models import Person
from panah.status import selectors
from panah.status.models import RESULTING_POPULATION, EventKind, StatusEvent
from panah.status.timeline import Fact, population_on
from tests.factories import OrganisationFactory, PersonFactory

START = dt.date(2010, 1, 1)
KINDS = [k for k in EventKind.values if k != EventKind.RETRACTION]
# A short window makes same-day events and corrections around K common, where the fold can go wrong.
SPAN = 120
days = st.integers(min_value=0, max_value=SPAN)
hours = st.integers(min_value=0, max_value=SPAN * 24)

# An event: (kind, effective day offset, recorded hour offset, index of an earlier event it corrects or None)
event_specs = st.lists(
    st.tuples(st.sampled_from([*KINDS, EventKind.RETRACTION]), days, hours, st.one_of(st.none(), st.integers(0, 30))),
    min_size=1,
    max_size=12,
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def at(hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(START, dt.time.min)) + dt.timedelta(hours=hour)


def build(person, specs) -> list[StatusEvent]:
    """Insert events as given (the timeline semantics are under test, not the transition rules).

    A correction may only supersede an event recorded before it and not yet corrected, as the
    service guarantees; specs that break that are turned into plain events.
    """
    events: list[StatusEvent] = []
    corrected: set[int] = set()
    with unscoped("property test"):
        for kind, day, hour, target in specs:
            supersedes = None
            if target is not None and events:
                candidate = events[target % len(events)]
                if candidate.pk not in corrected and candidate.recorded_at < at(hour):
                    supersedes = candidate
            if kind == EventKind.RETRACTION and supersedes is None:
                kind = EventKind.DEPARTED
            event = StatusEvent(
                person=person,
                kind=kind,
                effective=START + dt.timedelta(days=day),
                recorded_at=at(hour),
                supersedes=supersedes,
            )
            event.save()
            if supersedes is not None:
                corrected.add(supersedes.pk)
            events.append(event)
    return events


def facts(events) -> list[Fact]:
    return [Fact(e.pk, e.kind, e.effective, e.recorded_at, e.supersedes_id) for e in events]


def replay(events, as_of: dt.date, known_on: dt.datetime) -> str:
    """An independent reading of ARCHITECTURE.md section 2: apply the known, unsuperseded events in
    the order they took effect; each sets the population type unless it leaves it unchanged."""
    known = [e for e in events if e.recorded_at <= known_on]
    voided = {e.supersedes_id for e in known if e.supersedes_id}
    state = ""
    for event in sorted(known, key=lambda e: (e.effective, e.recorded_at, e.pk)):
        if event.pk in voided or event.effective > as_of:
            continue
        if RESULTING_POPULATION[event.kind] is not None:
            state = RESULTING_POPULATION[event.kind]
    return state


def sql_population(person, as_of, known_on) -> str:
    with unscoped("property test"):
        return selectors.persons_with_population(as_of=as_of, known_on=known_on).get(pk=person.pk).population_as_of


@pytest.fixture
def organisation(db):
    return OrganisationFactory(code="timeline-org", regions=["KZ-55"])


# Explicit examples of the edges a random search can miss: two events on one day recorded in the
# other order, and an event corrected after K.
@PROPERTY_SETTINGS
@given(specs=event_specs, as_of_day=days, known_hour=hours)
@example(specs=[("asylum_application", 0, 10, None), ("refugee_granted", 0, 5, None)], as_of_day=0, known_hour=100)
@example(
    specs=[("asylum_application", 0, 0, None), ("refugee_granted", 5, 24, None), ("retraction", 0, 500, 1)],
    as_of_day=10,
    known_hour=100,
)
def test_database_fold_equals_python_fold_and_replay(organisation, specs, as_of_day, known_hour):
    person = PersonFactory(organisation=organisation)
    events = build(person, specs)
    as_of, known_on = START + dt.timedelta(days=as_of_day), at(known_hour)
    expected = replay(events, as_of, known_on)
    assert population_on(facts(events), as_of, known_on) == expected
    assert sql_population(person, as_of, known_on) == expected


@PROPERTY_SETTINGS
@given(specs=event_specs, as_of_day=days)
@example(specs=[("asylum_application", 0, 10, None), ("refugee_granted", 0, 5, None)], as_of_day=0)
def test_answer_for_today_equals_replaying_every_event(organisation, specs, as_of_day):
    person = PersonFactory(organisation=organisation)
    events = build(person, specs)
    as_of = START + dt.timedelta(days=as_of_day)
    assert sql_population(person, as_of, timezone.localdate()) == replay(events, as_of, timezone.now())


@PROPERTY_SETTINGS
@given(
    specs=event_specs,
    as_of_day=days,
    known_hour=hours,
    later=st.lists(
        st.tuples(st.sampled_from([*KINDS, EventKind.RETRACTION]), days, st.integers(1, 400), st.integers(0, 30)),
        min_size=1,
        max_size=4,
    ),
)
@example(
    specs=[("asylum_application", 0, 0, None), ("refugee_granted", 5, 24, None)],
    as_of_day=10,
    known_hour=100,
    later=[("retraction", 0, 50, 1)],
)
def test_correction_recorded_after_k_does_not_change_what_was_known_on_k(
    organisation, specs, as_of_day, known_hour, later
):
    person = PersonFactory(organisation=organisation)
    events = build(person, specs)
    as_of, known_on = START + dt.timedelta(days=as_of_day), at(known_hour)
    before = sql_population(person, as_of, known_on)
    # Corrections and new events, all recorded after K.
    build(person, [(kind, day, known_hour + delay, target) for kind, day, delay, target in later])
    with unscoped("property test"):
        assert StatusEvent.objects.filter(person=person).count() > len(events)
    assert sql_population(person, as_of, known_on) == before


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(histories=st.lists(event_specs, min_size=1, max_size=6), as_of_day=days, known_hour=hours)
def test_stock_counts_each_person_once_in_the_type_the_fold_gives(organisation, histories, as_of_day, known_hour):
    as_of, known_on = START + dt.timedelta(days=as_of_day), at(known_hour)
    # The table is shared between examples: count only this example's persons.
    persons = [PersonFactory(organisation=organisation) for _ in histories]
    expected = Counter()
    for person, specs in zip(persons, histories, strict=True):
        state = replay(build(person, specs), as_of, known_on)
        if state:
            expected[state] += 1
    with unscoped("property test"):
        rows = (
            selectors.persons_with_population(as_of=as_of, known_on=known_on)
            .filter(pk__in=[p.pk for p in persons])
            .exclude(population_as_of="")
            .values("population_as_of")
            .annotate(n=Count("pk"))
        )
        assert {r["population_as_of"]: r["n"] for r in rows} == dict(expected)
        assert Person.objects.filter(pk__in=[p.pk for p in persons]).count() == len(persons)


# Any sequence of requests to the status service, in any order of effective dates: what it accepts is a
# timeline that the transition rules allow from start to end (not only each event against the one before).
service_requests = st.lists(
    st.tuples(st.sampled_from(KINDS), days, st.one_of(st.none(), st.integers(0, 30))), min_size=1, max_size=14
)


@PROPERTY_SETTINGS
@given(requests=service_requests)
def test_the_service_only_ever_leaves_a_timeline_the_rules_allow(organisation, requests):
    from django.core.exceptions import ValidationError

    from panah.status.services import correct_status_event, record_status_event
    from panah.status.timeline import as_facts
    from panah.status.transitions import replay

    person = PersonFactory(organisation=organisation)
    with unscoped("property test"):
        for kind, day, correct in requests:
            events = list(StatusEvent.objects.filter(person=person, supersedes__isnull=True).order_by("pk"))
            try:
                if correct is not None and events:
                    target = events[correct % len(events)]
                    if StatusEvent.objects.filter(supersedes=target).exists():
                        continue
                    correct_status_event(event=target, by=None, reason="property test")
                else:
                    record_status_event(person=person, kind=kind, effective=START + dt.timedelta(days=day), by=None)
            except ValidationError:
                continue
        assert replay(as_facts(StatusEvent.objects.filter(person=person)), timezone.now()) == []
