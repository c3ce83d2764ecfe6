"""Flows over a period, with hand-computed expectations, and the UNHCR recognition rates."""

import datetime as dt

import pytest
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.stats.selectors import flow_cube, flow_totals, recognition_rates
from panah.status.models import ApplicationType
from panah.status.models import EventKind as K
from panah.status.services import correct_status_event, record_status_event
from tests.factories import OrganisationFactory, PersonFactory, country, region

START, END = dt.date(2016, 1, 1), dt.date(2016, 12, 31)


@pytest.fixture
def org(db):
    return OrganisationFactory(code="flows-org", regions=["KZ-55", "KZ-75"])


def history(org, events, **person):
    subject = PersonFactory(organisation=org, **person)
    with unscoped("test"):
        return subject, [record_status_event(person=subject, kind=kind, effective=day, by=None, **extra)
                         for kind, day, extra in events]  # fmt: skip


def totals(known_on=None):
    with unscoped("test"):
        return flow_totals(flow_cube(start=START, end=END, known_on=known_on or timezone.now()))


def test_hand_computed_flows_of_one_year(org):
    d = dt.date
    # Before the period: counted in no 2016 flow.
    history(org, [(K.ASYLUM_APPLICATION, d(2015, 3, 1), {}), (K.REFUGEE_GRANTED, d(2015, 9, 1), {})])
    # In 2016: first application, recognised.
    history(org, [(K.ASYLUM_APPLICATION, d(2016, 2, 1), {}), (K.REFUGEE_GRANTED, d(2016, 7, 1), {})])
    # First application rejected, appeal lodged and rejected, then a repeat application.
    history(
        org,
        [
            (K.ASYLUM_APPLICATION, d(2016, 1, 5), {}),
            (K.ASYLUM_REJECTED, d(2016, 4, 1), {}),
            (K.APPEAL_LODGED, d(2016, 4, 20), {}),
            (K.APPEAL_REJECTED, d(2016, 8, 1), {}),
            (K.ASYLUM_APPLICATION, d(2016, 11, 1), {"application_type": ApplicationType.REPEAT}),
        ],
    )
    # Withdrawn: otherwise closed, not a substantive decision.
    history(org, [(K.ASYLUM_APPLICATION, d(2016, 3, 1), {}), (K.CLAIM_CLOSED, d(2016, 5, 1), {})])
    # Undetermined nationality resolved two ways, and one stateless person naturalised.
    history(org, [(K.UNDETERMINED_IDENTIFIED, d(2014, 1, 1), {}), (K.NATIONALITY_CONFIRMED, d(2016, 6, 1), {})])
    history(org, [(K.UNDETERMINED_IDENTIFIED, d(2014, 1, 1), {}), (K.STATELESS_DETERMINED, d(2016, 6, 1), {})])
    history(org, [(K.STATELESS_DETERMINED, d(2010, 1, 1), {}), (K.NATURALISED, d(2016, 10, 1), {})])
    # A refugee who departed, one who died, and a child born in the period.
    history(
        org,
        [
            (K.ASYLUM_APPLICATION, d(2014, 1, 1), {}),
            (K.REFUGEE_GRANTED, d(2014, 6, 1), {}),
            (K.DEPARTED, d(2016, 9, 9), {}),
        ],
    )
    history(org, [(K.STATELESS_DETERMINED, d(2001, 1, 1), {}), (K.DIED, d(2016, 12, 31), {})])
    history(org, [(K.OTHER_OF_CONCERN, d(2016, 5, 5), {})], birth_date=d(2016, 5, 5))  # fmt: skip

    result = totals()
    assert result == {
        "applications_first": 3, "applications_repeat": 1, "recognised": 1, "complementary_protection": 0,
        "rejected": 2, "otherwise_closed": 1, "appeals": 1, "stateless_determinations": 1,
        "undetermined_resolved": 2, "undetermined_confirmed_nationality": 1, "undetermined_determined_stateless": 1,
        "nationality_confirmed": 1, "naturalisations": 1, "departures": 1, "deaths": 1, "births": 1,
    }  # fmt: skip
    # 1 recognised of 3 substantive decisions (1 recognised + 2 rejected); the withdrawal is excluded.
    assert recognition_rates(result) == {"refugee_recognition_rate": 33.3, "total_recognition_rate": 33.3}


def test_rates_follow_unhcr_and_are_undefined_without_decisions():
    base = dict.fromkeys(["recognised", "complementary_protection", "rejected", "otherwise_closed"], 0)
    assert recognition_rates({**base, "recognised": 30, "complementary_protection": 10, "rejected": 60,
                              "otherwise_closed": 20}) == {"refugee_recognition_rate": 30.0, "total_recognition_rate": 40.0}  # fmt: skip
    assert recognition_rates({**base, "otherwise_closed": 5}) == {
        "refugee_recognition_rate": None,
        "total_recognition_rate": None,
    }


def test_flows_break_down_by_origin_sex_age_at_period_end_and_region(org):
    d = dt.date
    history(
        org,
        [(K.ASYLUM_APPLICATION, d(2016, 2, 1), {})],
        country_of_origin=country("AFG"),
        sex="F",
        birth_date=d(2012, 1, 1),
        birth_date_precision="year",
        region=region("KZ-55"),
    )  # 1 July 2012: 4 at end 2016
    history(
        org,
        [(K.ASYLUM_APPLICATION, d(2016, 2, 1), {})],
        country_of_origin=country("SYR"),
        sex="M",
        birth_date=d(1956, 12, 31),
        region=region("KZ-75"),
    )  # 60 on 31 Dec 2016
    with unscoped("test"):
        cube = flow_cube(start=START, end=END, known_on=timezone.now())
        assert cube.margin("flow", "origin", "sex", "age_group", "region") == {
            ("applications_first", "AFG", "F", "0-4", "KZ-55"): 1,
            ("applications_first", "SYR", "M", "60+", "KZ-75"): 1,
        }
        assert (
            flow_totals(flow_cube(start=START, end=END, known_on=timezone.now(), regions=["KZ-75"]))[
                "applications_first"
            ]
            == 1
        )


def test_late_correction_changes_today_but_not_the_past_view(org):
    _person, events = history(org, [(K.ASYLUM_APPLICATION, dt.date(2016, 2, 1), {}),
                                    (K.REFUGEE_GRANTED, dt.date(2016, 7, 1), {})])  # fmt: skip
    known_on = timezone.now()
    with unscoped("test"):
        correct_status_event(event=events[1], by=None, reason="it was a rejection", kind=K.ASYLUM_REJECTED)
    assert totals(known_on)["recognised"] == 1
    assert totals()["recognised"] == 0
    assert totals()["rejected"] == 1
