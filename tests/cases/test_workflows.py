"""Each kind of case is a state machine defined as a table: the legal paths work, every step the table
does not allow from a state is refused with a clear message, and the steps that decide status write
the status timeline in the same transaction, so case and timeline always agree."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from panah.accounts.scope import unscoped
from panah.cases.models import Case, CaseEvent, DeadlineRule
from panah.cases.workflows import DEADLINES, OPENING_STATUS_EVENT, WORKFLOWS, CaseKind
from panah.registry.models import Person
from panah.status.models import RESULTING_POPULATION, StatusEvent
from panah.status.services import record_status_event
from tests.factories.cases import attach_required

D = dt.date


def population(person):
    with unscoped("test"):
        return Person.objects.get(pk=person.pk).population_type


def reload(case):
    with unscoped("test"):
        return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("workflow", list(WORKFLOWS.values()), ids=lambda w: w.kind)
def test_workflow_tables_are_consistent(db, workflow):
    assert workflow.initial in workflow.states
    assert workflow.final <= set(workflow.states)
    names = [t.name for t in workflow.transitions]
    assert len(names) == len(set(names)), "a step name is used twice"
    for transition in workflow.transitions:
        assert transition.sources <= set(workflow.states), transition.name
        assert transition.target in workflow.states, transition.name
        assert not transition.sources & workflow.final, f"{transition.name} leaves a final state"
        if transition.status_event:
            assert transition.status_event in RESULTING_POPULATION
    # Every deadline a state names is a rule shipped with a version in the database.
    for state, rules in DEADLINES.get(workflow.kind, {}).items():
        assert state in workflow.states
        for code, _anchor in rules:
            assert DeadlineRule.objects.filter(code=code).exists(), code


def test_asylum_recognition_writes_asy_then_ref(cast, open_case, step, timeline):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15), reference="A-1")
    assert population(cast.person_a) == "ASY"
    step(cast.decider_a, case, "interview", D(2024, 2, 1))
    step(cast.decider_a, case, "recognise", D(2024, 3, 20), decision_reference="No. 17")
    case = reload(case)
    assert case.state == "recognised" and case.closed_on is None
    assert timeline(cast.person_a) == [("asylum_application", D(2024, 1, 15)), ("refugee_granted", D(2024, 3, 20))]
    assert population(cast.person_a) == "REF"
    with unscoped("test"):
        decision = CaseEvent.objects.get(case=case, transition="recognise")
        assert decision.status_event.kind == "refugee_granted"
        assert decision.status_event.decision_reference == "No. 17"
    step(cast.decider_a, case, "extend", D(2025, 3, 20))
    assert timeline(cast.person_a)[-1] == ("refugee_extended", D(2025, 3, 20))
    step(cast.decider_a, case, "close", D(2025, 4, 1))
    assert reload(case).closed_on == D(2025, 4, 1)
    assert population(cast.person_a) == "REF"


def test_asylum_rejection_appeal_and_dismissal(cast, open_case, step, timeline):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    step(cast.decider_a, case, "postpone", D(2024, 4, 1), note="Documents to verify")
    step(cast.decider_a, case, "reject", D(2024, 9, 1), note="No well-founded fear")
    assert population(cast.person_a) == ""
    step(cast.decider_a, case, "appeal", D(2024, 9, 20))
    assert population(cast.person_a) == "ASY"
    step(cast.decider_a, case, "appeal_dismissed", D(2025, 1, 10), note="Court upheld")
    assert [k for k, _d in timeline(cast.person_a)] == [
        "asylum_application",
        "asylum_rejected",
        "appeal_lodged",
        "appeal_rejected",
    ]
    assert population(cast.person_a) == ""
    assert reload(case).closed_on == D(2025, 1, 10)


def test_appeal_allowed_recognises(cast, open_case, step):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    step(cast.decider_a, case, "reject", D(2024, 3, 1), note="x")
    step(cast.decider_a, case, "appeal", D(2024, 3, 10))
    step(cast.decider_a, case, "appeal_allowed", D(2024, 6, 1))
    assert population(cast.person_a) == "REF"
    assert reload(case).state == "recognised"


def test_withdrawal_closes_claim(cast, open_case, step, timeline):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    step(cast.decider_a, case, "withdraw", D(2024, 2, 1), note="Left the country")
    assert timeline(cast.person_a)[-1] == ("claim_closed", D(2024, 2, 1))
    assert population(cast.person_a) == ""
    with pytest.raises(ValidationError, match="closed"):
        step(cast.decider_a, case, "recognise", D(2024, 3, 1))


def test_statelessness_determination_writes_sta(cast, open_case, step, timeline):
    with unscoped("test"):
        record_status_event(
            person=cast.person_a, kind="undetermined_identified", effective=D(2023, 5, 1), by=cast.decider_a
        )
    case = open_case(cast.decider_a, cast.person_a, CaseKind.STATELESSNESS, opened_on=D(2023, 6, 1))
    assert population(cast.person_a) == "UND"  # opening a statelessness case decides nothing
    step(cast.decider_a, case, "examine", D(2023, 6, 10))
    step(cast.decider_a, case, "determine", D(2023, 9, 1), decision_reference="DP-5")
    assert population(cast.person_a) == "STA"
    assert timeline(cast.person_a)[-1] == ("stateless_determined", D(2023, 9, 1))
    step(cast.decider_a, case, "close", D(2023, 9, 2))
    assert reload(case).closed_on == D(2023, 9, 2)


def test_nationality_confirmed_ends_the_procedure(cast, open_case, step):
    with unscoped("test"):
        record_status_event(
            person=cast.person_a, kind="undetermined_identified", effective=D(2023, 5, 1), by=cast.decider_a
        )
    case = open_case(cast.decider_a, cast.person_a, CaseKind.STATELESSNESS, opened_on=D(2023, 6, 1))
    step(cast.decider_a, case, "confirm_nationality", D(2023, 8, 1), note="Passport of Uzbekistan issued")
    assert population(cast.person_a) == ""
    assert reload(case).closed_on == D(2023, 8, 1)


def test_naturalisation_grant_writes_exit(cast, open_case, step, timeline):
    with unscoped("test"):
        record_status_event(
            person=cast.person_a, kind="stateless_determined", effective=D(2015, 1, 1), by=cast.decider_a
        )
    case = open_case(cast.decider_a, cast.person_a, CaseKind.NATURALISATION, opened_on=D(2023, 1, 10))
    step(cast.decider_a, case, "submit", D(2023, 2, 1))
    step(cast.decider_a, case, "grant", D(2023, 11, 1))
    assert timeline(cast.person_a)[-1] == ("naturalised", D(2023, 11, 1))
    assert population(cast.person_a) == ""


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (CaseKind.DOCUMENTATION, ["apply", "issue"]),
        (CaseKind.LEGAL_ASSISTANCE, ["file", "resolve"]),
        (CaseKind.BIRTH_REGISTRATION, ["apply", "issue"]),
    ],
)
def test_kinds_without_status_decisions_leave_the_timeline_alone(cast, open_case, step, timeline, kind, path):
    case = open_case(cast.officer_a, cast.person_a, kind, opened_on=D(2024, 1, 15))
    for number, name in enumerate(path):
        attach_required(case, name, by=cast.officer_a)
        step(cast.officer_a, case, name, D(2024, 2, 1 + number))
    assert reload(case).closed_on == D(2024, 2, len(path))
    assert timeline(cast.person_a) == []


def _every_illegal_step():
    for workflow in WORKFLOWS.values():
        for transition in workflow.transitions:
            for state in workflow.states:
                if state not in transition.sources and state not in workflow.final:
                    yield workflow.kind, transition.name, state


ILLEGAL = list(_every_illegal_step())


@pytest.mark.parametrize("kind", list(WORKFLOWS))
def test_every_step_the_table_does_not_allow_is_refused_with_the_reason(cast, open_case, step, timeline, kind):
    by = cast.sysadmin
    case = open_case(by, cast.person_a, kind, opened_on=D(2024, 1, 15))
    before = timeline(cast.person_a)
    checked = 0
    for case_kind, name, state in ILLEGAL:
        if case_kind != kind:
            continue
        with unscoped("test: put the case in the state to try"):
            Case.objects.filter(pk=case.pk).update(state=state, state_since=D(2024, 1, 15))
            events = CaseEvent.objects.filter(case=case).count()
        with pytest.raises(ValidationError) as error:
            step(by, case, name, D(2024, 2, 1), note="reason")
        message = " ".join(error.value.message_dict["transition"])
        assert "is not allowed while the case is" in message and "Allowed now" in message, (name, state)
        assert reload(case).state == state
        with unscoped("test"):
            assert CaseEvent.objects.filter(case=case).count() == events
        checked += 1
    assert checked > 0
    assert timeline(cast.person_a) == before, "a refused step wrote to the timeline"


def test_unknown_step_is_refused(cast, open_case, step):
    case = open_case(cast.officer_a, cast.person_a, CaseKind.DOCUMENTATION)
    with pytest.raises(ValidationError, match="not a step"):
        step(cast.officer_a, case, "recognise", D(2024, 2, 1))


def test_step_refused_by_the_timeline_leaves_the_case_unchanged(cast, open_case, step, timeline):
    """The timeline has the last word: if it refuses the event, the case step is not recorded either."""
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    with unscoped("test: a claim closed directly on the timeline"):
        record_status_event(person=cast.person_a, kind="claim_closed", effective=D(2024, 2, 1), by=cast.decider_a)
    with pytest.raises(ValidationError) as error:
        step(cast.decider_a, case, "recognise", D(2024, 3, 1))
    assert "no open asylum claim" in str(error.value)
    case = reload(case)
    assert case.state == "registered"
    with unscoped("test"):
        assert not CaseEvent.objects.filter(case=case, kind="transition").exists()
        assert not StatusEvent.objects.filter(person=cast.person_a, kind="refugee_granted").exists()


def test_second_open_asylum_case_is_refused(cast, open_case):
    open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM)
    with pytest.raises(ValidationError, match="already has an open case"):
        open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 2, 1))


def test_reason_is_required_for_a_rejection(cast, open_case, step):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM)
    with pytest.raises(ValidationError, match="reason"):
        step(cast.decider_a, case, "reject", D(2024, 2, 1))


def test_step_cannot_be_dated_before_the_current_state(cast, open_case, step):
    case = open_case(cast.decider_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15))
    with pytest.raises(ValidationError, match="cannot be dated before"):
        step(cast.decider_a, case, "interview", D(2024, 1, 14))


def test_decisions_need_the_decide_status_role(cast, open_case, step):
    """A registrar of the state body registers an asylum application and records the interview, but does
    not decide: recognising is refused to them and taken by the decision officer."""
    case = open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM)
    step(cast.officer_a, case, "interview", D(2024, 2, 1))
    assert reload(case).state == "interview"
    with pytest.raises(PermissionDenied):
        step(cast.officer_a, case, "recognise", D(2024, 2, 2))
    step(cast.decider_a, case, "recognise", D(2024, 2, 2))


def test_a_partner_registers_no_state_procedure(cast, open_case):
    """Only the competent state body registers an asylum, statelessness or citizenship application; the
    partner's lawyer helps the person with a legal-assistance case of the partner's own."""
    for kind in (CaseKind.ASYLUM, CaseKind.STATELESSNESS, CaseKind.NATURALISATION):
        with pytest.raises(PermissionDenied, match="competent state body"):
            open_case(cast.lawyer, cast.partner_person, kind)
    case = open_case(cast.lawyer, cast.partner_person, CaseKind.LEGAL_ASSISTANCE)
    assert case.organisation == cast.partner


def test_every_opening_status_event_is_a_known_kind():
    assert set(OPENING_STATUS_EVENT.values()) <= set(RESULTING_POPULATION)


def test_case_for_a_claim_already_on_the_timeline_adopts_it(cast, open_case, timeline):
    """An application registered before casework began (or imported) is not registered twice: the case
    adopts it, opens on its date, and a registrar may do this since no status event is written."""
    with unscoped("test"):
        application = record_status_event(
            person=cast.person_a, kind="asylum_application", effective=D(2024, 1, 10), by=cast.decider_a
        )
    case = open_case(cast.officer_a, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 3, 1))
    assert case.opened_on == D(2024, 1, 10) and case.due_on == D(2024, 4, 10)
    assert timeline(cast.person_a) == [("asylum_application", D(2024, 1, 10))]
    with unscoped("test"):
        assert CaseEvent.objects.get(case=case, kind="opened").status_event_id == application.pk
