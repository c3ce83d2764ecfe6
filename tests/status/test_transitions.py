import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.status import selectors
from panah.status.models import EventKind, StatusEvent
from panah.status.services import correct_status_event, record_status_event

K = EventKind


def record(person, kind, day, by, **extra):
    with unscoped("test"):
        return record_status_event(person=person, kind=kind, effective=day, by=by, **extra)


def test_refugee_status_without_a_claim_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        record(cast.person_a, K.REFUGEE_GRANTED, dt.date(2016, 5, 1), cast.decider_a)
    assert "no open asylum claim" in str(error.value.message_dict["kind"])


def test_second_open_claim_is_refused(cast):
    record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10), cast.decider_a)
    with pytest.raises(ValidationError) as error:
        record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 2, 10), cast.decider_a)
    assert "already has an open claim" in str(error.value.message_dict["kind"])


def test_claim_grant_and_extension_make_a_refugee(cast):
    record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10), cast.decider_a)
    record(cast.person_a, K.REFUGEE_GRANTED, dt.date(2016, 4, 1), cast.decider_a, decision_reference="No. 17")
    record(cast.person_a, K.REFUGEE_EXTENDED, dt.date(2017, 4, 1), cast.decider_a)
    cast.person_a.refresh_from_db()
    assert cast.person_a.population_type == "REF"
    with unscoped("test"):
        assert selectors.stock(as_of=dt.date(2016, 3, 1), known_on=timezone.localdate())["ASY"] == 1
        assert selectors.stock(as_of=dt.date(2016, 5, 1), known_on=timezone.localdate())["REF"] == 1
        assert AuditEntry.objects.filter(action="decide", person_id=cast.person_a.pk).count() == 3


def test_appeal_needs_a_rejection_and_reopens_the_claim(cast):
    record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10), cast.decider_a)
    with pytest.raises(ValidationError):
        record(cast.person_a, K.APPEAL_LODGED, dt.date(2016, 2, 1), cast.decider_a)
    record(cast.person_a, K.ASYLUM_REJECTED, dt.date(2016, 4, 1), cast.decider_a)
    record(cast.person_a, K.APPEAL_LODGED, dt.date(2016, 4, 20), cast.decider_a)
    cast.person_a.refresh_from_db()
    assert cast.person_a.population_type == "ASY"


def test_future_effective_date_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        record(cast.person_a, K.OTHER_OF_CONCERN, timezone.localdate() + dt.timedelta(days=3), cast.decider_a)
    assert "future" in str(error.value.message_dict["effective"])


def test_naturalisation_from_statelessness_ends_membership_of_the_stock(cast):
    record(cast.person_b, K.STATELESS_DETERMINED, dt.date(2012, 1, 1), cast.sysadmin)
    record(cast.person_b, K.NATURALISED, dt.date(2020, 6, 1), cast.sysadmin)
    with unscoped("test"):
        assert selectors.stock(as_of=dt.date(2019, 1, 1), known_on=timezone.localdate())["STA"] == 1
        assert selectors.stock(as_of=dt.date(2021, 1, 1), known_on=timezone.localdate())["STA"] == 0


def test_correction_supersedes_without_editing_and_the_past_view_is_kept(cast):
    claim = record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10), cast.decider_a)
    wrong = record(cast.person_a, K.REFUGEE_GRANTED, dt.date(2016, 4, 1), cast.decider_a)
    known_before_correction = timezone.now()
    with unscoped("test"):
        correction = correct_status_event(
            event=wrong, by=cast.decider_a, reason="decision was a rejection", kind=K.ASYLUM_REJECTED
        )
        wrong.refresh_from_db()
        assert wrong.kind == K.REFUGEE_GRANTED  # the original row is untouched
        assert correction.supersedes == wrong
        as_of = dt.date(2016, 6, 1)
        assert selectors.stock(as_of=as_of, known_on=known_before_correction)["REF"] == 1
        assert selectors.stock(as_of=as_of, known_on=timezone.now())["REF"] == 0
        with pytest.raises(ValidationError):
            correct_status_event(event=wrong, by=cast.decider_a, reason="again")
        with pytest.raises(ValidationError) as error:
            correct_status_event(event=claim, by=cast.decider_a, reason="entered on the wrong person")
        assert error.value.message_dict["effective"][0].startswith(
            "Without this event, “asylum application rejected” of 2016-04-01 would make no legal sense"
        )
        correct_status_event(event=correction, by=cast.decider_a, reason="entered on the wrong person")
        retraction = correct_status_event(event=claim, by=cast.decider_a, reason="entered on the wrong person")
        assert retraction.kind == K.RETRACTION


def test_status_events_cannot_be_edited_or_deleted(cast):
    event = record(cast.person_a, K.OTHER_OF_CONCERN, dt.date(2016, 1, 10), cast.sysadmin)
    with unscoped("test"):
        event.evidence = "changed"
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            event.delete()
        with pytest.raises(TypeError):
            StatusEvent.objects.filter(pk=event.pk).update(evidence="x")
        with pytest.raises(TypeError):
            StatusEvent.objects.filter(pk=event.pk).delete()


def test_decision_page_records_and_shows_the_timeline(client, cast):
    client.force_login(cast.decider_a)
    number = cast.person_a.registration_number
    response = client.post(f"/persons/{number}/status/new/", {"kind": "asylum_application", "effective": "10.01.2016"})
    assert response.status_code == 302
    response = client.post(f"/persons/{number}/status/new/", {"kind": "refugee_granted", "effective": "01.13.2016"})
    assert response.status_code == 200
    assert "dd.mm.yyyy" in response.content.decode()
    page = client.get(f"/persons/{number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "asylum application registered" in page


def test_decision_page_shows_an_illegal_transition_beside_the_field(client, cast):
    client.force_login(cast.decider_a)
    response = client.post(
        f"/persons/{cast.person_a.registration_number}/status/new/",
        {"kind": "refugee_granted", "effective": "01.03.2016"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "Refugee status cannot be granted: the person has no open asylum claim on 2016-03-01."
    ]


def test_nothing_is_recorded_after_a_death(cast):
    record(cast.person_b, K.STATELESS_DETERMINED, dt.date(2012, 1, 1), cast.sysadmin)
    record(cast.person_b, K.DIED, dt.date(2019, 6, 1), cast.sysadmin)
    with pytest.raises(ValidationError) as error:
        record(cast.person_b, K.UNDETERMINED_IDENTIFIED, dt.date(2020, 1, 1), cast.sysadmin)
    assert "after the person's death" in str(error.value.message_dict["kind"])


def test_a_decision_dated_before_a_recorded_rejection_is_refused_and_nothing_is_written(cast):
    """What turned `make test` red on 7 December 2026: a grant dated between the claim and a rejection
    already on the timeline would leave that rejection "from refugee"."""
    record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2025, 12, 1), cast.decider_a)
    record(cast.person_a, K.ASYLUM_REJECTED, dt.date(2026, 7, 6), cast.decider_a)
    record(cast.person_a, K.APPEAL_LODGED, dt.date(2026, 7, 19), cast.decider_a)
    with unscoped("test"):
        before = StatusEvent.objects.count(), AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        record(cast.person_a, K.REFUGEE_GRANTED, dt.date(2026, 2, 23), cast.decider_a)

    assert error.value.message_dict["effective"] == [
        "“refugee status granted” on 2026-02-23 would come before “asylum application rejected” of 2026-07-06, "
        "which is already on the timeline and would then make no legal sense (“asylum application rejected” cannot "
        "be recorded: on 2026-07-06 the person is a refugee.). Correct the later event first."
    ]
    with unscoped("test"):
        assert (StatusEvent.objects.count(), AuditEntry.objects.count()) == before
    cast.person_a.refresh_from_db()
    assert cast.person_a.population_type == "ASY"


def test_a_death_recorded_late_cannot_come_before_events_already_recorded(cast):
    record(cast.person_b, K.STATELESS_DETERMINED, dt.date(2012, 1, 1), cast.sysadmin)
    record(cast.person_b, K.NATURALISED, dt.date(2019, 6, 1), cast.sysadmin)

    with pytest.raises(ValidationError) as error:
        record(cast.person_b, K.DIED, dt.date(2018, 1, 1), cast.sysadmin)
    assert "“naturalised” of 2019-06-01" in error.value.message_dict["effective"][0]


def test_retracting_the_claim_under_a_grant_is_refused_until_the_grant_is_corrected(cast):
    claim = record(cast.person_a, K.ASYLUM_APPLICATION, dt.date(2016, 1, 10), cast.decider_a)
    grant = record(cast.person_a, K.REFUGEE_GRANTED, dt.date(2016, 4, 1), cast.decider_a)

    with unscoped("test"), pytest.raises(ValidationError):
        correct_status_event(event=claim, by=cast.decider_a, reason="recorded on the wrong person")
    with unscoped("test"):
        correct_status_event(event=grant, by=cast.decider_a, reason="recorded on the wrong person")
        correct_status_event(event=claim, by=cast.decider_a, reason="recorded on the wrong person")
    cast.person_a.refresh_from_db()
    assert cast.person_a.population_type == ""
