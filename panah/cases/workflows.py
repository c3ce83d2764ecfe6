"""Each kind of case is a small state machine, written down here as data: its states, and a table of
the transitions allowed between them. `services.transition_case` reads nothing else to decide whether
a step is legal, and which status event (if any) the step writes to the legal-status timeline.

A transition that decides legal status names the `panah.status` event kind it records; the timeline's
own transition table (`panah.status.transitions.ALLOWED_FROM`) is checked too, in the same transaction, so
a case can never say "recognised" while the timeline says something else.

Deadlines: `DEADLINES[kind][state]` names the dated legal rule (a `DeadlineRule.code`) that runs while a
case is in that state, and from which date it runs ("opened": the case's `opened_on`, the registration
of the application; "state": the day the case entered the state).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.status.models import EventKind


class CaseKind(models.TextChoices):
    ASYLUM = "asylum", _("asylum (refugee status determination)")
    STATELESSNESS = "statelessness", _("statelessness determination")
    DOCUMENTATION = "documentation", _("documentation")
    NATURALISATION = "naturalisation", _("naturalisation")
    BIRTH_REGISTRATION = "birth_registration", _("birth registration")
    LEGAL_ASSISTANCE = "legal_assistance", _("legal assistance")


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    status_event: str | None = None  # the panah.status EventKind this step records, if it decides status
    needs_reason: bool = False
    # Kinds of evidence file (panah.evidence.kinds.FileKind codes) the case must hold before this step.
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    kind: str
    initial: str
    states: dict[str, Promise]
    final: frozenset[str]
    transitions: tuple[Transition, ...] = field(default=())
    # The steps that are decisions reserved to the competent state body (Action.DECIDE_CASES): granting,
    # refusing, determining, postponing or closing a claim. Every other step is recorded by the organisation
    # handling the case, or one it assigned the work to (Action.WORK_CASES).
    decisions: frozenset[str] = frozenset()

    def decides(self, name: str) -> bool:
        return name in self.decisions

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]


def _t(name: str, label: Promise, sources: set[str], target: str, **extra: object) -> Transition:
    return Transition(name=name, label=label, sources=frozenset(sources), target=target, **extra)  # type: ignore[arg-type]


K = EventKind

# Law of the RK "On Refugees" of 4 December 2009 No. 216-IV, Art. 11; Government Resolution No. 183 of
# 9 March 2010 (Rules for granting, extension, withdrawal and termination of refugee status).
ASYLUM = Workflow(
    kind=CaseKind.ASYLUM,
    initial="registered",
    states={
        "registered": _("application registered"),
        "interview": _("interview held"),
        "verification": _("additional verification (decision postponed)"),
        "recognised": _("recognised as a refugee"),
        "rejected": _("rejected"),
        "appeal": _("appeal lodged"),
        "withdrawn": _("withdrawn or abandoned"),
        "closed": _("closed"),
    },
    final=frozenset({"withdrawn", "closed"}),
    decisions=frozenset(
        {"postpone", "recognise", "reject", "appeal_allowed", "appeal_dismissed", "withdraw", "extend"}
    ),
    transitions=(
        _t("interview", _("Record the interview"), {"registered", "verification"}, "interview"),
        _t(
            "postpone",
            _("Postpone the decision for additional verification"),
            {"registered", "interview"},
            "verification",
            needs_reason=True,
        ),
        _t(
            "recognise",
            _("Recognise as a refugee"),
            {"registered", "interview", "verification"},
            "recognised",
            status_event=K.REFUGEE_GRANTED,
        ),
        _t(
            "reject",
            _("Reject the application"),
            {"registered", "interview", "verification"},
            "rejected",
            status_event=K.ASYLUM_REJECTED,
            needs_reason=True,
        ),
        _t("appeal", _("Record an appeal"), {"rejected"}, "appeal", status_event=K.APPEAL_LODGED),
        _t(
            "appeal_allowed",
            _("Appeal allowed: recognise as a refugee"),
            {"appeal"},
            "recognised",
            status_event=K.REFUGEE_GRANTED,
        ),
        _t(
            "appeal_dismissed",
            _("Appeal dismissed"),
            {"appeal"},
            "closed",
            status_event=K.APPEAL_REJECTED,
            needs_reason=True,
        ),
        _t(
            "withdraw",
            _("Close: application withdrawn or abandoned"),
            {"registered", "interview", "verification"},
            "withdrawn",
            status_event=K.CLAIM_CLOSED,
            needs_reason=True,
        ),
        _t(
            "extend",
            _("Extend refugee status and certificate"),
            {"recognised"},
            "recognised",
            status_event=K.REFUGEE_EXTENDED,
        ),
        _t("close", _("Close the case"), {"rejected", "recognised"}, "closed"),
    ),
)

# Rules for determining the legal status of persons not citizens of the RK without proof of another
# citizenship, Order of the Minister of Internal Affairs No. 607 of 1 September 2020 (as amended by No. 322 of
# 12 April 2024).
STATELESSNESS = Workflow(
    kind=CaseKind.STATELESSNESS,
    initial="application",
    states={
        "application": _("application filed"),
        "examination": _("under examination"),
        "determined": _("determined stateless"),
        "nationality_confirmed": _("nationality of a State confirmed"),
        "refused": _("refused"),
        "appeal": _("appeal lodged"),
        "withdrawn": _("withdrawn"),
        "closed": _("closed"),
    },
    final=frozenset({"nationality_confirmed", "withdrawn", "closed"}),
    decisions=frozenset({"determine", "confirm_nationality", "refuse", "appeal_dismissed"}),
    transitions=(
        _t("examine", _("Start the examination"), {"application"}, "examination"),
        _t(
            "determine",
            _("Determine stateless"),
            {"application", "examination", "appeal"},
            "determined",
            status_event=K.STATELESS_DETERMINED,
        ),
        _t(
            "confirm_nationality",
            _("Nationality of a State confirmed"),
            {"application", "examination", "appeal"},
            "nationality_confirmed",
            status_event=K.NATIONALITY_CONFIRMED,
            needs_reason=True,
        ),
        _t(
            "refuse",
            _("Refuse the application"),
            {"application", "examination"},
            "refused",
            needs_reason=True,
            requires=("decision",),
        ),
        _t("appeal", _("Record an appeal"), {"refused"}, "appeal"),
        _t(
            "appeal_dismissed",
            _("Appeal dismissed"),
            {"appeal"},
            "closed",
            needs_reason=True,
            requires=("court_ruling",),
        ),
        _t(
            "withdraw",
            _("Close: application withdrawn"),
            {"application", "examination"},
            "withdrawn",
            needs_reason=True,
        ),
        _t("close", _("Close the case"), {"determined", "refused"}, "closed"),
    ),
)

# Law of the RK "On Citizenship of the Republic of Kazakhstan" of 20 December 1991 No. 1017-XII.
NATURALISATION = Workflow(
    kind=CaseKind.NATURALISATION,
    initial="preparing",
    states={
        "preparing": _("preparing the application"),
        "submitted": _("application submitted"),
        "granted": _("citizenship granted"),
        "refused": _("refused"),
        "withdrawn": _("withdrawn"),
    },
    final=frozenset({"granted", "refused", "withdrawn"}),
    decisions=frozenset({"grant", "refuse"}),
    transitions=(
        _t("submit", _("Application submitted"), {"preparing"}, "submitted"),
        _t("grant", _("Citizenship granted"), {"submitted"}, "granted", status_event=K.NATURALISED),
        _t("refuse", _("Refused"), {"submitted"}, "refused", needs_reason=True, requires=("decision",)),
        _t("withdraw", _("Withdrawn"), {"preparing", "submitted"}, "withdrawn", needs_reason=True),
    ),
)

DOCUMENTATION = Workflow(
    kind=CaseKind.DOCUMENTATION,
    initial="preparing",
    states={
        "preparing": _("preparing the application"),
        "applied": _("applied to the issuing authority"),
        "issued": _("document issued"),
        "refused": _("refused"),
        "withdrawn": _("withdrawn"),
    },
    final=frozenset({"issued", "refused", "withdrawn"}),
    transitions=(
        _t("apply", _("Applied to the issuing authority"), {"preparing"}, "applied"),
        _t("issue", _("Document issued"), {"applied"}, "issued"),
        _t("refuse", _("Refused"), {"applied"}, "refused", needs_reason=True),
        _t("withdraw", _("Withdrawn"), {"preparing", "applied"}, "withdrawn", needs_reason=True),
    ),
)

# Code of the RK "On Marriage (Matrimony) and the Family" of 26 December 2011 No. 518-IV (state registration
# of births); every child born in Kazakhstan has the right to a birth certificate whatever the parents' status.
BIRTH_REGISTRATION = Workflow(
    kind=CaseKind.BIRTH_REGISTRATION,
    initial="not_registered",
    states={
        "not_registered": _("birth not registered"),
        "blocked": _("obstacle to registration"),
        "applied": _("applied to the civil registry"),
        "certificate_issued": _("birth certificate issued"),
    },
    final=frozenset({"certificate_issued"}),
    transitions=(
        _t("block", _("Record an obstacle"), {"not_registered", "applied"}, "blocked", needs_reason=True),
        _t("apply", _("Applied to the civil registry"), {"not_registered", "blocked"}, "applied"),
        _t(
            "issue",
            _("Birth certificate issued"),
            {"not_registered", "blocked", "applied"},
            "certificate_issued",
            requires=("birth_certificate",),
        ),
    ),
)

LEGAL_ASSISTANCE = Workflow(
    kind=CaseKind.LEGAL_ASSISTANCE,
    initial="open",
    states={
        "open": _("open"),
        "in_court": _("before a court or authority"),
        "resolved": _("resolved"),
        "closed": _("closed without result"),
    },
    final=frozenset({"resolved", "closed"}),
    transitions=(
        _t("file", _("Filed with a court or authority"), {"open"}, "in_court"),
        _t("resolve", _("Resolved"), {"open", "in_court"}, "resolved"),
        _t("close", _("Closed without result"), {"open", "in_court"}, "closed", needs_reason=True),
    ),
)

WORKFLOWS: dict[str, Workflow] = {
    w.kind: w for w in (ASYLUM, STATELESSNESS, NATURALISATION, DOCUMENTATION, BIRTH_REGISTRATION, LEGAL_ASSISTANCE)
}

# The procedures of the state: only the competent state body registers and handles them
# (Action.OPEN_STATE_PROCEDURES); a partner helps a person prepare with a legal-assistance case.
STATE_PROCEDURES = frozenset({CaseKind.ASYLUM, CaseKind.STATELESSNESS, CaseKind.NATURALISATION})

# What an opening records on the timeline: registering an asylum application makes an asylum-seeker.
OPENING_STATUS_EVENT: dict[str, str] = {CaseKind.ASYLUM: K.ASYLUM_APPLICATION}

OPENED = "opened"
STATE = "state"
BIRTH = "birth"  # the person's birth date: the child's, in a birth-registration case

# Which dated rule runs in which state, and from which date. Rule codes are DeadlineRule.code.
DEADLINES: dict[str, dict[str, list[tuple[str, str]]]] = {
    CaseKind.ASYLUM: {
        "registered": [("asylum.decision", OPENED)],
        "interview": [("asylum.decision", OPENED)],
        "verification": [("asylum.decision_extended", OPENED)],
        "rejected": [("asylum.appeal", STATE)],
        "recognised": [("refugee.status_extension", STATE)],
    },
    CaseKind.STATELESSNESS: {
        "application": [("statelessness.decision", OPENED)],
        "examination": [("statelessness.decision", OPENED)],
        "refused": [("statelessness.appeal", STATE)],
        "appeal": [("statelessness.decision", STATE)],
    },
    CaseKind.NATURALISATION: {
        "submitted": [("citizenship.decision", STATE)],
    },
    CaseKind.BIRTH_REGISTRATION: {
        "not_registered": [("birth.registration", BIRTH)],
        "blocked": [("birth.registration", BIRTH)],
    },
}


def state_label(kind: str, state: str) -> str:
    return str(WORKFLOWS[kind].states.get(state, state))
