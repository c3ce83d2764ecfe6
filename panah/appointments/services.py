"""Writes of appointments and calendar feeds. Each asks the policy, then writes its audit entry in the
same transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.appointments.models import Appointment, CalendarFeedToken
from panah.appointments.selectors import feed_digest
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases.models import Case


def _check(case: Case, starts_at: dt.datetime) -> None:
    if not case.is_open:
        raise ValidationError({"day": _("This case is closed: no appointment can be made on it.")})
    if timezone.localtime(starts_at).date() < case.opened_on:
        raise ValidationError({"day": _("An appointment cannot be before the case was opened.")})


def schedule_appointment(
    *,
    by: User,
    case: Case,
    kind: str,
    starts_at: dt.datetime,
    minutes: int = 60,
    place: str = "",
    serves_deadline: bool = True,
) -> Appointment:
    """Schedule an appointment on `case`, with `by` as its officer. Side effects: the Appointment row; one
    audit entry. Refused (403) unless `by` may work the case."""
    require(by, Action.WORK_CASES, case)
    _check(case, starts_at)
    with transaction.atomic():
        appointment = Appointment.objects.create(
            case=case, kind=kind, starts_at=starts_at, minutes=minutes, place=place, officer=by,
            serves_deadline=serves_deadline, created_by=by,
        )  # fmt: skip
        record(
            by=by, action=AuditEntry.Action.CREATE, obj=appointment, person=case.person,
            message="appointment_scheduled", summary=f"scheduled appointment {appointment.pk} on case {case.pk}",
        )  # fmt: skip
    return appointment


def move_appointment(*, by: User, appointment: Appointment, starts_at: dt.datetime) -> Appointment:
    """Move `appointment` to `starts_at`. Side effects: the row's `starts_at`; one audit entry with the change."""
    require(by, Action.WORK_CASES, appointment.case)
    _check(appointment.case, starts_at)
    with transaction.atomic():
        before = appointment.starts_at
        appointment.starts_at = starts_at
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=starts_at)
        record(
            by=by, action=AuditEntry.Action.CHANGE, obj=appointment, person=appointment.case.person,
            message="appointment_moved", changes={"starts_at": [before.isoformat(), starts_at.isoformat()]},
            summary=f"moved appointment {appointment.pk}",
        )  # fmt: skip
    return appointment


def cancel_appointment(*, by: User, appointment: Appointment) -> None:
    """Cancel `appointment`: it leaves the calendars and the calendar feeds, and no reminder goes out for it.
    The same right as scheduling or moving it (WORK_CASES on its case). Side effects: the Appointment row is
    deleted; one audit entry keeps what it was (kind, time, place)."""
    require(by, Action.WORK_CASES, appointment.case)
    with transaction.atomic():
        record(
            by=by, action=AuditEntry.Action.CHANGE, obj=appointment, person=appointment.case.person,
            message="appointment_cancelled",
            changes={
                "kind": appointment.kind, "starts_at": appointment.starts_at.isoformat(), "place": appointment.place,
            },
            summary=f"cancelled appointment {appointment.pk} on case {appointment.case_id}",
        )  # fmt: skip
        Appointment.objects.filter(pk=appointment.pk).delete()


def issue_feed(*, by: User) -> str:
    """A new secret calendar URL for `by`, revoking any earlier one. Returns the secret (shown once).
    Side effects: CalendarFeedToken rows; one audit entry."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeedToken.objects.filter(user=by, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token = CalendarFeedToken.objects.create(user=by, digest=feed_digest(secret))
        record(by=by, action=AuditEntry.Action.CHANGE, obj=token, message="calendar_feed_issued")
    return secret


def revoke_feed(*, by: User) -> int:
    """Revoke `by`'s calendar URL: it stops working at once. Side effects: the token row; one audit entry."""
    with transaction.atomic():
        revoked = CalendarFeedToken.objects.filter(user=by, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            record(by=by, action=AuditEntry.Action.CHANGE, message="calendar_feed_revoked")
    return revoked
