"""Anonymisation erases personal data, keeps what the statistics count, and is blocked while the law
requires keeping the record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.cases.services import open_case
from panah.privacy.models import Anonymisation, RequestState
from panah.privacy.services import anonymisation_blockers, anonymise_person, record_request, start_request
from panah.registry.models import Address, Consent, Document, NameToken, Person, PersonName, SpecificNeed
from panah.registry.services import update_person
from panah.stats import services as stats
from panah.stats.disclosure import EXACT
from panah.stats.tables import Parameters
from panah.status.models import EventKind, StatusEvent
from panah.status.services import record_status_event


def as_(user):
    return use_scope(scope_for(user))


def erasure_request(cast, person):
    with as_(cast.officer_a):
        return _erasure_request(cast, person)


def _erasure_request(cast, person):
    request = record_request(
        by=cast.officer_a, person=person, kind="erasure", received_on=dt.date(2026, 1, 5), channel="letter",
        identity_checked=True, identity_evidence="refugee certificate seen",
        details="Please erase everything about Mohammad Ahmadi",
    )  # fmt: skip
    return start_request(by=cast.officer_a, request=request)


def test_anonymising_erases_personal_data_and_keeps_what_statistics_count(cast, admin_a, refugee_a):
    with unscoped("test"):
        update_person(by=cast.officer_a, person=refugee_a, changes={"birth_place": "Herat province"})
    request = erasure_request(cast, refugee_a)
    with as_(admin_a):
        anonymise_person(by=admin_a, person=refugee_a, request=request, reason="the person asked, no procedure runs")

    with unscoped("test"):
        person = Person.objects.get(pk=refugee_a.pk)
        assert not PersonName.objects.filter(person=person).exists()
        assert not NameToken.objects.filter(person=person).exists()
        assert not Document.objects.filter(person=person).exists()
        address = Address.objects.get(person=person)
        assert (address.line, address.phone, address.locality, address.region_id) == ("", "", "", "KZ-55")
        assert (person.birth_place, person.iin) == ("", "")
        assert (person.birth_date, person.birth_date_precision) == (dt.date(1990, 1, 1), "year")
        assert (person.sex, person.country_of_origin_id, person.region_id) == ("M", "AFG", "KZ-55")
        assert person.population_type == "REF"
        assert SpecificNeed.objects.get(person=person).note == ""
        assert Consent.objects.get(person=person).purpose == ""
        events = list(StatusEvent.objects.filter(person=person).order_by("effective"))
        assert [(e.kind, e.effective) for e in events] == [
            ("asylum_application", dt.date(2015, 6, 1)), ("refugee_granted", dt.date(2016, 3, 1)),
        ]  # fmt: skip
        assert all(e.evidence == "" and e.decision_reference == "" for e in events)
        anonymisation = Anonymisation.objects.get(person=person)
        assert anonymisation.request == request and anonymisation.by == admin_a
        request.refresh_from_db()
        assert request.state == RequestState.DONE and request.details == ""
    # The audit log keeps every entry, with the number and summaries, but not the erased values.
    entries = AuditEntry.objects.filter(person_id=person.pk)
    assert entries.filter(summary__startswith="anonymised").count() == 1
    change = entries.get(summary="changed place of birth")
    assert change.changes == {"birth_place": "[erased]"}
    assert all("Herat" not in str(e.changes) for e in entries)


def test_a_release_reruns_to_its_hash_after_a_counted_person_is_anonymised(cast, admin_a, refugee_a):
    as_of = dt.date(2017, 1, 1)
    parameters = Parameters(as_of, timezone.now(), dt.date(2016, 1, 1), dt.date(2016, 12, 31), EXACT)
    release = stats.publish_release(by=admin_a, title="1 January 2017", parameters=parameters)
    assert release.figures["stock"]["REF"] == 1

    request = erasure_request(cast, refugee_a)
    with as_(admin_a):
        anonymise_person(by=admin_a, person=refugee_a, request=request, reason="asked")

    figures, digest = stats.rerun(release)
    assert digest == release.content_hash
    assert stats.canonical_json(figures) == stats.canonical_json(release.figures)
    today = stats.compute(Parameters(as_of, timezone.now(), dt.date(2016, 1, 1), dt.date(2016, 12, 31), EXACT))
    assert today["stock"]["REF"] == 1  # current statistics still count the person


def test_an_open_case_or_a_pending_claim_blocks_anonymisation(cast, admin_a):
    person = cast.person_a
    with unscoped("test"):
        record_status_event(
            person=person, kind=EventKind.ASYLUM_APPLICATION, effective=dt.date(2025, 1, 10), by=cast.officer_a
        )
        person.refresh_from_db()
        assert "A status decision is pending: the person is an asylum-seeker." in anonymisation_blockers(person)
        open_case(by=cast.officer_a, person=person, kind="documentation", opened_on=dt.date(2025, 2, 1))
        assert "A case about the person is open." in anonymisation_blockers(person)
    request = erasure_request(cast, person)
    with as_(admin_a), pytest.raises(ValidationError, match="pending"):
        anonymise_person(by=admin_a, person=person, request=request, reason="asked")
    with unscoped("test"):
        assert PersonName.objects.filter(person=person).exists()
        assert not Anonymisation.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_a", True),  # organisation administrator in the person's region
        ("sysadmin", True),
        ("officer_a", False),  # registrar: records the request, does not decide erasure
        ("decider_a", False),
        ("unhcr_officer", False),  # sees the person under the agreement, may not erase the state's record
        ("officer_b", False),
        ("lawyer", False),
        ("statistician", False),
    ],
)
def test_only_an_administrator_of_the_person_may_decide_an_erasure(cast, admin_a, who, allowed):
    user = admin_a if who == "admin_a" else getattr(cast, who)
    request = erasure_request(cast, cast.person_a)
    if allowed:
        with as_(user):
            anonymise_person(by=user, person=cast.person_a, request=request, reason="asked")
        with unscoped("test"):
            assert Anonymisation.objects.filter(person=cast.person_a).exists()
    else:
        with unscoped("test: the service checks the role, not the open scope"), pytest.raises(PermissionDenied):
            anonymise_person(by=user, person=cast.person_a, request=request, reason="asked")


def test_the_confirmation_page_needs_the_number_typed_again(client, cast, admin_a):
    request = erasure_request(cast, cast.person_a)
    client.force_login(admin_a)
    url = f"/privacy/requests/{request.pk}/anonymise/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": "PN-0000000-0", "reason": "asked"})
    assert response.status_code == 200
    with unscoped("test"):
        assert not Anonymisation.objects.exists()
    response = client.post(url, {"number": cast.person_a.registration_number.lower(), "reason": "asked"})
    assert response.status_code == 302
    with unscoped("test"):
        assert Anonymisation.objects.filter(person=cast.person_a).exists()
    # The anonymised record still opens (no names, documents or notes left to show).
    person_page = client.get(f"/persons/{cast.person_a.registration_number}/")
    assert person_page.status_code == 200 and "Ahmadi" not in person_page.content.decode()
    client.force_login(cast.officer_a)
    assert client.get(url).status_code == 403
    client.force_login(cast.officer_b)
    assert client.get(url).status_code == 404
