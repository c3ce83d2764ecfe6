"""The data-subject access export: everything Panah holds about one person.

One dictionary with stable keys, ISO dates and codes (with their words where a code alone would
not be understood), rendered as JSON for machines and as a printable page for the person. The
highly sensitive specific needs (SGBV, torture, medical) are included only when the caller may see
them; otherwise `specific_needs_withheld` says how many were left out, and the page says so.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.db.models import Q
from django.utils import timezone

from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases.models import Case, CaseEvent, Referral
from panah.evidence.selectors import files_of_case, files_of_person
from panah.evidence.services import read_blob
from panah.knowledge.models import SharedInformation
from panah.registry.models import Person
from panah.status.selectors import timeline

FORMAT = "panah-subject-access/1"


def _date(value: dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.isoformat(timespec="seconds")
    return value.isoformat()


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def subject_access(*, by: Any, person: Person, purpose: str) -> dict[str, Any]:
    """Everything held about `person`, as seen by `by` (whose view scope must be open and hold the
    person: fetch it with `panah.registry.selectors.get_person`).

    Side effects: one audit entry (action export, with the purpose), written before the audit
    entries are read so the export lists its own making."""
    require(by, Action.VIEW_PERSON, person)
    may_see_sensitive = may(by, Action.VIEW_SENSITIVE_NEEDS, person)
    record(
        by=by,
        action=AuditEntry.Action.EXPORT,
        obj=person,
        person=person,
        message="subject_access_export",
        purpose=purpose,
    )
    needs = list(person.specific_needs.select_related("code", "identified_by"))
    shown = [n for n in needs if may_see_sensitive or not n.code.highly_sensitive]
    events = timeline(person)
    superseded_by = {e.supersedes_id: e.pk for e in events if e.supersedes_id}
    cases = list(Case.objects.filter(person=person).select_related("organisation", "region", "assigned_to"))
    case_events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.filter(case__in=cases).select_related("recorded_by").order_by("effective", "id"):
        case_events.setdefault(event.case_id, []).append(event)
    referrals = (
        Referral.objects.filter(Q(person=person) | Q(subjects__person=person))
        .distinct()
        .select_related("project", "from_organisation", "to_organisation", "region")
    )
    # Evidence files the caller may see: the person's own, and those of the cases the caller may see.
    files = [*(files_of_person(by, person) or []), *(f for c in cases for f in (files_of_case(by, c) or []))]
    # Records merged into this one are the same human being: what was done to them is theirs too.
    merged = list(Person._base_manager.filter(merged_into=person).values_list("pk", flat=True))
    audit = (
        AuditEntry.objects.filter(person_id__in=[person.pk, *merged])
        .select_related("organisation")
        .order_by("at", "id")
    )
    return {
        "format": FORMAT,
        "generated_at": _date(timezone.now()),
        "generated_by": _user(by),
        "merged_records": sorted(
            Person._base_manager.filter(pk__in=merged, registration_number__isnull=False).values_list(
                "registration_number", flat=True
            )
        ),
        "purpose": purpose,
        "person": {
            "registration_number": person.registration_number,
            "registering_organisation": str(person.organisation),
            "region": person.region_id,
            "sex": person.sex,
            "sex_label": person.get_sex_display() if person.sex else "",
            "birth_date": _date(person.birth_date),
            "birth_date_precision": person.birth_date_precision,
            "birth_date_estimated": person.birth_date_estimated,
            "birth_place": person.birth_place,
            "birth_country": person.birth_country_id,
            "country_of_origin": person.country_of_origin_id,
            "citizenship_status": person.citizenship_status,
            "citizenship_status_label": person.get_citizenship_status_display(),
            "citizenship": person.citizenship_id,
            "iin": person.iin,
            "population_type": person.population_type,
            "population_type_label": person.get_population_type_display() if person.population_type else "",
            "created_at": _date(person.created_at),
            "updated_at": _date(person.updated_at),
        },
        "names": [
            {
                "kind": n.kind,
                "kind_label": n.get_kind_display(),
                "script": n.script,
                "given_name": n.given_name,
                "family_name": n.family_name,
                "patronymic": n.patronymic,
                "full_name": n.full_name,
                "display": n.display,
            }
            for n in person.names.all()
        ],
        "documents": [
            {
                "type": d.type,
                "type_label": d.get_type_display(),
                "number": d.number,
                "issuing_country": d.issuing_country_id,
                "issuer": d.issuer,
                "valid_from": _date(d.valid_from),
                "valid_to": _date(d.valid_to),
            }
            for d in person.documents.all()
        ],
        "evidence_files": [
            {
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "case_kind": f.case.kind if f.case_id else None,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": _date(f.uploaded_at),
                "note": f.note,
                "content_base64": base64.b64encode(read_blob(f)).decode("ascii"),
            }
            for f in sorted(files, key=lambda f: (f.uploaded_at, f.pk))
        ],
        "addresses": [
            {
                "region": a.region_id,
                "region_name": str(a.region),
                "locality": a.locality,
                "address": a.line,
                "phone": a.phone,
                "valid_from": _date(a.valid_from),
                "valid_to": _date(a.valid_to),
            }
            for a in person.addresses.select_related("region").order_by("valid_from", "id")
        ],
        "households": [
            {
                "household": m.household.reference or f"H{m.household_id}",
                "relationship": m.relationship,
                "relationship_label": m.get_relationship_display(),
                "valid_from": _date(m.valid_from),
                "valid_to": _date(m.valid_to),
            }
            for m in person.household_memberships.select_related("household")
        ],
        "specific_needs": [
            {
                "code": n.code_id,
                "label": n.code.label,
                "identified_on": _date(n.identified_on),
                "identified_by": str(n.identified_by),
                "closed_on": _date(n.closed_on),
                "note": n.note,
            }
            for n in shown
        ],
        "specific_needs_withheld": len(needs) - len(shown),
        "consents": [
            {
                "purpose": c.purpose,
                "legal_basis": c.legal_basis,
                "legal_basis_label": c.get_legal_basis_display(),
                "given_on": _date(c.given_on),
                "language": c.language,
                "taken_by": _user(c.taken_by),
                "withdrawn_on": _date(c.withdrawn_on),
            }
            for c in person.consents.select_related("taken_by")
        ],
        "status_timeline": [
            {
                "id": e.pk,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "population_type": e.population_type,
                "effective": _date(e.effective),
                "recorded_at": _date(e.recorded_at),
                "recorded_by": _user(e.recorded_by),
                "organisation": _str(e.organisation),
                "decision_reference": e.decision_reference,
                "evidence": e.evidence,
                "corrects": e.supersedes_id,
                "corrected_by": superseded_by.get(e.pk),
            }
            for e in events
        ],
        "cases": [
            {
                "kind": c.kind,
                "kind_label": c.get_kind_display(),
                "state": c.state,
                "reference": c.reference,
                "organisation": str(c.organisation),
                "region": c.region_id,
                "opened_on": _date(c.opened_on),
                "closed_on": _date(c.closed_on),
                "history": [
                    {
                        "kind": e.kind,
                        "date": _date(e.effective),
                        "from_state": e.from_state,
                        "to_state": e.to_state,
                        "note": e.text,
                        "recorded_by": _user(e.recorded_by),
                    }
                    for e in case_events.get(c.pk, [])
                ],
            }
            for c in cases
        ],
        "referrals": [
            {
                "project": str(r.project),
                "kind": r.kind,
                "kind_label": r.get_kind_display(),
                "needs": r.needs,
                "from_organisation": str(r.from_organisation),
                "to_organisation": str(r.to_organisation),
                "region": r.region_id,
                "state": r.state,
                "state_label": r.get_state_display(),
                "sent_on": _date(r.sent_on),
            }
            for r in referrals
        ],
        "information_shared": [
            {
                "leaflet": _str(s.leaflet),
                "project": _str(s.project),
                "language": s.language,
                "shared_on": _date(s.shared_on),
                "organisation": str(s.organisation),
                "note": s.note,
            }
            for s in SharedInformation.objects.filter(person=person).select_related(
                "leaflet", "project", "organisation"
            )
        ],
        "audit_entries": [
            {
                "at": _date(a.at),
                "by": a.username,
                "organisation": _str(a.organisation),
                "action": a.action,
                "action_label": a.get_action_display(),
                "message": a.message,
                "parameters": a.parameters,
                "summary": a.text,
                "purpose": a.purpose_text,
                "channel": a.channel,
            }
            for a in audit
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    """Stable: keys sorted, lists in the order above (each by date or position), UTF-8 as written."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
