"""The persons endpoints: what each member of the cast can reach (the matrix), the audit of every read,
merged numbers, withheld needs, filters, pagination and the status "on day D as known on day K"."""

import datetime as dt

import pytest

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.registry.models import SpecificNeed, SpecificNeedCode
from panah.status.services import record_status_event

# Who sees whom, written out by hand from the cast's memberships and the sharing agreement (not
# computed with the scoping code under test).
SEES = {
    "officer_a": {"person_a"},
    "officer_b": {"person_b"},
    "decider_a": {"person_a"},
    "unhcr_officer": {"person_a", "person_b"},  # shared by the state under the agreement
    "lawyer": {"partner_person"},
    "statistician": set(),
    "sysadmin": {"person_a", "person_b", "partner_person"},
}
PERSONS = ("person_a", "person_b", "partner_person")


@pytest.mark.parametrize("username", sorted(SEES))
def test_a_token_reaches_exactly_the_persons_its_user_may_see_through_every_endpoint(cast, token_client, username):
    client = token_client(getattr(cast, username))
    listed = {p["registration_number"] for p in client.get("/api/v1/persons?limit=200").json()["items"]}
    for attribute in PERSONS:
        number = getattr(cast, attribute).registration_number
        visible = attribute in SEES[username]
        assert (number in listed) is visible, (username, attribute)
        for path in (f"/persons/{number}", f"/persons/{number}/status-events", f"/persons/{number}/status"):
            response = client.get(f"/api/v1{path}")
            assert response.status_code == (200 if visible else 404), (username, path)
            if not visible:
                assert response.json() == {"detail": "Not found.", "errors": []}
        # Searching by the number or the name finds nothing outside the scope either.
        found = client.get("/api/v1/persons", {"q": number}).json()["items"]
        assert bool(found) is visible, (username, attribute, "search")


def test_guessing_numbers_finds_nothing_outside_the_scope(cast, token_client):
    client = token_client(cast.officer_b)
    a = cast.person_a.registration_number
    for guess in (a, a.lower(), a.replace("-", ""), f"{a}x", "PN-0000000-0", "%", "' OR 1=1 --", "../" + a):
        assert client.get(f"/api/v1/persons/{guess}").status_code == 404, guess
    assert client.get("/api/v1/persons", {"region": "KZ-55"}).json()["items"] == []
    assert (
        client.get("/api/v1/persons", {"organisation": "mlsp", "after": ""}).json()["items"][0]["registration_number"]
        == cast.person_b.registration_number
    )


def test_every_read_of_a_person_is_audited_with_the_api_channel(cast, token_client):
    client = token_client(cast.unhcr_officer)
    number = cast.person_a.registration_number
    before = AuditEntry.objects.count()
    client.get(f"/api/v1/persons/{number}")
    client.get(f"/api/v1/persons/{number}/status-events")
    client.get(f"/api/v1/persons/{number}/status")
    client.get("/api/v1/persons?limit=200")
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert all(e.channel == "api" and e.action == "view" and e.username == "unhcr_officer" for e in entries)
    per_person = [e.person_number for e in entries]
    assert per_person.count(number) == 4  # three reads of one person, then the list
    assert per_person.count(cast.person_b.registration_number) == 1
    assert all(e.organisation_id == cast.unhcr.pk for e in entries)
    # A refused read is not a read: nothing of the person is logged as seen, only the refused attempt.
    lawyer = token_client(cast.lawyer)
    before = AuditEntry.objects.count()
    assert lawyer.get(f"/api/v1/persons/{number}").status_code == 404
    written = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.username, e.channel, e.person_number) for e in written] == [
        ("refused", "lawyer", "api", number)
    ]


def test_the_detail_carries_names_documents_addresses_households_needs_and_the_timeline(cast, token_client, today):
    client = token_client(cast.decider_a)
    body = client.get(f"/api/v1/persons/{cast.person_a.registration_number}").json()
    assert body["registration_number"] == cast.person_a.registration_number
    assert body["names"][0]["family_name"] == "Ahmadi" and body["name"]
    assert body["region"] == "KZ-55" and body["organisation"] == "mlsp"
    for key in ("documents", "addresses", "households", "specific_needs", "consents", "status_events"):
        assert isinstance(body[key], list)


def test_highly_sensitive_needs_are_withheld_from_roles_that_may_not_see_them(cast, token_client, today):
    with unscoped("test"):
        sensitive = SpecificNeedCode.objects.filter(highly_sensitive=True).first()
        ordinary = SpecificNeedCode.objects.filter(highly_sensitive=False).first()
        for code in (sensitive, ordinary):
            SpecificNeed.objects.create(person=cast.person_a, code=code, identified_on=today, identified_by=cast.state)
    number = cast.person_a.registration_number
    registrar = token_client(cast.officer_a).get(f"/api/v1/persons/{number}").json()
    decider = token_client(cast.decider_a).get(f"/api/v1/persons/{number}").json()
    assert [n["code"] for n in registrar["specific_needs"]] == [ordinary.code]
    assert registrar["specific_needs_withheld"] is True
    assert {n["code"] for n in decider["specific_needs"]} == {ordinary.code, sensitive.code}
    assert decider["specific_needs_withheld"] is False


def test_status_on_a_day_as_known_on_another(cast, token_client):
    with unscoped("test"):
        record_status_event(
            by=cast.sysadmin, person=cast.person_a, kind="asylum_application", effective=dt.date(2016, 3, 1)
        )
    client = token_client(cast.officer_a)
    number = cast.person_a.registration_number
    now = client.get(f"/api/v1/persons/{number}/status", {"as_of": "2016-06-01"}).json()
    assert (now["population_type"], now["last_event"]) == ("ASY", "asylum_application")
    before = client.get(f"/api/v1/persons/{number}/status", {"as_of": "2016-01-01"}).json()
    assert before["population_type"] == "" and before["last_event"] is None
    # As known on a day before the event was recorded: nothing was known yet.
    unknown = client.get(f"/api/v1/persons/{number}/status", {"as_of": "2016-06-01", "known_on": "2000-01-01"}).json()
    assert unknown["population_type"] == ""
    events = client.get(f"/api/v1/persons/{number}/status-events").json()
    assert [e["kind"] for e in events] == ["asylum_application"] and events[0]["effective"] == "2016-03-01"


def test_pages_follow_one_another_without_gaps_or_repeats(cast, token_client):
    client = token_client(cast.sysadmin)
    seen, after = [], ""
    for _page in range(5):
        body = client.get("/api/v1/persons", {"limit": 1, "after": after}).json()
        seen += [p["registration_number"] for p in body["items"]]
        if body["next"] is None:
            break
        after = body["next"]
    assert seen == sorted(
        {cast.person_a.registration_number, cast.person_b.registration_number, cast.partner_person.registration_number}
    )


def test_filters(cast, token_client):
    client = token_client(cast.sysadmin)
    numbers = lambda **q: {p["registration_number"] for p in client.get("/api/v1/persons", q).json()["items"]}  # noqa: E731
    assert numbers(region="KZ-75") == {cast.person_b.registration_number, cast.partner_person.registration_number}
    assert numbers(organisation="kibhr") == {cast.partner_person.registration_number}
    assert numbers(sex="F") == {cast.person_b.registration_number}
    assert numbers(q="Ahmadi") == {cast.person_a.registration_number}
    assert numbers(updated_since="2100-12-31T00:00:00Z") == set()


def test_a_merged_away_number_answers_with_the_survivor(cast, token_client):
    from panah.registry.models import Person

    with unscoped("test"):
        Person.objects.filter(pk=cast.person_b.pk).update(merged_into=cast.person_a)
    body = token_client(cast.sysadmin).get(f"/api/v1/persons/{cast.person_b.registration_number}").json()
    assert body["registration_number"] == cast.person_a.registration_number
