"""The daily digest: what needs each user, by e-mail to a real SMTP server on loopback, in the language
the user chose, and nothing to anyone whose role, scope or consent does not cover it.

The cast (tests/conftest.py): officer_a and decider_a work for the state department in region A,
officer_b in region B; UNHCR sees the state's persons under an agreement; the partner's lawyer sees only the
partner's clients, and a referral accepted by the partner assigns it a case. Every clock is frozen."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.alerts import selectors, services
from panah.alerts.models import AlertPreference, DeliveryLog
from panah.alerts.tasks import send_digests
from panah.audit.models import AuditEntry
from panah.cases import deadlines
from panah.cases import referral_services as referrals
from panah.cases.models import DeadlineRule, EligibilityRule
from panah.cases.ruledata import load_rules
from panah.cases.workflows import CaseKind
from tests.conftest import REGION_B
from tests.factories.cases import child, consent, document, household
from tests.factories.knowledge import PartnerProjectFactory

D = dt.date
ALMATY = ZoneInfo("Asia/Almaty")


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(7), tzinfo=ALMATY), tick=False)


def with_addresses(cast, **languages):
    for name in ("officer_a", "officer_b", "decider_a", "unhcr_officer", "lawyer", "statistician", "sysadmin"):
        user = getattr(cast, name)
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
        AlertPreference.objects.create(user=user, language=languages.get(name, "en"))


def numbers(text, cast):
    return {p.registration_number for p in (cast.person_a, cast.person_b, cast.partner_person)} & set(text.split())


def test_deadline_reaches_the_officers_of_the_case_in_their_language_and_no_one_else(cast, smtp, open_case):
    with_addresses(cast, officer_a="ru")
    with at(D(2024, 3, 7)):
        case_a = open_case(cast.officer_a, cast.person_a, CaseKind.STATELESSNESS, opened_on=D(2023, 12, 21))
        open_case(cast.officer_b, cast.person_b, CaseKind.STATELESSNESS, opened_on=D(2023, 12, 21))
        assert case_a.due_on == D(2024, 3, 21)  # three months, ending on Nauryz: the decision rule does not roll
        counts = services.send_digests(D(2024, 3, 7))

    number_a, number_b = cast.person_a.registration_number, cast.person_b.registration_number
    assert numbers(smtp.body_for("officer_a@example.org"), cast) == {number_a}
    assert numbers(smtp.body_for("decider_a@example.org"), cast) == {number_a}
    assert numbers(smtp.body_for("officer_b@example.org"), cast) == {number_b}
    assert numbers(smtp.body_for("sysadmin@example.org"), cast) == {number_a, number_b}
    # The lawyer (no referral), UNHCR (no consent of either person) and the statistician receive nothing.
    for nobody in ("lawyer", "unhcr_officer", "statistician"):
        assert smtp.to(f"{nobody}@example.org") == []
    assert counts == {"sent": 4, "skipped": 3}

    # In the language each chose: the kind of case as the Russian catalogue words it, dates as dd.mm.yyyy.
    with translation.override("ru"):
        russian_kind = str(CaseKind.STATELESSNESS.label)
    assert russian_kind != "statelessness determination"
    assert russian_kind in smtp.body_for("officer_a@example.org")
    assert "statelessness determination" in smtp.body_for("officer_b@example.org")
    assert "21.03.2024" in smtp.body_for("officer_b@example.org")

    # The log names recipients and reasons, and nothing about any person.
    rows = list(DeliveryLog.objects.order_by("recipient").values_list("recipient", "status", "reason"))
    assert ("lawyer@example.org", "skipped", "nothing_due") in rows
    assert ("officer_a@example.org", "sent", "") in rows
    for row in DeliveryLog.objects.values():
        assert not {number_a, number_b} & {str(value) for value in row.values()}


def test_no_names_status_or_nationality_in_the_mail(cast, smtp, open_case):
    with_addresses(cast)
    with at(D(2024, 3, 7)):
        open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2023, 12, 21))
        services.send_digests(D(2024, 3, 7))
    body = smtp.body_for("officer_a@example.org")
    assert cast.person_a.registration_number in body
    assert "Ahmadi" not in body and "Mohammad" not in body


@pytest.fixture
def project(cast):
    return PartnerProjectFactory(organisation=cast.partner, title="Legal aid", regions=[REGION_B], capacity=10)


def _refer_and_accept(cast, case, project, relied_on):
    with use_scope(scope_for(cast.officer_b)):
        referral = referrals.send_referral(
            by=cast.officer_b, person=cast.person_b, project=project, kind="legal_aid",
            needs="A lawyer for the statelessness application.", consent=relied_on, case=case, sent_on=D(2024, 1, 10),
        )  # fmt: skip
    with use_scope(scope_for(cast.lawyer)):
        referrals.step_referral(by=cast.lawyer, referral=referral, step="accept", effective=D(2024, 1, 11))
    return referral


def test_the_persons_lawyer_is_alerted_only_while_the_consent_covers_it(cast, open_case, project):
    with at(D(2024, 3, 7)):
        case = open_case(cast.officer_b, cast.person_b, CaseKind.STATELESSNESS, opened_on=D(2023, 12, 21))
        given = consent(cast.person_b, taken_by=cast.officer_b, given_on=D(2024, 1, 1))
        assert selectors.digest_for(cast.lawyer, today=D(2024, 3, 7)).due_soon == []  # not referred yet
        _refer_and_accept(cast, case, project, given)
        assert [c.pk for c in selectors.digest_for(cast.lawyer, today=D(2024, 3, 7)).due_soon] == [case.pk]
        # The person withdraws the consent the referral relied on: the lawyer hears no more of the case.
        with unscoped("test"):
            type(given)._base_manager.filter(pk=given.pk).update(withdrawn_on=D(2024, 3, 1))
        assert selectors.digest_for(cast.lawyer, today=D(2024, 3, 7)).due_soon == []
        # Another partner lawyer of the same region never does.
        assert selectors.digest_for(cast.officer_a, today=D(2024, 3, 7)).due_soon == []


def test_an_agreement_alerts_the_recipient_only_with_the_persons_consent(cast, open_case):
    with at(D(2024, 3, 7)):
        case = open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2023, 12, 21))
        document(cast.person_a, "passport", "N1234567", valid_to=D(2024, 3, 15))
        before = selectors.digest_for(cast.unhcr_officer, today=D(2024, 3, 7))
        assert (before.due_soon, before.documents) == ([], [])
        consent(cast.person_a, taken_by=cast.officer_a, given_on=D(2024, 2, 1))
        after = selectors.digest_for(cast.unhcr_officer, today=D(2024, 3, 7))
        assert [c.pk for c in after.due_soon] == [case.pk]
        assert [d.number for d in after.documents] == ["N1234567"]


def test_documents_and_children_reach_their_officers(cast):
    with at(D(2024, 3, 7)):
        document(cast.person_a, "refugee_certificate", "RC-1", valid_to=D(2024, 3, 12))
        document(cast.person_a, "passport", "P-far", valid_to=D(2024, 6, 1))  # beyond the 14 days
        document(cast.person_b, "refugee_certificate", "RC-2", valid_to=D(2024, 3, 12))
        kid = child(born=D(2022, 1, 1), organisation=cast.state, region=cast.person_a.region, name=("Ali", "Ahmadi"))
        with unscoped("test"):  # the parent is a refugee: the child is a child of concern
            type(cast.person_a)._base_manager.filter(pk=cast.person_a.pk).update(population_type="REF")
        household(cast.person_a, (kid, "child"))
        digest = selectors.digest_for(cast.officer_a, today=D(2024, 3, 7))
        assert [d.number for d in digest.documents] == ["RC-1"]
        assert [c.pk for c in digest.children] == [kid.pk]
        other = selectors.digest_for(cast.officer_b, today=D(2024, 3, 7))
        assert [d.number for d in other.documents] == ["RC-2"]
        assert other.children == []
        assert selectors.digest_for(cast.statistician, today=D(2024, 3, 7)).is_empty


# Each kind of case whose opening starts a legal deadline, from the shipped rules: the day it reaches the
# digest (three days ahead), no digest on Nauryz (21-25 March 2024: holidays and a weekend), overdue after.
@pytest.mark.django_db(transaction=True)  # the real django-tasks worker runs the task in its own transaction
@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (CaseKind.ASYLUM, "asylum.decision"),
        (CaseKind.STATELESSNESS, "statelessness.decision"),
        (CaseKind.BIRTH_REGISTRATION, "birth.registration"),
    ],
)
def test_a_deadline_reaches_the_digest_on_the_right_day_across_a_holiday(cast, smtp, open_case, kind, rule):
    load_rules(DeadlineRule, EligibilityRule)  # a transactional test before this one emptied the database
    with_addresses(cast)
    AlertPreference.objects.filter(user=cast.officer_a).update(days_ahead=3)
    start = D(2023, 12, 21)
    with at(D(2024, 3, 1)):
        if kind == CaseKind.BIRTH_REGISTRATION:
            person = child(born=start, organisation=cast.state, region=cast.person_a.region, name=("Aisha", "Ahmadi"))
        else:
            person = cast.person_a
        case = open_case(cast.officer_a, person, kind, opened_on=start)
        expected = deadlines.deadline(rule, start=start, opened_on=start, on=D(2024, 3, 1))
    assert expected is not None and case.due_on == expected.due == D(2024, 3, 21)

    def digest_on(day):
        with at(day):
            send_digests.enqueue(day.isoformat())
            call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
        mine = smtp.to("officer_a@example.org")
        smtp.received.clear()
        return mine[0].get_body(preferencelist=("plain",)).get_content() if mine else None

    number = person.registration_number
    assert digest_on(D(2024, 3, 15)) is None  # Friday: due in six days, beyond three
    soon = digest_on(D(2024, 3, 20))  # Wednesday, the last working day before the holidays
    assert number in soon and "Deadlines within 3 days" in soon
    assert digest_on(D(2024, 3, 21)) is None  # Nauryz: no digest is sent on a holiday
    assert DeliveryLog.objects.filter(for_day=D(2024, 3, 21)).count() == 0
    late = digest_on(D(2024, 3, 26))  # the first working day after
    assert number in late and "Overdue deadlines" in late


def test_weekly_and_switched_off(cast, smtp, open_case):
    with_addresses(cast)
    AlertPreference.objects.filter(user=cast.officer_a).update(frequency="weekly")
    AlertPreference.objects.filter(user=cast.decider_a).update(frequency="off")
    with at(D(2024, 3, 5)):
        open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2023, 12, 21))
        services.send_digests(D(2024, 3, 5))  # a Tuesday
    assert smtp.to("officer_a@example.org") == [] and smtp.to("decider_a@example.org") == []
    with at(D(2024, 3, 11)):
        services.send_digests(D(2024, 3, 11))  # Monday
        services.send_digests(D(2024, 3, 11))  # run twice: sent once
    assert len(smtp.to("officer_a@example.org")) == 1
    assert smtp.to("decider_a@example.org") == []
    assert services.send_digest(user_id=cast.decider_a.pk, today=D(2024, 3, 11)).reason == "switched_off"


def test_a_mail_server_that_refuses_is_logged_as_failed(cast, settings, open_case):
    with_addresses(cast)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with at(D(2024, 3, 7)):
        open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2023, 12, 21))
        entry = services.send_digest(user_id=cast.officer_a.pk, today=D(2024, 3, 7))
    assert (entry.status, entry.reason, entry.recipient) == ("failed", "mail_error", "officer_a@example.org")


def test_preferences_page_saves_with_audit_and_names_the_wrong_field(client, cast):
    client.force_login(cast.lawyer)
    assert client.get("/alerts/preferences/").status_code == 200
    bad = client.post(
        "/alerts/preferences/", {"frequency": "daily", "kinds": ["deadlines"], "days_ahead": "0", "language": "kk"}
    )
    assert bad.status_code == 200
    assert "Days ahead" in bad.content.decode() and not AlertPreference.objects.filter(user=cast.lawyer).exists()
    nothing = client.post("/alerts/preferences/", {"frequency": "daily", "days_ahead": "7", "language": "kk"})
    assert "What to include" in nothing.content.decode()
    good = client.post(
        "/alerts/preferences/",
        {"frequency": "weekly", "kinds": ["deadlines", "referrals"], "days_ahead": "7", "language": "kk"},
    )
    assert good.status_code == 302
    saved = AlertPreference.objects.get(user=cast.lawyer)
    assert (saved.frequency, saved.kinds, saved.days_ahead, saved.language) == (
        "weekly", ["deadlines", "referrals"], 7, "kk",
    )  # fmt: skip
    assert AuditEntry.objects.filter(message="alert_preference_saved", user=cast.lawyer).count() == 1
