"""Writes for data protection: data-subject requests, anonymisation and sharing agreements.

Each service is one transaction that checks the caller's role through the scoping layer, writes, and
appends its audit entry. Who may do what (derived from panah/accounts/roles.py, no role added):

- see a request: whoever may see the person (the request's manager is scoped through the person);
- record a request, start it, answer or refuse an access, correction or objection request: a role that
  may change persons (`change_person`) in the person's organisation and region;
- decide an erasure request (anonymise, or refuse it): a role that may export personal data
  (`export_persons`: organisation and system administrators), the same guard as for data leaving the
  system, because erasure is as final as an export;
- record a sharing agreement: an administrator of the providing organisation (`manage_users`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Organisation, SharingAgreement, User
from panah.accounts.permissions import DEFAULT_AGREEMENT_ACTIONS, GRANTABLE, require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.accounts.selectors import acting_organisation
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import day, label
from panah.privacy.models import Anonymisation, RequestKind, RequestState, SubjectRequest
from panah.registry.models import Person

ERASED = "[erased]"


def request_days() -> int:
    return int(getattr(settings, "PANAH_SUBJECT_REQUEST_DAYS", 30))


def deciding_action(kind: str) -> str:
    """The action a user's role must allow to answer a request of this kind."""
    return Action.EXPORT_PERSONS if kind == RequestKind.ERASURE else Action.CHANGE_PERSON


@transaction.atomic
def record_request(
    *,
    by: User,
    person: Person,
    kind: str,
    received_on: dt.date,
    channel: str,
    identity_checked: bool,
    identity_evidence: str = "",
    details: str = "",
) -> SubjectRequest:
    """Record a data-subject request received about `person`.

    Side effects: one SubjectRequest, due `PANAH_SUBJECT_REQUEST_DAYS` after receipt; one audit entry.
    Raises PermissionDenied unless `by` may change the person, ValidationError for a date in the future.
    """
    require(by, Action.CHANGE_PERSON, person)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Choose the kind of request.")})
    if identity_checked and not identity_evidence.strip():
        raise ValidationError({"identity_evidence": _("Say how the identity was checked.")})
    organisation = acting_organisation(by, Action.CHANGE_PERSON, person) or person.organisation
    request = SubjectRequest.objects.create(
        person=person,
        kind=kind,
        received_on=received_on,
        received_by=by,
        organisation=organisation,
        channel=channel,
        identity_checked=identity_checked,
        identity_evidence=identity_evidence.strip(),
        details=details.strip(),
        due_on=received_on + dt.timedelta(days=request_days()),
    )
    record(
        by=by,
        action=AuditEntry.Action.CREATE,
        obj=request,
        person=person,
        message="subject_request",
        params={"kind": label("privacy.SubjectRequest.kind", kind), "received": day(received_on)},
    )
    return request


def _lock(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().select_related("person").get(pk=request.pk)


@transaction.atomic
def start_request(*, by: User, request: SubjectRequest) -> SubjectRequest:
    """received → in progress, handled by `by`. Side effects: the request; one audit entry."""
    request = _lock(request)
    require(by, Action.CHANGE_PERSON if request.kind != RequestKind.ERASURE else Action.VIEW_PERSON, request.person)
    if request.state != RequestState.RECEIVED:
        raise ValidationError(_("Only a request just received can be started."))
    if not request.identity_checked:
        raise ValidationError(_("Check the identity of the person before working on the request."))
    request.state = RequestState.IN_PROGRESS
    request.handled_by = by
    request.save(update_fields=["state", "handled_by"])
    record(by=by, action=AuditEntry.Action.CHANGE, obj=request, person=request.person, message="request_in_progress")
    return request


@transaction.atomic
def complete_request(*, by: User, request: SubjectRequest, outcome: str, on: dt.date | None = None) -> SubjectRequest:
    """Answer an access, correction or objection request: done, with what was done (for a correction,
    which fields were corrected; the corrections themselves are made, and audited, on the person's
    pages). An erasure request is answered only by `anonymise_person` or refused.

    Side effects: the request; one audit entry."""
    request = _lock(request)
    require(by, Action.CHANGE_PERSON, request.person)
    if request.kind == RequestKind.ERASURE:
        raise ValidationError(_("An erasure request is answered by anonymising the person, or refused."))
    if request.state != RequestState.IN_PROGRESS:
        raise ValidationError(_("Start the request before answering it."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done.")})
    request.state = RequestState.DONE
    request.outcome = outcome.strip()
    request.closed_on = on or timezone.localdate()
    request.handled_by = by
    request.save(update_fields=["state", "outcome", "closed_on", "handled_by"])
    record(by=by, action=AuditEntry.Action.CHANGE, obj=request, person=request.person, message="request_answered")
    return request


@transaction.atomic
def refuse_request(*, by: User, request: SubjectRequest, reason: str) -> SubjectRequest:
    """Refuse a request, with the reason given to the person (identity not proven, a restriction under
    the law...). Refusing an erasure needs the role that decides erasures.

    Side effects: the request; one audit entry with the reason."""
    request = _lock(request)
    require(by, deciding_action(request.kind), request.person)
    if not request.is_open:
        raise ValidationError(_("This request is already answered."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    request.state = RequestState.REFUSED
    request.refusal_reason = reason.strip()
    request.closed_on = timezone.localdate()
    request.handled_by = by
    request.save(update_fields=["state", "refusal_reason", "closed_on", "handled_by"])
    record(
        by=by,
        action=AuditEntry.Action.CHANGE,
        obj=request,
        person=request.person,
        message="request_refused",
        purpose=request.refusal_reason,
    )
    return request


# --- Anonymisation -------------------------------------------------------------------------------


def anonymisation_blockers(person: Person) -> list[str]:
    """Why the law requires keeping this person's record as it is now; empty when it may be anonymised.

    The rule: a record is kept whole while a procedure about the person runs, because the person's
    rights in that procedure depend on it: (1) an open case (asylum, statelessness, naturalisation,
    birth registration, documentation, legal assistance), (2) a pending status decision (the person is
    an asylum-seeker today: a claim or an appeal awaits a decision), (3) an open referral to a partner.
    A record merged into another is not anonymised on its own: anonymise the surviving record."""
    from panah.cases.models import Case, Referral
    from panah.cases.referral_workflow import FINAL

    reasons: list[str] = []
    with unscoped("check every record about a person before anonymising it"):
        if Anonymisation.objects.filter(person=person).exists():
            reasons.append(_("The person is already anonymised."))
        if person.merged_into_id is not None:
            reasons.append(_("This record was merged into another: anonymise the surviving record."))
        if Case.objects.filter(person=person, closed_on__isnull=True).exists():
            reasons.append(_("A case about the person is open."))
        if person.population_type == "ASY":
            reasons.append(_("A status decision is pending: the person is an asylum-seeker."))
        if Referral.objects.filter(person=person).exclude(state__in=list(FINAL)).exists():
            reasons.append(_("A referral about the person is open."))
    return reasons


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return dict.fromkeys(value, ERASED)
    return ERASED


@transaction.atomic
def anonymise_person(
    *, by: User, person: Person, reason: str, request: SubjectRequest | None = None, rule: str = ""
) -> Anonymisation:
    """Erase the personal data of `person`, keeping what the statistics count. Irreversible.

    Kept: the Person row (its number, organisation, region, sex, country of origin, citizenship status,
    population type), the birth year (the date is cut to 1 January with year precision), the status
    events' kinds and dates, the addresses' regions and dates, the specific-need codes and dates, the
    cases' kinds, states and dates, the statistics index and its attribute versions (so a published
    release re-runs to the same hash), and the audit entries (the record of processing: who, when,
    what, summary and purpose).

    Erased: names and their search tokens; documents; evidence files (and their stored blobs); address lines, localities and phones; IIN; place
    and country of birth; household memberships; consents' purposes; specific-need notes; status
    events' evidence and decision references; case references, notes, task titles, obstacle notes and
    condition references; referral needs, notes and delivery notes; notes of information shared;
    duplicate candidate pairs; the personal fields of merge snapshots; the details of the person's
    data-subject requests; the old and new values in the person's audit entries (their field names
    stay); the same for the records merged into this one.

    Side effects: all of the above; one Anonymisation; the erasure `request` (if any) answered as done;
    the person's statistics rows refreshed (a new attribute version with the birth year, as known from
    now); one audit entry.
    Raises PermissionDenied unless `by` may export the person's data (or `by` is None and a retention
    `rule` is given: the system applying retention), ValidationError when the law requires keeping the
    record (`anonymisation_blockers`) or without a reason.
    """
    from panah.stats.facts import refresh_person

    if by is None and not rule:
        raise ValueError("Only a retention rule anonymises without a user.")
    if by is not None:
        require(by, Action.EXPORT_PERSONS, person)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for anonymising.")})
    if request is not None:
        request = _lock(request)
        if request.person_id != person.pk or request.kind != RequestKind.ERASURE or not request.is_open:
            raise ValidationError(_("The request must be an open erasure request about this person."))
    elif not rule:
        raise ValidationError(_("Anonymise on an erasure request or under a retention rule."))
    with unscoped("anonymise a person: every record about them, whoever holds it"):
        person = Person.objects.select_for_update().get(pk=person.pk)
        blockers = anonymisation_blockers(person)
        if blockers:
            raise ValidationError(blockers)
        ids = [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]
        _erase(ids)
        if person.birth_date is not None:
            Person.objects.filter(pk=person.pk).update(
                birth_date=dt.date(person.birth_date.year, 1, 1), birth_date_precision="year"
            )
        anonymisation = Anonymisation.objects.create(
            person=person, by=by, request=request, rule=rule, reason=reason.strip()
        )
        if request is not None:
            SubjectRequest.objects.filter(pk=request.pk).update(
                state=RequestState.DONE,
                outcome=_("Personal data erased; the record is kept anonymised for statistics."),
                closed_on=timezone.localdate(),
                handled_by=by,
            )
        refresh_person(person.pk)
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=person,
            person=person,
            message="anonymised_under" if rule else "anonymised",
            params={"number": person.registration_number, "rule": rule},
            purpose=reason.strip(),
        )
    return anonymisation


def _erase(ids: Iterable[int]) -> None:
    """The erasures of `anonymise_person`, for these Person ids, inside an open unscoped block.

    Case history, referral history, status events and the audit log are append-only: their free text is
    cleared through `_base_manager` (the plain manager, without the append-only guard). Erasure where
    the law requires it is the one change those records accept; their kinds and dates stay."""
    from panah.cases.models import (
        BirthObstacle,
        Case,
        CaseEvent,
        CaseTask,
        PersonCondition,
        Referral,
        ReferralEvent,
        ServiceDelivery,
    )
    from panah.evidence.services import erase_files
    from panah.imports.models import ImportedRow
    from panah.knowledge.models import SharedInformation
    from panah.matching.models import CandidatePair, Merge
    from panah.matching.services import count_names
    from panah.registry.models import (
        Address,
        Consent,
        Document,
        HouseholdMember,
        NameToken,
        PersonName,
        SpecificNeed,
    )
    from panah.status.models import StatusEvent

    ids = list(ids)
    erase_files(ids)  # the rows now, their encrypted blobs once the anonymisation is committed
    NameToken.objects.filter(person_id__in=ids).delete()
    count_names(PersonName.objects.filter(person_id__in=ids), removed=True)  # erased names count no more
    PersonName.objects.filter(person_id__in=ids).delete()
    Document.objects.filter(person_id__in=ids).delete()
    HouseholdMember.objects.filter(person_id__in=ids).delete()
    Address.objects.filter(person_id__in=ids).update(line="", locality="", phone="")
    Person.objects.filter(pk__in=ids).update(iin="", birth_place="", birth_country=None)
    Consent.objects.filter(person_id__in=ids).update(purpose="")
    SpecificNeed.objects.filter(person_id__in=ids).update(note="")
    StatusEvent._base_manager.filter(person_id__in=ids).update(evidence="", decision_reference="")
    cases = Case.objects.filter(person_id__in=ids)
    cases.update(reference="")
    CaseEvent._base_manager.filter(case__person_id__in=ids).update(text="", decision_reference="")
    CaseTask.objects.filter(case__person_id__in=ids).update(title="")
    BirthObstacle.objects.filter(case__person_id__in=ids).update(note="")
    PersonCondition.objects.filter(person_id__in=ids).update(reference="")
    Referral.objects.filter(person_id__in=ids).update(needs="")
    ReferralEvent._base_manager.filter(referral__person_id__in=ids).update(reason="")
    ServiceDelivery.objects.filter(referral__person_id__in=ids).update(note="")
    SharedInformation.objects.filter(person_id__in=ids).update(note="")
    CandidatePair.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids)).delete()
    ImportedRow.objects.filter(person_id__in=ids).update(source_id=ERASED)
    for merge in Merge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)):
        # Only "moved" (row ids) is kept: the statistics read which status events a merge moved.
        snapshot = {key: value for key, value in merge.snapshot.items() if key == "moved"}
        Merge.objects.filter(pk=merge.pk).update(snapshot=snapshot)
    SubjectRequest.objects.filter(person_id__in=ids).update(details="", identity_evidence="")
    SubjectRequest.objects.filter(person_id__in=ids).exclude(kind=RequestKind.ERASURE).update(outcome="")
    for entry_id, changes in (
        AuditEntry.objects.filter(person_id__in=ids).exclude(changes={}).values_list("pk", "changes")
    ):
        AuditEntry.objects.filter(pk=entry_id).redact(_scrub(changes))


# --- Sharing agreements --------------------------------------------------------------------------


@transaction.atomic
def record_agreement(
    *,
    by: User,
    provider: Organisation,
    recipient: Organisation,
    regions: Iterable[Any],
    purpose: str,
    reference: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
    actions: Iterable[str] = DEFAULT_AGREEMENT_ACTIONS,
) -> SharingAgreement:
    """Record a data-sharing agreement. A new agreement must end (`valid_to`): sharing is reviewed at
    least when it expires, and an expired agreement stops sharing at once (the scoping layer reads
    `valid_to` every time it computes a scope).

    `actions` are what the recipient may do with the provider's persons and cases (`permissions.GRANTABLE`:
    seeing persons and cases, changing records, adding notes, working cases, referring...; never a decision).
    Side effects: one SharingAgreement with its regions and actions; one audit entry.
    Raises Refused unless `by` administers the provider, ValidationError for a missing or impossible period,
    no regions, no action or one that cannot be granted, no purpose or one organisation on both sides."""
    require(by, Action.MANAGE_AGREEMENTS, provider)
    errors: dict[str, str] = {}
    regions = list(regions)
    actions = sorted(set(actions))
    if not actions:
        errors["actions"] = _("Choose what the recipient may do.")
    elif set(actions) - GRANTABLE:
        errors["actions"] = _("An agreement cannot grant these actions: %(actions)s.") % {
            "actions": ", ".join(sorted(set(actions) - GRANTABLE))
        }
    if valid_to is None:
        errors["valid_to"] = _("A new agreement needs an end date: sharing is reviewed when it expires.")
    elif valid_to <= valid_from:
        errors["valid_to"] = _("The agreement must end after it starts.")
    if provider.pk == recipient.pk:
        errors["recipient"] = _("An organisation cannot share data with itself.")
    if not regions:
        errors["regions"] = _("Choose the regions shared.")
    if not purpose.strip():
        errors["purpose"] = _("State the purpose of the sharing.")
    if errors:
        raise ValidationError(errors)
    agreement = SharingAgreement.objects.create(
        provider=provider,
        recipient=recipient,
        purpose=purpose.strip(),
        reference=reference.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        actions=actions,
        recorded_by=by,
    )
    agreement.regions.set(regions)
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=agreement,
        organisation=provider,
        message="agreement",
        params={
            "reference": agreement.reference,
            "provider": provider.code,
            "recipient": recipient.code,
            "until": day(valid_to),
        },
        changes={"actions": actions, "regions": sorted(r.pk for r in regions)},
        purpose=agreement.purpose,
    )
    return agreement
