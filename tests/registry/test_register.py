import datetime as dt

import pytest

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.registry.forms import parse_approximate_date
from panah.registry.iin import make_iin
from panah.registry.models import Document, NameToken, Person

# Not a name of the cast, so that the duplicate check (tests/matching/test_online.py) stays silent.
VALID = {
    "name-cyrl_family_name": "Нурзай",
    "name-cyrl_given_name": "Забихулла",
    "name-latn_family_name": "Nurzai",
    "name-latn_given_name": "Zabihullah",
    "name-arab_full_name": "ذبیح الله نورزی",
    "person-sex": "M",
    "person-birth": "1990",
    "person-birth_date_estimated": "on",
    "person-country_of_origin": "AFG",
    "person-citizenship": "AFG",
    "address-region": "KZ-55",
    "address-locality": "Павлодар",
    "document-type": "passport",
    "document-number": "p 01234567",
    "document-valid_from": "01.02.2015",
    "document-valid_to": "01.02.2025",
    "consent-consent_purpose": "Registration",
    "consent-consent_basis": "consent",
}


@pytest.fixture
def officer(client, cast):
    client.force_login(cast.officer_a)
    return cast.officer_a


def test_registration_writes_person_names_tokens_document_address_and_audit(client, officer, cast):
    response = client.post("/persons/new/", VALID)
    assert response.status_code == 302
    with unscoped("test"):
        person = Person.objects.exclude(pk__in=[cast.person_a.pk, cast.person_b.pk, cast.partner_person.pk]).get()
        assert response["Location"] == f"/persons/{person.registration_number}/"
        assert (person.birth_date, person.birth_date_precision, person.birth_date_estimated) == (
            dt.date(1990, 1, 1),
            "year",
            True,
        )
        assert person.region_id == "KZ-55" and person.organisation == cast.state
        assert sorted(person.names.values_list("script", flat=True)) == ["arab", "cyrl", "latn"]
        assert NameToken.objects.filter(person=person).count() == 7  # ذبیح الله is two words
        assert Document.objects.get(person=person).number_key == "P01234567"
        assert person.addresses.get().valid_to is None
        assert person.consents.count() == 1
        assert AuditEntry.objects.filter(action="create", person_id=person.pk).exists()


@pytest.mark.parametrize("ticked", [True, False])
def test_consent_to_sms_contact_is_saved_and_audited_with_the_consent(client, officer, cast, ticked):
    form = {**VALID, "consent-contact_by_sms": "on"} if ticked else VALID
    page = client.get("/persons/new/").content.decode()
    assert 'name="consent-contact_by_sms"' in page
    assert client.post("/persons/new/", form).status_code == 302
    with unscoped("test"):
        person = Person.objects.exclude(pk__in=[cast.person_a.pk, cast.person_b.pk, cast.partner_person.pk]).get()
        assert person.consents.get().contact_by_sms is ticked
        entry = AuditEntry.objects.get(action="create", person_id=person.pk, message="registered")
    assert entry.changes["consent"] is True and entry.changes["contact_by_sms"] is ticked


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person-birth", "2999", "cannot be in the future"),
        ("person-birth", "31.02.1990", "not a real date"),
        ("person-birth", "1990/13", "dd.mm.yyyy"),
        ("document-valid_to", "01.01.2010", "cannot be before"),
        ("address-region", "KZ-YUZ", "Select a valid choice"),
        ("person-iin", "900315400001", "check digit"),
    ],
)
def test_impossible_data_gets_a_clear_message_beside_the_field(client, officer, field, value, message):
    response = client.post("/persons/new/", {**VALID, field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert message in page
    if not field.endswith("region"):  # a select cannot keep a value it does not offer
        assert f'value="{value}"' in page  # the entered value is kept


def test_iin_must_agree_with_the_recorded_birth_date(client, officer):
    iin = make_iin(dt.date(1990, 3, 15), "M", 17) or make_iin(dt.date(1990, 3, 15), "M", 18)
    response = client.post(
        "/persons/new/", {**VALID, "person-birth": "16.03.1990", "person-iin": iin}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "encodes the birth date 15.03.1990" in response.content.decode()
    response = client.post("/persons/new/", {**VALID, "person-birth": "15.03.1990", "person-iin": iin})
    assert response.status_code == 302


def test_a_name_is_required(client, officer):
    data = {k: v for k, v in VALID.items() if not k.startswith("name-")}
    response = client.post("/persons/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "at least one script" in response.content.decode()


def test_nothing_is_written_when_the_service_refuses(client, officer, cast):
    with unscoped("test"):
        before = Person.objects.count()
    client.post("/persons/new/", {**VALID, "person-birth": "2999"})
    with unscoped("test"):
        assert Person.objects.count() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990", (dt.date(1990, 1, 1), "year")),
        ("03.1990", (dt.date(1990, 3, 1), "month")),
        ("1990-03", (dt.date(1990, 3, 1), "month")),
        ("15.03.1990", (dt.date(1990, 3, 15), "day")),
        ("5/3/1990", (dt.date(1990, 3, 5), "day")),
        ("1990-03-15", (dt.date(1990, 3, 15), "day")),
    ],
)
def test_dates_are_read_as_people_write_them(text, expected):
    assert parse_approximate_date(text) == expected


def test_a_user_of_two_organisations_registers_for_the_one_covering_the_region(client, cast):
    from tests.factories import MembershipFactory

    MembershipFactory(user=cast.lawyer, organisation=cast.partner, role="registrar", regions=["KZ-75"])
    MembershipFactory(user=cast.lawyer, organisation=cast.state, role="registrar", regions=["KZ-55"])
    client.force_login(cast.lawyer)
    for code, owner in (("KZ-55", cast.state), ("KZ-75", cast.partner)):
        data = {**VALID, "address-region": code, "document-number": f"X{code}"}
        response = client.post("/persons/new/", data)
        if code == "KZ-75":  # the same name again: the duplicate check asks first
            assert response.status_code == 200
            shown = response.context["duplicates"]["shown"]
            response = client.post("/persons/new/", {**data, "duplicate_shown": shown, "duplicate_decision": "different"})
        assert response.status_code == 302
        with unscoped("test"):
            assert Person.objects.get(registration_number=response["Location"].split("/")[2]).organisation == owner
