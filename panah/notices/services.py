"""Issuing, revoking and correcting decision notices and registration certificates, and checking them.

A notice's text is its templates (`NoticeTemplate`, the version in force on the decision date) rendered
with a small, documented set of variables (`VARIABLES`), frozen into the issued notice so that a reprint
is the same document. The legal basis and the appeal deadline come from the dated rules of casework
(`panah.cases.deadlines`), as the law stood on the decision date.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases.deadlines import deadline, rule_for
from panah.cases.models import Case, CaseEvent
from panah.cases.workflows import WORKFLOWS, CaseKind
from panah.notices import signing
from panah.notices.models import (
    PERSON_LANGUAGES,
    IssuedNotice,
    NoticeCheck,
    NoticeStatus,
    NoticeTemplate,
    TemplateKind,
    initials,
)

if TYPE_CHECKING:
    from panah.accounts.models import User
    from panah.registry.models import Person

# The steps that decide something, and so give a notice: the decisions of the competent state body.
DECIDING_STEPS: dict[str, frozenset[str]] = {kind: w.decisions for kind, w in WORKFLOWS.items() if w.decisions}
# The rule whose legal reference is the basis of a decision, and the rule of the time limit for an appeal.
DECISION_RULE: dict[str, str] = {
    CaseKind.ASYLUM: "asylum.decision",
    CaseKind.STATELESSNESS: "statelessness.decision",
    CaseKind.NATURALISATION: "citizenship.decision",
}
APPEAL_RULE: dict[str, str] = {CaseKind.ASYLUM: "asylum.appeal", CaseKind.STATELESSNESS: "statelessness.appeal"}
# What a step means for the person, for the text in their own language.
GRANTED = frozenset({"recognise", "appeal_allowed", "extend", "determine", "grant"})
REFUSED = frozenset({"reject", "appeal_dismissed", "refuse"})

# The variables a template may use (documented in docs/operators.md).
VARIABLES = (
    "person_name", "registration_number", "case_kind", "decision", "outcome", "decision_date", "legal_basis",
    "appeal_deadline", "appeal_basis", "issuing_body", "officer", "reference", "code", "registration_date",
)  # fmt: skip
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """A short code as typed ("k7qm 2x9p", "K7QM2X9P") in its printed form, or "" when it cannot be one."""
    raw = "".join(c for c in (text or "").upper() if c.isalnum())
    if len(raw) != 8 or any(c not in CODE_ALPHABET for c in raw):
        return ""
    return f"{raw[:4]}-{raw[4:]}"


def kind_label(kind: str) -> str:
    """A notice's kind in the reader's language: "registration certificate", "asylum ...: Recognise as a refugee"."""
    if kind == TemplateKind.REGISTRATION:
        return str(TemplateKind.REGISTRATION.label)
    case_kind, _dot, step = kind.partition(".")
    workflow = WORKFLOWS.get(case_kind)
    transition = workflow.transition(step) if workflow else None
    if workflow is None or transition is None:
        return kind
    return f"{CaseKind(case_kind).label}: {transition.label}"


def template_for(kind: str, language: str, on: dt.date) -> NoticeTemplate | None:
    """The latest version of the template in force on `on`."""
    return (
        NoticeTemplate.objects.filter(kind=kind, language=language, valid_from__lte=on)
        .order_by("-valid_from", "-version")
        .first()
    )


def _date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _name(person: Person) -> str:
    name = person.primary_name
    if name is None:
        return ""
    return name.full_name or " ".join(w for w in (name.family_name, name.given_name, name.patronymic) if w)


def _officer(user: Any) -> str:
    return (user.get_full_name() if hasattr(user, "get_full_name") else "") or user.username


def appeal_deadline(case: Case, decided_on: dt.date) -> Any:
    """The appeal deadline of a decision taken on `decided_on`, by the rule in force that day, or None."""
    code = APPEAL_RULE.get(case.kind)
    return deadline(code, start=decided_on, opened_on=case.opened_on, on=decided_on) if code else None


def _legal(code: str, *, opened_on: dt.date, on: dt.date) -> str:
    rule = rule_for(code, opened_on=opened_on, on=on)
    return rule.legal_reference if rule is not None else ""


def case_variables(case: Case, event: CaseEvent, by: Any, language: str) -> dict[str, str]:
    """The variables of a decision notice, in `language` (kk or ru)."""
    with translation.override(language):
        due = appeal_deadline(case, event.effective)
        appeal_rule = APPEAL_RULE.get(case.kind)
        transition = case.workflow.transition(event.transition)
        return {
            "person_name": _name(case.person),
            "registration_number": case.person.registration_number or "",
            "case_kind": str(case.get_kind_display()),
            "decision": str(transition.label) if transition else event.transition,
            "outcome": "granted"
            if event.transition in GRANTED
            else "refused"
            if event.transition in REFUSED
            else "other",
            "decision_date": _date(event.effective),
            "legal_basis": _legal(DECISION_RULE[case.kind], opened_on=case.opened_on, on=event.effective),
            "appeal_deadline": _date(due.due) if due else "",
            "appeal_basis": _legal(appeal_rule, opened_on=case.opened_on, on=event.effective) if appeal_rule else "",
            "issuing_body": str(case.organisation.name),
            "officer": _officer(event.recorded_by or by),
            "reference": event.decision_reference or case.reference,
            "registration_date": "",
        }


def registration_variables(person: Person, by: Any, language: str) -> dict[str, str]:
    registered = timezone.localdate(person.created_at)
    with translation.override(language):
        return {
            "person_name": _name(person),
            "registration_number": person.registration_number or "",
            "case_kind": "",
            "decision": "",
            "outcome": "other",
            "decision_date": _date(registered),
            # Registration in the registry is no decision of a dated rule: the template names no basis.
            "legal_basis": "",
            "appeal_deadline": "",
            "appeal_basis": "",
            "issuing_body": str(person.organisation.name),
            "officer": _officer(person.created_by or by),
            "reference": "",
            "registration_date": _date(registered),
        }


def render_body(template: NoticeTemplate, variables: dict[str, str]) -> str:
    """The template's text with the variables put in (escaped: they are data, never markup)."""
    return Template(template.body).render(Context(variables, autoescape=True))


def _bodies(kind: str, language: str, person_language: str, on: dt.date, variables: dict[str, str]) -> dict[str, Any]:
    official = template_for(kind, language, on)
    if official is None:
        raise ValidationError(_("There is no notice template in this language for that date."))
    content: dict[str, Any] = {
        "variables": variables,
        "body": render_body(official, variables),
        "template": official.pk,
    }
    if person_language:
        own = template_for(kind, person_language, on)
        if own is None:
            raise ValidationError(_("There is no notice template in the person's language for that date."))
        content.update(person_body=render_body(own, variables), person_template=own.pk)
    return content


def _issue(
    *, by: User, kind: str, person: Person, case: Case | None, event: CaseEvent | None, organisation: Any,
    language: str, person_language: str, decided_on: dt.date, content: dict[str, Any],
) -> IssuedNotice:  # fmt: skip
    now = timezone.now()
    code = new_code()
    while IssuedNotice._base_manager.filter(code=code).exists():
        code = new_code()
    payload = signing.Payload(
        code=code, kind=kind, issued_on=timezone.localdate(now).isoformat(), body=organisation.code,
        initials=initials(list(person.names.all())),
    ).text()  # fmt: skip
    notice = IssuedNotice.objects.create(
        code=code, kind=kind, person=person, case=case, event=event, organisation=organisation, language=language,
        person_language=person_language, decided_on=decided_on, issued_at=now, issued_by=by, content=content,
        payload=payload, signature=signing.sign(payload),
    )  # fmt: skip
    record(
        by=by, action=AuditEntry.Action.CREATE, obj=notice, person=person, message="notice_issued",
        params={"code": code, "kind": kind},
    )  # fmt: skip
    return notice


def _check_languages(language: str, person_language: str) -> None:
    if language not in ("kk", "ru"):
        raise ValidationError(_("A notice is issued in Kazakh or Russian."))
    if person_language and person_language not in dict(PERSON_LANGUAGES):
        raise ValidationError(_("There is no notice in that language."))


def _reprint(by: User, notice: IssuedNotice) -> IssuedNotice:
    record(
        by=by, action=AuditEntry.Action.VIEW, obj=notice, person=notice.person, message="notice_printed",
        params={"code": notice.code},
    )  # fmt: skip
    return notice


def print_case_notice(
    *, by: User, case: Case, event: CaseEvent, language: str, person_language: str = ""
) -> IssuedNotice:
    """The notice of a deciding step of `case`: the genuine one already issued in these languages, or a new one.

    Side effects: a new IssuedNotice (signed) when none is current; one audit entry (issued, or printed again)."""
    require(by, Action.PRINT_NOTICES, case)
    _check_languages(language, person_language)
    if (
        event.case_id != case.pk
        or event.kind != CaseEvent.Kind.TRANSITION
        or event.transition not in DECIDING_STEPS.get(case.kind, ())
    ):
        raise ValidationError(_("This step decides nothing: there is no notice to print."))
    with transaction.atomic():
        current = IssuedNotice.objects.filter(
            event=event, language=language, person_language=person_language, status=NoticeStatus.GENUINE
        ).first()
        if current is not None:
            return _reprint(by, current)
        variables = case_variables(case, event, by, language)
        content = _bodies(TemplateKind.DECISION, language, person_language, event.effective, variables)
        return _issue(
            by=by, kind=f"{case.kind}.{event.transition}", person=case.person, case=case, event=event,
            organisation=case.organisation, language=language, person_language=person_language,
            decided_on=event.effective, content=content,
        )  # fmt: skip


def print_registration_certificate(
    *, by: User, person: Person, language: str, person_language: str = ""
) -> IssuedNotice:
    """The registration certificate of `person`, as `print_case_notice` does for a decision.

    Side effects: a new IssuedNotice when none is current; one audit entry."""
    require(by, Action.PRINT_CERTIFICATES, person)
    _check_languages(language, person_language)
    with transaction.atomic():
        current = IssuedNotice.objects.filter(
            person=person, case=None, language=language, person_language=person_language, status=NoticeStatus.GENUINE
        ).first()
        if current is not None:
            return _reprint(by, current)
        variables = registration_variables(person, by, language)
        registered = timezone.localdate(person.created_at)
        content = _bodies(TemplateKind.REGISTRATION, language, person_language, registered, variables)
        return _issue(
            by=by, kind=TemplateKind.REGISTRATION, person=person, case=None, event=None,
            organisation=person.organisation, language=language, person_language=person_language,
            decided_on=registered, content=content,
        )  # fmt: skip


def revoke_notice(*, by: User, notice: IssuedNotice, reason: str) -> IssuedNotice:
    """Revoke a genuine notice: it verifies as revoked from now on.

    Side effects: the notice's status and reason; one audit entry."""
    require(by, Action.REVOKE_NOTICES, notice)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the notice is revoked.")})
    with transaction.atomic():
        locked = IssuedNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.GENUINE:
            raise ValidationError(_("This notice is no longer current."))
        locked.status, locked.status_reason = NoticeStatus.REVOKED, reason.strip()[:300]
        locked.save(update_fields=["status", "status_reason"])
        record(
            by=by, action=AuditEntry.Action.CHANGE, obj=locked, person=locked.person, message="notice_revoked",
            params={"code": locked.code, "reason": locked.status_reason},
        )  # fmt: skip
    return locked


def correct_notice(*, by: User, notice: IssuedNotice, reason: str) -> IssuedNotice:
    """Replace a genuine notice by a new one issued from today's records (a corrected name, say): the old
    one verifies as corrected and names nothing of the new one but that it exists.

    Side effects: a new IssuedNotice; the old one's status, reason and replacement; two audit entries."""
    require(by, Action.REVOKE_NOTICES, notice)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the notice is corrected.")})
    with transaction.atomic():
        locked = IssuedNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != NoticeStatus.GENUINE:
            raise ValidationError(_("This notice is no longer current."))
        locked.status, locked.status_reason = NoticeStatus.CORRECTED, reason.strip()[:300]
        locked.save(update_fields=["status", "status_reason"])
        if locked.case is not None and locked.event is not None:
            new = print_case_notice(
                by=by, case=locked.case, event=locked.event, language=locked.language,
                person_language=locked.person_language,
            )  # fmt: skip
        else:
            new = print_registration_certificate(
                by=by, person=locked.person, language=locked.language, person_language=locked.person_language
            )
        locked.replaced_by = new
        locked.save(update_fields=["replaced_by"])
        record(
            by=by, action=AuditEntry.Action.CHANGE, obj=locked, person=locked.person, message="notice_corrected",
            params={"code": locked.code, "replacement": new.code, "reason": locked.status_reason},
        )  # fmt: skip
    return new


def check_notice(code: str, *, ip: str | None = None) -> tuple[str, IssuedNotice | None]:
    """What the public verification page says of a code typed or scanned: the outcome and the notice.
    A notice whose stored signature no longer matches its payload under today's key is not genuine.

    Side effects: one NoticeCheck row."""
    normalised = normalise_code(code)
    with unscoped("the public verification page checks a notice by its code; it shows only the payload"):
        notice = (
            IssuedNotice.objects.select_related("organisation").filter(code=normalised).first() if normalised else None
        )
    outcome: str
    if notice is None:
        outcome = NoticeCheck.Outcome.UNKNOWN
    elif not signing.verify(notice.payload, notice.signature, signing.public_key()):
        outcome = NoticeCheck.Outcome.BAD_SIGNATURE
    else:
        outcome = notice.status
    NoticeCheck.objects.create(code=(normalised or code or "")[:40], notice=notice, outcome=outcome, ip_address=ip)
    return outcome, notice if outcome != NoticeCheck.Outcome.BAD_SIGNATURE else None
