"""Writes of referrals to partner projects. Each service is one transaction: authorise the caller through
the scoping layer, validate against the table in `referral_workflow.py`, write, audit.

Who may act is the authorisation policy's: the organisation that refers needs `REFER_PERSONS` on the
person; the partner acts on a referral addressed to it in a region of its membership (`RESPOND_REFERRALS`).
The partner does not see the person, so its writes cross the person scope in one visible `unscoped` line,
after that check.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import Refused, require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.accounts.selectors import acting_organisation
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases.models import Case, Referral, ReferralEvent, ReferralSubject, ServiceDelivery
from panah.cases.referral_workflow import PARTNER, ReferralKind, ReferralState, available, step_named
from panah.common.phrases import day, label
from panah.knowledge.models import PartnerProject
from panah.registry.models import Consent, HouseholdMember, Person

ADULT_AGE = 18


def _user(by: User) -> Any:
    return by if getattr(by, "pk", None) else None


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def consent_valid_on(consent: Consent, on: dt.date) -> bool:
    """Given on or before `on` and not withdrawn by then."""
    return consent.given_on <= on and (consent.withdrawn_on is None or consent.withdrawn_on > on)


def valid_consents(person: Person, on: dt.date) -> list[Consent]:
    """The person's consents in force on `on`, newest first (inside the open scope)."""
    return list(
        Consent.objects.filter(person=person, given_on__lte=on)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .order_by("-given_on", "-id")
    )


def _number(person: Person) -> str:
    return person.registration_number or str(person.pk)


@transaction.atomic
def send_referral(
    *,
    by: User,
    person: Person,
    project: PartnerProject,
    kind: str,
    needs: str,
    consent: Consent | None,
    household: bool = False,
    case: Case | None = None,
    sent_on: dt.date | None = None,
) -> Referral:
    """Refer `person` (or, with `household`, the person's current household) to a partner's project.

    Checks: the caller works the person's case; the project is running on the day, covers the person's
    region and has an organisation in Panah to receive it; `consent` is the person's and valid on the
    day; for a household, every adult member shared has a consent valid on the day (a child's data rides
    on its parents'). Side effects: the Referral in "sent"; one ReferralSubject per person shared, with the
    consent relied on; a "sent" history row; one audit entry. Raises PermissionDenied outside the
    caller's scope, ValidationError with a clear message otherwise. Capacity is checked on acceptance."""
    sent_on = sent_on or timezone.localdate()
    require(by, Action.REFER_PERSONS, person)
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date cannot be in the future.")})
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Choose the kind of assistance.")})
    if not needs.strip():
        raise ValidationError({"needs": _("Say what the person needs from the project.")})
    if project.organisation_id is None:
        raise ValidationError({"project": _("This project has no organisation in Panah to receive referrals.")})
    if project.starts_on > sent_on or (project.ends_on is not None and project.ends_on < sent_on):
        raise ValidationError({"project": _("This project is not running on that day.")})
    if not project.regions.filter(pk=person.region_id).exists():
        raise ValidationError({"project": _("This project does not work in the person's region.")})
    if consent is None or consent.person_id != person.pk or not consent_valid_on(consent, sent_on):
        raise ValidationError(
            {
                "consent": _(
                    "%(number)s has no consent valid on %(date)s to share their data with partners. "
                    "Record the consent on the person's page first."
                )
                % {"number": _number(person), "date": sent_on.strftime("%d.%m.%Y")}
            }
        )
    if case is not None and case.person_id != person.pk:
        raise ValidationError({"case": _("The case is not this person's.")})
    subjects: list[tuple[Person, str, Consent | None]] = [(person, "", consent)]
    home = None
    if household:
        membership = HouseholdMember.objects.filter(person=person, valid_to__isnull=True).first()
        if membership is None:
            raise ValidationError({"household": _("This person belongs to no household.")})
        home = membership.household
        subjects = [(person, membership.relationship, consent)]
        missing = []
        members = (
            HouseholdMember.objects.filter(household=home, valid_to__isnull=True)
            .exclude(person=person)
            .select_related("person")
            .order_by("id")
        )
        for member in members:
            age = _age(member.person.birth_date, sent_on)
            found = next(iter(valid_consents(member.person, sent_on)), None)
            if found is None and (age is None or age >= ADULT_AGE):
                missing.append(_number(member.person))
            subjects.append((member.person, member.relationship, found))
        if missing:
            raise ValidationError(
                {
                    "household": _(
                        "These adult members have no consent valid on %(date)s to share their data: %(numbers)s. "
                        "Refer the person alone, or record their consent first."
                    )
                    % {"date": sent_on.strftime("%d.%m.%Y"), "numbers": ", ".join(missing)}
                }
            )
    organisation = acting_organisation(by, Action.REFER_PERSONS, person)
    if organisation is None:
        raise Refused(Action.REFER_PERSONS)
    referral = Referral.objects.create(
        person=person,
        household=home,
        case=case,
        project=project,
        kind=kind,
        needs=needs.strip(),
        from_organisation=organisation,
        to_organisation_id=project.organisation_id,
        region_id=person.region_id,
        consent=consent,
        state=ReferralState.SENT,
        state_since=sent_on,
        sent_on=sent_on,
        sent_by=_user(by),
    )
    ReferralSubject.objects.bulk_create(
        ReferralSubject(referral=referral, person=p, relationship=relationship, consent=c)
        for p, relationship, c in subjects
    )
    ReferralEvent.objects.create(
        referral=referral,
        step="send",
        to_state=ReferralState.SENT,
        effective=sent_on,
        recorded_by=_user(by),
        organisation=organisation,
        reason=needs.strip(),
    )
    record(
        by=by,
        action=AuditEntry.Action.CREATE,
        obj=referral,
        person=person,
        organisation=organisation,
        message="referred",
        params={"project": project.pk, "kind": label("cases.Referral.kind", kind), "count": len(subjects)},
        changes={"shared": [_number(p) for p, _r, _c in subjects], "consent": consent.pk},
        purpose="referral to a partner project",
    )
    return referral


def _served(project: PartnerProject) -> int:
    """Persons the project serves now: those of its accepted referrals."""
    return ReferralSubject.objects.filter(referral__project=project, referral__state=ReferralState.ACCEPTED).count()


@transaction.atomic
def step_referral(*, by: User, referral: Referral, step: str, effective: dt.date, reason: str = "") -> Referral:
    """Take one step of the referral's state machine (accept, decline, complete), as the partner.

    Side effects: the referral's state; a history row with the reason; one audit entry. Accepting locks
    the project row and is refused when the persons of the project's accepted referrals plus this one
    would exceed its capacity. Raises ValidationError for a step the table does not allow from the
    current state, a missing reason, a date in the future or before the current state began, or capacity
    exceeded; PermissionDenied for anyone but the partner it is addressed to."""
    require(by, Action.RESPOND_REFERRALS, referral)
    found = step_named(step)
    with unscoped("the partner acts on a referral addressed to it (authorised above)"):
        referral = Referral.objects.select_for_update().select_related("project", "person").get(pk=referral.pk)
        if found is None:
            raise ValidationError({"step": _("Unknown step.")})
        if referral.state not in found.sources:
            allowed = ", ".join(f"“{s.label}”" for s in available(referral.state, PARTNER)) or _("none")
            raise ValidationError(
                {
                    "step": _("“%(step)s” is not allowed while the referral is “%(state)s”. Allowed now: %(allowed)s.")
                    % {"step": found.label, "state": referral.get_state_display(), "allowed": allowed}
                }
            )
        if found.needs_reason and not reason.strip():
            raise ValidationError({"reason": _("Give the reason for this step.")})
        if effective > timezone.localdate():
            raise ValidationError({"effective": _("The date cannot be in the future.")})
        if effective < referral.state_since:
            raise ValidationError(
                {
                    "effective": _("The step cannot be dated before %(date)s.")
                    % {"date": referral.state_since.strftime("%d.%m.%Y")}
                }
            )
        project = PartnerProject.objects.select_for_update().get(pk=referral.project_id)
        if found.target == ReferralState.ACCEPTED and project.capacity is not None:
            served = _served(project)
            joining = ReferralSubject.objects.filter(referral=referral).count()
            if served + joining > project.capacity:
                raise ValidationError(
                    {
                        "step": _(
                            "The project is full: it serves %(served)s of %(capacity)s persons and this referral "
                            "shares %(joining)s. Complete or decline other referrals first, or raise the capacity."
                        )
                        % {"served": served, "capacity": project.capacity, "joining": joining}
                    }
                )
        before = referral.state
        Referral.objects.filter(pk=referral.pk).update(state=found.target, state_since=effective)
        referral.state, referral.state_since = found.target, effective
        ReferralEvent.objects.create(
            referral=referral,
            step=found.name,
            from_state=before,
            to_state=found.target,
            effective=effective,
            recorded_by=_user(by),
            organisation_id=referral.to_organisation_id,
            reason=reason.strip(),
        )
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=referral,
            person=referral.person,
            organisation=referral.to_organisation,
            message="referral_step",
            params={"step": label("cases.Referral.state", found.target), "effective": day(effective)},
            changes={"state": [before, found.target]},
            purpose=reason.strip(),
        )
    return referral


@transaction.atomic
def record_delivery(
    *, by: User, referral: Referral, delivered_on: dt.date, service: str, delivered_by: str = "", note: str = ""
) -> ServiceDelivery:
    """Record a service the partner delivered under an accepted referral.

    Side effects: one ServiceDelivery; one audit entry. Raises ValidationError unless the referral is
    accepted, the service is named and the date lies between the acceptance and today;
    PermissionDenied for anyone but the partner it is addressed to."""
    require(by, Action.RESPOND_REFERRALS, referral)
    with unscoped("the partner records a service under a referral addressed to it (authorised above)"):
        referral = Referral.objects.select_related("person", "to_organisation").get(pk=referral.pk)
        if referral.state != ReferralState.ACCEPTED:
            raise ValidationError({"service": _("Services are recorded while the referral is accepted.")})
        if not service.strip():
            raise ValidationError({"service": _("Say which service was delivered.")})
        if delivered_on > timezone.localdate():
            raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
        if delivered_on < referral.state_since:
            raise ValidationError(
                {
                    "delivered_on": _("A service cannot be dated before the referral was accepted on %(date)s.")
                    % {"date": referral.state_since.strftime("%d.%m.%Y")}
                }
            )
        user = _user(by)
        delivery = ServiceDelivery.objects.create(
            referral=referral,
            delivered_on=delivered_on,
            service=service.strip(),
            delivered_by=delivered_by.strip() or (user.get_full_name() or user.username if user else ""),
            note=note.strip(),
            recorded_by=user,
        )
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=referral,
            person=referral.person,
            organisation=referral.to_organisation,
            message="service_delivered",
            params={"service": service[:200]},
            changes={"delivered_on": delivered_on.isoformat()},
        )
    return delivery
