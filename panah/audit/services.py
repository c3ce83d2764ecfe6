"""Writing the audit log. Every service that touches personal data calls `record` in its transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

from panah.audit.models import AuditEntry

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
    by: Any,
    action: str,
    obj: models.Model | None,
    person: Any,
    summary: str,
    changes: dict[str, Any] | None,
    purpose: str,
    organisation: Any,
    context: dict[str, Any],
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
        summary=summary[:300],
        changes=changes or {},
        purpose=purpose[:300],
        channel=context.get("channel", "web"),
        ip_address=context.get("ip"),
    )


def _acting_organisation(by: Any, person: Any = None) -> Any:
    if not getattr(by, "pk", None):
        return None
    from panah.accounts.selectors import acting_organisation

    return acting_organisation(by, "view_person", person)


def record(
    *,
    by: Any,
    action: str,
    obj: models.Model | None = None,
    person: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    purpose: str = "",
    organisation: Any = None,
) -> AuditEntry:
    """Append one audit entry. Side effects: one row in the audit log."""
    if person is None and obj is not None and hasattr(obj, "person_id"):
        person = getattr(obj, "person", None)
    if organisation is None:
        organisation = _acting_organisation(by, person)
    entry = _entry(
        by=by, action=action, obj=obj, person=person, summary=summary, changes=changes, purpose=purpose,
        organisation=organisation, context=_context.get() or {},
    )  # fmt: skip
    entry.save(force_insert=True)
    return entry


def record_person_reads(*, by: Any, persons: list[Any], summary: str, purpose: str = "") -> int:
    """One "view" entry per person read in a list (an API page, say), written in one statement.
    Side effects: len(persons) rows in the audit log. Returns that number."""
    if not persons:
        return 0
    context, organisation = _context.get() or {}, _acting_organisation(by)
    entries = [
        _entry(
            by=by,
            action=AuditEntry.Action.VIEW,
            obj=person,
            person=person,
            summary=summary,
            changes=None,
            purpose=purpose,
            organisation=organisation,
            context=context,
        )
        for person in persons
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
