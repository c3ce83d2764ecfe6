"""Appointments on a case: scheduled and moved by who works the case (audited), a warning when one falls
after the deadline it serves, the officer's and the office's week, the lawyer's digest, and the secret
calendar feed, which parses back as iCalendar and stops working when revoked. Every clock is frozen."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from panah.accounts.scope import scope_for, use_scope
from panah.alerts import selectors as alert_selectors
from panah.appointments.models import Appointment
from panah.audit.models import AuditEntry
from panah.cases import referral_services as referrals
from panah.cases import services as case_services
from panah.cases.workflows import CaseKind
from tests.conftest import REGION_B
from tests.factories.cases import consent
from tests.factories.knowledge import PartnerProjectFactory

D = dt.date
ALMATY = ZoneInfo("Asia/Almaty")
TODAY = D(2024, 3, 7)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2024, 3, 7, 10, tzinfo=ALMATY), tick=False):
        yield


@pytest.fixture
def case(cast, frozen):
    with use_scope(scope_for(cast.officer_b)):
        return case_services.open_case(
            by=cast.officer_b, person=cast.person_b, kind=CaseKind.STATELESSNESS, opened_on=D(2023, 12, 21)
        )  # due 21.03.2024


def schedule(client, case, day, time="10:00"):
    return client.post(
        f"/appointments/case/{case.pk}/new/",
        {"kind": "interview", "day": day, "time": time, "minutes": "45", "place": "Room 4", "serves_deadline": "on"},
    )


def test_schedule_then_move_after_the_deadline_warns(client, cast, case):
    client.force_login(cast.officer_b)
    answer = schedule(client, case, "14.03.2024")
    assert answer.status_code == 302
    appointment = Appointment._base_manager.get()
    assert (appointment.officer, appointment.after_deadline) == (cast.officer_b, False)
    assert AuditEntry.objects.filter(message="appointment_scheduled", user=cast.officer_b).count() == 1
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Room 4" in page and "after the deadline it serves" not in page

    moved = client.post(f"/appointments/{appointment.pk}/move/", {"day": "25.03.2024", "time": "09:30"}, follow=True)
    text = moved.content.decode()
    assert "This appointment falls after the deadline it serves." in text
    assert "after the deadline it serves" in client.get(f"/cases/{case.pk}/").content.decode()
    assert AuditEntry.objects.filter(message="appointment_moved").count() == 1


def test_bad_input_names_the_field_and_never_fails(client, cast, case):
    client.force_login(cast.officer_b)
    answer = schedule(client, case, "31.02.2024", time="25:99")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Day" in text and "Time" in text and "There is a problem" in text
    before_opening = schedule(client, case, "01.12.2023")
    assert before_opening.status_code == 400
    assert "before the case was opened" in before_opening.content.decode()
    assert Appointment._base_manager.count() == 0


def test_who_may_not_work_the_case_cannot_schedule(client, cast, case):
    client.force_login(cast.officer_a)  # another region: the case is not found
    assert schedule(client, case, "14.03.2024").status_code == 404
    client.force_login(cast.unhcr_officer)  # sees the case under the agreement, may not work it
    assert schedule(client, case, "14.03.2024").status_code == 403
    assert Appointment._base_manager.count() == 0


def test_the_officers_and_the_offices_week(client, cast, case):
    client.force_login(cast.officer_b)
    schedule(client, case, "12.03.2024")
    mine = client.get("/appointments/?week=2024-03-11").content.decode()
    assert cast.person_b.registration_number in mine
    client.force_login(cast.decider_a)  # region A: neither their appointment nor their office's
    assert (
        cast.person_b.registration_number
        not in client.get("/appointments/?view=office&week=2024-03-11").content.decode()
    )
    colleague = cast.officer_b
    client.force_login(colleague)
    office = client.get("/appointments/?view=office&week=11.03.2024").content.decode()
    assert cast.person_b.registration_number in office
    assert client.get("/appointments/?week=not-a-date").status_code == 200


def test_the_lawyer_of_the_person_sees_the_interview_in_the_digest(client, cast, case):
    given = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    project = PartnerProjectFactory(organisation=cast.partner, title="Legal aid", regions=[REGION_B], capacity=5)
    with use_scope(scope_for(cast.officer_b)):
        referral = referrals.send_referral(
            by=cast.officer_b, person=cast.person_b, project=project, kind="legal_aid", needs="Lawyer.",
            consent=given, case=case, sent_on=D(2024, 1, 10),
        )  # fmt: skip
    with use_scope(scope_for(cast.lawyer)):
        referrals.step_referral(by=cast.lawyer, referral=referral, step="accept", effective=D(2024, 1, 11))
    client.force_login(cast.officer_b)
    schedule(client, case, "12.03.2024")
    digest = alert_selectors.digest_for(cast.lawyer, today=TODAY)
    assert [a.case_id for a in digest.appointments] == [case.pk]
    assert alert_selectors.digest_for(cast.officer_a, today=TODAY).appointments == []


def test_the_calendar_feed_parses_and_stops_when_revoked(client, cast, case):
    client.force_login(cast.officer_b)
    schedule(client, case, "12.03.2024")
    made = client.post("/appointments/feed/", {"action": "issue"}).content.decode()
    link = re.search(r"http://testserver(/appointments/feed/[^<\s]+\.ics)", made).group(1)
    client.logout()
    feed = client.get(link)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2024, 3, 12, 10, tzinfo=ALMATY)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    assert f"#{case.pk}" in str(event["summary"]) and str(event["location"]) == "Room 4"
    assert "Husseini" not in feed.content.decode() and "Zarina" not in feed.content.decode()

    client.force_login(cast.officer_b)
    client.post("/appointments/feed/", {"action": "revoke"})
    client.logout()
    assert client.get(link).status_code == 404
    assert client.get("/appointments/feed/guessed-secret.ics").status_code == 404


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_calendar_does_not_query_per_appointment(client, cast, case):
    client.force_login(cast.officer_b)
    counts = []
    for day in ("12.03.2024", "13.03.2024", "14.03.2024"):
        schedule(client, case, day)
        counts.append(_queries(client, "/appointments/?view=office&week=2024-03-11"))
    assert counts[0] == counts[2], counts


def test_a_cancelled_appointment_leaves_the_calendar_and_the_feed_and_is_audited(client, cast, case):
    client.force_login(cast.officer_b)
    schedule(client, case, "12.03.2024")
    appointment = Appointment._base_manager.get()
    made = client.post("/appointments/feed/", {"action": "issue"}).content.decode()
    link = re.search(r"http://testserver(/appointments/feed/[^<\s]+\.ics)", made).group(1)
    move_page = client.get(f"/appointments/{appointment.pk}/move/").content.decode()
    assert f'action="/appointments/{appointment.pk}/cancel/"' in move_page

    assert client.get(f"/appointments/{appointment.pk}/cancel/").status_code == 405  # a GET changes nothing
    client.force_login(cast.unhcr_officer)  # sees the case under the agreement, may not work it
    assert client.post(f"/appointments/{appointment.pk}/cancel/").status_code == 403
    client.force_login(cast.officer_a)  # another region: not found
    assert client.post(f"/appointments/{appointment.pk}/cancel/").status_code == 404
    assert Appointment._base_manager.count() == 1

    client.force_login(cast.officer_b)
    answer = client.post(f"/appointments/{appointment.pk}/cancel/", follow=True)
    assert answer.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert "The appointment is cancelled." in answer.content.decode()
    assert Appointment._base_manager.count() == 0
    assert cast.person_b.registration_number not in client.get("/appointments/?week=2024-03-11").content.decode()
    client.logout()
    assert Calendar.from_ical(client.get(link).content).walk("VEVENT") == []
    entry = AuditEntry.objects.get(message="appointment_cancelled")
    assert entry.user == cast.officer_b and entry.person_id == cast.person_b.pk
    assert dt.datetime.fromisoformat(entry.changes["starts_at"]) == dt.datetime(2024, 3, 12, 10, tzinfo=ALMATY)
    client.force_login(cast.officer_b)
    assert client.post(f"/appointments/{appointment.pk}/cancel/").status_code == 404  # twice: gone, not a 500
