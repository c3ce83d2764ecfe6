"""Writes of casework. Each service is one transaction: check the caller's right through the scoping
layer, validate against the workflow table, write, keep the case's next deadline current, audit.

A step that decides legal status writes the status timeline through
`panah.status.services.record_status_event` inside the same transaction: if the timeline refuses
the event, the step is refused and nothing of it is written, so casework and statistics never disagree.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Membership, Organisation, User
from panah.accounts.permissions import Refused, Target, require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.accounts.selectors import acting_organisation
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases import deadlines
from panah.cases.models import (
    BirthObstacle,
    Case,
    CaseEvent,
    CaseTask,
    ConditionKind,
    ObstacleKind,
    PersonCondition,
)
from panah.cases.workflows import BIRTH, DEADLINES, OPENED, OPENING_STATUS_EVENT, STATE_PROCEDURES, WORKFLOWS, CaseKind
from panah.common.phrases import day, label
from panah.common.phrases import region as region_param
from panah.common.phrases import step as step_param
from panah.registry.models import Document, DocumentType, Person, PopulationType
from panah.status.models import EventKind, StatusEvent
from panah.status.services import record_status_event
from panah.status.timeline import as_facts, population_on
from panah.status.timeline import known_events as known_facts


def _not_future(day: dt.date, field: str = "effective") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _covers(organisation: Organisation, region: Any) -> bool:
    return organisation.regions.filter(pk=region.pk).exists()


def _check_handler(by: User | None, kind: str, organisation: Organisation, region: Any, person: Person) -> None:
    """The organisation that is to handle a case of `kind` in `region`: it works there, a procedure of the
    state stays with a state body, and `by` (when given) acts for it there."""
    if not _covers(organisation, region):
        raise ValidationError(
            {
                "region": _("%(organisation)s does not work in %(region)s.")
                % {"organisation": organisation.name, "region": region.name}
            }
        )
    if kind in STATE_PROCEDURES and organisation.kind != Organisation.Kind.STATE:
        raise ValidationError(
            {"organisation": _("An asylum, statelessness or citizenship procedure is handled by a state body.")}
        )
    if by is not None:
        handler = Target(
            label=f"a new case of {organisation.code}",
            organisation_id=organisation.pk,
            region_code=region.pk,
            person=person,
            organisation_kind=organisation.kind,
        )
        require(by, Action.MANAGE_CASES, handler)


# ---- deadlines -------------------------------------------------------------------------------------


def next_deadline(case: Case, on: dt.date | None = None) -> deadlines.Deadline | None:
    """The earliest legal deadline running for `case` in its current state, under the rules of `on`."""
    if case.closed_on is not None:
        return None
    on = on or timezone.localdate()
    found: list[deadlines.Deadline] = []
    for code, anchor in DEADLINES.get(case.kind, {}).get(case.state, []):
        start: dt.date | None
        if anchor == OPENED:
            start = case.opened_on
        elif anchor == BIRTH:
            start = case.person.birth_date
        else:
            start = case.state_since
        if start is None:
            continue
        found_deadline = deadlines.deadline(code, start=start, opened_on=case.opened_on, on=on)
        if found_deadline is not None:
            found.append(found_deadline)
    return min(found, key=lambda d: d.due) if found else None


def _refresh_deadline(case: Case) -> None:
    found = next_deadline(case)
    case.due_on = found.due if found else None
    case.due_rule = found.rule.code if found else ""
    Case.objects.filter(pk=case.pk).update(due_on=case.due_on, due_rule=case.due_rule)


def refresh_deadlines() -> int:
    """Recompute the next deadline of every open case, after a rule version was added or confirmed.

    Side effects: `due_on` and `due_rule` of open cases. Crosses every scope: it is system maintenance."""
    changed = 0
    with unscoped("recompute legal deadlines after a rule change"):
        for case in Case.objects.filter(closed_on__isnull=True).select_related("person"):
            before = (case.due_on, case.due_rule)
            _refresh_deadline(case)
            changed += before != (case.due_on, case.due_rule)
    return changed


def lodged_late(case: Case) -> bool:
    """Whether an asylum application was lodged after the time limit from arrival (flagged, never a bar)."""
    if case.kind != CaseKind.ASYLUM or case.arrival_date is None:
        return False
    found = deadlines.deadline("asylum.lodging", start=case.arrival_date, opened_on=case.opened_on, on=case.opened_on)
    return found is not None and case.opened_on > found.due


# ---- cases -----------------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    by: User,
    person: Person,
    kind: str,
    opened_on: dt.date,
    organisation: Organisation | None = None,
    region: Any = None,
    assigned_to: Any = None,
    arrival_date: dt.date | None = None,
    reference: str = "",
    note: str = "",
) -> Case:
    """Open a case of `kind` for `person`.

    Side effects: the Case in its workflow's first state; an "opened" history row; for an asylum case
    the "asylum application registered" status event (the person becomes an asylum-seeker) in the same
    transaction — unless the timeline already holds the open claim (registered before casework began,
    or imported): then the case adopts that application, opened on its date, and writes no event; the
    next deadline; one audit entry. Raises PermissionDenied outside the caller's scope and
    ValidationError for a second open procedure of the same kind or a date in the future.
    """
    if kind not in WORKFLOWS:
        raise ValidationError({"kind": _("Unknown kind of case.")})
    opening = Action.OPEN_STATE_PROCEDURES if kind in STATE_PROCEDURES else Action.OPEN_CASES
    require(by, opening, person)
    opening_event = OPENING_STATUS_EVENT.get(kind)
    adopted = _open_claim(person, opened_on) if opening_event else None
    if adopted is not None:
        opening_event, opened_on = None, adopted.effective
    _not_future(opened_on, "opened_on")
    if arrival_date and arrival_date > opened_on:
        raise ValidationError({"arrival_date": _("The arrival cannot be after the application.")})
    region = region or person.region
    organisation = organisation or acting_organisation(by, opening, person, region)
    if organisation is None:
        raise Refused(opening)
    _check_handler(by, kind, organisation, region, person)
    if Case.objects.filter(person=person, kind=kind, closed_on__isnull=True).exists() and kind in (
        CaseKind.ASYLUM,
        CaseKind.STATELESSNESS,
        CaseKind.NATURALISATION,
        CaseKind.BIRTH_REGISTRATION,
    ):
        raise ValidationError({"kind": _("This person already has an open case of this kind.")})
    workflow = WORKFLOWS[kind]
    case = Case.objects.create(
        person=person,
        kind=kind,
        state=workflow.initial,
        state_since=opened_on,
        opened_on=opened_on,
        arrival_date=arrival_date,
        organisation=organisation,
        region=region,
        assigned_to=assigned_to,
        reference=reference,
        created_by=by if getattr(by, "pk", None) else None,
    )
    status_event = (
        adopted if adopted is not None and not CaseEvent.objects.filter(status_event=adopted).exists() else None
    )
    if opening_event:
        status_event = record_status_event(
            person=person,
            kind=opening_event,
            effective=opened_on,
            by=by,
            organisation=organisation,
            evidence=note,
            decision_reference=reference,
        )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.OPENED,
        to_state=case.state,
        to_region=region,
        to_organisation=organisation,
        assigned_to=assigned_to,
        effective=opened_on,
        recorded_by=case.created_by,
        text=note,
        status_event=status_event,
    )
    _refresh_deadline(case)
    record(
        by=by,
        action=AuditEntry.Action.CREATE,
        obj=case,
        person=person,
        organisation=organisation,
        message="case_opened",
        params={"kind": label("cases.Case.kind", kind)},
        changes={"state": case.state, "opened_on": opened_on.isoformat()},
    )
    return case


def _open_claim(person: Person, on: dt.date) -> StatusEvent | None:
    """The asylum application in force for `person` on `on`, if the person is an asylum-seeker then."""
    facts = as_facts(StatusEvent.objects.filter(person=person))
    if population_on(facts, on, timezone.now()) != PopulationType.ASY:
        return None
    known = {f.id for f in known_facts(facts, timezone.now())}
    return (
        StatusEvent.objects.filter(pk__in=known, kind=EventKind.ASYLUM_APPLICATION, effective__lte=on)
        .order_by("-effective", "-recorded_at", "-id")
        .first()
    )


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().select_related("person", "region", "organisation").get(pk=case.pk)
    return locked


@transaction.atomic
def _required_documents_held(case: Case, step: Any) -> None:
    """Refuse a step while the case lacks a document of a kind the step requires (`Transition.requires`)."""
    from panah.evidence.kinds import FileKind
    from panah.evidence.selectors import missing_for

    missing = missing_for(case, step.requires)
    if missing:
        labels = dict(FileKind.choices)
        raise ValidationError(
            {
                "transition": _("“%(step)s” needs these documents attached to the case first: %(kinds)s.")
                % {"step": step.label, "kinds": ", ".join(str(labels[k]) for k in missing)}
            }
        )


def transition_case(
    *, by: User, case: Case, transition: str, effective: dt.date, note: str = "", decision_reference: str = ""
) -> Case:
    """Take one step of the case's state machine.

    Side effects: the case's state (and `closed_on` when the step ends it); a history row; for a step
    that decides legal status, the status event it names (through record_status_event, same
    transaction); for a birth certificate issued with its number, the birth-certificate Document and the
    resolution of open obstacles; the next deadline; one audit entry.
    Raises ValidationError with a clear message for a step the table does not allow from the current
    state, a missing reason, or a status event the timeline refuses; PermissionDenied outside scope.
    """
    case = _locked(case)
    person = case.person
    workflow = WORKFLOWS[case.kind]
    step = workflow.transition(transition)
    if step is None:
        raise ValidationError(
            {
                "transition": _("“%(step)s” is not a step of a %(kind)s case.")
                % {"step": transition, "kind": case.get_kind_display()}
            }
        )
    if case.closed_on is not None:
        raise ValidationError({"transition": _("The case is closed: no further step can be recorded.")})
    if case.state not in step.sources:
        allowed = ", ".join(f"“{t.label}”" for t in workflow.available(case.state)) or _("none")
        raise ValidationError(
            {
                "transition": _("“%(step)s” is not allowed while the case is “%(state)s”. Allowed now: %(allowed)s.")
                % {"step": step.label, "state": case.state_label, "allowed": allowed}
            }
        )
    require(by, Action.DECIDE_CASES if workflow.decides(step.name) else Action.WORK_CASES, case)
    _required_documents_held(case, step)
    if step.needs_reason and not note.strip():
        raise ValidationError({"note": _("Give the reason for this step.")})
    _not_future(effective)
    if effective < case.state_since:
        raise ValidationError(
            {
                "effective": _("The step cannot be dated before %(date)s, when the case entered its current state.")
                % {"date": case.state_since.strftime("%d.%m.%Y")}
            }
        )
    status_event = None
    if step.status_event:
        status_event = record_status_event(
            person=person,
            kind=step.status_event,
            effective=effective,
            by=by,
            organisation=case.organisation,
            evidence=note,
            decision_reference=decision_reference,
            case=case,
        )
    before = case.state
    case.state = step.target
    case.state_since = effective
    if step.target in workflow.final:
        case.closed_on = effective
    Case.objects.filter(pk=case.pk).update(state=case.state, state_since=effective, closed_on=case.closed_on)
    user = by if getattr(by, "pk", None) else None
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.TRANSITION,
        transition=step.name,
        from_state=before,
        to_state=case.state,
        effective=effective,
        recorded_by=user,
        text=note,
        decision_reference=decision_reference,
        status_event=status_event,
    )
    if case.kind == CaseKind.BIRTH_REGISTRATION and step.target == "certificate_issued":
        BirthObstacle.objects.filter(case=case, resolved_on__isnull=True).update(resolved_on=effective)
        if decision_reference:
            Document.objects.create(
                person=person,
                type=DocumentType.BIRTH_CERTIFICATE,
                number=decision_reference,
                valid_from=effective,
                issuer=_("civil registry office"),
            )
    _refresh_deadline(case)
    record(
        by=by,
        action=AuditEntry.Action.DECIDE if status_event else AuditEntry.Action.CHANGE,
        obj=case,
        person=person,
        organisation=case.organisation,
        message="case_step",
        params={
            "kind": label("cases.Case.kind", case.kind),
            "step": step_param(case.kind, step.name),
            "effective": day(effective),
        },
        changes={"state": [before, case.state], "reference": decision_reference},
    )
    return case


@transaction.atomic
def transfer_case(
    *, by: User, case: Case, region: Any, organisation: Organisation | None = None, effective: dt.date, note: str
) -> Case:
    """Hand an open case to another region (and, if given, another organisation working there).

    Side effects: the case's region, organisation and (cleared) assigned officer; a "transferred"
    history row that keeps both sides; the next deadline (unchanged: legal time limits do not restart
    with a transfer); one audit entry."""
    case = _locked(case)
    require(by, Action.MANAGE_CASES, case)
    if case.closed_on is not None:
        raise ValidationError({"region": _("A closed case cannot be transferred.")})
    organisation = organisation or case.organisation
    if region.pk == case.region_id and organisation.pk == case.organisation_id:
        raise ValidationError({"region": _("The case is already handled there.")})
    _check_handler(None, case.kind, organisation, region, case.person)
    if not note.strip():
        raise ValidationError({"note": _("Say why the case is transferred.")})
    _not_future(effective)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.TRANSFER,
        from_region=case.region,
        to_region=region,
        from_organisation=case.organisation,
        to_organisation=organisation,
        effective=effective,
        recorded_by=by if getattr(by, "pk", None) else None,
        text=note,
    )
    from_region = case.region_id
    Case.objects.filter(pk=case.pk).update(region=region, organisation=organisation, assigned_to=None)
    case.region, case.organisation, case.assigned_to = region, organisation, None
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=case,
        person=case.person,
        organisation=organisation,
        message="case_transferred",
        params={"old": region_param(from_region), "new": region_param(region.pk)},
        changes={"region": [from_region, region.pk], "organisation": organisation.pk},
        purpose=note,
    )
    return case


@transaction.atomic
def assign_case(*, by: User, case: Case, officer: Any) -> Case:
    """Assign the case to an officer of the organisation handling it. Side effects: the case, a history row, audit."""
    case = _locked(case)
    require(by, Action.MANAGE_CASES, case)
    if (
        officer is not None
        and not Membership.objects.active().filter(user=officer, organisation=case.organisation_id).exists()
    ):
        raise ValidationError({"officer": _("The officer must belong to the organisation handling the case.")})
    Case.objects.filter(pk=case.pk).update(assigned_to=officer)
    case.assigned_to = officer
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.ASSIGNED,
        assigned_to=officer,
        effective=timezone.localdate(),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=case,
        person=case.person,
        message="case_assigned",
        changes={"assigned_to": getattr(officer, "username", None)},
    )
    return case


@transaction.atomic
def add_note(*, by: User, case: Case, text: str) -> CaseEvent:
    """Side effects: a note in the case history; audit entry."""
    require(by, Action.NOTE_CASES, case)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    event = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        effective=timezone.localdate(),
        recorded_by=by if getattr(by, "pk", None) else None,
        text=text,
    )
    record(by=by, action=AuditEntry.Action.CHANGE, obj=case, person=case.person, message="case_note")
    return event


@transaction.atomic
def add_task(*, by: User, case: Case, title: str, due_on: dt.date | None = None, assigned_to: Any = None) -> CaseTask:
    """Side effects: a task on the case; audit entry."""
    require(by, Action.NOTE_CASES, case)
    if not title.strip():
        raise ValidationError({"title": _("Say what is to be done.")})
    task = CaseTask.objects.create(
        case=case,
        title=title,
        due_on=due_on,
        assigned_to=assigned_to,
        created_by=by if getattr(by, "pk", None) else None,
    )
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=case,
        person=case.person,
        message="case_task",
        params={"title": title[:200]},
    )
    return task


@transaction.atomic
def complete_task(*, by: User, task: CaseTask, done_on: dt.date | None = None) -> CaseTask:
    """Side effects: the task marked done; audit entry."""
    require(by, Action.NOTE_CASES, task.case)
    if task.done_on is not None:
        raise ValidationError({"task": _("This task is already done.")})
    done_on = done_on or timezone.localdate()
    _not_future(done_on, "done_on")
    CaseTask.objects.filter(pk=task.pk).update(done_on=done_on, done_by=by if getattr(by, "pk", None) else None)
    task.done_on = done_on
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=task.case,
        person=task.case.person,
        message="case_task_done",
        params={"title": task.title[:200]},
    )
    return task


# ---- birth registration ----------------------------------------------------------------------------


@transaction.atomic
def record_obstacle(*, by: User, case: Case, kind: str, found_on: dt.date, note: str = "") -> BirthObstacle:
    """Record what stops a child's birth registration.

    Side effects: the obstacle; the case moves to "obstacle to registration" when its table allows
    (a history row); audit entry."""
    case = _locked(case)
    if case.kind != CaseKind.BIRTH_REGISTRATION:
        raise ValidationError({"kind": _("Obstacles are recorded on birth-registration cases.")})
    if kind not in ObstacleKind.values:
        raise ValidationError({"kind": _("Choose the obstacle.")})
    require(by, Action.WORK_CASES, case)
    _not_future(found_on, "found_on")
    if case.closed_on is not None:
        raise ValidationError({"kind": _("The birth certificate is already issued.")})
    obstacle = BirthObstacle.objects.create(
        case=case, kind=kind, found_on=found_on, note=note, recorded_by=by if getattr(by, "pk", None) else None
    )
    obstacle_label = str(ObstacleKind(kind).label)
    block = WORKFLOWS[case.kind].transition("block")
    if block is not None and case.state in block.sources and found_on >= case.state_since:
        transition_case(by=by, case=case, transition="block", effective=found_on, note=obstacle_label)
    else:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.OBSTACLE,
            effective=found_on,
            text=obstacle_label,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=case,
        person=case.person,
        message="obstacle",
        params={"kind": label("cases.BirthObstacle.kind", kind)},
    )
    return obstacle


@transaction.atomic
def resolve_obstacle(*, by: User, obstacle: BirthObstacle, resolved_on: dt.date) -> BirthObstacle:
    """Side effects: the obstacle's end date; audit entry."""
    require(by, Action.WORK_CASES, obstacle.case)
    _not_future(resolved_on, "resolved_on")
    if resolved_on < obstacle.found_on:
        raise ValidationError({"resolved_on": _("An obstacle cannot be resolved before it was found.")})
    BirthObstacle.objects.filter(pk=obstacle.pk).update(resolved_on=resolved_on)
    obstacle.resolved_on = resolved_on
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=obstacle.case,
        person=obstacle.case.person,
        message="obstacle_resolved",
        params={"kind": label("cases.BirthObstacle.kind", obstacle.kind)},
    )
    return obstacle


# ---- eligibility conditions ------------------------------------------------------------------------


@transaction.atomic
def record_condition(
    *, by: User, person: Person, kind: str, met_on: dt.date, until: dt.date | None = None, reference: str = ""
) -> PersonCondition:
    """Record that a person meets a condition eligibility rules ask for. Side effects: the row; audit entry."""
    if kind not in ConditionKind.values:
        raise ValidationError({"kind": _("Choose the condition.")})
    require(by, Action.OPEN_CASES, person)
    _not_future(met_on, "met_on")
    if until and until < met_on:
        raise ValidationError({"until": _("“Valid until” cannot be before the date it was met.")})
    condition = PersonCondition.objects.create(
        person=person,
        kind=kind,
        met_on=met_on,
        until=until,
        reference=reference,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=condition,
        person=person,
        message="condition",
        params={"kind": label("cases.PersonCondition.kind", kind)},
    )
    return condition


def track_births(*, by: User, on: dt.date | None = None) -> int:
    """Open a birth-registration case for every child of concern without a birth certificate and not yet
    tracked, among those `by` may work on (`selectors.children_without_certificate`).

    Side effects: per child, what `open_case` does (the case, its history row, its deadline from the
    birth, an audit entry). Returns how many cases were opened; a child `by` may not work on is left."""
    from panah.cases.selectors import untracked_children_for

    on = on or timezone.localdate()
    opened = 0
    for child in untracked_children_for(by, on):
        try:
            open_case(
                by=by,
                person=child,
                kind=CaseKind.BIRTH_REGISTRATION,
                opened_on=on,
                note=_("Child of a person of concern found without a birth certificate."),
            )
        except (PermissionDenied, ValidationError):
            continue
        opened += 1
    return opened
