"""The data-subject requests register: deadlines, states, who may record and see a request."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.privacy.models import RequestState, SubjectRequest
from panah.privacy.services import complete_request, record_request, refuse_request, start_request


def access_request(by, person, received_on=dt.date(2026, 3, 2), kind="access"):
    with use_scope(scope_for(by)):
        return record_request(
            by=by, person=person, kind=kind, received_on=received_on, channel="in_person",
            identity_checked=True, identity_evidence="refugee certificate seen",
        )  # fmt: skip


def test_a_request_is_due_the_configured_days_after_receipt_and_audited(cast):
    request = access_request(cast.officer_a, cast.person_a, received_on=dt.date(2026, 1, 31))
    assert request.due_on == dt.date(2026, 3, 2)  # 31 January + 30 days
    assert request.state == RequestState.RECEIVED and request.organisation == cast.state
    assert AuditEntry.objects.filter(person_id=cast.person_a.pk, summary__startswith="data-subject request").exists()
    with override_settings(PANAH_SUBJECT_REQUEST_DAYS=10):
        assert access_request(cast.officer_a, cast.person_a, dt.date(2026, 1, 31)).due_on == dt.date(2026, 2, 10)


@pytest.mark.parametrize(
    ("who", "person", "allowed"),
    [
        ("officer_a", "person_a", True),
        ("unhcr_officer", "person_a", False),  # sees the state's person: the agreement does not grant changes
        ("lawyer", "partner_person", True),
        ("officer_b", "person_a", False),
        ("lawyer", "person_b", False),
        ("decider_a", "person_a", False),  # may see, may not change persons
        ("statistician", "person_a", False),
    ],
)
def test_recording_a_request_needs_a_role_that_may_change_the_person(cast, who, person, allowed):
    user, subject = getattr(cast, who), getattr(cast, person)
    if allowed:
        assert access_request(user, subject).person == subject
    else:
        with unscoped("test: the service checks the role"), pytest.raises(PermissionDenied):
            record_request(
                by=user, person=subject, kind="access", received_on=dt.date(2026, 3, 2), channel="letter",
                identity_checked=False,
            )  # fmt: skip


def test_a_correction_goes_received_in_progress_done_with_what_was_corrected(cast):
    request = access_request(cast.officer_a, cast.person_a, kind="correction")
    with use_scope(scope_for(cast.officer_a)):
        with pytest.raises(ValidationError):
            complete_request(by=cast.officer_a, request=request, outcome="birth date corrected")
        start_request(by=cast.officer_a, request=request)
        done = complete_request(
            by=cast.officer_a, request=request, outcome="birth date corrected", on=dt.date(2026, 3, 5)
        )
    assert (done.state, done.outcome, done.closed_on, done.handled_by) == (
        "done", "birth date corrected", dt.date(2026, 3, 5), cast.officer_a,
    )  # fmt: skip


def test_a_refusal_needs_a_reason_and_an_erasure_refusal_needs_the_deciding_role(cast):
    erasure = access_request(cast.officer_a, cast.person_a, kind="erasure")
    with use_scope(scope_for(cast.officer_a)), pytest.raises(PermissionDenied):
        refuse_request(by=cast.officer_a, request=erasure, reason="record needed")
    objection = access_request(cast.officer_a, cast.person_a, kind="objection")
    with use_scope(scope_for(cast.officer_a)):
        with pytest.raises(ValidationError):
            refuse_request(by=cast.officer_a, request=objection, reason="  ")
        refused = refuse_request(by=cast.officer_a, request=objection, reason="processing required by law")
    assert refused.state == RequestState.REFUSED and refused.closed_on is not None


def test_the_register_shows_only_requests_about_persons_the_user_may_see(client, cast):
    access_request(cast.officer_a, cast.person_a)
    access_request(cast.lawyer, cast.partner_person)
    client.force_login(cast.officer_b)
    page = client.get("/privacy/").content.decode()
    assert cast.person_a.registration_number not in page
    assert cast.partner_person.registration_number not in page
    client.force_login(cast.unhcr_officer)
    page = client.get("/privacy/").content.decode()
    assert cast.person_a.registration_number in page
    assert cast.partner_person.registration_number not in page
    with unscoped("test"):
        other = SubjectRequest.objects.get(person=cast.person_a)
    client.force_login(cast.lawyer)
    assert client.get(f"/privacy/requests/{other.pk}/").status_code == 404


def test_recording_from_the_page_links_the_access_export(client, cast):
    client.force_login(cast.officer_a)
    number = cast.person_a.registration_number
    response = client.post(
        f"/privacy/person/{number}/new/",
        {"kind": "access", "received_on": "2026-03-02", "channel": "letter", "identity_checked": "on",
         "identity_evidence": "certificate seen"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"/exports/person/{number}/" in page
    client.force_login(cast.decider_a)
    assert client.get(f"/privacy/person/{number}/new/").status_code == 403


def test_the_register_reads_as_many_queries_for_one_request_as_for_three(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    access_request(cast.officer_a, cast.person_a)
    client.force_login(cast.officer_a)
    client.get("/privacy/")  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/privacy/").status_code == 200
        return len(context.captured_queries)

    one = queries()
    access_request(cast.officer_a, cast.person_a)
    access_request(cast.officer_a, cast.person_a, kind="objection")
    assert queries() == one
