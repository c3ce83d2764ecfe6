"""Writes of the alerts app: a user's preferences (audited) and the sending of digests (logged).

A digest goes by e-mail through Django's mail framework (`EMAIL_*` settings from the environment). It is
rendered in the language the user chose, from codes at send time (case kinds, document types), and names
persons by registration number only: an e-mail leaves the system, so it carries no names, no status and no
nationality; the reader opens Panah to see more."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from panah.accounts.models import User
from panah.accounts.permissions import acting_as
from panah.alerts.models import AlertKind, AlertPreference, Channel, DeliveryLog, DeliveryStatus, Frequency
from panah.alerts.selectors import digest_for, is_digest_day, preference_of
from panah.audit.models import AuditEntry
from panah.audit.services import record

log = logging.getLogger(__name__)


def save_preference(*, by: User, kinds: list[str], frequency: str, days_ahead: int, language: str) -> AlertPreference:
    """Save `by`'s own alert preference. Side effects: the AlertPreference row; one audit entry."""
    with transaction.atomic():
        preference, _created = AlertPreference.objects.update_or_create(
            user=by,
            defaults={
                "kinds": [k for k in AlertKind.values if k in kinds],
                "frequency": frequency,
                "days_ahead": days_ahead,
                "language": language,
            },
        )
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=preference,
            message="alert_preference_saved",
            summary=f"saved their alert preferences ({frequency}, {days_ahead} days)",
        )
    return preference


def _log(*, user: User, recipient: str, status: str, reason: str = "", items: int = 0, today: dt.date) -> DeliveryLog:
    return DeliveryLog.objects.create(
        channel=Channel.EMAIL,
        message="digest",
        recipient=recipient,
        user=user,
        status=status,
        reason=reason,
        items=items,
        for_day=today,
    )


def render_digest(user: User, preference: AlertPreference, today: dt.date) -> tuple[str, str, int]:
    """(subject, body, number of items) of `user`'s digest, in the preference's language. The caller has
    opened the user's context (`acting_as`)."""
    digest = digest_for(user, today=today, days_ahead=preference.days_ahead, kinds=list(preference.kinds))
    base = getattr(settings, "PANAH_BASE_URL", "").rstrip("/")
    with translation.override(preference.language):
        context = {
            "user": user,
            "digest": digest,
            "worklist_url": f"{base}{reverse('cases:worklist')}",
            "preferences_url": f"{base}{reverse('alerts:preferences')}",
        }
        subject = render_to_string("alerts/digest_subject.txt", context).strip()
        body = render_to_string("alerts/digest.txt", context)
    return " ".join(subject.split()), body, digest.total


def send_digest(*, user_id: int, today: dt.date, force: bool = False) -> DeliveryLog:
    """Send one user's digest for `today`, as that user sees the registry (their scope, their policy).

    Skipped (and logged why) for an inactive user, alerts switched off, not a digest day (unless `force`),
    already sent for the day, no e-mail address, or nothing due. Side effects: one e-mail; one DeliveryLog
    row; the preference's `last_sent_on`."""
    user = User.objects.get(pk=user_id)
    preference = preference_of(user)
    recipient = user.email
    if not user.is_active:
        return _log(user=user, recipient=recipient, status=DeliveryStatus.SKIPPED, reason="inactive", today=today)
    if preference.frequency == Frequency.OFF:
        return _log(user=user, recipient=recipient, status=DeliveryStatus.SKIPPED, reason="switched_off", today=today)
    if not force and not is_digest_day(preference, today):
        return _log(user=user, recipient=recipient, status=DeliveryStatus.SKIPPED, reason="not_today", today=today)
    if not force and preference.last_sent_on is not None and preference.last_sent_on >= today:
        return _log(user=user, recipient=recipient, status=DeliveryStatus.SKIPPED, reason="already_sent", today=today)
    if not recipient:
        return _log(user=user, recipient="", status=DeliveryStatus.SKIPPED, reason="no_address", today=today)
    user._panah_scope_cache = {}  # type: ignore[attr-defined]  # memberships do not change within one digest
    with acting_as(user, channel=AuditEntry.Channel.TASK):
        subject, body, items = render_digest(user, preference, today)
    if items == 0:
        return _log(user=user, recipient=recipient, status=DeliveryStatus.SKIPPED, reason="nothing_due", today=today)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], connection=get_connection())
    try:
        message.send(fail_silently=False)
    except Exception as error:  # any failure of the mail server is logged, never lost, and never stops the run
        log.warning("digest not sent: %s", type(error).__name__)
        return _log(
            user=user, recipient=recipient, status=DeliveryStatus.FAILED, reason="mail_error", items=items, today=today
        )
    if preference.pk:
        AlertPreference.objects.filter(pk=preference.pk).update(last_sent_on=today)
    return _log(user=user, recipient=recipient, status=DeliveryStatus.SENT, items=items, today=today)


def send_digests(today: dt.date) -> dict[str, int]:
    """Send the digest of every user whose digest falls on `today`. Returns counts by status."""
    from panah.alerts.selectors import recipients_due

    counts: dict[str, int] = {}
    for user_id in recipients_due(today):
        entry = send_digest(user_id=user_id, today=today)
        counts[entry.status] = counts.get(entry.status, 0) + 1
    return counts


def _sms_log(*, recipient: str, message: str, status: str, reason: str, today: dt.date) -> DeliveryLog:
    return DeliveryLog.objects.create(
        channel=Channel.SMS, message=message, recipient=recipient, status=status, reason=reason, for_day=today
    )


def send_sms(
    *, person_id: int, message: str, today: dt.date, params: dict[str, str] | None = None, once_a_day: bool = False
) -> DeliveryLog:
    """Send the person the SMS `message` (a code of `sms.TEXTS`) in their language, only with their consent to
    be contacted. With `once_a_day`, skipped ("already_sent") when the same message already went to the same
    number for `today`, so a daily run started twice (cron and by hand) does not send twice.
    Side effects: one SMS through the configured gateway; one DeliveryLog row (the phone number, the code and
    the outcome; never the text)."""
    from panah.alerts import sms
    from panah.alerts.selectors import sms_contact

    contact = sms_contact(person_id, today)
    if isinstance(contact, str):
        return _sms_log(recipient="", message=message, status=DeliveryStatus.SKIPPED, reason=contact, today=today)
    if (
        once_a_day
        and DeliveryLog.objects.filter(
            channel=Channel.SMS, message=message, recipient=contact.phone, for_day=today, status=DeliveryStatus.SENT
        ).exists()
    ):
        return _sms_log(
            recipient=contact.phone, message=message, status=DeliveryStatus.SKIPPED, reason="already_sent", today=today
        )
    with translation.override(contact.language):
        text = str(sms.TEXTS[message]) % (params or {})
    try:
        sms.backend().send(to=contact.phone, text=text, language=contact.language)
    except sms.SmsError as error:
        log.warning("SMS not sent: %s", error)
        return _sms_log(
            recipient=contact.phone, message=message, status=DeliveryStatus.FAILED, reason="gateway_error", today=today
        )
    return _sms_log(recipient=contact.phone, message=message, status=DeliveryStatus.SENT, reason="", today=today)


def send_reminders(today: dt.date) -> dict[str, int]:
    """Remind by SMS the person of every appointment on the next working day and, on a working day, the person
    of every open case whose next deadline is `PANAH_SMS_DEADLINE_DAYS` working days later ("please contact
    the office before ..."; no case, status or name). Only on working days, so each deadline falls on exactly one
    run: one SMS per deadline. A second run on the same day sends nothing twice (`once_a_day`).
    Side effects: those of `send_sms` for each. Returns counts by status."""
    from panah.alerts.selectors import appointments_on, persons_with_deadline_on
    from panah.cases.deadlines import add_working_days, is_working_day, next_working_day

    day = next_working_day(today + dt.timedelta(days=1))
    counts: dict[str, int] = {}
    for appointment in appointments_on(day):
        local = timezone.localtime(appointment.starts_at)
        entry = send_sms(
            person_id=appointment.case.person_id,
            message="appointment_reminder",
            today=today,
            params={"date": f"{local:%d.%m.%Y}", "time": f"{local:%H:%M}", "place": appointment.place or "—"},
            once_a_day=True,
        )
        counts[entry.status] = counts.get(entry.status, 0) + 1
    if settings.PANAH_SMS_DEADLINE_DAYS > 0 and is_working_day(today):
        for person_id, due_on in persons_with_deadline_on(add_working_days(today, settings.PANAH_SMS_DEADLINE_DAYS)):
            entry = send_sms(
                person_id=person_id,
                message="deadline_approaching",
                today=today,
                params={"date": f"{due_on:%d.%m.%Y}"},
                once_a_day=True,
            )
            counts[entry.status] = counts.get(entry.status, 0) + 1
    return counts
