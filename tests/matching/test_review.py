"""Reviewing duplicate candidates: the queue, who sees which pair, decisions and their memory."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from panah.accounts.models import SharingAgreement
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.matching import selectors, services
from panah.matching.models import CandidatePair, PairState, Source
from tests.factories import PersonFactory, region

EVIDENCE = [["family name", "Ахмади ≈ Ahmadi by transliteration"], ["birth", "same year"]]


def pair_of(first, second):
    with unscoped("test"):
        return CandidatePair.objects.get(left_id=min(first.pk, second.pk), right_id=max(first.pk, second.pk))


def visible(user, **filters):
    return {(p.left_id, p.right_id) for p in selectors.pairs_for_user(user, **filters)}


def key(first, second):
    return (min(first.pk, second.pk), max(first.pk, second.pk))


@pytest.fixture
def pairs(cast):
    """Pairs across the cast's records: within region A, across regions A and B (state only), and one
    joining a state record with the partner's own client."""
    twin_a = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Muhammad", "Akhmadi"))
    services.propose_pairs(
        [
            (twin_a.pk, cast.person_a.pk, 0.95, EVIDENCE),
            (cast.person_a.pk, cast.person_b.pk, 0.6, EVIDENCE),
            (cast.partner_person.pk, cast.person_b.pk, 0.7, EVIDENCE),
        ],
        Source.BATCH,
    )
    return {
        "within_a": key(twin_a, cast.person_a),
        "a_and_b": key(cast.person_a, cast.person_b),
        "state_and_partner": key(cast.person_b, cast.partner_person),
        "twin_a": twin_a,
    }


def test_propose_pairs_creates_open_pairs_with_the_smaller_id_first(cast):
    written = services.propose_pairs([(cast.person_b.pk, cast.person_a.pk, 0.8, EVIDENCE)], "online")
    assert written == 1
    pair = pair_of(cast.person_a, cast.person_b)
    assert (pair.left_id, pair.right_id) == key(cast.person_a, cast.person_b)
    assert pair.state == PairState.OPEN and pair.source == Source.ONLINE
    assert pair.evidence == EVIDENCE and pair.score == 0.8


def test_an_open_pair_takes_the_latest_proposal(cast):
    services.propose_pairs([(cast.person_a.pk, cast.person_b.pk, 0.6, [])], "online")
    assert services.propose_pairs([(cast.person_b.pk, cast.person_a.pk, 0.9, EVIDENCE)], "batch") == 1
    pair = pair_of(cast.person_a, cast.person_b)
    assert (pair.score, pair.source, pair.evidence) == (0.9, "batch", EVIDENCE)
    with unscoped("test"):
        assert CandidatePair.objects.count() == 1


def test_not_the_same_is_never_proposed_again(cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    services.decide(by=cast.officer_a, pair=pair, decision=PairState.NOT_SAME, note="different fathers")
    assert services.propose_pairs([(pair.left_id, pair.right_id, 0.99, EVIDENCE)], "batch") == 0
    assert services.propose_pairs([(pair.right_id, pair.left_id, 1.0, EVIDENCE)], "online") == 0
    pair.refresh_from_db()
    assert pair.state == PairState.NOT_SAME and pair.score == 0.95 and pair.note == "different fathers"
    assert pairs["within_a"] not in visible(cast.officer_a)  # the open queue
    assert pairs["within_a"] in visible(cast.officer_a, state=PairState.NOT_SAME)


def test_pairs_with_itself_or_unknown_records_are_skipped_and_bad_input_refused(cast):
    assert (
        services.propose_pairs(
            [(cast.person_a.pk, cast.person_a.pk, 0.9, []), (cast.person_a.pk, 10**9, 0.9, [])], "batch"
        )
        == 0
    )
    with pytest.raises(ValueError, match="outside"):
        services.propose_pairs([(cast.person_a.pk, cast.person_b.pk, 1.5, [])], "batch")
    with pytest.raises(ValueError, match="source"):
        services.propose_pairs([(cast.person_a.pk, cast.person_b.pk, 0.5, [])], "guess")


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer_a", {"within_a"}),  # region A only: not the pair with a region B record
        ("officer_b", set()),  # sees person_b, but never both records of any pair
        ("unhcr_officer", {"within_a", "a_and_b"}),  # the state's records in both regions, not the partner's
        ("lawyer", set()),  # the partner's client, but not the government-only record beside it
        ("statistician", set()),
        ("sysadmin", {"within_a", "a_and_b", "state_and_partner"}),
    ],
)
def test_a_reviewer_sees_only_pairs_whose_both_records_they_may_see(cast, pairs, who, sees):
    assert visible(getattr(cast, who)) == {pairs[name] for name in sees}


def test_queue_is_most_uncertain_first_and_filters_by_state_and_source(client, cast, pairs):
    services.propose_pairs([(cast.person_a.pk, PersonFactory(organisation=cast.state).pk, 0.99, EVIDENCE)], "online")
    client.force_login(cast.unhcr_officer)
    page = client.get("/duplicates/")
    assert page.status_code == 200
    scores = [p.score for p in page.context["page"].object_list]
    # The pair nearest one half first: there a reviewer's judgement adds most.
    assert scores == sorted(scores, key=lambda score: abs(score - 0.5)) == [0.6, 0.95, 0.99]
    assert [p.score for p in client.get("/duplicates/?source=online").context["page"].object_list] == [0.99]
    assert list(client.get("/duplicates/?state=same").context["page"].object_list) == []
    fragment = client.get("/duplicates/?source=batch", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"0.95" in fragment.content


@pytest.mark.parametrize("n", [1, 3])
def test_queue_reads_a_fixed_number_of_queries(client, cast, django_assert_num_queries, n):
    persons = [PersonFactory(organisation=cast.state, region=region("KZ-55")) for _ in range(n + 1)]
    services.propose_pairs([(persons[0].pk, p.pk, 0.5, EVIDENCE) for p in persons[1:]], "batch")
    client.force_login(cast.officer_a)
    client.get("/duplicates/")  # warm the session and the caches
    # session (read and save), user, the scope (memberships, regions, agreements), the menu's
    # permissions, then the page itself: count, pairs with both persons, names of each side
    with django_assert_num_queries(14):
        response = client.get("/duplicates/")
    assert len(response.context["page"].object_list) == n


def test_pair_page_shows_both_records_with_evidence_and_score(client, cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client.force_login(cast.officer_a)
    page = client.get(f"/duplicates/{pair.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert cast.person_a.registration_number in text and pairs["twin_a"].registration_number in text
    assert "Ахмади ≈ Ahmadi by transliteration" in text and "0.95" in text
    assert 'value="not_same"' in text
    views = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, object_id=str(pair.pk), user=cast.officer_a)
    assert sorted(views.values_list("person_id", flat=True)) == sorted([pair.left_id, pair.right_id])


@pytest.mark.parametrize("who", ["officer_b", "lawyer", "statistician"])
def test_pair_pages_are_not_found_out_of_scope(client, cast, pairs, who):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client.force_login(getattr(cast, who))
    assert client.get(f"/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same"}).status_code == 404
    assert client.get(f"/duplicates/{pair.pk}/merge/").status_code == 404
    assert client.get("/duplicates/999999/").status_code == 404


def test_lawyer_gets_not_found_for_a_pair_with_a_government_only_record(client, cast, pairs):
    pair = pair_of(cast.person_b, cast.partner_person)
    client.force_login(cast.lawyer)
    assert client.get(f"/duplicates/{pair.pk}/").status_code == 404
    assert pair.pk not in [p.pk for p in client.get("/duplicates/").context["page"].object_list]


def test_deciding_on_the_page_records_the_decision_and_audits_both_persons(client, cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client.force_login(cast.officer_a)
    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "unsure", "note": "ask the family"})
    assert response.status_code == 302 and response["Location"] == "/duplicates/"
    pair.refresh_from_db()
    assert (pair.state, pair.note, pair.reviewed_by) == (PairState.UNSURE, "ask the family", cast.officer_a)
    entries = AuditEntry.objects.filter(object_type="matching.CandidatePair", object_id=str(pair.pk))
    assert sorted(entries.values_list("person_id", flat=True)) == sorted([pair.left_id, pair.right_id])
    assert {e.changes["state"][1] for e in entries} == {"unsure"}


def test_a_registrar_marking_the_same_is_told_who_merges(client, cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client.force_login(cast.officer_a)
    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same"}, follow=True)
    assert "A status decision officer can merge them" in response.content.decode()
    pair.refresh_from_db()
    assert pair.state == PairState.SAME


def test_deciding_needs_the_right_to_change_or_merge_both_records(cast, pairs):
    with unscoped("test"):
        pair = CandidatePair.objects.get(left_id=pairs["a_and_b"][0], right_id=pairs["a_and_b"][1])
    with pytest.raises(PermissionDenied):
        services.decide(by=cast.officer_a, pair=pair, decision=PairState.SAME)  # region B is not theirs
    # UNHCR sees the state's persons; deciding on their duplicates needs the agreement to grant it.
    with pytest.raises(PermissionDenied):
        services.decide(by=cast.unhcr_officer, pair=pair, decision=PairState.UNSURE)
    agreement = SharingAgreement.objects.get(provider=cast.state, recipient=cast.unhcr)
    agreement.actions = [*agreement.actions, "review_duplicates"]
    agreement.save()
    services.decide(by=cast.unhcr_officer, pair=pair, decision=PairState.UNSURE)


def test_an_unknown_decision_is_refused_beside_the_buttons(client, cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client.force_login(cast.officer_a)
    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "maybe"})
    assert response.status_code == 400
    assert b"error-summary" in response.content
    pair.refresh_from_db()
    assert pair.state == PairState.OPEN


def test_decisions_need_the_csrf_token(cast, pairs):
    pair = pair_of(cast.person_a, pairs["twin_a"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    assert client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "not_same"}).status_code == 403
    pair.refresh_from_db()
    assert pair.state == PairState.OPEN
    assert client.get(f"/duplicates/{pair.pk}/decide/").status_code == 405
