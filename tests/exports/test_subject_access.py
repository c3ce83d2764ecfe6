import datetime as dt
import json

import pytest
from django.urls import reverse

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.cases.models import Referral
from panah.cases.services import open_case
from panah.knowledge.models import SharedInformation
from panah.registry.models import Document, PersonName, SpecificNeed, SpecificNeedCode
from panah.status.services import correct_status_event
from tests.exports.conftest import settle
from tests.factories.cases import consent, household
from tests.factories.knowledge import LeafletFactory, PartnerProjectFactory

SECTIONS = (
    "person", "names", "documents", "addresses", "households", "specific_needs", "consents",
    "status_timeline", "cases", "referrals", "information_shared", "audit_entries",
)  # fmt: skip


@pytest.fixture
def full_record(cast):
    """person_a with one of each record, a corrected status event, and a highly sensitive need."""
    person = settle(cast.person_a, by=cast.decider_a, kind="undetermined_identified")
    with unscoped("test setup"):
        PersonName._base_manager.create(
            person=person, kind="original", script="arab", full_name="محمد احمدی", position=1
        )
        Document._base_manager.create(person=person, type="passport", number="AF1234567")
        household(person)
        plain = SpecificNeedCode.objects.filter(highly_sensitive=False).order_by("code").first()
        sensitive = SpecificNeedCode.objects.filter(highly_sensitive=True).order_by("code").first()
        for code in (plain, sensitive):
            SpecificNeed._base_manager.create(person=person, code=code, identified_on=dt.date(2017, 1, 1),
                                              identified_by=cast.state)  # fmt: skip
        given = consent(person, taken_by=cast.officer_a)
        project = PartnerProjectFactory(organisation=cast.partner)
        Referral._base_manager.create(
            person=person, project=project, kind="legal_aid", needs="Court representation",
            from_organisation=cast.state, to_organisation=cast.partner, region=person.region, consent=given,
            state_since=dt.date(2020, 2, 1), sent_on=dt.date(2020, 2, 1), sent_by=cast.officer_a,
        )  # fmt: skip
        SharedInformation._base_manager.create(person=person, leaflet=LeafletFactory(), language="ru",
                                               shared_on=dt.date(2020, 3, 1), organisation=cast.state,
                                               shared_by=cast.officer_a)  # fmt: skip
        first = person.status_events.get()
        correct_status_event(event=first, by=cast.decider_a, kind="stateless_determined", effective=dt.date(2016, 3, 1),
                             reason="decision found")  # fmt: skip
        open_case(by=cast.officer_a, person=person, kind="documentation", opened_on=dt.date(2019, 5, 1))
    return person


def _url(person, **query):
    return (
        reverse("exports:subject_access", args=[person.registration_number])
        + "?"
        + "&".join(f"{k}={v}" for k, v in {"purpose": "request of the person", **query}.items())
    )


def test_the_json_export_holds_every_section_with_one_of_each_record(client, cast, full_record):
    client.force_login(cast.decider_a)
    response = client.get(_url(full_record, output="json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    for section in SECTIONS:
        assert data[section], section
    assert data["person"]["registration_number"] == full_record.registration_number
    assert {n["script"] for n in data["names"]} == {"latn", "arab"}
    assert len(data["specific_needs"]) == 2 and data["specific_needs_withheld"] == 0
    corrected, correction = data["status_timeline"][0], data["status_timeline"][1]
    assert corrected["corrected_by"] == correction["id"] and correction["corrects"] == corrected["id"]
    assert data["addresses"][0]["valid_from"] == "2016-03-01"  # ISO dates
    assert any(a["purpose"] == "request of the person" and a["action"] == "export" for a in data["audit_entries"])


def test_the_json_export_is_stable(client, cast, full_record):
    client.force_login(cast.decider_a)
    first = json.loads(client.get(_url(full_record, output="json")).content)
    second = json.loads(client.get(_url(full_record, output="json")).content)
    assert list(first) == sorted(first)
    for data in (first, second):
        data.pop("generated_at")
        data.pop("audit_entries")  # the second export lists the first
    assert first == second


def test_a_registrar_gets_the_export_without_the_highly_sensitive_needs_and_is_told(client, cast, full_record):
    client.force_login(cast.officer_a)
    data = json.loads(client.get(_url(full_record, output="json")).content)
    assert [n["code"] for n in data["specific_needs"]] == [
        SpecificNeedCode.objects.filter(highly_sensitive=False).order_by("code").first().code
    ]
    assert data["specific_needs_withheld"] == 1
    page = client.get(_url(full_record)).content.decode()
    assert "highly sensitive specific need is not shown" in page
    sensitive = SpecificNeedCode.objects.filter(highly_sensitive=True).order_by("code").first()
    assert sensitive.code not in page


def test_the_printable_page_has_every_section_and_no_inline_script(client, cast, full_record):
    client.force_login(cast.decider_a)
    response = client.get(_url(full_record))
    page = response.content.decode()
    assert response.status_code == 200
    for anchor in ("names", "documents", "addresses", "households", "specific-needs", "consents", "status",
                   "cases", "referrals", "information", "audit"):  # fmt: skip
        assert f'id="{anchor}"' in page
    assert "<script" not in page and "style=" not in page
    assert 'media="print"' in page or "subject_access.css" in page
    assert "<bdi>محمد احمدی</bdi>" in page


def test_the_export_is_audited_with_its_purpose(client, cast, full_record):
    client.force_login(cast.officer_a)
    client.get(_url(full_record))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, person_id=full_record.pk).get()
    assert (entry.user, entry.purpose) == (cast.officer_a, "request of the person")


def test_without_a_purpose_a_form_asks_for_one_and_nothing_is_exported(client, cast, full_record):
    client.force_login(cast.officer_a)
    url = reverse("exports:subject_access", args=[full_record.registration_number])
    assert client.get(url).status_code == 200
    assert client.get(url + "?purpose=+&output=json").get("Content-Disposition") is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("user", ["officer_b", "lawyer", "statistician"])
def test_outside_the_view_scope_the_person_is_not_found(client, cast, user):
    client.force_login(getattr(cast, user))
    response = client.get(_url(cast.person_a, output="json"))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
