"""Merging duplicate records and undoing it: nothing is lost, the old number leads to the survivor,
statistics count the person once, conflicting legal files block the merge, and unmerge restores both
records exactly."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.cases.models import Case, PersonCondition
from panah.knowledge.models import SharedInformation
from panah.matching import services
from panah.matching.models import CandidatePair, Merge, PairState, Source
from panah.registry import selectors as registry_selectors
from panah.registry.models import (
    Address,
    Consent,
    Household,
    HouseholdMember,
    NameToken,
    Person,
    SpecificNeed,
    SpecificNeedCode,
)
from panah.stats.selectors import flow_cube, flow_totals, stock_cube, stock_totals
from panah.status.models import EventKind as K
from panah.status.models import StatusEvent
from panah.status.services import correct_status_event, record_status_event
from tests.factories import DocumentFactory, PersonFactory, region
from tests.factories.knowledge import PartnerProjectFactory

REGION_A = "KZ-55"


def event(person, kind, day, **extra):
    with unscoped("test"):
        return record_status_event(person=person, kind=kind, effective=day, by=None, **extra)


def rich_person(cast, names, *, since, household=None, region_code=REGION_A, organisation=None):
    """A person with a row of every kind a merge must keep."""
    person = PersonFactory(
        organisation=organisation or cast.state, region=region(region_code), names=names, birth_date=dt.date(1990, 1, 1)
    )
    with unscoped("test"):
        Address._base_manager.create(person=person, region_id=region_code, locality="Павлодар", valid_from=since)
        DocumentFactory(person=person, valid_from=since, valid_to=since + dt.timedelta(days=3650))
        SpecificNeed._base_manager.create(
            person=person,
            code=SpecificNeedCode.objects.order_by("code").first(),
            identified_on=since,
            identified_by=person.organisation,
        )
        Consent._base_manager.create(person=person, purpose="registration", given_on=since, taken_by=cast.officer_a)
        if household is not None:
            HouseholdMember._base_manager.create(
                household=household, person=person, relationship="head", valid_from=since
            )
        # Casework and information shared follow the file too.
        Case._base_manager.create(
            person=person, kind="legal_assistance", state="open", state_since=since, organisation=person.organisation,
            region_id=region_code, opened_on=since,
        )  # fmt: skip
        PersonCondition._base_manager.create(person=person, kind="language_certificate", met_on=since)
        SharedInformation._base_manager.create(
            person=person, project=PartnerProjectFactory(), language="ru", shared_on=since, shared_by=cast.officer_a,
            organisation=person.organisation,
        )  # fmt: skip
    return person


def full_snapshot(*persons):
    """Every row of the persons and of everything recorded about them, field by field."""
    with unscoped("test"):
        return {
            person.pk: {
                "person": Person.objects.filter(pk=person.pk).values().get(),
                **{
                    label: list(model.objects.filter(person_id=person.pk).order_by("pk").values())
                    for label, model in services.MOVED.items()
                },
            }
            for person in persons
        }


@pytest.fixture
def twins(cast):
    """Two records of one stateless man: a Cyrillic one (older) and a Latin one, each with a history."""
    household = Household.objects.create(organisation=cast.state, reference="HH-test")
    survivor = rich_person(
        cast,
        [{"given_name": "Мухаммад", "family_name": "Ахмади", "script": "cyrl"}],
        since=dt.date(2016, 3, 1),
    )
    merged = rich_person(
        cast,
        [
            {"given_name": "Mohammad", "family_name": "Ahmadi", "script": "latn"},
            {"full_name": "محمد احمدی", "script": "arab", "kind": "original"},
        ],
        since=dt.date(2017, 5, 1),
        household=household,
    )
    event(survivor, K.UNDETERMINED_IDENTIFIED, dt.date(2016, 3, 1))
    event(survivor, K.STATELESS_DETERMINED, dt.date(2018, 6, 1))
    wrong = event(merged, K.UNDETERMINED_IDENTIFIED, dt.date(2017, 5, 1))
    with unscoped("test"):
        correct_status_event(event=wrong, by=None, reason="date misread", effective=dt.date(2017, 5, 2))
    event(merged, K.STATELESS_DETERMINED, dt.date(2019, 2, 1))
    return survivor, merged


def test_merge_keeps_everything_and_unmerge_restores_both_records_exactly(cast, twins):
    survivor, merged = twins
    before = full_snapshot(survivor, merged)
    moved_rows = {label: len(rows) for label, rows in before[merged.pk].items() if label != "person"}

    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same passport photo")

    after_merge = full_snapshot(survivor, merged)
    for label, count in moved_rows.items():
        assert after_merge[merged.pk][label] == [], label
        assert len(after_merge[survivor.pk][label]) == len(before[survivor.pk][label]) + count, label
    assert after_merge[merged.pk]["person"]["merged_into_id"] == survivor.pk
    assert done.snapshot["moved"]["status.StatusEvent"] == sorted(
        r["id"] for r in before[merged.pk]["status.StatusEvent"]
    )
    # The moved rows are the same rows, unchanged but for the person they belong to.
    moved_events = [
        {**row, "person_id": merged.pk}
        for row in after_merge[survivor.pk]["status.StatusEvent"]
        if row["id"] in done.snapshot["moved"]["status.StatusEvent"]
    ]
    assert moved_events == before[merged.pk]["status.StatusEvent"]

    with unscoped("test"), pytest.raises(TypeError):  # events still refuse every other change
        StatusEvent.objects.filter(person=survivor).update(person_id=merged.pk)

    services.unmerge(by=cast.decider_a, merge=done, reason="two brothers after all")

    assert full_snapshot(survivor, merged) == before
    with unscoped("test"):
        assert Merge.objects.get(pk=done.pk).undone_by == cast.decider_a


def test_merged_away_number_leads_to_the_survivor_and_leaves_search_results(cast, twins, client):
    survivor, merged = twins
    services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same person")
    with use_scope(scope_for(cast.officer_a)):
        assert registry_selectors.get_person(merged.registration_number).pk == survivor.pk
        by_number = registry_selectors.search_persons(merged.registration_number)
        assert [p.pk for p in by_number.persons] == [survivor.pk]
        by_name = registry_selectors.search_persons("Ahmadi")  # the merged record's Latin name, now the survivor's
        assert survivor.pk in [p.pk for p in by_name.persons]
        assert merged.pk not in [p.pk for p in by_name.persons]
        assert merged.pk not in [p.pk for p in registry_selectors.person_list_queryset()]
    client.force_login(cast.officer_a)
    page = client.get(f"/persons/{merged.registration_number}/")
    assert page.status_code == 302
    assert page["Location"] == f"/persons/{survivor.registration_number}/"
    # Still "not found" for someone who may not see the survivor.
    with use_scope(scope_for(cast.officer_b)), pytest.raises(Http404):
        registry_selectors.get_person(merged.registration_number)


def test_statistics_count_the_person_once_after_a_merge_and_twice_after_unmerge(cast, twins):
    survivor, merged = twins

    def stateless_today():
        with unscoped("test"):
            return stock_totals(stock_cube(as_of=timezone.localdate(), known_on=timezone.now()))["STA"]

    assert stateless_today() == 2
    before_the_merge = timezone.now()
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same person")
    assert stateless_today() == 1
    with unscoped("test"):
        # What was known before the merge stays as it was known: a release re-runs identically.
        as_known_then = stock_cube(as_of=timezone.localdate(), known_on=before_the_merge)
        flows_then = flow_cube(start=dt.date(2000, 1, 1), end=timezone.localdate(), known_on=before_the_merge)
    assert stock_totals(as_known_then)["STA"] == 2
    assert flow_totals(flows_then)["stateless_determinations"] == 2
    services.unmerge(by=cast.decider_a, merge=done)
    assert stateless_today() == 2


def test_different_legal_statuses_today_block_the_merge_and_say_what_differs(cast):
    refugee = PersonFactory(organisation=cast.state, region=region(REGION_A))
    stateless = PersonFactory(organisation=cast.state, region=region(REGION_A), name=("Muhammad", "Akhmadi"))
    event(refugee, K.ASYLUM_APPLICATION, dt.date(2015, 2, 1))
    event(refugee, K.REFUGEE_GRANTED, dt.date(2015, 9, 14))
    event(stateless, K.STATELESS_DETERMINED, dt.date(2019, 4, 2))
    with pytest.raises(ValidationError) as error:
        services.merge(by=cast.decider_a, survivor=refugee, merged=stateless, reason="looks the same")
    (message,) = error.value.messages
    assert refugee.registration_number in message and stateless.registration_number in message
    assert "refugee" in message and "14 Sep 2015" in message and "refugee status granted" in message
    assert "stateless person" in message and "2 Apr 2019" in message and "determined stateless" in message
    with unscoped("test"):
        assert not Merge.objects.exists()
        assert Person.objects.get(pk=stateless.pk).merged_into_id is None
        assert StatusEvent.objects.filter(person=stateless).count() == 1


def test_overlapping_open_asylum_claims_block_the_merge(cast):
    first = PersonFactory(organisation=cast.state, region=region(REGION_A))
    second = PersonFactory(organisation=cast.state, region=region(REGION_A))
    event(first, K.ASYLUM_APPLICATION, dt.date(2020, 1, 10))
    event(second, K.ASYLUM_APPLICATION, dt.date(2019, 3, 5))
    event(second, K.CLAIM_CLOSED, dt.date(2020, 6, 1))
    event(second, K.ASYLUM_APPLICATION, dt.date(2021, 1, 1), application_type="repeat")
    with pytest.raises(ValidationError) as error:
        services.merge(by=cast.decider_a, survivor=first, merged=second, reason="same")
    messages = error.value.messages
    overlap = [m for m in messages if "Asylum claims overlap" in m]
    assert len(overlap) == 2  # the second's first claim and its repeat claim both overlap the first's
    assert "from 10 Jan 2020, still open" in overlap[0] and "from 5 Mar 2019 until 1 Jun 2020" in overlap[0]
    assert "from 1 Jan 2021, still open" in overlap[1]


def test_correcting_one_timeline_lifts_the_block(cast):
    refugee = PersonFactory(organisation=cast.state, region=region(REGION_A))
    other = PersonFactory(organisation=cast.state, region=region(REGION_A))
    event(refugee, K.ASYLUM_APPLICATION, dt.date(2015, 2, 1))
    event(refugee, K.REFUGEE_GRANTED, dt.date(2015, 9, 14))
    wrong = event(other, K.STATELESS_DETERMINED, dt.date(2019, 4, 2))
    assert services.merge_conflicts(refugee, other)
    with unscoped("test"):
        correct_status_event(event=wrong, by=cast.decider_a, reason="recorded on the wrong record")
    assert services.merge_conflicts(refugee, other) == []
    services.merge(by=cast.decider_a, survivor=refugee, merged=other, reason="same person")


def test_two_current_households_block_the_merge(cast):
    first_household = Household.objects.create(organisation=cast.state, reference="HH-1")
    second_household = Household.objects.create(organisation=cast.state, reference="HH-2")
    first = rich_person(cast, None, since=dt.date(2018, 1, 1), household=first_household)
    second = rich_person(cast, None, since=dt.date(2018, 1, 1), household=second_household)
    with pytest.raises(ValidationError, match=r"HH-1.*HH-2"):
        services.merge(by=cast.decider_a, survivor=first, merged=second, reason="same")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("decider_a", True),  # status decision officer of region A: MERGE_PERSONS there
        ("sysadmin", True),
        ("officer_a", False),  # registrar: may mark pairs the same, not merge
        ("unhcr_officer", False),
        ("statistician", False),
    ],
)
def test_merging_needs_the_right_to_merge_both_records(cast, who, allowed):
    first = PersonFactory(organisation=cast.state, region=region(REGION_A))
    second = PersonFactory(organisation=cast.state, region=region(REGION_A))
    if allowed:
        services.merge(by=getattr(cast, who), survivor=first, merged=second, reason="same")
    else:
        with pytest.raises(PermissionDenied):
            services.merge(by=getattr(cast, who), survivor=first, merged=second, reason="same")


def test_a_record_outside_the_mergers_regions_cannot_be_merged(cast):
    # decider_a may merge in region A only; person_b lives in region B.
    with pytest.raises(PermissionDenied):
        services.merge(by=cast.decider_a, survivor=cast.person_a, merged=cast.person_b, reason="same")
    with pytest.raises(PermissionDenied):
        services.merge(by=cast.decider_a, survivor=cast.person_b, merged=cast.person_a, reason="same")


def test_merge_and_unmerge_are_audited_on_both_persons_and_old_entries_stay(cast, twins):
    survivor, merged = twins
    with unscoped("test"):
        record_status_event(person=merged, kind=K.RESIDENCE_PERMIT, effective=dt.date(2020, 1, 1), by=cast.decider_a)
    earlier = list(AuditEntry.objects.filter(person_id=merged.pk).values())
    assert earlier
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same passport")
    merges = AuditEntry.objects.filter(action=AuditEntry.Action.MERGE, object_id=str(done.pk))
    assert sorted(merges.values_list("person_number", flat=True)) == sorted(
        [survivor.registration_number, merged.registration_number]
    )
    assert {e.purpose for e in merges} == {"same passport"}
    services.unmerge(by=cast.decider_a, merge=done, reason="not the same")
    assert merges.all().count() == 4
    assert list(AuditEntry.objects.filter(person_id=merged.pk).order_by("id").values())[: len(earlier)] == sorted(
        earlier, key=lambda e: e["id"]
    )


def test_merging_decides_the_pair_the_same_and_unmerge_puts_the_decision_back(cast, twins):
    survivor, merged = twins
    services.propose_pairs([(survivor.pk, merged.pk, 0.97, [["family name", "Ахмади ≈ Ahmadi"]])], Source.BATCH)
    with unscoped("test"):
        pair = CandidatePair.objects.get()
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    pair.refresh_from_db()
    assert pair.state == PairState.SAME and done.pair_id == pair.pk
    services.unmerge(by=cast.decider_a, merge=done)
    pair.refresh_from_db()
    assert pair.state == PairState.OPEN


def test_a_pair_decided_not_the_same_cannot_be_merged_until_decided_again(cast, twins):
    survivor, merged = twins
    services.propose_pairs([(survivor.pk, merged.pk, 0.9, [])], Source.ONLINE)
    with unscoped("test"):
        pair = CandidatePair.objects.get()
    services.decide(by=cast.officer_a, pair=pair, decision=PairState.NOT_SAME, note="different fathers")
    with pytest.raises(ValidationError, match="not to be the same"):
        services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")


def test_a_merged_record_cannot_be_merged_again_nor_a_merge_undone_twice(cast, twins):
    survivor, merged = twins
    third = PersonFactory(organisation=cast.state, region=region(REGION_A))
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    with pytest.raises(ValidationError, match="already been merged"):
        services.merge(by=cast.decider_a, survivor=third, merged=merged, reason="same")
    services.unmerge(by=cast.decider_a, merge=done)
    with pytest.raises(ValidationError, match="already been undone"):
        services.unmerge(by=cast.decider_a, merge=done)


def test_unmerge_waits_for_a_later_merge_of_the_survivor_to_be_undone(cast, twins):
    survivor, merged = twins
    third = PersonFactory(organisation=cast.state, region=region(REGION_A))
    first_merge = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    second_merge = services.merge(by=cast.decider_a, survivor=third, merged=survivor, reason="same")
    with pytest.raises(ValidationError, match="Undo that merge first"):
        services.unmerge(by=cast.decider_a, merge=first_merge)
    with use_scope(scope_for(cast.officer_a)):
        assert registry_selectors.get_person(merged.registration_number).pk == third.pk  # followed twice
    services.unmerge(by=cast.decider_a, merge=second_merge)
    services.unmerge(by=cast.decider_a, merge=first_merge)


def test_a_correction_made_after_the_merge_goes_back_with_the_event_it_corrects(cast, twins):
    survivor, merged = twins
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    with unscoped("test"):
        determination = StatusEvent.objects.get(
            pk__in=done.snapshot["moved"]["status.StatusEvent"], kind=K.STATELESS_DETERMINED
        )
        correction = correct_status_event(event=determination, by=cast.decider_a, reason="was not determined")
        second = correct_status_event(event=correction, by=cast.decider_a, reason="it was, after all")
    services.unmerge(by=cast.decider_a, merge=done)
    with unscoped("test"):
        assert set(
            StatusEvent.objects.filter(pk__in=[correction.pk, second.pk]).values_list("person_id", flat=True)
        ) == {merged.pk}
        assert not StatusEvent.objects.filter(person=survivor, supersedes__person=merged).exists()
    entry = AuditEntry.objects.filter(person_id=merged.pk, action=AuditEntry.Action.MERGE).first()
    assert entry.changes["corrections_followed"] == [correction.pk, second.pk]


# Pages ---------------------------------------------------------------------------------------------


def _pair(cast, first, second, score=0.9):
    services.propose_pairs(
        [(first.pk, second.pk, score, [["family name", "Ахмади ≈ Ahmadi by transliteration"]])], "batch"
    )
    with unscoped("test"):
        return CandidatePair.objects.get(left_id=min(first.pk, second.pk), right_id=max(first.pk, second.pk))


def test_merge_step_defaults_to_the_older_registration_and_merges(client, cast, twins):
    survivor, merged = twins
    pair = _pair(cast, survivor, merged)
    client.force_login(cast.decider_a)
    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same", "note": "same passport"})
    assert response.status_code == 302 and response["Location"] == f"/duplicates/{pair.pk}/merge/"
    page = client.get(f"/duplicates/{pair.pk}/merge/")
    assert page.status_code == 200
    assert page.context["form"]["survivor"].value() == str(survivor.pk)
    response = client.post(f"/duplicates/{pair.pk}/merge/", {"survivor": str(survivor.pk), "reason": "same passport"})
    assert response.status_code == 302
    with unscoped("test"):
        done = Merge.objects.get()
    assert response["Location"] == f"/duplicates/merges/{done.pk}/"
    page = client.get(response["Location"])
    assert b"Unmerge" in page.content
    response = client.post(response["Location"], {"reason": "two brothers"})
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.undone_at is not None


def test_merge_step_shows_the_conflict_and_offers_no_merge_button(client, cast):
    refugee = PersonFactory(organisation=cast.state, region=region(REGION_A))
    stateless = PersonFactory(organisation=cast.state, region=region(REGION_A))
    event(refugee, K.ASYLUM_APPLICATION, dt.date(2015, 2, 1))
    event(refugee, K.REFUGEE_GRANTED, dt.date(2015, 9, 14))
    event(stateless, K.STATELESS_DETERMINED, dt.date(2019, 4, 2))
    pair = _pair(cast, refugee, stateless)
    client.force_login(cast.decider_a)
    page = client.get(f"/duplicates/{pair.pk}/merge/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "cannot be merged yet" in text and "14 Sep 2015" in text and "Their legal statuses differ" in text
    assert '<button type="submit">Merge</button>' not in text
    # A POST anyway is refused by the service, with the same words in the error summary.
    response = client.post(f"/duplicates/{pair.pk}/merge/", {"survivor": str(refugee.pk), "reason": "x"})
    assert response.status_code == 400
    assert "Their legal statuses differ" in response.content.decode()
    with unscoped("test"):
        assert not Merge.objects.exists()


def test_merge_pages_are_forbidden_without_the_right_to_merge(client, cast, twins):
    survivor, merged = twins
    pair = _pair(cast, survivor, merged)
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    client.force_login(cast.officer_a)  # sees both records, may not merge
    assert client.get(f"/duplicates/{pair.pk}/merge/").status_code == 403
    page = client.get(f"/duplicates/merges/{done.pk}/")
    assert page.status_code == 200 and b"Unmerge" not in page.content
    assert client.post(f"/duplicates/merges/{done.pk}/", {"reason": "x"}).status_code == 403


def test_merge_page_is_not_found_out_of_scope(client, cast, twins):
    survivor, merged = twins
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    client.force_login(cast.officer_b)  # region B only
    assert client.get(f"/duplicates/merges/{done.pk}/").status_code == 404
    assert client.post(f"/duplicates/merges/{done.pk}/", {"reason": "x"}).status_code == 404


def test_merge_and_unmerge_posts_need_the_csrf_token(cast, twins):
    survivor, merged = twins
    pair = _pair(cast, survivor, merged)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.decider_a)
    assert (
        client.post(f"/duplicates/{pair.pk}/merge/", {"survivor": str(survivor.pk), "reason": "x"}).status_code == 403
    )
    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same")
    assert client.post(f"/duplicates/merges/{done.pk}/", {"reason": "x"}).status_code == 403
    with unscoped("test"):
        assert Merge.objects.get().undone_at is None


def token_years(person):
    with unscoped("test"):
        return set(NameToken.objects.filter(person=person).values_list("birth_year", flat=True))


def test_name_tokens_carry_the_birth_year_of_the_person_they_belong_to(cast, twins):
    """The duplicate check reads the name index by birth year: a corrected birth date, a merge and
    its undoing all move the year on the tokens."""
    from panah.registry.services import update_person

    survivor, merged = twins
    assert token_years(survivor) == token_years(merged) == {1990}
    with unscoped("test"):
        update_person(by=cast.officer_a, person=merged, changes={"birth_date": dt.date(1988, 3, 4)})
    assert token_years(merged) == {1988}

    done = services.merge(by=cast.decider_a, survivor=survivor, merged=merged, reason="same passport photo")
    assert token_years(survivor) == {1990}  # the merged record's names are the survivor's now
    services.unmerge(by=cast.decider_a, merge=done, reason="two persons after all")
    assert token_years(merged) == {1988} and token_years(survivor) == {1990}


def test_a_person_without_a_birth_date_has_tokens_of_year_0(cast):
    person = PersonFactory(organisation=cast.state, region=region(REGION_A), birth_date=None, name=("Nasir", "Hotak"))
    assert token_years(person) == {0}
