"""Writes to the legal-status timeline. Each is one transaction that validates, writes and audits."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.registry.models import Person, PopulationType
from panah.stats.facts import refresh_person as refresh_person_facts
from panah.status.models import EXIT, RESULTING_POPULATION, ApplicationType, EventKind, StatusEvent
from panah.status.timeline import as_facts, last_kind_on, population_on

K = EventKind
P = PopulationType
ANY_STOCK = frozenset(P.values)

# For each kind: the population types the person may be in just before it takes effect
# ("" = in no stock). A transition outside this table makes no legal sense and is refused.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    K.ASYLUM_APPLICATION: frozenset({EXIT, P.STA, P.UND, P.OOC}),
    K.REFUGEE_GRANTED: frozenset({P.ASY}),
    K.ASYLUM_REJECTED: frozenset({P.ASY}),
    K.APPEAL_LODGED: frozenset({EXIT}),
    K.APPEAL_REJECTED: frozenset({P.ASY}),
    K.CLAIM_CLOSED: frozenset({P.ASY}),
    K.REFUGEE_EXTENDED: frozenset({P.REF}),
    K.REFUGEE_CEASED: frozenset({P.REF}),
    K.REFUGEE_REVOKED: frozenset({P.REF}),
    K.UNDETERMINED_IDENTIFIED: frozenset({EXIT, P.OOC}),
    K.STATELESS_DETERMINED: frozenset({EXIT, P.UND, P.OOC}),
    K.NATIONALITY_CONFIRMED: frozenset({P.UND, P.STA}),
    K.RESIDENCE_PERMIT: ANY_STOCK,
    K.NATURALISED: frozenset({P.REF, P.STA, P.UND, P.OOC}),
    K.OTHER_OF_CONCERN: frozenset({EXIT}),
    K.DEPARTED: ANY_STOCK,
    K.DIED: ANY_STOCK,
}

# Some kinds also need a particular event just before them.
REQUIRES_PREVIOUS: dict[str, frozenset[str]] = {
    K.APPEAL_LODGED: frozenset({K.ASYLUM_REJECTED, K.APPEAL_REJECTED}),
    K.APPEAL_REJECTED: frozenset({K.APPEAL_LODGED}),
}

_STATE_WORDS = {
    EXIT: gettext_lazy("in no population of concern"),
    P.ASY: gettext_lazy("an asylum-seeker with an open claim"),
    P.REF: gettext_lazy("a refugee"),
    P.STA: gettext_lazy("a stateless person"),
    P.UND: gettext_lazy("a person of undetermined nationality"),
    P.OOC: gettext_lazy("other of concern"),
}


def _check_transition(person: Person, kind: str, effective: dt.date, ignoring: int | None = None) -> None:
    facts = [f for f in as_facts(StatusEvent.objects.filter(person=person)) if f.id != ignoring]
    now = timezone.now()
    if last_kind_on(facts, effective, now) == K.DIED:
        raise ValidationError(
            {
                "kind": _("Nothing can be recorded after the person's death (on or before %(date)s).")
                % {"date": effective.isoformat()}
            }
        )
    before = population_on(facts, effective, now)
    allowed = ALLOWED_FROM[kind]
    label = EventKind(kind).label
    if before not in allowed:
        if kind == K.ASYLUM_APPLICATION and before == P.ASY:
            message = _("An asylum application cannot be registered: the person already has an open claim on %(date)s.")
        elif kind == K.REFUGEE_GRANTED:
            message = _("Refugee status cannot be granted: the person has no open asylum claim on %(date)s.")
        else:
            message = _("“%(event)s” cannot be recorded: on %(date)s the person is %(state)s.")
        raise ValidationError(
            {"kind": message % {"event": label, "date": effective.isoformat(), "state": _STATE_WORDS[before]}}
        )
    needed = REQUIRES_PREVIOUS.get(kind)
    if needed and last_kind_on(facts, effective, now) not in needed:
        raise ValidationError(
            {
                "kind": _("“%(event)s” needs a rejection before it; there is none in force on %(date)s.")
                % {"event": label, "date": effective.isoformat()}
            }
        )


def refresh_population_type(person: Person) -> None:
    """Store the population type as of today, as known now, on the person (for lists and search),
    and bring the person's rows in the statistics index up to date."""
    refresh_person_facts(person.pk)
    facts = as_facts(StatusEvent.objects.filter(person=person))
    current = population_on(facts, timezone.localdate(), timezone.now())
    if person.population_type != current:
        Person.objects.filter(pk=person.pk).update(population_type=current)
        person.population_type = current


@transaction.atomic
def record_status_event(
    *,
    person: Person,
    kind: str,
    effective: dt.date,
    by: Any,
    organisation: Any = None,
    evidence: str = "",
    decision_reference: str = "",
    application_type: str = "",
    recorded_at: dt.datetime | None = None,
) -> StatusEvent:
    """Record that `kind` became true for `person` on `effective`.

    Side effects: one StatusEvent; the person's current population type and statistics rows; one
    audit entry. Raises ValidationError (naming the field) for a date in the future or a transition that makes
    no legal sense (refugee status with no claim, a second open claim, ...).
    """
    if kind == K.RETRACTION:
        raise ValidationError({"kind": _("Use correct_status_event to retract an event.")})
    if kind not in RESULTING_POPULATION:
        raise ValidationError({"kind": _("Unknown status event “%(kind)s”.") % {"kind": kind}})
    if effective > timezone.localdate():
        raise ValidationError({"effective": _("The effective date cannot be in the future.")})
    if kind == K.ASYLUM_APPLICATION and not application_type:
        application_type = ApplicationType.FIRST
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per timeline at a time
    _check_transition(person, kind, effective)
    event = StatusEvent.objects.create(
        person=person,
        kind=kind,
        effective=effective,
        recorded_at=recorded_at or timezone.now(),
        recorded_by=by if getattr(by, "pk", None) else None,
        organisation=organisation,
        evidence=evidence,
        decision_reference=decision_reference,
        application_type=application_type,
    )
    refresh_population_type(person)
    record(
        by=by,
        action=AuditEntry.Action.DECIDE,
        obj=event,
        person=person,
        summary=f"{event.get_kind_display()} effective {effective.isoformat()}",
        changes={"kind": kind, "effective": effective.isoformat(), "reference": decision_reference},
    )
    return event


@transaction.atomic
def correct_status_event(
    *,
    event: StatusEvent,
    by: Any,
    reason: str,
    kind: str | None = None,
    effective: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> StatusEvent:
    """Correct an event recorded in error, without editing it.

    With `kind` and/or `effective`, the correction restates the event; with neither, it retracts it.
    Side effects: one superseding StatusEvent; the person's current population type and statistics
    rows; one audit entry.
    """
    if not reason.strip():
        raise ValidationError({"evidence": _("Say why the event is corrected.")})
    if StatusEvent.objects.filter(supersedes=event).exists():
        raise ValidationError({"supersedes": _("This event has already been corrected; correct the correction.")})
    person = event.person
    Person.objects.select_for_update().filter(pk=person.pk).first()
    new_kind = kind or (event.kind if effective else K.RETRACTION)
    new_effective = effective or event.effective
    if new_effective > timezone.localdate():
        raise ValidationError({"effective": _("The effective date cannot be in the future.")})
    if new_kind != K.RETRACTION:
        _check_transition(person, new_kind, new_effective, ignoring=event.pk)
    correction = StatusEvent.objects.create(
        person=person,
        kind=new_kind,
        effective=new_effective,
        recorded_at=recorded_at or timezone.now(),
        recorded_by=by if getattr(by, "pk", None) else None,
        evidence=reason,
        decision_reference=event.decision_reference,
        application_type=event.application_type if new_kind == K.ASYLUM_APPLICATION else "",
        supersedes=event,
    )
    refresh_population_type(person)
    record(
        by=by,
        action=AuditEntry.Action.DECIDE,
        obj=correction,
        person=person,
        summary=f"corrected event {event.pk}: {correction.get_kind_display()} effective {new_effective.isoformat()}",
        changes={"supersedes": event.pk, "kind": new_kind, "effective": new_effective.isoformat(), "reason": reason},
    )
    return correction
