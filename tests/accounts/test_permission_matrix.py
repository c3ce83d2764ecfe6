"""Every role × organisation kind × in-region / out-of-region person, for view, register, change,
decide status and export. Out-of-scope persons are "not found" (404), never "forbidden" (403),
so registration numbers do not leak; in-scope actions the role lacks are 403."""

import datetime as dt

import pytest

from panah.accounts.permissions import role_allows
from panah.accounts.roles import Action, Role
from panah.accounts.scope import scope_for
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory, region

IN_REGION, OUT_REGION = "KZ-55", "KZ-75"
ORG_KINDS = ["state", "unhcr", "partner"]
ROLES = [r.value for r in Role]
PERSONAL_ROLES = [r for r in ROLES if r != Role.SYSTEM_ADMIN]


@pytest.fixture
def world(db):
    """One organisation of each kind covering both regions, and for each a person in and out of region."""
    orgs = {
        kind: OrganisationFactory(code=f"{kind}-org", kind=kind, regions=[IN_REGION, OUT_REGION]) for kind in ORG_KINDS
    }
    persons = {
        (kind, where): PersonFactory(organisation=org, region=region(code), name=(f"Given{kind}", f"Family{where}"))
        for kind, org in orgs.items()
        for where, code in (("in", IN_REGION), ("out", OUT_REGION))
    }
    return orgs, persons


def user_with(role, organisation):
    user = UserFactory(username=f"{role}-{organisation.code}")
    MembershipFactory(user=user, organisation=organisation, role=role, regions=[IN_REGION])
    return user


def expected_status(role, where, action, kind="state"):
    """What the page should answer: 404 outside the view scope, 403 inside it without the action; a status
    decision only by the competent state body (legal authority), whatever the role elsewhere."""
    if role == Role.SYSTEM_ADMIN:
        return 200
    if where == "out" or not role_allows(role, Action.VIEW_PERSON):
        return 404
    if action == Action.DECIDE_STATUS and kind != "state":
        return 403
    return 200 if role_allows(role, action) else 403


PAGES = {
    Action.VIEW_PERSON: "/persons/{number}/",
    Action.CHANGE_PERSON: "/persons/{number}/edit/",
    Action.DECIDE_STATUS: "/persons/{number}/status/new/",
}


@pytest.mark.parametrize("kind", ORG_KINDS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
@pytest.mark.parametrize("action", list(PAGES))
def test_person_pages_answer_by_role_and_region(client, world, kind, role, where, action):
    orgs, persons = world
    user = user_with(role, orgs[kind])
    person = persons[(kind, where)]
    client.force_login(user)
    response = client.get(PAGES[action].format(number=person.registration_number))
    assert response.status_code == expected_status(role, where, action, kind)
    if response.status_code == 404:
        # Nothing of the record shows (the URL itself is only echoed back in the language form).
        assert f"Family{where}".encode() not in response.content


@pytest.mark.parametrize("kind", ORG_KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_person_is_not_found_without_an_agreement(client, world, kind, role):
    orgs, persons = world
    user = user_with(role, orgs[kind])
    client.force_login(user)
    for other in ORG_KINDS:
        if other == kind:
            continue
        response = client.get(f"/persons/{persons[(other, 'in')].registration_number}/")
        assert response.status_code == (200 if role == Role.SYSTEM_ADMIN else 404)


@pytest.mark.parametrize("kind", ORG_KINDS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_register_only_in_own_regions_with_a_registering_role(client, world, kind, role, where):
    orgs, _persons = world
    user = user_with(role, orgs[kind])
    client.force_login(user)
    code = IN_REGION if where == "in" else OUT_REGION
    response = client.post(
        "/persons/new/",
        {
            "name-latn_given_name": "Ali",
            "name-latn_family_name": "Karimi",
            "person-sex": "M",
            "person-birth": "1985",
            "address-region": code,
        },
    )
    may_register = role_allows(role, Action.REGISTER_PERSON)
    if not may_register:
        assert response.status_code == 403
    elif where == "in" or role == Role.SYSTEM_ADMIN:
        assert response.status_code == 302, response.content.decode()[:2000]
    else:
        # The region is not offered to this user, so the form refuses it beside the field.
        assert response.status_code == 200
        assert "address-region" in response.context["address_form"].add_prefix("region")
        assert response.context["address_form"].errors["region"]


@pytest.mark.parametrize("kind", ORG_KINDS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_export_scope_by_role_and_region(world, kind, role, where):
    orgs, persons = world
    user = user_with(role, orgs[kind])
    person = persons[(kind, where)]
    allowed = user.has_perm("panah.export_persons", person)
    expected = role == Role.SYSTEM_ADMIN or (where == "in" and role_allows(role, Action.EXPORT_PERSONS))
    assert allowed is expected
    assert scope_for(user, Action.EXPORT_PERSONS).allows(person) is expected


def test_sharing_agreement_lets_the_recipient_see_only_the_shared_regions(client, world):
    from tests.factories import SharingAgreementFactory

    orgs, persons = world
    SharingAgreementFactory(provider=orgs["state"], recipient=orgs["unhcr"], regions=[IN_REGION])
    user = user_with(Role.CASEWORKER, orgs["unhcr"])
    client.force_login(user)
    assert client.get(f"/persons/{persons[('state', 'in')].registration_number}/").status_code == 200
    assert client.get(f"/persons/{persons[('state', 'out')].registration_number}/").status_code == 404
    assert client.get(f"/persons/{persons[('partner', 'in')].registration_number}/").status_code == 404
    # Shared data is for viewing and casework; the recipient does not register for the provider.
    assert not scope_for(user, Action.REGISTER_PERSON).allows(persons[("state", "in")])


def test_expired_sharing_agreement_shares_nothing(client, world):
    from tests.factories import SharingAgreementFactory

    orgs, persons = world
    SharingAgreementFactory(
        provider=orgs["state"],
        recipient=orgs["unhcr"],
        regions=[IN_REGION],
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2016, 1, 1),
    )
    client.force_login(user_with(Role.CASEWORKER, orgs["unhcr"]))
    assert client.get(f"/persons/{persons[('state', 'in')].registration_number}/").status_code == 404


def test_ended_membership_sees_nothing(client, world):
    orgs, persons = world
    user = UserFactory(username="former")
    MembershipFactory(
        user=user,
        organisation=orgs["state"],
        role=Role.REGISTRAR,
        regions=[IN_REGION],
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2016, 1, 1),
    )
    client.force_login(user)
    assert client.get(f"/persons/{persons[('state', 'in')].registration_number}/").status_code == 404
