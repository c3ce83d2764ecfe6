"""The pages that add to a person's record: documents, addresses, specific needs, households."""

import datetime as dt

from django.utils import timezone

from panah.accounts.models import SharingAgreement
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.registry.models import Address, Document, HouseholdMember, SpecificNeed, SpecificNeedCode
from tests.factories import PersonFactory, region


def url(person, rest):
    return f"/persons/{person.registration_number}/{rest}"


def test_add_document_and_see_it_expire_soon(client, cast):
    client.force_login(cast.officer_a)
    soon = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        url(cast.person_a, "documents/new/"),
        {
            "type": "refugee_cert",
            "number": "RC 000123",
            "valid_from": "01.01.2024",
            "valid_to": soon.strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    with unscoped("test"):
        assert Document.objects.get(person=cast.person_a).number_key == "RC000123"
    page = client.get(url(cast.person_a, ""), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "expires in" in page


def test_document_valid_to_before_valid_from_is_refused_beside_the_field(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        url(cast.person_a, "documents/new/"),
        {
            "type": "passport",
            "number": "P1",
            "valid_from": "01.01.2024",
            "valid_to": "01.01.2020",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"]


def test_moving_to_another_region_takes_the_person_out_of_the_first_officers_scope(client, cast):
    cast.officer_a.memberships.get().regions.add("KZ-75")
    client.force_login(cast.officer_a)
    response = client.post(
        url(cast.person_a, "addresses/new/"),
        {
            "region": "KZ-75",
            "locality": "Алматы",
            "valid_from": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    cast.person_a.refresh_from_db()
    assert cast.person_a.region_id == "KZ-75"
    client.force_login(cast.officer_b)
    assert client.get(url(cast.person_a, "")).status_code == 200
    with unscoped("test"):
        assert [a.valid_to is None for a in Address.objects.filter(person=cast.person_a)] == [True]


def test_moving_into_a_region_one_may_not_register_in_is_refused(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        url(cast.person_a, "addresses/new/"),
        {
            "region": "KZ-75",
            "valid_from": timezone.localdate().strftime("%d.%m.%Y"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    cast.person_a.refresh_from_db()
    assert cast.person_a.region_id == "KZ-55"
    with unscoped("test"):
        assert not Address.objects.filter(person=cast.person_a).exists()


def test_highly_sensitive_needs_are_hidden_from_registrars_and_shown_to_caseworkers(client, cast):
    with unscoped("test"):
        for code in ("LP-ND", "SV-VA"):
            SpecificNeed.objects.create(
                person=cast.person_b,
                code=SpecificNeedCode.objects.get(pk=code),
                identified_on=dt.date(2020, 1, 1),
                identified_by=cast.state,
            )
    client.force_login(cast.officer_b)
    page = client.get(url(cast.person_b, "")).content.decode()
    assert "LP-ND" in page and "SV-VA" not in page
    client.force_login(cast.unhcr_officer)
    page = client.get(url(cast.person_b, "")).content.decode()
    assert "LP-ND" in page and "SV-VA" not in page  # UNHCR's caseworker sees the state's persons, not these
    agreement = SharingAgreement.objects.get(provider=cast.state, recipient=cast.unhcr)
    agreement.actions = [*agreement.actions, "view_sensitive_needs"]
    agreement.save()
    page = client.get(url(cast.person_b, "")).content.decode()
    assert "LP-ND" in page and "SV-VA" in page


def test_record_a_specific_need_is_audited_without_the_note(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        url(cast.person_a, "needs/new/"), {"code": "DS-PM", "identified_on": "01.02.2023", "note": "uses crutches"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="change", person_id=cast.person_a.pk).latest("id")
    assert "DS-PM" in entry.summary and "crutches" not in entry.summary


def test_join_a_household_by_the_heads_registration_number(client, cast):
    child = PersonFactory(
        organisation=cast.state, region=region("KZ-55"), name=("Ahmad", "Ahmadi"), birth_date=dt.date(2015, 2, 2)
    )
    client.force_login(cast.officer_a)
    response = client.post(
        url(child, "household/"),
        {"head": cast.person_a.registration_number.lower(), "relationship": "child", "since": "02.02.2015"},
    )
    assert response.status_code == 302
    with unscoped("test"):
        members = {m.person_id: m.relationship for m in HouseholdMember.objects.all()}
    assert members == {cast.person_a.pk: "head", child.pk: "child"}
    page = client.get(url(cast.person_a, "")).content.decode()
    assert child.registration_number in page


def test_a_head_outside_ones_scope_is_not_found(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        url(cast.person_a, "household/"),
        {"head": cast.person_b.registration_number, "relationship": "spouse", "since": "01.01.2016"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "No person with that registration number" in response.content.decode()


def test_viewer_cannot_open_change_pages(client, cast):
    from tests.factories import MembershipFactory, UserFactory

    viewer = UserFactory(username="viewer")
    MembershipFactory(user=viewer, organisation=cast.state, role="viewer", regions=["KZ-55"])
    client.force_login(viewer)
    for rest in ("documents/new/", "addresses/new/", "needs/new/", "household/"):
        assert client.get(url(cast.person_a, rest)).status_code == 403
        assert client.get(url(cast.person_b, rest)).status_code == 404


def test_the_person_page_leads_to_casework_and_information_shared_for_those_who_may(client, cast):
    from tests.factories import MembershipFactory, UserFactory

    page = f"/persons/{cast.person_a.registration_number}/"
    cases = f"/cases/person/{cast.person_a.registration_number}/"
    shared = f"/knowledge/persons/{cast.person_a.registration_number}/"
    client.force_login(cast.officer_a)
    body = client.get(page).content.decode()
    assert cases in body and shared in body
    assert client.get(cases).status_code == 200 and client.get(shared).status_code == 200

    viewer = UserFactory(username="viewer")
    MembershipFactory(user=viewer, organisation=cast.state, role="viewer", regions=["KZ-55"])
    client.force_login(viewer)
    body = client.get(page).content.decode()
    assert cases not in body and shared not in body
