"""What needs a user: the items of their digest, read strictly through the scoping layer and the policy.

A digest is what the user may see anyway (`cases.selectors.cases_for_user`, the user's view scope), cut
to what they act on:

- of the cases and persons their own organisations hold (`scope.organisation_scope`), the ones assigned to
  them or to no one;
- of another organisation's persons (reached as a partner's lawyer through an accepted referral, or under
  a sharing agreement), only where the person's consent covers it: the referral's own consent, valid on the
  day, or for an agreement a consent of the person valid on the day. Without it, nothing about that person.

Every list is bounded (`LIMIT`) and counted in the database, so a user with a national scope does not load
the registry into memory (bench/digest.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from panah.accounts.models import User
from panah.accounts.roles import Action
from panah.accounts.scope import organisation_scope, scope_for, unscoped, use_scope
from panah.alerts.models import DEFAULT_DAYS_AHEAD, AlertKind, AlertPreference, Frequency, all_kinds
from panah.appointments.models import Appointment
from panah.cases import deadlines
from panah.cases.models import Case, Referral
from panah.cases.referral_workflow import ReferralState
from panah.cases.selectors import cases_for_user, children_past_alert_age
from panah.registry.models import Consent, Document, Person, PersonName

LIMIT = 50


@dataclass
class Digest:
    today: dt.date
    days_ahead: int
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    more: dict[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def preference_of(user: User) -> AlertPreference:
    """The user's preference, or the default one (daily, everything, Russian) not yet saved."""
    found = AlertPreference.objects.filter(user=user).first()
    return found or AlertPreference(user=user, kinds=all_kinds(), days_ahead=DEFAULT_DAYS_AHEAD)


def is_first_working_day_of_week(today: dt.date) -> bool:
    monday = today - dt.timedelta(days=today.weekday())
    earlier = (monday + dt.timedelta(days=n) for n in range(today.weekday()))
    return deadlines.is_working_day(today) and not any(deadlines.is_working_day(day) for day in earlier)


def is_digest_day(preference: AlertPreference, today: dt.date) -> bool:
    """Digests go out on working days of Kazakhstan's calendar (`cases.deadlines`): daily on each, weekly on
    the first of the week. What falls due on a holiday is in the digest of the working day before (if within
    the days ahead) and overdue on the one after."""
    if preference.frequency == Frequency.OFF:
        return False
    if preference.frequency == Frequency.WEEKLY:
        return is_first_working_day_of_week(today)
    return deadlines.is_working_day(today)


def _consent_valid(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}given_on__lte": today}) & (
        Q(**{f"{prefix}withdrawn_on__isnull": True}) | Q(**{f"{prefix}withdrawn_on__gt": today})
    )


def _person_consents(today: dt.date, person_ref: str) -> Exists:
    """A consent of the person (the outer row's `person_ref`) valid on `today`."""
    return Exists(Consent._base_manager.filter(_consent_valid(today), person_id=OuterRef(person_ref)))


def _cases(user: User, today: dt.date, *, with_deadline: bool = True) -> QuerySet[Case]:
    """Open cases (with a deadline, unless told) the user acts on (see the module's docstring)."""
    own = organisation_scope(user, Action.VIEW_CASES)
    reached = cases_for_user(user).filter(closed_on__isnull=True)
    mine = Q(assigned_to=user) | Q(assigned_to__isnull=True)
    if own.everything:  # a system administrator: every organisation is theirs to act for
        reached = reached.filter(mine)
    else:
        reached = reached.filter((own.q() & mine) | (~own.q() & Q(_person_consents(today, "person_id"))))
    assigned = organisation_scope(user, Action.RECEIVE_REFERRAL_ALERTS)
    referred = Referral._base_manager.filter(
        _consent_valid(today, "consent__"),
        assigned.q(organisation="to_organisation"),
        case_id=OuterRef("pk"),
        state=ReferralState.ACCEPTED,
    )
    with unscoped("a referral accepted by the user's organisation reaches its case's deadline, with its consent"):
        found = Case.objects.filter(Q(pk__in=reached.values("pk")) | Q(Exists(referred))).filter(closed_on__isnull=True)
        if with_deadline:
            found = found.filter(due_on__isnull=False)
        return found.select_related("person")


def _own_or_consented_persons(user: User, today: dt.date, prefix: str) -> Q:
    own = organisation_scope(user, Action.VIEW_PERSON)
    if own.everything:
        return Q()
    person_ref = f"{prefix}id" if prefix else "pk"
    return own.q(prefix) | Q(_person_consents(today, person_ref))


def _first(digest: Digest, key: str, queryset: QuerySet[Any]) -> list[Any]:
    """The first LIMIT rows; the count is exact up to LIMIT, and `more[key]` says there are others (counting
    them all cost a national user seconds per list on a million persons: bench/digest.py)."""
    rows = list(queryset[: LIMIT + 1])
    digest.counts[key] = min(len(rows), LIMIT)
    digest.more[key] = len(rows) > LIMIT
    return rows[:LIMIT]


def digest_for(
    user: User, *, today: dt.date, days_ahead: int = DEFAULT_DAYS_AHEAD, kinds: list[str] | None = None
) -> Digest:
    """The items of `user`'s digest on `today`: deadlines overdue or due within `days_ahead`, documents
    expiring within `days_ahead`, children past the alert age for birth registration, referrals addressed
    to the user's organisations that wait for an answer. Bounded lists (`LIMIT`) with exact counts."""
    kinds = all_kinds() if kinds is None else kinds
    digest = Digest(today=today, days_ahead=days_ahead)
    horizon = today + dt.timedelta(days=days_ahead)
    if AlertKind.DEADLINES in kinds:
        cases = _cases(user, today)
        overdue = cases.filter(due_on__lt=today).order_by("due_on", "id")
        soon = cases.filter(due_on__gte=today, due_on__lte=horizon).order_by("due_on", "id")
        digest.overdue = _first(digest, "overdue", overdue)
        digest.due_soon = _first(digest, "due_soon", soon)
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        if AlertKind.DOCUMENTS in kinds:
            documents = (
                Document.objects.filter(valid_to__gte=today, valid_to__lte=horizon, person__merged_into__isnull=True)
                .filter(_own_or_consented_persons(user, today, "person__"))
                .select_related("person")
                .order_by("valid_to", "id")
            )
            digest.documents = _first(digest, "documents", documents)
        if AlertKind.BIRTHS in kinds:
            children = children_past_alert_age(today).filter(_own_or_consented_persons(user, today, ""))
            digest.children = _first(
                digest,
                "children",
                children.prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("position", "id"))),
            )
    if AlertKind.APPOINTMENTS in kinds:
        acted_on = _cases(user, today, with_deadline=False).values("pk")
        begin = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        with unscoped("the appointments of the cases the user acts on, read above through the user's scope"):
            coming = (
                Appointment.objects.filter(case__in=acted_on, starts_at__gte=begin)
                .filter(starts_at__lt=begin + dt.timedelta(days=days_ahead + 1))
                .select_related("case", "case__person")
                .order_by("starts_at", "id")
            )
            digest.appointments = _first(digest, "appointments", coming)
    if AlertKind.REFERRALS in kinds:
        waiting = organisation_scope(user, Action.RESPOND_REFERRALS)
        with unscoped("referrals are reached through the organisation they are addressed to"):
            referrals = (
                Referral.objects.filter(waiting.q(organisation="to_organisation"), state=ReferralState.SENT)
                .select_related("person", "project")
                .order_by("sent_on", "id")
            )
            digest.referrals = _first(digest, "referrals", referrals)
    return digest


def recipients_due(today: dt.date) -> list[int]:
    """Ids of the active users whose digest falls on `today` and has not been sent for it yet."""
    if not deadlines.is_working_day(today):
        return []
    not_today = Q(frequency=Frequency.OFF) | Q(last_sent_on__gte=today)
    if not is_first_working_day_of_week(today):
        not_today |= Q(frequency=Frequency.WEEKLY)
    excluded = AlertPreference.objects.filter(not_today).values("user_id")
    return list(
        User.objects.filter(is_active=True).exclude(pk__in=excluded).order_by("pk").values_list("pk", flat=True)
    )


def delivery_log(*, limit: int = 200) -> list[Any]:
    from panah.alerts.models import DeliveryLog

    return list(DeliveryLog.objects.select_related("user").order_by("-created_at", "-id")[:limit])


@dataclass(frozen=True)
class Contact:
    phone: str
    language: str


SMS_LANGUAGES = ("kk", "ru", "en")


def sms_contact(person_id: int, today: dt.date) -> Contact | str:
    """Where and in which language the person may be sent an SMS on `today`, or the reason code why not:
    a consent valid on the day that covers contact by SMS (its `language` is the person's, else Russian),
    and a phone on the current address. System work: it reads across scopes, for this one person."""
    from panah.registry.models import Address

    with unscoped("messages to the person themself, with their consent to be contacted"):
        agreed = (
            Consent.objects.filter(_consent_valid(today), person_id=person_id, contact_by_sms=True)
            .order_by("-given_on", "-id")
            .first()
        )
        if agreed is None:
            return "no_contact_consent"
        address = (
            Address.objects.filter(person_id=person_id, valid_to__isnull=True)
            .exclude(phone="")
            .order_by("-valid_from")
            .first()
        )
    if address is None or not address.phone.strip():
        return "no_phone"
    language = agreed.language if agreed.language in SMS_LANGUAGES else "ru"
    return Contact(phone=address.phone.strip(), language=language)


def appointments_on(day: dt.date) -> list[Appointment]:
    """The appointments on `day` (for reminders the day before). System work across scopes."""
    begin = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    with unscoped("reminders to the persons of every appointment of the day"):
        return list(
            Appointment.objects.filter(starts_at__gte=begin, starts_at__lt=begin + dt.timedelta(days=1))
            .select_related("case")
            .order_by("starts_at", "id")
        )


def persons_with_deadline_on(day: dt.date) -> list[tuple[int, dt.date]]:
    """(person id, deadline) of every open case whose next deadline is `day`, one row per person (for the SMS
    "deadline approaching"; it names no case, so a person with two cases due the same day gets one).
    System work across scopes."""
    with unscoped("SMS to the persons whose case has a deadline on the day, with their consent"):
        found = Case.objects.filter(closed_on__isnull=True, due_on=day).values_list("person_id", flat=True)
        return [(person_id, day) for person_id in found.order_by("person_id").distinct()]


@dataclass
class Caseload:
    today: dt.date
    days: int
    documents: list[Document]
    overdue: list[Case]


def caseload_regions(user: User) -> list[str]:
    """The region codes of the user's view scope (every region for a national or system scope)."""
    from panah.geo.models import Region

    scope = scope_for(user, Action.VIEW_PERSON)
    valid = Region.objects.valid_on(timezone.localdate()).order_by("code").values_list("code", flat=True)
    return [code for code in valid if scope.everything or code in scope.region_codes]


def caseload(user: User, *, today: dt.date, days: int, region: str = "", limit: int | None = 500) -> Caseload:
    """Documents expiring within `days` and cases past their deadline, of everything the user may see
    (not only what they act on: a protection officer follows a region), optionally in one region."""
    cases = cases_for_user(user).filter(closed_on__isnull=True, due_on__lt=today).order_by("due_on", "id")
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        documents = (
            Document.objects.filter(
                valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=days), person__merged_into__isnull=True
            )
            .select_related("person", "person__region")
            .order_by("valid_to", "id")
        )
    if region:
        cases = cases.filter(region_id=region)
        documents = documents.filter(person__region_id=region)
    if limit is not None:
        return Caseload(today, days, list(documents[:limit]), list(cases[:limit]))
    return Caseload(today, days, list(documents), list(cases))
