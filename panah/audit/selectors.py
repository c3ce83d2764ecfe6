"""Reads of the audit log: which entries a user may read, and who was refused often lately."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from panah.accounts.models import User
from panah.accounts.permissions import is_system_admin, seats
from panah.accounts.roles import Role
from panah.audit.models import AuditEntry


def entries_for(user: User) -> QuerySet[AuditEntry]:
    """The entries a user may read: every entry for a system administrator, their organisations' for an
    organisation administrator."""
    if is_system_admin(user):
        return AuditEntry.objects.all()
    organisations = sorted({s.organisation_id for s in seats(user) if s.role == Role.ORG_ADMIN})
    return AuditEntry.objects.filter(organisation__in=organisations)


@dataclass(frozen=True)
class Refused:
    username: str
    user_id: int | None
    count: int
    last: dt.datetime


def refusal_alert_threshold() -> int:
    """Refusals of one user within the last hour from which system administrators are shown them."""
    return int(getattr(settings, "PANAH_REFUSALS_ALERT", 20))


def frequent_refusals(*, hours: int = 1, at_least: int | None = None) -> list[Refused]:
    """Users refused at least `at_least` times in the last `hours`: someone probing what they may not reach,
    or a page that offers what the policy refuses. Most refused first."""
    at_least = refusal_alert_threshold() if at_least is None else at_least
    since = timezone.now() - dt.timedelta(hours=hours)
    rows = (
        AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED, at__gte=since)
        .values("username", "user_id")
        .annotate(count=Count("id"), last=Max("at"))
        .filter(count__gte=at_least)
        .order_by("-count", "username")
    )
    return [Refused(r["username"], r["user_id"], r["count"], r["last"]) for r in rows]
