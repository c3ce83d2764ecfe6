"""Reads of appointments, through the cases a user may reach (`cases.selectors.cases_for_user`): an
appointment is visible exactly when its case is."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from panah.accounts.models import User
from panah.accounts.permissions import found_in_scope
from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope, scope_for, use_scope
from panah.appointments.models import Appointment, CalendarFeedToken
from panah.cases.models import Case
from panah.cases.selectors import cases_for_user


def appointments_for_user(user: User, action: str = Action.VIEW_CASES) -> QuerySet[Appointment]:
    cases = cases_for_user(user, action).values("pk")
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        return Appointment.objects.filter(case__in=cases).select_related(
            "case", "case__person", "case__organisation", "officer"
        )


def get_appointment_for_user(user: User, pk: int, action: str = Action.VIEW_CASES) -> Appointment:
    """One appointment `user` reaches, or 404 (the same for "no such appointment" and "not yours")."""
    found: Appointment = found_in_scope(
        appointments_for_user(user, action), user=user, action=action, target=lambda a: a.case.policy_target(), pk=pk
    )
    return found


def of_case(user: User, case: Case) -> list[Appointment]:
    return list(appointments_for_user(user).filter(case=case).order_by("starts_at", "id"))


@dataclass
class Week:
    start: dt.date
    office: bool
    days: list[tuple[dt.date, list[Appointment]]]

    @property
    def previous(self) -> dt.date:
        return self.start - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.start + dt.timedelta(days=7)


def week_of(user: User, *, start: dt.date, office: bool) -> Week:
    """The appointments of the week from `start` (its Monday): the user's own (where they are the officer), or,
    with `office`, those of every case handled by the user's organisations in their regions."""
    monday = start - dt.timedelta(days=start.weekday())
    begin = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    found = appointments_for_user(user).filter(starts_at__gte=begin, starts_at__lt=begin + dt.timedelta(days=7))
    if office:
        own = organisation_scope(user, Action.VIEW_CASES)
        if not own.everything:
            found = found.filter(own.q("case__"))
    else:
        found = found.filter(officer=user)
    by_day: dict[dt.date, list[Appointment]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for appointment in found.order_by("starts_at", "id"):
        by_day[appointment.day].append(appointment)
    return Week(start=monday, office=office, days=list(by_day.items()))


def feed_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def active_feed(user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_owner(secret: str) -> User | None:
    """The active user whose unrevoked feed `secret` opens, or None."""
    token = (
        CalendarFeedToken.objects.filter(digest=feed_digest(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def feed_appointments(user: User, *, since: dt.date) -> list[Appointment]:
    """What the feed of `user` shows: the appointments where they are the officer, from `since`, as the user
    may see them today."""
    begin = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return list(appointments_for_user(user).filter(officer=user, starts_at__gte=begin).order_by("starts_at", "id"))
