"""Reads of referrals. Who may see which referral is answered here, once (`referrals_for_user`): the
organisation that sent it and the partner it is addressed to, each in the regions of the caller's
membership (`scope.organisation_scope`). Nobody else: not a third organisation that happens to see the
person, and not what a sharing agreement shares.

What a referral shares with the partner is fixed here too (`SharedReferral`): for each person shared,
the name, registration number, sex, age in years and relationship to the household head; and the kind
of assistance, the needs the referrer wrote, the project, the dates and the organisations. Never the birth
date, documents, addresses, status timeline, specific needs, cases or anything else of the file. Pages
for the partner are built from `SharedReferral` only, so a template cannot reach further.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import may, note_refusal
from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope, unscoped
from panah.cases.models import Referral, ReferralEvent, ReferralSubject, ServiceDelivery
from panah.cases.referral_workflow import PARTNER, REFERRER, ReferralStep, available
from panah.registry.models import PersonName, Relationship, Sex

WHY = "referrals are reached through the organisations that sent or received them (scope.organisation_scope)"


def referrals_for_user(user: User, action: str = Action.VIEW_PERSON) -> QuerySet[Referral]:
    """The referrals `user` may reach for `action`: sent by or addressed to one of the user's
    organisations, in the regions of that membership."""
    scope = organisation_scope(user, action)
    with unscoped(WHY):
        return Referral.objects.filter(
            scope.q(organisation="from_organisation") | scope.q(organisation="to_organisation")
        ).select_related("person", "project", "from_organisation", "to_organisation", "sent_by")


def side_of(user: User, referral: Referral, action: str = Action.VIEW_PERSON) -> str | None:
    """PARTNER when `user` reaches `referral` as its addressee, REFERRER as its sender, else None."""
    scope = organisation_scope(user, action)
    if scope.covers(referral.to_organisation_id, referral.region_id):
        return PARTNER
    if scope.covers(referral.from_organisation_id, referral.region_id):
        return REFERRER
    return None


def get_referral_for_user(user: User, pk: int) -> Referral:
    """One referral `user` may reach, or 404 (the same for "no such referral" and "not yours")."""
    referral = referrals_for_user(user).filter(pk=pk).first()
    if referral is None:
        with unscoped("does the referral the caller cannot reach exist? (for the refusal's audit entry)"):
            exists = Referral.objects.filter(pk=pk).first()
        if exists is not None:
            note_refusal(user, Action.FOLLOW_REFERRALS, exists.referrer_target(), reason="out_of_scope")
        raise Http404(_("No such referral."))
    return referral


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class SharedPerson:
    name: str
    registration_number: str
    sex: str
    age: int | None
    relationship: str


@dataclass
class SharedReferral:
    """Everything a partner may see of a referral: the data the referral shares, and its own records."""

    pk: int
    kind: str
    state: str
    state_label: str
    project: str
    needs: str
    sent_on: dt.date
    state_since: dt.date
    from_organisation: str
    to_organisation: str
    sent_by: str
    household: bool
    subjects: list[SharedPerson] = field(default_factory=list)
    events: list[ReferralEvent] = field(default_factory=list)
    deliveries: list[ServiceDelivery] = field(default_factory=list)
    services: list[str] = field(default_factory=list)


def _name(names: list[PersonName]) -> str:
    return names[0].display if names else ""


def shared_view(referral: Referral, on: dt.date | None = None) -> SharedReferral:
    """The referral as shared with the partner. Reads the shared persons' names across the person scope,
    for exactly the persons the referral shares."""
    on = on or timezone.localdate()
    with unscoped(WHY):
        subjects = list(
            ReferralSubject.objects.filter(referral=referral)
            .select_related("person")
            .prefetch_related(Prefetch("person__names", queryset=PersonName.objects.order_by("position", "id")))
        )
        events = list(ReferralEvent.objects.filter(referral=referral).select_related("recorded_by", "organisation"))
        deliveries = list(ServiceDelivery.objects.filter(referral=referral))
    sexes = dict(Sex.choices)
    relationships = dict(Relationship.choices)
    sent_by = referral.sent_by
    return SharedReferral(
        pk=referral.pk,
        kind=referral.get_kind_display(),
        state=referral.state,
        state_label=referral.get_state_display(),
        project=str(referral.project),
        needs=referral.needs,
        sent_on=referral.sent_on,
        state_since=referral.state_since,
        from_organisation=referral.from_organisation.name,
        to_organisation=referral.to_organisation.name,
        sent_by=(sent_by.get_full_name() or sent_by.username) if sent_by else "",
        household=referral.household_id is not None,
        subjects=[
            SharedPerson(
                name=_name(list(s.person.names.all())),
                registration_number=s.person.registration_number or "",
                sex=str(sexes.get(s.person.sex, "")),
                age=_age(s.person.birth_date, on),
                relationship=str(relationships.get(s.relationship, "")),
            )
            for s in subjects
        ],
        events=events,
        deliveries=deliveries,
        services=referral.project.service_list,
    )


def referral_page(*, by: User, pk: int) -> tuple[Referral, SharedReferral, str, list[ReferralStep]]:
    """A referral for its page, what it shares, the caller's side and the steps open to them."""
    referral = get_referral_for_user(by, pk)
    side = side_of(by, referral) or REFERRER
    steps = available(referral.state, side) if side == PARTNER and may(by, Action.RESPOND_REFERRALS, referral) else []
    return referral, shared_view(referral), side, steps


@dataclass
class Inbox:
    addressed: list[Any]  # referrals annotated with `shared` and `number`
    sent: list[Any]


def inbox(user: User, *, limit: int = 200) -> Inbox:
    """The referrals addressed to the user's organisations and those they sent, newest first, each
    annotated with `shared` (how many persons it shares). Two queries."""
    scope = organisation_scope(user, Action.VIEW_PERSON)
    with unscoped(WHY):
        base = Referral.objects.select_related("project", "from_organisation", "to_organisation").annotate(
            shared=Count("subjects"), number=F("person__registration_number")
        )
        addressed = list(base.filter(scope.q(organisation="to_organisation")).order_by("-sent_on", "-id")[:limit])
        sent = list(
            base.filter(scope.q(organisation="from_organisation"))
            .exclude(pk__in=[r.pk for r in addressed])
            .order_by("-sent_on", "-id")[:limit]
        )
    return Inbox(addressed=addressed, sent=sent)


def referrals_of_person(user: User, person: Any) -> list[Referral]:
    """The referrals of `person` the user's organisations sent or received (for a case or person page)."""
    return list(referrals_for_user(user).filter(person=person).order_by("-sent_on", "-id"))
