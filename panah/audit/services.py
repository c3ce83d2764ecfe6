"""Writing the audit log. Every service that touches personal data calls `record` in its transaction."""

from contextvars import ContextVar
from typing import Any

from django.db import models

from panah.audit.models import AuditEntry

# Set by the request middleware, a command or a task: where the action came from.
_context: ContextVar[dict[str, Any] | None] = ContextVar("panah_audit_context", default=None)


def set_audit_context(**values: Any) -> Any:
    return _context.set(values)


def reset_audit_context(token: Any) -> None:
    _context.reset(token)


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
    context = _context.get() or {}
    if person is None and obj is not None and hasattr(obj, "person_id"):
        person = getattr(obj, "person", None)
    user = by if getattr(by, "pk", None) else None
    if organisation is None and user is not None:
        from panah.accounts.selectors import acting_organisation

        organisation = acting_organisation(user, "view_person", person)
    return AuditEntry.objects.create(
        user=user,
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


def record_person_reads(*, by: Any, persons: list[Any], summary: str, purpose: str = "") -> int:
    """One "view" entry per person read in a list (an API page, say), written in one statement.
    Side effects: len(persons) rows in the audit log. Returns that number."""
    if not persons:
        return 0
    context = _context.get() or {}
    user = by if getattr(by, "pk", None) else None
    organisation = None
    if user is not None:
        from panah.accounts.selectors import acting_organisation

        organisation = acting_organisation(user, "view_person")
    entries = [
        AuditEntry(
            user=user,
            username=getattr(by, "username", "") or context.get("username", "system"),
            organisation=organisation,
            action=AuditEntry.Action.VIEW,
            object_type=person._meta.label,
            object_id=str(person.pk),
            person_id=person.pk,
            person_number=person.registration_number or "",
            summary=summary[:300],
            purpose=purpose[:300],
            channel=context.get("channel", "web"),
            ip_address=context.get("ip"),
        )
        for person in persons
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
