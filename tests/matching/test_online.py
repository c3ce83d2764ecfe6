"""The duplicate check at registration: the issue's example, the registrar's decision recorded,
records the registrar may not see, and hard negatives that must stay silent."""

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse

from panah.accounts.scope import unscoped
from panah.matching.models import CandidatePair, PairState
from panah.matching.online import check, registration_records
from panah.registry.models import Person
from tests.factories import PersonFactory, region

# The example: registered by a regional department in Cyrillic ...
EXISTING = {"names": [{"given_name": "Мухаммад", "family_name": "Ахмади", "script": "cyrl"}]}
# ... entered again by a partner in Latin, born 01.01.1990.
NEW = {
    "name-latn_given_name": "Mohammad",
    "name-latn_family_name": "Ahmadi",
    "person-sex": "M",
    "person-birth": "01.01.1990",
    "address-region": "KZ-55",
}


@pytest.fixture
def existing(cast):
    return PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        birth_date=dt.date(1990, 1, 1),
        birth_date_precision="year",
        **EXISTING,
    )


def new_person_ids(cast, *known):
    with unscoped("test"):
        return set(Person.objects.values_list("pk", flat=True)) - {
            cast.person_a.pk, cast.person_b.pk, cast.partner_person.pk, *[p.pk for p in known]
        }  # fmt: skip


def test_the_form_warns_with_evidence_in_words_and_saves_nothing_until_the_registrar_decides(client, cast, existing):
    client.force_login(cast.officer_a)
    response = client.post(reverse("registry:register"), NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This person may already be registered" in page
    assert existing.registration_number in page
    assert "Ахмади" in page and "Ahmadi" in page  # the evidence names both spellings
    candidates = response.context["duplicates"]["candidates"]
    # The cast's person_a is also a Mohammad Ahmadi born in 1990 (on 17 May): a fair candidate too.
    assert {c.person for c in candidates} == {existing, cast.person_a}
    assert all(c.probability >= 0.5 for c in candidates)
    assert not new_person_ids(cast, existing)


def test_a_different_person_is_registered_and_never_proposed_again(client, cast, existing):
    client.force_login(cast.officer_a)
    shown = client.post(reverse("registry:register"), NEW).context["duplicates"]["shown"]
    response = client.post(
        reverse("registry:register"), {**NEW, "duplicate_shown": shown, "duplicate_decision": "different"}
    )
    assert response.status_code == 302
    (new,) = new_person_ids(cast, existing)
    with unscoped("test"):
        pairs = list(CandidatePair.objects.all())
    assert {frozenset((p.left_id, p.right_id)) for p in pairs} == {
        frozenset((new, existing.pk)),
        frozenset((new, cast.person_a.pk)),
    }
    assert {(p.state, p.reviewed_by, p.source) for p in pairs} == {(PairState.NOT_SAME, cast.officer_a, "online")}


def test_unsure_registers_and_leaves_the_pair_for_a_reviewer(client, cast, existing):
    client.force_login(cast.officer_a)
    shown = client.post(reverse("registry:register"), NEW).context["duplicates"]["shown"]
    client.post(reverse("registry:register"), {**NEW, "duplicate_shown": shown, "duplicate_decision": "unsure"})
    with unscoped("test"):
        assert set(CandidatePair.objects.values_list("state", flat=True)) == {PairState.OPEN}


def test_a_decision_on_other_candidates_does_not_count(client, cast, existing):
    """The registrar changed the entries after deciding: the new candidates need a new decision."""
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("registry:register"), {**NEW, "duplicate_shown": "999999", "duplicate_decision": "different"}
    )
    assert response.status_code == 200
    assert response.context["duplicates"]["error"]
    assert not new_person_ids(cast, existing)


def test_a_record_the_registrar_may_not_see_is_announced_without_personal_data(client, cast):
    hidden = PersonFactory(
        organisation=cast.partner,
        region=region("KZ-75"),
        birth_date=dt.date(1990, 1, 1),
        birth_date_precision="year",
        **EXISTING,
    )
    client.force_login(cast.officer_a)
    response = client.post(reverse("registry:register"), NEW)
    page = response.content.decode()
    assert "a record held by KIBHR that you may not open" in page
    assert hidden.registration_number not in page and "Ахмади" not in page
    shown = response.context["duplicates"]["shown"]
    client.post(reverse("registry:register"), {**NEW, "duplicate_shown": shown, "duplicate_decision": "different"})
    with unscoped("test"):
        hidden_pair = CandidatePair.objects.get(Q(left=hidden) | Q(right=hidden))
        visible_pair = CandidatePair.objects.get(Q(left=cast.person_a) | Q(right=cast.person_a))
    assert hidden_pair.state == PairState.OPEN  # left for a reviewer who may see both
    assert visible_pair.state == PairState.NOT_SAME


def test_the_htmx_check_shows_candidates_as_the_registrar_types(client, cast, existing):
    client.force_login(cast.officer_a)
    response = client.post(reverse("registry:register_check"), {k: v for k, v in NEW.items() if k != "person-sex"})
    assert response.status_code == 200
    assert existing.registration_number in response.content.decode()
    assert client.get(reverse("registry:register_check")).status_code == 405


def test_the_check_needs_the_right_to_register(client, cast, existing):
    client.force_login(cast.statistician)
    assert client.post(reverse("registry:register_check"), NEW).status_code == 403


@pytest.mark.parametrize(
    ("given", "family", "birth"),
    [
        ("Mohammad", "Ahmadi", "1975"),  # a namesake born 15 years earlier
        ("Karim", "Ahmadi", "01.01.1990"),  # same family and birth year, another given name (a twin)
        ("Mohammad", "Rahimi", "01.01.1990"),
    ],
)
def test_hard_negatives_are_not_proposed(cast, existing, given, family, birth):
    from panah.registry.forms import parse_approximate_date

    day, precision = parse_approximate_date(birth)
    records = registration_records(
        [{"given_name": given, "family_name": family}],
        {"sex": "M", "birth_date": day, "birth_date_precision": precision},
        [],
    )
    assert [c.person for c in check(records, by=cast.officer_a)] == []


def test_a_document_number_finds_the_person_whatever_the_name(cast, existing):
    from tests.factories import DocumentFactory

    DocumentFactory(person=existing, type="passport", number="P 0123456")
    records = registration_records(
        [{"given_name": "M.", "family_name": "Ahmadi"}],
        {"sex": "M", "birth_date": dt.date(1990, 1, 1), "birth_date_precision": "year"},
        [{"number": "p0123456"}],
    )
    assert [c.person for c in check(records, by=cast.officer_a)] == [existing]


def test_the_address_entered_is_compared_with_the_current_address(cast, existing):
    from panah.registry.models import Address

    with unscoped("test"):
        Address.objects.create(person=existing, region=region("KZ-55"), locality="Павлодар",
                               line="ул. Абая 12, кв. 5", valid_from=dt.date(2016, 3, 1))  # fmt: skip
    records = registration_records(
        [{"given_name": "Mohammad", "family_name": "Ahmadi"}],
        {"sex": "M", "birth_date": dt.date(1990, 1, 1), "birth_date_precision": "year"},
        [],
        {"region": region("KZ-55"), "locality": "Pavlodar", "line": "ul. Abaia 12, kv. 5"},
    )
    candidate = next(c for c in check(records, by=cast.officer_a) if c.person == existing)
    evidence = {str(label): str(text) for label, text in candidate.evidence}
    assert (
        evidence["address"]
        == "ul. Abaia 12, kv. 5, Pavlodar = ул. Абая 12, кв. 5, Павлодар, the same address written another way"
    )
    assert evidence["region"] == "same (KZ-55)"


def candidate_ids(given, family, birth):
    """The persons the check reads from the index (before scoring: not all of them are shown)."""
    from panah.matching.normalise import prepare
    from panah.matching.online import _candidate_ids

    [record] = registration_records(
        [{"given_name": given, "family_name": family}],
        {"sex": "M", "birth_date": birth, "birth_date_precision": "year"},
        [],
    )
    with unscoped("test"):
        return _candidate_ids(record, prepare(record))


def test_a_person_whose_birth_date_is_unknown_is_still_a_candidate(cast):
    unknown = PersonFactory(organisation=cast.state, region=region("KZ-55"), birth_date=None, **EXISTING)
    assert unknown.pk in candidate_ids("Mohammad", "Ahmadi", dt.date(1990, 1, 1))


def test_a_person_born_a_year_off_is_a_candidate_when_the_year_finds_too_few(cast):
    off = PersonFactory(organisation=cast.state, region=region("KZ-55"), birth_date=dt.date(1991, 3, 2), **EXISTING)
    assert off.pk in candidate_ids("Mohammad", "Ahmadi", dt.date(1990, 1, 1))
    assert off.pk not in candidate_ids("Mohammad", "Ahmadi", dt.date(1985, 1, 1))
