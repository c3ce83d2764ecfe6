"""Exports of personal data: the person file of the persons a caller may export, audited.

Reads only; the one write is the audit entry (one per export, never one per person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.accounts.scope import use_scope
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.exports import person_file
from panah.exports.selectors import export_scope, exportable_persons


@dataclass(frozen=True)
class Filters:
    region: str = ""
    population_type: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("region", self.region), ("population_type", self.population_type)) if v}


def export_persons(
    *, by: User | None, out: IO[bytes], file_format: str, purpose: str, filters: Filters | None = None
) -> int:
    """Write the person file of the persons `by` may export to `out`; returns how many.

    Raises ValidationError without a purpose, Refused when `by` may export nobody (`by=None`: the system).
    Side effects: one audit entry (action export) with the purpose, the count, the format and the filters.
    """
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ValidationError(_("State the purpose of the export."))
    if file_format not in person_file.FORMATS:
        raise ValidationError(_("Export as a .csv or an .xlsx file."))
    filters = filters or Filters()
    require(by, Action.EXPORT_PERSONS)
    with use_scope(export_scope(by)):
        persons = exportable_persons(filters.region, filters.population_type)
        count = person_file.write(person_file.rows(persons), out, file_format)
        record(
            by=by,
            action=AuditEntry.Action.EXPORT,
            message="person_file_export",
            params={"count": count, "format": file_format},
            changes={"count": count, "format": file_format, "filters": filters.as_dict()},
            purpose=purpose,
        )
    return count
