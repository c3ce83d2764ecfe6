"""Stocks from the statistics index, checked against hand-computed figures and against the
timeline fold (issue 3's selector) that defines them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.registry.models import Address
from panah.registry.services import move_person, update_person
from panah.stats import facts
from panah.stats.selectors import age_group, stock_cube, stock_totals
from panah.status import selectors as timeline_selectors
from panah.status.models import EventKind as K
from panah.status.services import correct_status_event, record_status_event
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, country, region


@pytest.fixture
def org(db):
    return OrganisationFactory(code="stats-org", regions=["KZ-55", "KZ-75", "KZ-YUZ", "KZ-61"])


@pytest.fixture
def registrar(org):
    return MembershipFactory(organisation=org, role="registrar", regions=["KZ-55", "KZ-75"]).user


def event(person, kind, day, **extra):
    with unscoped("test"):
        return record_status_event(person=person, kind=kind, effective=day, by=None, **extra)


@pytest.mark.parametrize(
    ("birth", "reference", "group"),
    [
        (dt.date(2012, 1, 1), dt.date(2016, 12, 31), "0-4"),  # AT5: age 4
        (dt.date(2012, 1, 1), dt.date(2017, 1, 1), "5-11"),  # 5th birthday
        (dt.date(1957, 1, 1), dt.date(2017, 1, 1), "60+"),  # 60th birthday on the reference date
        (dt.date(1957, 1, 2), dt.date(2017, 1, 1), "18-59"),
        (dt.date(1999, 1, 1), dt.date(2017, 1, 1), "18-59"),
        (dt.date(2000, 2, 29), dt.date(2018, 2, 28), "12-17"),  # a leap-day birthday comes on 1 March
        (dt.date(2000, 2, 29), dt.date(2018, 3, 1), "18-59"),
        (None, dt.date(2017, 1, 1), "unknown"),
    ],
)
def test_age_group_boundaries(birth, reference, group):
    assert age_group(birth, reference) == group


def test_year_only_birth_counts_from_mid_year(org):
    born_2012 = PersonFactory(organisation=org, birth_date=dt.date(2012, 1, 1), birth_date_precision="year")
    event(born_2012, K.UNDETERMINED_IDENTIFIED, dt.date(2015, 1, 1))
    with unscoped("test"):
        # 1 July 2012 + 5 years = 1 July 2017: aged 4 on 30 June 2017, 5 on 1 July.
        assert stock_cube(as_of=dt.date(2017, 6, 30), known_on=timezone.now()).margin("age_group") == {("0-4",): 1}
        assert stock_cube(as_of=dt.date(2017, 7, 1), known_on=timezone.now()).margin("age_group") == {("5-11",): 1}


def test_hand_computed_stock_by_origin_sex_age_and_region(org):
    afg = country("AFG")
    syr = country("SYR")
    people = [
        # (origin, sex, birth, region, events)
        (afg, "M", dt.date(1980, 5, 1), "KZ-55", [(K.ASYLUM_APPLICATION, dt.date(2015, 1, 10)), (K.REFUGEE_GRANTED, dt.date(2015, 6, 1))]),
        (afg, "F", dt.date(2014, 3, 1), "KZ-55", [(K.ASYLUM_APPLICATION, dt.date(2015, 1, 10)), (K.REFUGEE_GRANTED, dt.date(2015, 6, 1))]),
        (syr, "M", dt.date(1950, 1, 1), "KZ-75", [(K.ASYLUM_APPLICATION, dt.date(2016, 11, 1))]),
        (None, "F", dt.date(1990, 1, 1), "KZ-75", [(K.STATELESS_DETERMINED, dt.date(2010, 1, 1))]),
        (None, "M", dt.date(1990, 1, 1), "KZ-75", [(K.STATELESS_DETERMINED, dt.date(2010, 1, 1)), (K.NATURALISED, dt.date(2016, 12, 31))]),
        (afg, "M", dt.date(1985, 1, 1), "KZ-55", [(K.ASYLUM_APPLICATION, dt.date(2017, 2, 1))]),  # after D
    ]  # fmt: skip
    for origin, sex, birth, code, events in people:
        person = PersonFactory(
            organisation=org, country_of_origin=origin, sex=sex, birth_date=birth, region=region(code)
        )
        for kind, day in events:
            event(person, kind, day)
    with unscoped("test"):
        cube = stock_cube(as_of=dt.date(2017, 1, 1), known_on=timezone.now())
    assert stock_totals(cube) == {"REF": 2, "ASY": 1, "STA": 1, "UND": 0, "OOC": 0}
    assert cube.margin("population_type", "origin") == {("REF", "AFG"): 2, ("ASY", "SYR"): 1, ("STA", ""): 1}
    assert cube.margin("population_type", "sex", "age_group") == {
        ("REF", "M", "18-59"): 1,
        ("REF", "F", "0-4"): 1,
        ("ASY", "M", "60+"): 1,
        ("STA", "F", "18-59"): 1,
    }
    assert cube.margin("region") == {("KZ-55",): 2, ("KZ-75",): 2}
    with unscoped("test"):
        assert stock_totals(stock_cube(as_of=dt.date(2017, 1, 1), known_on=timezone.now(), regions=["KZ-55"])) == {
            "REF": 2,
            "ASY": 0,
            "STA": 0,
            "UND": 0,
            "OOC": 0,
        }


def test_region_renamed_in_2018_tabulates_under_the_region_valid_at_the_date(org):
    from panah.registry.models import Address

    person = PersonFactory(organisation=org, region=region("KZ-61"))
    with unscoped("test"):
        Address.objects.create(
            person=person, region=region("KZ-YUZ"), valid_from=dt.date(2012, 1, 1), valid_to=dt.date(2018, 6, 19)
        )
        Address.objects.create(person=person, region=region("KZ-61"), valid_from=dt.date(2018, 6, 19))
    event(person, K.STATELESS_DETERMINED, dt.date(2013, 5, 5))
    with unscoped("test"):
        assert stock_cube(as_of=dt.date(2017, 1, 1), known_on=timezone.now()).margin("region") == {("KZ-YUZ",): 1}
        assert stock_cube(as_of=dt.date(2019, 1, 1), known_on=timezone.now()).margin("region") == {("KZ-61",): 1}


def test_late_correction_changes_today_but_not_what_was_known_on_k(org):
    person = PersonFactory(organisation=org)
    event(person, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10))
    granted = event(person, K.REFUGEE_GRANTED, dt.date(2016, 6, 1))
    known_on = timezone.now()
    with unscoped("test"):
        correct_status_event(event=granted, by=None, reason="it was a rejection", kind=K.ASYLUM_REJECTED)
        as_of = dt.date(2017, 1, 1)
        assert stock_totals(stock_cube(as_of=as_of, known_on=known_on))["REF"] == 1
        assert stock_totals(stock_cube(as_of=as_of, known_on=timezone.now()))["REF"] == 0


def test_corrected_sex_birth_and_origin_change_today_but_not_what_was_known_on_k(org, registrar):
    person = PersonFactory(
        organisation=org,
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        country_of_origin=country("AFG"),
        region=region("KZ-55"),
    )
    event(person, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10))
    event(person, K.REFUGEE_GRANTED, dt.date(2016, 6, 1))
    known_on = timezone.now()
    with unscoped("test"):
        update_person(
            by=registrar,
            person=person,
            changes={"sex": "F", "birth_date": dt.date(2010, 3, 1), "country_of_origin": country("SYR")},
            reason="transcription error",
        )
        as_of = dt.date(2017, 1, 1)
        then = stock_cube(as_of=as_of, known_on=known_on)
        now = stock_cube(as_of=as_of, known_on=timezone.now())
    assert then.margin("origin", "sex", "age_group") == {("AFG", "M", "18-59"): 1}
    assert now.margin("origin", "sex", "age_group") == {("SYR", "F", "5-11"): 1}


def test_corrected_address_history_changes_today_but_not_what_was_known_on_k(org, registrar):
    person = PersonFactory(organisation=org, region=region("KZ-55"))
    with unscoped("test"):
        Address.objects.create(person=person, region=region("KZ-55"), valid_from=dt.date(2014, 1, 1))
    event(person, K.STATELESS_DETERMINED, dt.date(2015, 1, 1))
    known_on = timezone.now()
    with unscoped("test"):
        # Learned later: the person had moved to Almaty region back in 2016.
        move_person(by=registrar, person=person, address={"region": region("KZ-75"), "valid_from": dt.date(2016, 3, 1)})
        then = stock_cube(as_of=dt.date(2017, 1, 1), known_on=known_on).margin("region")
        now = stock_cube(as_of=dt.date(2017, 1, 1), known_on=timezone.now()).margin("region")
        before_the_move = stock_cube(as_of=dt.date(2016, 1, 1), known_on=timezone.now()).margin("region")
    assert then == {("KZ-55",): 1}
    assert now == {("KZ-75",): 1}
    assert before_the_move == {("KZ-55",): 1}


def test_attribute_change_with_no_status_opens_no_stock(org, registrar):
    person = PersonFactory(organisation=org, sex="M")
    with unscoped("test"):
        update_person(by=registrar, person=person, changes={"sex": "F"})
        assert stock_totals(stock_cube(as_of=dt.date(2030, 1, 1), known_on=timezone.now())) == dict.fromkeys(
            ["REF", "ASY", "STA", "UND", "OOC"], 0
        )


def test_index_agrees_with_the_timeline_fold_at_many_points(org):
    """The fast index and the definition (one correlated subquery over events) give the same stock."""
    import random

    from tests.status.test_timeline_properties import START, at, build

    rng = random.Random(7)
    kinds = [k for k in K.values if k != K.RETRACTION]
    for _ in range(25):
        person = PersonFactory(organisation=org)
        specs = [(rng.choice([*kinds, K.RETRACTION]), rng.randint(0, 120), rng.randint(0, 2880), rng.choice([None, rng.randint(0, 5)]))
                 for _ in range(rng.randint(1, 8))]  # fmt: skip
        build(person, specs)
    with unscoped("test"):
        facts.rebuild_all()
        for _ in range(40):
            as_of = START + dt.timedelta(days=rng.randint(0, 130))
            known_on = at(rng.randint(0, 3000))
            expected = timeline_selectors.stock(as_of=as_of, known_on=known_on)
            assert stock_totals(stock_cube(as_of=as_of, known_on=known_on)) == expected, (as_of, known_on)


def test_statistics_regions_national_or_regional(cast):
    from panah.stats.selectors import statistics_regions

    assert statistics_regions(cast.sysadmin) is None
    assert statistics_regions(cast.statistician) == ("KZ-55", "KZ-75")
    with pytest.raises(PermissionDenied):
        statistics_regions(cast.officer_a)
