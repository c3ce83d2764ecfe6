"""Exports of personal data: the person file of the persons a caller may export, audited.

Reads only; the one write is the audit entry (one per export, never one per person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from panah.accounts.roles import Action
from panah.accounts.scope import Scope, scope_for, use_scope
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.exports import person_file
from panah.registry.models import Person


@dataclass(frozen=True)
class Filters:
    region: str = ""
    population_type: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("region", self.region), ("population_type", self.population_type)) if v}


def export_scope(by: Any) -> Scope:
    """Where `by` may export; the system itself (a command run without --as) everywhere."""
    if by is None:
        return Scope(label="system:export_persons", everything=True)
    return scope_for(by, Action.EXPORT_PERSONS)


def exportable_persons(filters: Filters) -> QuerySet[Person]:
    """The persons of the open scope (records merged into another left out), filtered."""
    persons = Person.objects.filter(merged_into__isnull=True)
    if filters.region:
        persons = persons.filter(region_id=filters.region)
    if filters.population_type:
        persons = persons.filter(population_type=filters.population_type)
    return persons


def export_persons(*, by: Any, out: IO[bytes], file_format: str, purpose: str, filters: Filters | None = None) -> int:
    """Write the person file of the persons `by` may export to `out`; returns how many.

    Raises ValidationError without a purpose, PermissionDenied when `by` may export nobody.
    Side effects: one audit entry (action export) with the purpose, the count, the format and the filters.
    """
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ValidationError(_("State the purpose of the export."))
    if file_format not in person_file.FORMATS:
        raise ValidationError(_("Export as a .csv or an .xlsx file."))
    filters = filters or Filters()
    scope = export_scope(by)
    if not (scope.everything or scope.grants):
        raise PermissionDenied(_("Your role does not allow exporting personal data."))
    with use_scope(scope):
        count = person_file.write(person_file.rows(exportable_persons(filters)), out, file_format)
        record(
            by=by,
            action=AuditEntry.Action.EXPORT,
            summary=f"exported {count} persons as a person file ({file_format})",
            changes={"count": count, "format": file_format, "filters": filters.as_dict()},
            purpose=purpose,
        )
    return count
