"""Writes to the legal-status timeline. Each is one transaction that validates, writes and audits."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.accounts.models import User
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import day, label
from panah.registry.models import Person, PopulationType
from panah.stats.facts import refresh_person as refresh_person_facts
from panah.status.models import EXIT, RESULTING_POPULATION, ApplicationType, EventKind, StatusEvent
from panah.status.timeline import Fact, as_facts, population_on
from panah.status.transitions import ALLOWED_FROM, REQUIRES_PREVIOUS, Violation, replay

K = EventKind
P = PopulationType
__all__ = ["ALLOWED_FROM", "FACTS", "REQUIRES_PREVIOUS", "authority_for", "correct_status_event", "record_status_event"]

_STATE_WORDS = {
    EXIT: gettext_lazy("in no population of concern"),
    P.ASY: gettext_lazy("an asylum-seeker with an open claim"),
    P.REF: gettext_lazy("a refugee"),
    P.STA: gettext_lazy("a stateless person"),
    P.UND: gettext_lazy("a person of undetermined nationality"),
    P.OOC: gettext_lazy("other of concern"),
}
_CANDIDATE = 2**62  # the id the event being checked takes in the replay (after every real one of its moment)


def _refusal(violation: Violation) -> str:
    """Why an event cannot take its place on the timeline, in words."""
    fact = violation.fact
    label = EventKind(fact.kind).label
    date = fact.effective.isoformat()
    if violation.problem == "after_death":
        return _("Nothing can be recorded after the person's death (on or before %(date)s).") % {"date": date}
    if violation.problem == "needs_previous":
        return _("“%(event)s” needs a rejection before it; there is none in force on %(date)s.") % {
            "event": label,
            "date": date,
        }
    if fact.kind == K.ASYLUM_APPLICATION and violation.state == P.ASY:
        return _("An asylum application cannot be registered: the person already has an open claim on %(date)s.") % {
            "date": date
        }
    if fact.kind == K.REFUGEE_GRANTED:
        return _("Refugee status cannot be granted: the person has no open asylum claim on %(date)s.") % {"date": date}
    return _("“%(event)s” cannot be recorded: on %(date)s the person is %(state)s.") % {
        "event": label,
        "date": date,
        "state": _STATE_WORDS[violation.state],
    }


def _check_transition(
    person: Person,
    kind: str,
    effective: dt.date,
    *,
    recorded_at: dt.datetime,
    ignoring: int | None = None,
) -> None:
    """Refuse `kind` on `effective` if the events before it do not allow it, or if it would make an event
    already on the timeline after it impossible (a decision recorded late lands between events)."""
    timeline = as_facts(StatusEvent.objects.filter(person=person))
    facts = [f for f in timeline if f.id != ignoring]
    candidate = Fact(_CANDIDATE, kind, effective, recorded_at)
    known_on = max([recorded_at, *(f.recorded_at for f in timeline)])
    # A timeline the rules allow must stay so. One that already breaks them (two records merged, each with
    # its own determination; a history imported as it was) is only checked for the new event itself.
    clean = not replay(timeline, known_on)
    for violation in replay([*facts, candidate], known_on):
        if violation.fact.id == _CANDIDATE:
            raise ValidationError({"kind": _refusal(violation)})
        if clean:
            later = violation.fact
            words = {
                "event": EventKind(kind).label,
                "date": effective.isoformat(),
                "later": EventKind(later.kind).label,
                "later_date": later.effective.isoformat(),
                "why": _refusal(violation),
            }
            if kind == K.RETRACTION:
                message = _(
                    "Without this event, “%(later)s” of %(later_date)s would make no legal sense (%(why)s). "
                    "Correct the later event first."
                )
            else:
                message = _(
                    "“%(event)s” on %(date)s would come before “%(later)s” of %(later_date)s, which is already "
                    "on the timeline and would then make no legal sense (%(why)s). Correct the later event first."
                )
            raise ValidationError({"effective": message % words})


# Who may record each kind (the authorisation policy's action): what happened in a person's life or an
# application lodged with a court is recorded by whoever works with the person; registering an asylum
# application is the state body's; every other kind is a decision of the competent state body.
FACTS = frozenset({K.APPEAL_LODGED, K.UNDETERMINED_IDENTIFIED, K.OTHER_OF_CONCERN, K.DEPARTED, K.DIED})


def authority_for(kind: str, *, on_case: bool = False) -> str:
    """The action of the policy that recording an event of `kind` needs (on the person; or, with
    `on_case`, on the case whose step records it)."""
    if kind == K.ASYLUM_APPLICATION:
        return Action.OPEN_STATE_PROCEDURES
    if kind in FACTS:
        return Action.WORK_CASES if on_case else Action.RECORD_STATUS_FACTS
    return Action.DECIDE_CASES if on_case else Action.DECIDE_STATUS


def _authorise(by: User | None, kind: str, person: Person, case: Any) -> None:
    if case is not None and kind != K.ASYLUM_APPLICATION:
        require(by, authority_for(kind, on_case=True), case)
    else:
        require(by, authority_for(kind), person)


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
    by: User | None,
    organisation: Any = None,
    evidence: str = "",
    decision_reference: str = "",
    application_type: str = "",
    recorded_at: dt.datetime | None = None,
    case: Any = None,
) -> StatusEvent:
    """Record that `kind` became true for `person` on `effective`.

    Authorised by the policy (`authority_for`): on the person, or on `case` when a step of that case records
    it; `by=None` is the system (the demo loader). Side effects: one StatusEvent; the person's current
    population type and statistics rows; one audit entry. Raises Refused outside the caller's authority,
    ValidationError (naming the field) for a date in the future or a transition that makes no legal sense
    (refugee status with no claim, a second open claim, ...).
    """
    if kind in RESULTING_POPULATION and kind != K.RETRACTION:
        _authorise(by, kind, person, case)
    if kind == K.RETRACTION:
        raise ValidationError({"kind": _("Use correct_status_event to retract an event.")})
    if kind not in RESULTING_POPULATION:
        raise ValidationError({"kind": _("Unknown status event “%(kind)s”.") % {"kind": kind}})
    if effective > timezone.localdate():
        raise ValidationError({"effective": _("The effective date cannot be in the future.")})
    if kind == K.ASYLUM_APPLICATION and not application_type:
        application_type = ApplicationType.FIRST
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per timeline at a time
    recorded_at = recorded_at or timezone.now()
    _check_transition(person, kind, effective, recorded_at=recorded_at)
    event = StatusEvent.objects.create(
        person=person,
        kind=kind,
        effective=effective,
        recorded_at=recorded_at,
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
        message="status_event",
        params={"kind": label("status.StatusEvent.kind", event.kind), "effective": day(effective)},
        changes={"kind": kind, "effective": effective.isoformat(), "reference": decision_reference},
    )
    return event


@transaction.atomic
def correct_status_event(
    *,
    event: StatusEvent,
    by: User | None,
    reason: str,
    kind: str | None = None,
    effective: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> StatusEvent:
    """Correct an event recorded in error, without editing it.

    With `kind` and/or `effective`, the correction restates the event; with neither, it retracts it.
    Authorised like recording the event corrected and, for a restatement, the event it becomes.
    Side effects: one superseding StatusEvent; the person's current population type and statistics
    rows; one audit entry.
    """
    _authorise(by, event.kind, event.person, None)
    if kind and kind != event.kind and kind in RESULTING_POPULATION and kind != K.RETRACTION:
        _authorise(by, kind, event.person, None)
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
    recorded_at = recorded_at or timezone.now()
    _check_transition(person, new_kind, new_effective, recorded_at=recorded_at, ignoring=event.pk)
    correction = StatusEvent.objects.create(
        person=person,
        kind=new_kind,
        effective=new_effective,
        recorded_at=recorded_at,
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
        message="status_corrected",
        params={
            "event": event.pk,
            "kind": label("status.StatusEvent.kind", correction.kind),
            "effective": day(new_effective),
        },
        changes={"supersedes": event.pk, "kind": new_kind, "effective": new_effective.isoformat(), "reason": reason},
    )
    return correction
