"""SMS to persons through the gateway interface: a local HTTP server stands in for the provider. A message
goes only to a person whose consent, valid on the day, covers contact by SMS, in that consent's language,
and never says a name, a status, a nationality or a kind of case. The file gateway writes JSON lines."""

import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest

from panah.accounts.scope import unscoped
from panah.alerts import services
from panah.alerts.models import DeliveryLog
from panah.appointments.models import Appointment
from panah.cases import services as case_services
from panah.cases.workflows import CaseKind
from panah.registry.models import Address
from tests.factories.cases import consent

D = dt.date
ALMATY = ZoneInfo("Asia/Almaty")


class Provider(BaseHTTPRequestHandler):
    received: list = []
    answer = 202

    def do_POST(self):  # the standard library's hook name
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.headers.get("Authorization"), json.loads(self.rfile.read(length))))
        self.send_response(type(self).answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    Provider.received = []
    Provider.answer = 202
    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PANAH_SMS_BACKEND = "panah.alerts.sms.HttpBackend"
    settings.PANAH_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.PANAH_SMS_TOKEN = "provider-token"
    yield Provider
    server.shutdown()
    server.server_close()


def _phone(person, number):
    with unscoped("test"):
        Address._base_manager.create(
            person=person, region=person.region, phone=number, valid_from=D(2020, 1, 1), line="Street 1"
        )


def _interview(cast, person, when, kind=CaseKind.STATELESSNESS):
    with unscoped("test"):
        case = case_services.open_case(
            by=None, person=person, kind=kind, opened_on=D(2024, 1, 10),
            organisation=cast.state, region=person.region,
        )  # fmt: skip
        return Appointment._base_manager.create(case=case, kind="interview", starts_at=when, place="Office 12")


def test_reminders_reach_only_persons_who_agreed_in_their_language(cast, provider):
    _phone(cast.person_a, "+77010000001")
    _phone(cast.person_b, "+77010000002")
    _phone(cast.partner_person, "+77010000003")
    consent(cast.person_a, taken_by=cast.officer_a, given_on=D(2024, 1, 1))  # a consent, but not to SMS
    agreed = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    withdrawn = consent(cast.partner_person, taken_by=cast.lawyer, given_on=D(2024, 1, 1), withdrawn_on=D(2024, 2, 1))
    with unscoped("test"):
        type(agreed)._base_manager.filter(pk=agreed.pk).update(contact_by_sms=True, language="kk")
        type(withdrawn)._base_manager.filter(pk=withdrawn.pk).update(contact_by_sms=True)
    monday = dt.datetime(2024, 3, 11, 9, 30, tzinfo=ALMATY)
    for person in (cast.person_a, cast.person_b, cast.partner_person):
        _interview(cast, person, monday)

    counts = services.send_reminders(D(2024, 3, 7))  # Thursday: Friday 8 March is a holiday, then the weekend

    assert counts == {"sent": 1, "skipped": 2}
    ((authorization, payload),) = provider.received
    assert authorization == "Bearer provider-token"
    assert (payload["to"], payload["language"]) == ("+77010000002", "kk")
    assert "11.03.2024" in payload["text"] and "09:30" in payload["text"] and "Office 12" in payload["text"]
    for secret in ("Husseini", "Zarina", "stateless", "refugee", "asylum", "AFG", cast.person_b.registration_number):
        assert secret.lower() not in payload["text"].lower()
    log = sorted(DeliveryLog.objects.filter(channel="sms").values_list("status", "reason", "recipient"))
    assert log == [
        ("sent", "", "+77010000002"),
        ("skipped", "no_contact_consent", ""),
        ("skipped", "no_contact_consent", ""),
    ]


def test_a_gateway_that_refuses_is_logged_as_failed(cast, provider):
    provider.answer = 500
    _phone(cast.person_b, "+77010000002")
    agreed = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    with unscoped("test"):
        type(agreed)._base_manager.filter(pk=agreed.pk).update(contact_by_sms=True)
    entry = services.send_sms(person_id=cast.person_b.pk, message="document_ready", today=D(2024, 3, 7))
    assert (entry.status, entry.reason) == ("failed", "gateway_error")


def test_the_file_gateway_writes_json_lines(cast, settings, tmp_path):
    settings.PANAH_SMS_BACKEND = "panah.alerts.sms.FileBackend"
    settings.PANAH_SMS_FILE = str(tmp_path / "sms.jsonl")
    _phone(cast.person_b, "+77010000002")
    agreed = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    with unscoped("test"):
        type(agreed)._base_manager.filter(pk=agreed.pk).update(contact_by_sms=True, language="ru")
    entry = services.send_sms(
        person_id=cast.person_b.pk, message="deadline_approaching", today=D(2024, 3, 7), params={"date": "21.03.2024"}
    )
    assert entry.status == "sent"
    (line,) = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    written = json.loads(line)
    assert (written["to"], written["language"]) == ("+77010000002", "ru") and "21.03.2024" in written["text"]
    # Without a phone there is nothing to send to.
    assert services.send_sms(person_id=cast.person_a.pk, message="document_ready", today=D(2024, 3, 7)).reason in {
        "no_contact_consent",
        "no_phone",
    }


@pytest.mark.django_db(transaction=True)  # the real django-tasks worker runs the task in its own transaction
def test_the_daily_command_queues_reminders_that_a_second_run_does_not_send_again(cast, provider):
    from django.core.management import CommandError, call_command

    from panah.cases.models import DeadlineRule, EligibilityRule
    from panah.cases.ruledata import load_rules

    load_rules(DeadlineRule, EligibilityRule)  # a transactional test before this one emptied the database
    _phone(cast.person_b, "+77010000002")
    agreed = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    with unscoped("test"):
        type(agreed)._base_manager.filter(pk=agreed.pk).update(contact_by_sms=True)
    _interview(cast, cast.person_b, dt.datetime(2024, 3, 11, 9, 30, tzinfo=ALMATY))

    for _run in range(2):  # cron, then an operator by hand: the same day twice
        call_command("alerts_daily", "--day", "2024-03-07", stdout=io.StringIO())
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    assert len(provider.received) == 1
    log = sorted(DeliveryLog.objects.filter(channel="sms").values_list("status", "reason", "for_day"))
    assert log == [("sent", "", D(2024, 3, 7)), ("skipped", "already_sent", D(2024, 3, 7))]
    with pytest.raises(CommandError, match="--day"):
        call_command("alerts_daily", "--day", "07.03.2024", stdout=io.StringIO())


def test_the_person_is_told_of_an_approaching_deadline_once_in_their_language(cast, provider, settings):
    settings.PANAH_SMS_DEADLINE_DAYS = 3
    _phone(cast.person_a, "+77010000001")
    _phone(cast.person_b, "+77010000002")
    consent(cast.person_a, taken_by=cast.officer_a, given_on=D(2024, 1, 1))  # a consent, but not to SMS
    agreed = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
    with unscoped("test"):
        type(agreed)._base_manager.filter(pk=agreed.pk).update(contact_by_sms=True, language="kk")
    later = dt.datetime(2024, 4, 1, 9, tzinfo=ALMATY)
    cases = [
        _interview(cast, cast.person_b, later).case,
        _interview(cast, cast.person_a, later, kind=CaseKind.ASYLUM).case,  # closed below: not written to
        _interview(cast, cast.person_a, later).case,  # due a day later: not yet
    ]
    with unscoped("test"):
        # Wednesday 13 March is the third working day after Thursday 7 March (8 March is a holiday).
        type(cases[0])._base_manager.filter(pk__in=[c.pk for c in cases[:2]]).update(due_on=D(2024, 3, 13))
        type(cases[0])._base_manager.filter(pk=cases[1].pk).update(closed_on=D(2024, 3, 1))
        type(cases[0])._base_manager.filter(pk=cases[2].pk).update(due_on=D(2024, 3, 14))

    sent = {day: services.send_reminders(day) for day in (D(2024, 3, 6), D(2024, 3, 7), D(2024, 3, 8), D(2024, 3, 9))}
    services.send_reminders(D(2024, 3, 7))  # the same day again: nothing twice

    assert sent[D(2024, 3, 7)] == {"sent": 1}
    assert sent[D(2024, 3, 6)] == sent[D(2024, 3, 8)] == sent[D(2024, 3, 9)] == {}  # the holiday and Saturday too
    ((_authorization, payload),) = provider.received
    assert (payload["to"], payload["language"]) == ("+77010000002", "kk")
    assert "13.03.2024" in payload["text"]
    for secret in ("Husseini", "Zarina", "stateless", "refugee", "asylum", cast.person_b.registration_number):
        assert secret.lower() not in payload["text"].lower()
    log = sorted(DeliveryLog.objects.filter(channel="sms").values_list("message", "status", "reason", "for_day"))
    assert log == [
        ("deadline_approaching", "sent", "", D(2024, 3, 7)),
        ("deadline_approaching", "skipped", "already_sent", D(2024, 3, 7)),
    ]
