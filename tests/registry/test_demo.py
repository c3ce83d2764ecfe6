"""The demo registry (`panah demo`): the figures published for 1 January 2017 through the real
selectors, timelines every transition rule allows, addresses on regions that existed, names that
search finds, reproducible data and working demo logins.

The default demo (12,000 persons) is loaded once for the module, through the command, inside a
transaction that is rolled back when the module ends; each test runs in a savepoint inside it.
"""

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from panah.accounts.models import Organisation, User
from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.cases.models import Case
from panah.common import demo
from panah.geo.models import Region
from panah.geo.regions import SPLIT_2018, SPLIT_2022
from panah.registry.iin import parse_iin
from panah.registry.models import (
    Address,
    Consent,
    Document,
    HouseholdMember,
    NameToken,
    Person,
    PersonName,
    SpecificNeed,
)
from panah.registry.names import detect_script
from panah.registry.services import name_tokens, registration_number_for
from panah.status.models import RESULTING_POPULATION, StatusEvent
from panah.status.selectors import known_on_bound, persons_with_population, stock
from panah.status.services import ALLOWED_FROM, REQUIRES_PREVIOUS
from panah.status.timeline import Fact, known_events

REFERENCE_DAY = dt.date(2017, 1, 1)
PUBLISHED_ON = dt.date(2017, 1, 15)


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("demo", stdout=out)
            # Check every foreign key now, once: PostgreSQL defers them, and each test's teardown
            # would otherwise check the whole demo again.
            connection.check_constraints()
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def loaded(demo_output: str, db: Any) -> Iterator[str]:
    with unscoped("test of the demo registry"):
        yield demo_output


@pytest.mark.parametrize("known_on", [None, PUBLISHED_ON], ids=["known today", "known on 15 January 2017"])
def test_figures_as_of_1_january_2017_are_the_published_ones(loaded: str, known_on: dt.date | None) -> None:
    figures = stock(as_of=REFERENCE_DAY, known_on=known_on or timezone.localdate())

    assert (figures["REF"], figures["STA"], figures["UND"]) == (626, 6706, 1781)
    assert 10 <= figures["ASY"] <= 99  # a few dozen open claims
    assert 1 <= figures["OOC"] <= 9


def test_about_95_percent_of_the_2017_refugees_come_from_afghanistan(loaded: str) -> None:
    refugees = persons_with_population(as_of=REFERENCE_DAY, known_on=timezone.localdate()).filter(
        population_as_of="REF"
    )
    origins = Counter(dict(refugees.values_list("country_of_origin").annotate(n=Count("pk")).order_by()))

    assert origins.total() == 626
    assert 0.93 <= origins["AFG"] / 626 <= 0.97
    assert {"SYR", "UZB", "PSE"} <= set(origins)


def test_every_timeline_obeys_the_transition_rules(loaded: str) -> None:
    now = timezone.now()
    published = known_on_bound(PUBLISHED_ON)
    by_person: dict[int, list[Fact]] = defaultdict(list)
    rows = StatusEvent.objects.values_list(
        "person_id", "id", "kind", "effective", "recorded_at", "supersedes_id", "population_type"
    )
    for person_id, pk, kind, effective, recorded_at, supersedes_id, population_type in rows:
        assert population_type == RESULTING_POPULATION[kind]
        assert recorded_at <= now
        assert effective <= timezone.localdate()
        if effective <= REFERENCE_DAY:
            assert recorded_at <= published, "what was in force on 1.1.2017 was known when it was published"
        by_person[person_id].append(Fact(pk, kind, effective, recorded_at, supersedes_id))

    checked = 0
    for person_id, facts in by_person.items():
        state, last_kind = "", None
        for fact in sorted(known_events(facts, now), key=lambda f: (f.effective, f.recorded_at, f.id)):
            assert last_kind != "died", f"person {person_id}: {fact.kind} after death"
            if fact.kind not in ALLOWED_FROM:
                continue  # a retraction voids another event and changes nothing itself
            assert state in ALLOWED_FROM[fact.kind], f"person {person_id}: {fact.kind} from {state!r}"
            if fact.kind in REQUIRES_PREVIOUS:
                assert last_kind in REQUIRES_PREVIOUS[fact.kind], f"person {person_id}: {fact.kind} after {last_kind}"
            if RESULTING_POPULATION[fact.kind] is not None:
                state, last_kind = RESULTING_POPULATION[fact.kind] or "", fact.kind
            checked += 1
    assert checked > 30_000
    assert StatusEvent.objects.filter(kind="retraction").exists()
    assert Person.objects.count() == demo.DEFAULT_PERSONS


def test_the_registry_continues_to_today(loaded: str) -> None:
    later = Counter(StatusEvent.objects.filter(effective__gt=REFERENCE_DAY).values_list("kind", flat=True))
    for kind in (
        "asylum_application",
        "refugee_granted",
        "asylum_rejected",
        "refugee_extended",
        "naturalised",
        "nationality_confirmed",
        "stateless_determined",
        "departed",
        "died",
    ):
        assert later[kind] > 0, kind
    born_since = Person.objects.filter(birth_date__gt=REFERENCE_DAY)
    assert born_since.count() > 100
    assert HouseholdMember.objects.filter(person__in=born_since, relationship="child").count() == born_since.count()
    young = born_since.filter(birth_date__gt=timezone.localdate() - dt.timedelta(days=5 * 365))
    assert young.exclude(documents__type="birth_cert").exists(), "children without a birth certificate"


def test_stored_population_type_is_today_as_known_now(loaded: str) -> None:
    persons = persons_with_population(as_of=timezone.localdate(), known_on=timezone.now())

    assert not persons.exclude(population_type=F("population_as_of")).exists()
    assert Person.objects.filter(population_type="REF").exists()


def test_addresses_use_regions_that_existed_and_the_current_one_is_the_persons_region(loaded: str) -> None:
    regions = {r.code: r for r in Region.objects.all()}
    open_addresses: dict[int, list[str]] = defaultdict(list)
    split_2018 = set()
    for person_id, code, valid_from, valid_to in Address.objects.values_list(
        "person_id", "region_id", "valid_from", "valid_to"
    ):
        region = regions[code]
        assert region.existed_on(valid_from), f"{code} did not exist on {valid_from}"
        if region.valid_to is not None:
            assert valid_to is not None and valid_to <= region.valid_to
        if code in ("KZ-10", "KZ-33", "KZ-62"):
            assert valid_from >= SPLIT_2022
        if code == "KZ-YUZ" and valid_to == SPLIT_2018:
            split_2018.add(person_id)  # still living there when the region was divided
        if valid_to is None:
            open_addresses[person_id].append(code)

    persons = dict(Person.objects.values_list("pk", "region_id"))
    assert set(open_addresses) == set(persons)
    assert all(len(codes) == 1 and codes[0] == persons[pk] for pk, codes in open_addresses.items())
    moved_on_the_day = set(
        Address.objects.filter(valid_from=SPLIT_2018, region__in=["KZ-61", "KZ-79"]).values_list("person_id", flat=True)
    )
    assert split_2018 and split_2018 <= moved_on_the_day
    assert Address.objects.filter(valid_from=SPLIT_2022, region__in=["KZ-10", "KZ-33", "KZ-62"]).exists()


def test_every_name_has_its_search_tokens(loaded: str) -> None:
    assert not PersonName.objects.annotate(n=Count("tokens")).filter(n=0).exists()
    assert NameToken.objects.exclude(person_id=F("name__person_id")).count() == 0
    sample = PersonName.objects.order_by("pk")[:500]
    for name in sample:
        expected = {(t.key, t.skeleton) for t in name_tokens(name.person_id, name)}
        assert set(name.tokens.values_list("key", "skeleton")) == expected
    for name in PersonName.objects.filter(script__in=["arab", "latn"]).order_by("pk")[:300]:
        assert detect_script(name.text) == name.script


def test_names_are_written_in_the_scripts_of_each_group(loaded: str) -> None:
    afghans = Person.objects.filter(country_of_origin="AFG")
    scripts = Counter(PersonName.objects.filter(person__in=afghans).values_list("script", flat=True))
    assert scripts["cyrl"] == afghans.count()
    assert scripts["latn"] > afghans.count() / 2 and scripts["arab"] > afghans.count() / 2
    stateless = PersonName.objects.filter(person__population_type="STA", script="cyrl")
    assert stateless.filter(patronymic__endswith="ович").exists()
    assert stateless.filter(patronymic__endswith="ұлы").exists()
    assert stateless.filter(patronymic__endswith="қызы").exists()
    assert stateless.filter(patronymic__endswith="овна").exists()


def test_persons_are_registered_with_plausible_details(loaded: str) -> None:
    numbers = list(Person.objects.values_list("pk", "registration_number"))
    assert all(number == registration_number_for(pk) for pk, number in numbers)
    assert Person.objects.filter(birth_date_precision="year", birth_date_estimated=True).exists()
    for number, birth, precision, sex in Person.objects.exclude(iin="").values_list(
        "iin", "birth_date", "birth_date_precision", "sex"
    ):
        decoded = parse_iin(number)
        assert decoded.sex == sex and (precision != "day" or decoded.birth_date == birth)
    for person in Person.objects.order_by("?")[:200]:
        person.full_clean()
    heads = Counter(HouseholdMember.objects.filter(relationship="head").values_list("household_id", flat=True))
    assert set(heads.values()) == {1}
    assert set(heads) == set(HouseholdMember.objects.values_list("household_id", flat=True))
    died = SpecificNeed.objects.filter(
        person__status_events__kind="died", identified_on__gt=F("person__status_events__effective")
    )
    assert not died.exists(), "specific needs are identified while the person is alive"
    codes = set(SpecificNeed.objects.values_list("code_id", flat=True))
    assert {"LP-ND", "SM-CI", "DS-PM", "WR-SF", "ER-NF"} <= codes
    assert Consent.objects.exists()
    assert Document.objects.filter(type="refugee_cert").exists()
    assert Document.objects.filter(type="stateless_cert").exists()


def test_undetermined_persons_belong_to_the_partners_that_identified_them(loaded: str) -> None:
    owners = set(Organisation.objects.filter(persons__population_type="UND").values_list("code", flat=True))
    assert owners == {"kibhr", "sana-sezim"}
    refugees = Organisation.objects.filter(persons__population_type__in=["REF", "ASY"]).values_list("code", flat=True)
    assert set(refugees) == {"mlsp"}
    assert not Person.objects.filter(organisation__code="unhcr-kz").exists(), "UNHCR sees what others share"


def test_pavlodar_has_namesakes_called_ahmadi_and_one_certificate_expires_in_ten_days(loaded: str) -> None:
    namesakes = Person.objects.filter(region="KZ-55", names__family_name="Ахмади", names__script="cyrl").distinct()
    assert namesakes.count() >= 3
    expiring = namesakes.filter(
        population_type="REF",
        documents__type="refugee_cert",
        documents__valid_to=timezone.localdate() + dt.timedelta(days=10),
    )
    assert expiring.exists()
    assert (
        Document.objects.filter(
            type="refugee_cert",
            person__population_type="REF",
            valid_to__range=(timezone.localdate(), timezone.localdate() + dt.timedelta(days=28)),
        ).count()
        > 5
    )


@pytest.mark.parametrize("username", [row[0] for row in demo.DEMO_USERS])
def test_demo_login_works(loaded: str, client: Any, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": demo.DEMO_PASSWORD})

    assert response.status_code == 302, response.content[:500]
    assert int(client.session["_auth_user_id"]) == User.objects.get(username=username).pk


def test_demo_logins_see_what_their_role_and_regions_allow(loaded: str) -> None:
    def visible(username: str) -> Any:
        with use_scope(scope_for(User.objects.get(username=username))):
            return list(Person.objects.values_list("region_id", "organisation__code"))

    pavlodar = visible("officer.pavlodar")
    assert pavlodar and {region for region, _ in pavlodar} == {"KZ-55"}
    lawyer = visible("lawyer.kibhr")
    assert lawyer and {org for _, org in lawyer} == {"kibhr"}
    assert len(visible("unhcr.protection")) == Person.objects.count()
    assert visible("statistician") == []
    assert {region for region, _ in visible("viewer.almaty")} == {"KZ-75"}


def test_command_prints_the_logins_and_where_to_go(loaded: str) -> None:
    assert "`panah serve`" in loaded and ":8000" not in loaded  # serve says where, on the port it was given
    for username, *_ in demo.DEMO_USERS:
        assert username in loaded
    assert "REF 626" in loaded and "STA 6,706" in loaded and "UND 1,781" in loaded


def test_if_empty_leaves_a_loaded_registry_alone(loaded: str) -> None:
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)

    assert "not loaded" in out.getvalue()
    assert Person.objects.count() == demo.DEFAULT_PERSONS
    with pytest.raises(CommandError, match="empty registry"):
        call_command("demo", stdout=io.StringIO())


def test_the_database_holds_the_plan_of_the_seed(loaded: str) -> None:
    plan = demo.plan_demo(today=timezone.localdate())
    # The demo casework (panah.cases.demo) then decides on some persons' files: a naturalisation, a
    # residence permit or a determination moves their population type on from the plan's.
    worked = set(Case.objects.values_list("person_id", flat=True)) | set(
        StatusEvent.objects.filter(decision_reference__startswith="CW-RP-").values_list("person_id", flat=True)
    )
    stored = list(Person.objects.order_by("pk").values_list("pk", "birth_date", "sex", "region_id", "population_type"))
    assert worked and len(worked) < len(stored) / 10
    assert [
        (birth, sex, region, None if pk in worked else population) for pk, birth, sex, region, population in stored
    ] == [
        (p.birth_date, p.sex, p.region, None if pk in worked else p.population_type)
        for (pk, *_rest), p in zip(stored, plan.persons, strict=True)
    ]
    names = list(PersonName.objects.order_by("person_id", "position").values_list("given_name", "family_name"))
    assert names == [(n.given_name, n.family_name) for p in plan.persons for n in p.names]


def test_same_seed_gives_the_same_registry_and_another_seed_another() -> None:
    today = dt.date(2026, 11, 25)
    first = demo.plan_demo(persons=400, seed=7, today=today)
    again = demo.plan_demo(persons=400, seed=7, today=today)
    other = demo.plan_demo(persons=400, seed=8, today=today)

    assert first == again
    assert first != other
    assert len(first.persons) == 400
    assert first.stock(REFERENCE_DAY)["REF"] == round(626 * 400 / demo.DEFAULT_PERSONS)
