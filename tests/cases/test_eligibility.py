"""Eligibility for a residence permit or citizenship, from the timeline, documents and conditions, on a
fixture with answers computed by hand (on 30.06.2025). The rules are dated data; the tests make
their own versions so an administrator's change of a shipped value does not change these answers."""

import datetime as dt

import pytest

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.cases import selectors, services
from panah.cases.models import EligibilityRule
from panah.status.services import record_status_event
from tests.factories import PersonFactory, region
from tests.factories.cases import EligibilityRuleFactory, document

D = dt.date
ON = D(2025, 6, 30)


def status(person, *events, by):
    with unscoped("test"):
        for kind, day in events:
            record_status_event(person=person, kind=kind, effective=day, by=by)


@pytest.fixture
def rules(db):
    EligibilityRule.objects.all().delete()
    return {
        "citizenship": EligibilityRuleFactory(
            code="citizenship.general",
            goal="citizenship",
            years=5,
            counts_from="residence_permit",
            population_types=["REF", "STA"],
            required_documents=["residence_permit"],
            required_conditions=["language_certificate"],
            valid_from=D(1991, 12, 20),
        ),
        "refugee": EligibilityRuleFactory(
            code="residence.refugee",
            goal="residence_permit",
            years=5,
            counts_from="status",
            population_types=["REF"],
            required_documents=["refugee_cert"],
            valid_from=D(2009, 12, 4),
        ),
        "stateless": EligibilityRuleFactory(
            code="residence.stateless",
            goal="residence_permit",
            years=0,
            counts_from="status",
            population_types=["STA"],
            valid_from=D(2020, 9, 1),
        ),
    }


@pytest.fixture
def persons(cast, rules):
    a, b, org, by = region("KZ-55"), region("KZ-75"), cast.state, cast.sysadmin
    p1 = PersonFactory(organisation=org, region=a, name=("Ahmad", "Karimi"))
    status(
        p1,
        ("asylum_application", D(2015, 5, 1)),
        ("refugee_granted", D(2016, 1, 10)),
        ("residence_permit", D(2019, 3, 12)),
        by=by,
    )
    document(p1, "residence_permit", "RP-1", valid_from=D(2019, 3, 12))
    document(p1, "refugee_cert", "RC-1", valid_from=D(2024, 1, 10), valid_to=D(2026, 1, 10))
    with use_scope(scope_for(by)):
        services.record_condition(by=by, person=p1, kind="language_certificate", met_on=D(2024, 1, 1))
    p2 = PersonFactory(organisation=org, region=a, name=("Olga", "Petrova"), sex="F")
    status(p2, ("stateless_determined", D(2018, 2, 1)), ("residence_permit", D(2019, 3, 12)), by=by)
    document(p2, "residence_permit", "RP-2", valid_from=D(2019, 3, 12))
    p3 = PersonFactory(organisation=org, region=b, name=("Farid", "Amini"))
    status(
        p3,
        ("asylum_application", D(2021, 5, 1)),
        ("refugee_granted", D(2022, 1, 1)),
        ("residence_permit", D(2022, 6, 1)),
        by=by,
    )
    document(p3, "residence_permit", "RP-3", valid_from=D(2022, 6, 1))
    document(p3, "refugee_cert", "RC-3", valid_from=D(2025, 1, 1))
    p4 = PersonFactory(organisation=org, region=b, name=("Ivan", "Sidorov"))
    status(p4, ("stateless_determined", D(2020, 1, 1)), by=by)
    p5 = PersonFactory(organisation=org, region=a, name=("Nabi", "Jalali"))
    status(p5, ("asylum_application", D(2016, 3, 1)), ("refugee_granted", D(2017, 1, 1)), by=by)
    document(p5, "refugee_cert", "RC-5", valid_from=D(2019, 1, 1), valid_to=D(2020, 1, 1))  # expired
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}


def eligible(user, on=ON):
    with use_scope(scope_for(user)):
        return {(row.person.pk, row.rule.code, row.eligible_from) for row in selectors.eligible_now(on)}


def test_eligible_now_list(cast, persons):
    p = persons
    assert eligible(cast.sysadmin) == {
        (p["p1"].pk, "citizenship.general", D(2024, 3, 12)),
        (p["p1"].pk, "residence.refugee", D(2021, 1, 10)),
        (p["p2"].pk, "residence.stateless", D(2018, 2, 1)),
        (p["p4"].pk, "residence.stateless", D(2020, 1, 1)),
    }


def test_eligible_now_list_is_scoped_by_region(cast, persons):
    assert {pk for pk, _code, _day in eligible(cast.decider_a)} == {persons["p1"].pk, persons["p2"].pk}
    assert {pk for pk, _code, _day in eligible(cast.officer_b)} == {persons["p4"].pk}


def test_explanation_names_the_reasons_and_what_is_missing(cast, persons):
    with use_scope(scope_for(cast.sysadmin)):
        results = {r.rule.code: r for r in selectors.explain_eligibility(persons["p2"], ON)}
    citizenship = results["citizenship.general"]
    assert citizenship.eligible_from == D(2024, 3, 12)
    assert citizenship.met == ["5 years of lawful residence", "residence permit"]
    assert citizenship.missing == ["language certificate"]
    assert not citizenship.eligible_now
    assert results["residence.stateless"].eligible_now
    assert not any("0 years" in text for text in results["residence.stateless"].met)  # it asks for none
    assert "residence.refugee" not in results  # the rule is for refugees


def test_not_yet_and_expired_document(cast, persons):
    with use_scope(scope_for(cast.sysadmin)):
        p3 = {r.rule.code: r for r in selectors.explain_eligibility(persons["p3"], ON)}
        p5 = {r.rule.code: r for r in selectors.explain_eligibility(persons["p5"], ON)}
    assert p3["citizenship.general"].eligible_from == D(2027, 6, 1)
    assert "5 years of lawful residence" in p3["citizenship.general"].missing
    assert p3["residence.refugee"].eligible_from == D(2027, 1, 1)
    assert p5["residence.refugee"].missing == ["refugee certificate"]


def test_the_list_and_the_explanation_agree(cast, persons):
    listed = eligible(cast.sysadmin)
    with use_scope(scope_for(cast.sysadmin)):
        for person in persons.values():
            for result in selectors.explain_eligibility(person, ON):
                in_list = (person.pk, result.rule.code, result.eligible_from) in listed
                assert in_list == result.eligible_now, (person, result.rule.code)


def test_a_later_version_of_a_rule_replaces_the_earlier(cast, persons):
    """An amendment from 1 January 2025 asks for 7 years: p1's citizenship moves to 12.03.2026."""
    EligibilityRuleFactory(
        code="citizenship.general",
        goal="citizenship",
        years=7,
        counts_from="residence_permit",
        population_types=["REF", "STA"],
        required_documents=["residence_permit"],
        required_conditions=["language_certificate"],
        valid_from=D(2025, 1, 1),
    )
    assert (persons["p1"].pk, "citizenship.general", D(2024, 3, 12)) not in eligible(cast.sysadmin)
    assert (persons["p1"].pk, "citizenship.general", D(2024, 3, 12)) in eligible(cast.sysadmin, on=D(2024, 12, 31))
    assert (persons["p1"].pk, "citizenship.general", D(2026, 3, 12)) in eligible(cast.sysadmin, on=D(2026, 3, 12))


@pytest.mark.parametrize(
    ("on", "years"),
    [(D(2025, 2, 28), 5), (D(2024, 2, 29), 1), (D(2025, 3, 31), 1), (D(2025, 6, 30), 0)],
)
def test_latest_start_agrees_with_adding_years(on, years):
    from panah.cases.deadlines import add_months

    cutoff = selectors.latest_start_for(on, years)
    assert add_months(cutoff, 12 * years) <= on
    assert add_months(cutoff + dt.timedelta(days=1), 12 * years) > on


def test_eligibility_page(client, cast, persons):
    client.force_login(cast.decider_a)
    page = client.get(f"/cases/person/{persons['p2'].registration_number}/").content.decode()
    assert "missing" in page and "language certificate" in page
    assert client.get(f"/cases/person/{persons['p4'].registration_number}/").status_code == 404
    listing = client.get("/cases/eligible/").content.decode()
    assert persons["p1"].registration_number in listing and persons["p4"].registration_number not in listing


def test_eligible_counts_by_region(cast, persons):
    with use_scope(scope_for(cast.sysadmin)):
        rows = {(r["region_id"], r["rule"].code): r["n"] for r in selectors.eligible_by_region(ON)}
    assert rows == {
        ("KZ-55", "citizenship.general"): 1,
        ("KZ-55", "residence.refugee"): 1,
        ("KZ-55", "residence.stateless"): 1,
        ("KZ-75", "residence.stateless"): 1,
    }
