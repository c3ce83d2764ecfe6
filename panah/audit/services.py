"""Writing the audit log. Every service that touches personal data calls `record` in its transaction;
reads of persons go through `record_reads`, which also holds the hourly read quota; refusals noted by
the authorisation policy are written by `record_refusals` once the refused work has ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.audit.messages import MESSAGES, english
from panah.audit.models import AuditEntry
from panah.common.phrases import label

if TYPE_CHECKING:
    from panah.accounts.models import User
    from panah.accounts.permissions import Refusal

# Set by the request middleware, a command or a task: where the action came from.
_context: ContextVar[dict[str, Any] | None] = ContextVar("panah_audit_context", default=None)


@contextmanager
def audit_context(**values: Any) -> Iterator[None]:
    """Where the actions inside come from, for every entry `record` writes: `channel` (web, api, cli,
    task), `username` when no user is signed in, `ip`. Restored to what it was on the way out."""
    token = _context.set(values)
    try:
        yield
    finally:
        _context.reset(token)


def _entry(
    *,
    by: User | None,
    action: str,
    obj: models.Model | None,
    person: Any,
    summary: str,
    changes: dict[str, Any] | None,
    purpose: str,
    organisation: Any,
    context: dict[str, Any],
    message: str = "",
    params: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """One unsaved audit entry: who (the user, or the context's username), from where (the context's
    channel and address), on what, and why."""
    return AuditEntry(
        user=by if getattr(by, "pk", None) else None,
        username=getattr(by, "username", "") or context.get("username", "system"),
        organisation=organisation,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=getattr(person, "pk", None),
        person_number=getattr(person, "registration_number", "") or "",
        message=message,
        parameters=dict(params or {}),
        summary=(english(message, params) if message else summary)[:300],
        changes=changes or {},
        purpose=purpose[:300],
        channel=context.get("channel", "web"),
        ip_address=context.get("ip"),
    )


def _acting_organisation(by: User | None, person: Any = None) -> Any:
    if by is None or not by.pk:
        return None
    from panah.accounts.selectors import acting_organisation

    return acting_organisation(by, "view_person", person)


def record(
    *,
    by: User | None,
    action: str,
    obj: models.Model | None = None,
    person: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    purpose: str = "",
    organisation: Any = None,
    username: str = "",
    message: str = "",
    params: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry, saying what happened as `message` (a code of `panah.audit.messages`)
    with `params`; `summary` (free words) only for what the catalogue cannot say. `username` names who acted when nobody is signed in (a failed sign-in).
    Side effects: one row in the audit log."""
    if person is None and obj is not None and hasattr(obj, "person_id"):
        person = getattr(obj, "person", None)
    if organisation is None:
        organisation = _acting_organisation(by, person)
    context = _context.get() or {}
    entry = _entry(
        by=by, action=action, obj=obj, person=person, summary=summary, changes=changes, purpose=purpose,
        organisation=organisation, context={**context, "username": username} if username else context,
        message=_known(message), params=params,
    )  # fmt: skip
    entry.save(force_insert=True)
    return entry


def _known(message: str) -> str:
    if message and message not in MESSAGES:
        raise KeyError(f"audit message {message!r} is not in panah.audit.messages.MESSAGES")
    return message


def record_person_reads(
    *,
    by: User | None,
    persons: list[Any],
    message: str,
    purpose: str = "",
    obj: models.Model | None = None,
    params: Mapping[str, Any] | None = None,
) -> int:
    """One "view" entry per person read in a list (an API page, say), written in one statement; each names
    `obj` (what was opened: a pair of records, say) when given, else the person.
    Side effects: len(persons) rows in the audit log. Returns that number."""
    if not persons:
        return 0
    context, organisation = _context.get() or {}, _acting_organisation(by)
    entries = [
        _entry(
            by=by,
            action=AuditEntry.Action.VIEW,
            obj=obj if obj is not None else person,
            person=person,
            summary="",
            changes=None,
            purpose=purpose,
            organisation=organisation,
            context=context,
            message=_known(message),
            params=params,
        )
        for person in persons
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


# --- Reads of persons, and the hourly quota ---------------------------------------------------------


class ReadQuotaExceeded(Exception):
    """More distinct persons read in an hour than a user without the export right may read."""

    def __init__(self, quota: int) -> None:
        self.quota = quota
        super().__init__(
            str(
                _(
                    "You have opened the records of %(quota)s different persons in the last hour, the most Panah "
                    "allows without the right to export. Try again later; an administrator has been told."
                )
                % {"quota": quota}
            )
        )


def read_quota() -> int:
    """Distinct persons a user without the export right may read per hour (0: no quota)."""
    return int(getattr(settings, "PANAH_READ_QUOTA", 300))


def _exempt_from_quota(by: User | None) -> bool:
    """Users who may export (and passed their second factor where it is required) copy data by the export,
    which is audited with its purpose; the quota would only slow their work."""
    from panah.accounts.permissions import may
    from panah.accounts.roles import Action

    if by is None:
        return True
    verified = getattr(by, "is_verified", None)
    second_factor = not getattr(settings, "PANAH_REQUIRE_OTP", False) or verified is None or verified()
    return bool(second_factor and may(by, Action.EXPORT_PERSONS))


def persons_read_since(by: User, since: dt.datetime) -> set[int]:
    """The persons `by` read (any audited view) since `since`."""
    read = (
        AuditEntry.objects.filter(user_id=by.pk, action=AuditEntry.Action.VIEW, at__gte=since, person_id__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return {pk for pk in read if pk is not None}


def check_read_quota(by: User | None, person_ids: Iterable[int]) -> None:
    """Refuse (ReadQuotaExceeded, and a refusal noted for the audit log) when reading `person_ids` would take
    `by` past the hourly quota of distinct persons; persons already read this hour count once."""
    from panah.accounts.permissions import Target, note_refusal
    from panah.accounts.roles import Action

    quota = read_quota()
    if by is None or not quota or _exempt_from_quota(by):
        return
    wanted = set(person_ids)
    read = persons_read_since(by, timezone.now() - dt.timedelta(hours=1))
    if len(read | wanted) > quota:
        note_refusal(by, Action.VIEW_PERSON, Target(label=f"{len(wanted - read)} more persons"), reason="read_quota")
        raise ReadQuotaExceeded(quota)


def record_reads(
    *,
    by: User | None,
    persons: list[Any],
    purpose: str = "",
    message: str = "",
    obj: models.Model | None = None,
    params: Mapping[str, Any] | None = None,
) -> int:
    """Audit that `by` read `persons` (a record's page, a list, an API page), after checking the hourly
    read quota. Side effects: one "view" entry per person. Raises ReadQuotaExceeded past the quota."""
    if not persons:
        return 0
    check_read_quota(by, [p.pk for p in persons])
    if obj is not None and len(persons) == 1:
        record(
            by=by, action=AuditEntry.Action.VIEW, obj=obj, person=persons[0], purpose=purpose, message=message,
            params=params,
        )  # fmt: skip
        return 1
    return record_person_reads(by=by, persons=persons, message=message, purpose=purpose, obj=obj, params=params)


# --- Refused attempts ---------------------------------------------------------------------------


def record_refusals(refusals: list[Refusal]) -> int:
    """One "refused" entry per refusal: who, what action, on what. Written after the refused work ended
    (see permissions.flush_refusals). Side effects: len(refusals) rows in the audit log."""
    from panah.accounts.models import User

    context = _context.get() or {}
    unnamed = {r.user_id for r in refusals if r.user_id and not r.username}
    names = dict(User.objects.filter(pk__in=unnamed).values_list("pk", "username")) if unnamed else {}
    entries = []
    for refusal in refusals:
        target = refusal.target
        person = target.person if target is not None else None
        object_type, _sep, object_id = (target.label if target is not None else "").partition(":")
        entries.append(
            AuditEntry(
                user_id=refusal.user_id,
                username=refusal.username or names.get(refusal.user_id or 0, "") or context.get("username", ""),
                action=AuditEntry.Action.REFUSED,
                object_type=object_type[:50] if object_id else "",
                object_id=object_id[:64],
                person_id=getattr(person, "pk", None),
                person_number=getattr(person, "registration_number", "") or "",
                message="refused",
                parameters={"action": label("panah.accounts.roles.Action", refusal.action)},
                summary=english("refused", {"action": refusal.action})[:300],
                changes={"action": refusal.action, "reason": refusal.reason, "target": target.label if target else ""},
                channel=context.get("channel", "web"),
                ip_address=context.get("ip"),
            )
        )
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


# --- Retention of the audit log itself ----------------------------------------------------------


def expire_entries(*, by: User | None, before: dt.datetime, rule: str) -> int:
    """Delete the audit entries recorded before `before`, as the retention rule `rule` requires: the one
    deletion the append-only log accepts, made here and nowhere else, and itself audited in the same
    transaction (its entry is written after the deletion, so it is kept).
    Side effects: the old entries deleted; one audit entry. Returns how many were deleted."""
    from django.db import transaction

    with transaction.atomic():
        deleted = AuditEntry.objects.filter(at__lt=before).expire()
        record(
            by=by,
            action=AuditEntry.Action.COMMAND,
            message="audit_expired",
            params={"count": deleted, "before": before.date().isoformat(), "rule": rule},
            changes={"deleted": deleted, "before": before.isoformat(), "rule": rule},
        )
    return deleted
