"""The demo is drawn relative to the day it is loaded ("today"); its invariants hold whatever that day is.

`make test` once went red on 7 December 2026 only because of the date: the demo casework recorded a
refugee grant dated before a rejection the timeline already held. So the invariants are checked for ten
days spread over several years: leap days, New Year's Eve and Day, the days around a rule change (the
statelessness procedure of 1 September 2020, the regions of 8 June 2022), the day that failed, and one in
the future. The whole plan is checked at full size (the 2017 figures depend on it); the database demo,
casework included, is loaded at a smaller size with the clock set to that day.
"""

import datetime as dt
import io
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.cases.models import Case
from panah.cases.workflows import CaseKind
from panah.common import demo
from panah.registry.models import Person
from panah.status.models import StatusEvent
from panah.status.selectors import stock
from panah.status.timeline import Fact, population_on
from panah.status.transitions import replay

ALMATY = ZoneInfo("Asia/Almaty")
REFERENCE_DAY = dt.date(2017, 1, 1)
PUBLISHED_ON = dt.date(2017, 1, 15)
FIGURES_2017 = {"REF": 626, "STA": 6706, "UND": 1781}

DAYS = [
    dt.date(2020, 8, 31),  # the day before the statelessness determination procedure began
    dt.date(2020, 9, 1),  # its first day
    dt.date(2022, 6, 7),  # the day before three regions were created
    dt.date(2022, 6, 8),
    dt.date(2024, 2, 29),  # a leap day
    dt.date(2024, 12, 31),  # New Year's Eve
    dt.date(2025, 1, 1),
    dt.date(2026, 12, 7),  # the day the suite went red
    dt.date(2028, 2, 29),
    dt.date(2031, 6, 15),
]


def _planned_facts(person: demo.PlannedPerson) -> list[Fact]:
    facts = []
    for index, event in enumerate(person.events):
        assert event.recorded_at is not None
        facts.append(Fact(index, event.kind, event.effective, event.recorded_at, event.supersedes))
    return facts


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_plan_keeps_the_2017_figures_and_the_transition_rules_on_any_day(today: dt.date) -> None:
    plan = demo.plan_demo(today=today)
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=ALMATY)

    figures = plan.stock(REFERENCE_DAY)
    assert {code: figures[code] for code in FIGURES_2017} == FIGURES_2017
    for number, person in enumerate(plan.persons):
        facts = _planned_facts(person)
        assert all(f.effective < today and f.recorded_at < end_of_today for f in facts), number
        assert replay(facts, end_of_today) == [], f"planned person {number}"
        published = dt.datetime.combine(PUBLISHED_ON, dt.time(), tzinfo=ALMATY)
        assert population_on(facts, REFERENCE_DAY, published) == population_on(facts, REFERENCE_DAY, end_of_today)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_loaded_demo_and_its_casework_obey_the_rules_on_any_day(db: Any, today: dt.date) -> None:
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), tzinfo=ALMATY), tick=True):
        call_command("demo", "--persons", "1500", stdout=io.StringIO())
        now = timezone.now()
        with unscoped("test of the demo registry"):
            by_person: dict[int, list[Fact]] = defaultdict(list)
            for person_id, pk, kind, effective, recorded_at, supersedes_id in StatusEvent.objects.values_list(
                "person_id", "id", "kind", "effective", "recorded_at", "supersedes_id"
            ):
                assert effective <= today and recorded_at <= now
                by_person[person_id].append(Fact(pk, kind, effective, recorded_at, supersedes_id))
            faults = {person_id: replay(facts, now) for person_id, facts in by_person.items()}
            assert {person_id: v for person_id, v in faults.items() if v} == {}
            stored = dict(Person.objects.values_list("pk", "population_type"))
            assert stored == {pk: population_on(by_person.get(pk, []), today, now) for pk in stored}
            assert Case.objects.exclude(opened_on__lte=today).count() == 0
            assert Case.objects.values("kind").distinct().count() == len(CaseKind)
            as_published = stock(as_of=REFERENCE_DAY, known_on=PUBLISHED_ON)
            assert as_published == stock(as_of=REFERENCE_DAY, known_on=today)
