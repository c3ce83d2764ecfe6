"""Who may do what, to which object: Panah's one authorisation policy (ARCHITECTURE.md section 4).

`POLICY` is a table, one `Rule` per action: which roles may take it, what it is taken on, and on which
*basis* the caller's organisation may take it on that object:

- OWN: the object belongs to an organisation the caller acts for with one of the roles, in a region of
  that membership (a person's owner; the organisation handling a case; an organisation's own users);
- AGREEMENT: its owner grants *that action* to the caller's organisation under an active data-sharing
  agreement covering the region (`SharingAgreement.actions`); only actions whose rule lists AGREEMENT can
  be granted, so no agreement ever hands over a decision;
- REFERRAL: a referral accepted by the caller's organisation assigns it work on the case;
- STATE: legal authority. Only the competent state body determines, refuses or grants a status: the
  caller acts, with one of the roles, for an organisation of the kind "state" covering the region (and,
  for a case, handling it).

`require(by, action, obj)` raises `Refused` (a PermissionDenied with the action's one message) and notes
the refusal for the audit log; `may(...)` asks the same question for views and templates, and Django's
`user.has_perm("panah.<action>", obj)` is answered by it (`backends.ScopedPermissionBackend`). The scoping
layer (`scope.scope_for`) builds the persons a user reaches for an action from the same table. Nothing else
in Panah decides authority; a test fails if a role or scope check appears outside this module and the
selectors.

System administrators (the role, or Django's superuser flag) may take every action on every object; what
they do is audited like everyone else's. `by=None` is the system itself applying a rule (retention, the
demo loader): services that accept it say so, and it is never what a request passes.

A refusal is written to the audit log once the request, command or task has ended (`flush_refusals`),
never inside the transaction the refused write would have used, so nothing of the refused write remains
but that entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.accounts.roles import Action, Role

if TYPE_CHECKING:
    from panah.accounts.scope import Grant


class Basis(StrEnum):
    OWN = "own"
    AGREEMENT = "agreement"
    REFERRAL = "referral"
    STATE = "state"


class On(StrEnum):
    """What an action is taken on, and so how its object is read."""

    NOTHING = "nothing"  # no object: the role is enough (statistics, the audit log, maintenance)
    PLACE = "place"  # an organisation in a region: registering a new person there
    PERSON = "person"  # a person, or a record of one (a document, a consent, a request about them)
    CASE = "case"  # a case: its handling organisation and region, and the person it is about
    RECEIVED_REFERRAL = "received_referral"  # a referral, as the partner it is addressed to
    SENT_REFERRAL = "sent_referral"  # a referral, as the organisation that sent it
    ORGANISATION = "organisation"  # an organisation: its users, memberships and agreements
    USER = "user"  # a user account, administered by whoever administers every organisation it works for
    REQUESTED = "requested"  # work a user asked for (an import, a background job): theirs to follow
    REGION = "region"  # a region: trainings of officials held there


@dataclass(frozen=True)
class Target:
    """What the policy reads of an object: who owns it and where, and the person it is about.

    Models that hold their own authority data implement `policy_target()` (a case, a referral); a person
    (anything with `organisation_id` and `region_id`), an object with a `person`, an organisation and a
    region code are read here."""

    label: str
    organisation_id: int | None = None
    region_code: str | None = None
    person: Any = None
    organisation_kind: str | None = None
    assigned_organisation_ids: frozenset[int] = frozenset()  # organisations a referral assigns the work to
    requested_by_id: int | None = None  # who asked for it (an import, a background job)


class HasTarget(Protocol):
    def policy_target(self) -> Target: ...


@dataclass(frozen=True)
class Rule:
    on: On
    roles: frozenset[str]
    refusal: Promise
    bases: frozenset[Basis] = frozenset({Basis.OWN})
    national: bool = False  # only for memberships that together cover every region that exists today

    @property
    def grantable(self) -> bool:
        """Whether a sharing agreement can grant the action."""
        return Basis.AGREEMENT in self.bases


R = Role
A = Action
OWN = frozenset({Basis.OWN})
SHARED = frozenset({Basis.OWN, Basis.AGREEMENT})
STATE = frozenset({Basis.STATE})
SEE_PERSONS = frozenset({R.VIEWER, R.REGISTRAR, R.DECISION_OFFICER, R.CASEWORKER, R.ORG_ADMIN})
CASEWORK = frozenset({R.REGISTRAR, R.DECISION_OFFICER, R.CASEWORKER})
DECIDERS = frozenset({R.DECISION_OFFICER})
ADMINS = frozenset({R.ORG_ADMIN})
EVERYONE = frozenset(Role.values)

POLICY: dict[str, Rule] = {
    # Persons
    A.VIEW_PERSON: Rule(On.PERSON, SEE_PERSONS, _("Your role does not allow seeing this person."), SHARED),
    A.REGISTER_PERSON: Rule(
        On.PLACE, frozenset({R.REGISTRAR}), _("You may not register persons for that organisation and region.")
    ),
    A.CHANGE_PERSON: Rule(
        On.PERSON,
        frozenset({R.REGISTRAR, R.CASEWORKER}),
        _("Your role does not allow changing this person's record."),
        SHARED,
    ),
    A.VIEW_SENSITIVE_NEEDS: Rule(
        On.PERSON,
        frozenset({R.DECISION_OFFICER, R.CASEWORKER}),
        _("Your role does not allow seeing highly sensitive needs."),
        SHARED,
    ),
    A.DECIDE_STATUS: Rule(
        On.PERSON,
        DECIDERS,
        _("Only a status decision officer of the competent state body records status decisions."),
        STATE,
    ),
    A.RECORD_STATUS_FACTS: Rule(
        On.PERSON, CASEWORK, _("Your role does not allow recording events on this person's timeline."), SHARED
    ),
    A.MERGE_PERSONS: Rule(On.PERSON, DECIDERS, _("Your role does not allow merging these records."), SHARED),
    A.REVIEW_DUPLICATES: Rule(
        On.PERSON, CASEWORK, _("Your role does not allow deciding whether these records are one person."), SHARED
    ),
    # Evidence files of a person (those of a case are the case's: see FILE_ACTIONS)
    A.VIEW_FILES: Rule(On.PERSON, SEE_PERSONS, _("Your role does not allow seeing this person's files."), SHARED),
    A.ATTACH_FILES: Rule(
        On.PERSON, CASEWORK, _("Your role does not allow attaching files to this person's record."), SHARED
    ),
    A.REMOVE_FILES: Rule(
        On.PERSON, CASEWORK, _("Only the organisation holding this person's record removes their files.")
    ),
    A.EXPORT_PERSONS: Rule(On.PERSON, ADMINS, _("Your role does not allow exporting personal data."), SHARED),
    A.REFER_PERSONS: Rule(On.PERSON, CASEWORK, _("Your role does not allow referring this person."), SHARED),
    A.OPEN_CASES: Rule(On.PERSON, CASEWORK, _("Your role does not allow opening cases for this person."), SHARED),
    A.OPEN_STATE_PROCEDURES: Rule(
        On.PERSON,
        frozenset({R.REGISTRAR, R.DECISION_OFFICER}),
        _("Only the competent state body registers an asylum, statelessness or citizenship application."),
        STATE,
    ),
    # Cases
    A.VIEW_CASES: Rule(
        On.CASE,
        SEE_PERSONS,
        _("This case is handled by another organisation that does not share it with yours."),
        frozenset({Basis.OWN, Basis.AGREEMENT, Basis.REFERRAL}),
    ),
    A.NOTE_CASES: Rule(
        On.CASE,
        CASEWORK,
        _("Your organisation may not add notes or tasks to this case."),
        frozenset({Basis.OWN, Basis.AGREEMENT, Basis.REFERRAL}),
    ),
    A.WORK_CASES: Rule(
        On.CASE,
        CASEWORK,
        _("Only the organisation handling this case, or one it assigned the work to, records its steps."),
        frozenset({Basis.OWN, Basis.AGREEMENT, Basis.REFERRAL}),
    ),
    A.DECIDE_CASES: Rule(
        On.CASE,
        DECIDERS,
        _("Only a status decision officer of the state body handling this case takes this decision."),
        STATE,
    ),
    A.MANAGE_CASES: Rule(
        On.CASE,
        CASEWORK,
        _("Only the organisation handling this case assigns or transfers it."),
    ),
    # Notices: who may see the case prints its decision notices, who may see the person their registration
    # certificate; only a decider of the state body handling the case (or owning the person) revokes one.
    A.PRINT_NOTICES: Rule(
        On.CASE,
        SEE_PERSONS,
        _("This case is handled by another organisation that does not share it with yours."),
        frozenset({Basis.OWN, Basis.AGREEMENT, Basis.REFERRAL}),
    ),
    A.PRINT_CERTIFICATES: Rule(
        On.PERSON, SEE_PERSONS, _("Your role does not allow printing this person's certificate."), SHARED
    ),
    A.REVOKE_NOTICES: Rule(
        On.CASE,
        DECIDERS,
        _("Only a status decision officer of the state body that issued this notice revokes or corrects it."),
        STATE,
    ),
    # Referrals, as the partner addressed and as the organisation that sent them
    A.RESPOND_REFERRALS: Rule(
        On.RECEIVED_REFERRAL, CASEWORK, _("Only the partner this referral is addressed to can do this.")
    ),
    A.FOLLOW_REFERRALS: Rule(
        On.SENT_REFERRAL,
        SEE_PERSONS,
        _("Only the organisation that sent this referral follows it."),
    ),
    # Alerts: the partner a referral is addressed to, once it accepted it, hears of the deadlines of the case
    # the referral is about (the selector also requires the consent the referral relied on, valid on the day).
    A.RECEIVE_REFERRAL_ALERTS: Rule(
        On.RECEIVED_REFERRAL, CASEWORK, _("Only the partner that accepted this referral receives its alerts.")
    ),
    # Statistics, knowledge and trainings
    A.VIEW_STATISTICS: Rule(
        On.NOTHING,
        frozenset({R.DECISION_OFFICER, R.STATISTICIAN, R.ORG_ADMIN}),
        _("Your role does not include statistics."),
    ),
    A.VIEW_EXACT_STATISTICS: Rule(
        On.NOTHING, ADMINS, _("Only roles that may export personal data see figures without small-cell protection.")
    ),
    A.PUBLISH_STATISTICS: Rule(
        On.NOTHING,
        frozenset({R.DECISION_OFFICER, R.STATISTICIAN, R.ORG_ADMIN}),
        _("Only users with national statistics may publish a release."),
        national=True,
    ),
    A.VIEW_TRAININGS: Rule(On.NOTHING, EVERYONE, _("Your role does not allow seeing trainings.")),
    A.RECORD_TRAININGS: Rule(
        On.REGION, frozenset({R.CASEWORKER, R.ORG_ADMIN}), _("You may record trainings only in your regions.")
    ),
    A.PUBLISH_KNOWLEDGE: Rule(On.NOTHING, ADMINS, _("Your role does not allow publishing articles.")),
    # Administration
    A.MANAGE_USERS: Rule(On.USER, ADMINS, _("You do not administer this user.")),
    A.MANAGE_MEMBERSHIPS: Rule(
        On.ORGANISATION, ADMINS, _("Only an administrator of this organisation gives or ends its memberships.")
    ),
    A.MANAGE_AGREEMENTS: Rule(
        On.ORGANISATION, ADMINS, _("Only an administrator of the providing organisation records its agreements.")
    ),
    A.MANAGE_ORGANISATIONS: Rule(
        On.NOTHING, frozenset(), _("Only a system administrator changes organisations and the regions they cover.")
    ),
    A.VIEW_AUDIT: Rule(On.NOTHING, ADMINS, _("Only administrators read the audit log.")),
    A.FOLLOW_OWN_WORK: Rule(
        On.REQUESTED, EVERYONE, _("Only whoever asked for this work, and system administrators, follow it.")
    ),
    A.MAINTAIN: Rule(On.NOTHING, frozenset(), _("Only system administrators run maintenance.")),
}

# Evidence files: a file on a person is decided by the file actions on the person; a file on a case by the
# case's actions, so whoever sees the case sees its files and whoever works on it attaches and removes them.
FILE_ACTIONS: dict[str, tuple[str, str]] = {  # verb: (on a person, on a case)
    "view": (A.VIEW_FILES, A.VIEW_CASES),
    "attach": (A.ATTACH_FILES, A.WORK_CASES),
    "remove": (A.REMOVE_FILES, A.WORK_CASES),
}


def file_action(verb: str, *, on_case: bool) -> str:
    """The action that decides `verb` ("view", "attach", "remove") on an evidence file of a person or a case."""
    return FILE_ACTIONS[verb][1 if on_case else 0]


# Actions a sharing agreement may grant to the recipient organisation.
GRANTABLE = frozenset(action for action, rule in POLICY.items() if rule.grantable)
# What an agreement recorded before agreements granted actions shares: the persons, to see.
DEFAULT_AGREEMENT_ACTIONS = (A.VIEW_PERSON,)


def role_allows(role: str, action: str) -> bool:
    """Whether `role` may take `action` somewhere (on some object, on some basis)."""
    if role == R.SYSTEM_ADMIN:
        return True
    rule = POLICY.get(action)
    return rule is not None and role in rule.roles


def roles_allowed(action: str) -> frozenset[str]:
    return POLICY[action].roles | {R.SYSTEM_ADMIN}


# Actions that change a person's legal status, join two files or take personal data out of the system: the
# roles that may take any of them (derived from the table, never hand-listed) pass a second factor.
OTP_ACTIONS = frozenset({A.DECIDE_STATUS, A.DECIDE_CASES, A.MERGE_PERSONS, A.EXPORT_PERSONS})
OTP_ROLES = frozenset().union(*(roles_allowed(action) for action in OTP_ACTIONS))


def needs_second_factor(user: Any) -> bool:
    """Whether `user` holds a role that may take one of the OTP_ACTIONS (or is a superuser)."""
    return bool(user.is_superuser) or any(seat.role in OTP_ROLES for seat in seats(user))


# --- The caller's memberships and the agreements their organisations receive ----------------------


@dataclass(frozen=True)
class Seat:
    """One active membership: an organisation (of a kind) the user acts for, with a role, in regions."""

    organisation_id: int
    organisation_kind: str
    role: str
    regions: frozenset[str]


@dataclass(frozen=True)
class Received:
    """One active agreement under which `provider_id` shares `actions` with `recipient_id` in `regions`."""

    provider_id: int
    recipient_id: int
    regions: frozenset[str]
    actions: frozenset[str]


def _cached(user: Any, key: Any, compute: Any) -> Any:
    # Within one request (ScopeMiddleware sets the cache) memberships and agreements do not change.
    cache = getattr(user, "_panah_scope_cache", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def seats(user: Any, on: dt.date | None = None) -> list[Seat]:
    """The user's active memberships on `on` (today)."""
    from panah.accounts.models import Membership

    if user is None or not getattr(user, "pk", None) or not user.is_active:
        return []
    on = on or timezone.localdate()

    def compute() -> list[Seat]:
        rows = (
            Membership.objects.active(on)
            .filter(user_id=user.pk)
            .select_related("organisation")
            .prefetch_related("regions")
        )
        return [
            Seat(m.organisation_id, m.organisation.kind, m.role, frozenset(r.code for r in m.regions.all()))
            for m in rows
        ]

    return list(_cached(user, ("seats", on), compute))


def received_agreements(organisation_ids: frozenset[int], on: dt.date, user: Any = None) -> list[Received]:
    """The active agreements whose recipient is one of `organisation_ids`."""
    from panah.accounts.models import SharingAgreement

    def compute() -> list[Received]:
        rows = (
            SharingAgreement.objects.filter(recipient_id__in=sorted(organisation_ids), valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .prefetch_related("regions")
        )
        return [
            Received(a.provider_id, a.recipient_id, frozenset(r.code for r in a.regions.all()), frozenset(a.actions))
            for a in rows
        ]

    return list(_cached(user, ("agreements", organisation_ids, on), compute))


def is_system_admin(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or any(s.role == R.SYSTEM_ADMIN for s in seats(user))


# --- Grants of persons: what the scoping layer filters by ----------------------------------------


def person_grants(user: Any, action: str, on: dt.date) -> tuple[bool, list[Grant]]:
    """(everything, grants): the persons `user` reaches for a person-level `action` on `on`, built from
    the rule's bases. Used by `scope.scope_for`; `everything` is for system administrators."""
    from panah.accounts.scope import Grant

    rule = POLICY[action]
    mine = seats(user, on)
    if any(s.role == R.SYSTEM_ADMIN for s in mine) or (getattr(user, "is_superuser", False) and user.is_active):
        return True, []
    allowed = [s for s in mine if s.role in rule.roles and s.regions]
    grants: list[Grant] = []
    if Basis.OWN in rule.bases:
        grants += [Grant(frozenset({s.organisation_id}), s.regions) for s in allowed]
    if Basis.AGREEMENT in rule.bases and allowed:
        for agreement in received_agreements(frozenset(s.organisation_id for s in allowed), on, user):
            if action not in agreement.actions:
                continue
            for seat in allowed:
                if seat.organisation_id == agreement.recipient_id and (shared := seat.regions & agreement.regions):
                    grants.append(Grant(frozenset({agreement.provider_id}), shared))
    if Basis.STATE in rule.bases:
        # The competent state body acts on every person it sees in its regions, whoever registered them.
        state_regions = frozenset().union(*(s.regions for s in allowed if s.organisation_kind == "state"))
        if state_regions:
            _everything, seen = person_grants(user, A.VIEW_PERSON, on)
            grants += [Grant(g.organisation_ids, g.region_codes & state_regions) for g in seen]
            grants = [g for g in grants if g.region_codes]
    return False, grants


# --- Deciding ----------------------------------------------------------------------------------


class Refused(PermissionDenied):
    """An action refused by the policy. Its message is the action's one refusal message."""

    def __init__(self, action: str, target: Target | None = None, message: str | None = None) -> None:
        self.action = action
        self.target = target
        super().__init__(message or str(POLICY[action].refusal))


def target_of(obj: Any, on: On) -> Target:
    """Read an object as the policy needs it (see `Target`)."""
    from panah.accounts.models import Organisation

    if isinstance(obj, Target):
        return obj
    if on == On.RECEIVED_REFERRAL:
        return obj.partner_target()
    if on == On.SENT_REFERRAL:
        return obj.referrer_target()
    if on == On.REGION:
        code = obj if isinstance(obj, str) else obj.pk
        return Target(label=f"geo.Region:{code}", region_code=code)
    if on == On.USER:
        return Target(label=f"accounts.User:{obj.pk}")
    if isinstance(obj, Organisation):
        return Target(label=f"accounts.Organisation:{obj.pk}", organisation_id=obj.pk, organisation_kind=obj.kind)
    if hasattr(obj, "policy_target"):
        return obj.policy_target()
    person = obj if hasattr(obj, "organisation_id") and hasattr(obj, "region_id") else getattr(obj, "person", None)
    if person is None:
        raise TypeError(f"The authorisation policy cannot read a {type(obj).__name__}")
    return Target(
        label=f"{obj._meta.label}:{obj.pk}",
        organisation_id=person.organisation_id,
        region_code=person.region_id,
        person=person,
    )


def _national(allowed: list[Seat]) -> bool:
    from panah.geo.models import Region

    covered = frozenset().union(*(s.regions for s in allowed))
    return set(Region.objects.valid_on(timezone.localdate()).values_list("code", flat=True)) <= covered


def _sees(user: Any, person: Any) -> bool:
    from panah.accounts.scope import scope_for

    return person is None or scope_for(user, A.VIEW_PERSON).allows(person)


def _decide(user: Any, action: str, obj: Any) -> tuple[bool, Target | None]:
    rule = POLICY[action]
    if user is None:
        return True, None  # the system itself, applying a rule
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, None
    target = None if obj is None else target_of(obj, rule.on)
    if is_system_admin(user):
        return True, target
    allowed = [s for s in seats(user) if s.role in rule.roles]
    if rule.bases == STATE:
        allowed = [s for s in allowed if s.organisation_kind == "state"]
    if not allowed:
        return False, target
    if rule.national and not _national(allowed):
        return False, target
    if target is None or rule.on == On.NOTHING:
        return True, target
    if rule.on == On.PERSON:
        from panah.accounts.scope import scope_for

        return scope_for(user, action).allows(target.person or _Owner(target)), target
    if rule.on == On.REQUESTED:
        return target.requested_by_id == user.pk, target
    if rule.on == On.USER:
        from panah.accounts.selectors import users_for_admin

        return users_for_admin(user).filter(pk=obj.pk).exists(), target
    if rule.on == On.ORGANISATION:
        return any(s.organisation_id == target.organisation_id for s in allowed), target
    if rule.on == On.REGION:
        return any(target.region_code in s.regions for s in allowed), target
    own = any(
        s.organisation_id == target.organisation_id
        and (target.region_code in s.regions or (target.region_code is None and s.regions))
        for s in allowed
    )  # a place without a region: the organisation in any region of the membership
    if rule.on in (On.PLACE, On.RECEIVED_REFERRAL, On.SENT_REFERRAL):
        return own, target
    # A case: the person must be visible, except to a partner a referral assigns the work to.
    if Basis.REFERRAL in rule.bases and any(s.organisation_id in target.assigned_organisation_ids for s in allowed):
        return True, target
    if not _sees(user, target.person):
        return False, target
    if Basis.STATE in rule.bases:
        return own and target.organisation_kind == "state", target
    if Basis.OWN in rule.bases and own:
        return True, target
    if Basis.AGREEMENT in rule.bases:
        recipients = frozenset(s.organisation_id for s in allowed if target.region_code in s.regions)
        return any(
            a.provider_id == target.organisation_id and action in a.actions and target.region_code in a.regions
            for a in received_agreements(recipients, timezone.localdate(), user)
        ), target
    return False, target


@dataclass(frozen=True)
class _Owner:
    """A place read as a person would be: an owner and a region (for person actions asked of a Target)."""

    target: Target
    organisation_id: int | None = field(init=False)
    region_id: str | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "organisation_id", self.target.organisation_id)
        object.__setattr__(self, "region_id", self.target.region_code)


def may(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may take `action` on `obj` (without an object: anywhere at all)."""
    return _decide(user, action, obj)[0]


def may_all(user: Any, action: str, objects: Iterable[Any]) -> bool:
    """Whether `user` may take `action` on every one of `objects` (both records of a pair, say)."""
    return all(may(user, action, obj) for obj in objects)


def allowed_persons(user: Any, action: str, persons: Iterable[Any]) -> set[int]:
    """The ids of those of `persons` on which `user` may take a person-level `action`, the scope read once."""
    from panah.accounts.scope import scope_for

    if POLICY[action].on != On.PERSON:
        raise ValueError(f"{action} is not taken on a person")
    scope = scope_for(user, action)
    return {p.pk for p in persons if scope.allows(p)}


def require(user: Any, action: str, obj: Any = None, *, message: str | None = None) -> None:
    """Refuse unless `user` may take `action` on `obj`: raises `Refused` (403) with the action's message,
    and notes the refusal for the audit log (written by `flush_refusals` when the request ends)."""
    allowed, target = _decide(user, action, obj)
    if not allowed:
        note_refusal(user, action, target)
        raise Refused(action, target, message)


def require_found(user: Any, action: str, obj: Any) -> None:
    """Like `require`, for an object fetched by its id or number: one the user may not reach is "not found"
    (404, the same as an object that does not exist), so that ids leak nothing; the refusal is noted."""
    allowed, target = _decide(user, action, obj)
    if not allowed:
        note_refusal(user, action, target, reason="out_of_scope")
        raise Http404


def found_in_scope(queryset: Any, *, user: Any, action: str, target: Any = None, **lookup: Any) -> Any:
    """The one object of `queryset` (already narrowed to what `user` may reach for `action`) that matches
    `lookup`, or 404: the same for "does not exist" and "not yours". An object that exists but is out of
    reach is noted as a refused attempt; `target(obj)` reads it for the audit (default: `target_of`)."""
    from panah.accounts.scope import unscoped

    found = queryset.filter(**lookup).first()
    if found is not None:
        return found
    with unscoped("does the object the caller cannot reach exist? (for the refusal's audit entry)"):
        exists = queryset.model._base_manager.filter(**lookup).first()
        if exists is not None:
            note_refusal(
                user, action, target(exists) if target else target_of(exists, POLICY[action].on), "out_of_scope"
            )
    raise Http404


# --- Refusals, for the audit log ----------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    user_id: int | None
    username: str
    action: str
    target: Target | None
    reason: str = "policy"  # "policy", "out_of_scope" (an object not found in the caller's scope), "read_quota"


_refusals: ContextVar[list[Refusal] | None] = ContextVar("panah_refusals", default=None)


def note_refusal(user: Any, action: str, target: Target | None, reason: str = "policy") -> None:
    """Keep a refusal to be audited when the request, command or task ends (never in the transaction
    the refused write would have used)."""
    pending = _refusals.get()
    if pending is None:
        return  # outside any request, command or task that collects them (a unit test of a service)
    if isinstance(user, int) or user is None:  # only the id is known (the open scope's user)
        pending.append(Refusal(user, "", action, target, reason))
    else:
        pending.append(Refusal(getattr(user, "pk", None), user.get_username(), action, target, reason))


@contextmanager
def collecting_refusals() -> Iterator[list[Refusal]]:
    """Collect the refusals noted inside; the caller writes them with `flush_refusals` when done."""
    pending: list[Refusal] = []
    token = _refusals.set(pending)
    try:
        yield pending
    finally:
        _refusals.reset(token)


@contextmanager
def acting_as(user: Any, *, channel: str, username: str = "") -> Iterator[None]:
    """What a command or a task opens around the work it does for `user` (a request gets the same from its
    middleware): the user's view scope, the audit context (channel and name), and the refusals noted
    inside, written when the work ends."""
    from panah.accounts.scope import scope_for, unscoped, use_scope
    from panah.audit.services import audit_context

    name = username or (user.get_username() if user is not None else "system")
    opened = use_scope(scope_for(user)) if user is not None else unscoped("the system itself, applying a rule")
    with audit_context(channel=channel, username=name), collecting_refusals() as refusals:
        try:
            with opened:
                yield
        finally:
            flush_refusals(refusals)


def flush_refusals(refusals: list[Refusal]) -> int:
    """Write one audit entry per refusal noted (outside any transaction of the refused work)."""
    from panah.audit.services import record_refusals

    written = record_refusals(refusals) if refusals else 0
    refusals.clear()
    return written


__all__ = [
    "GRANTABLE",
    "POLICY",
    "Basis",
    "On",
    "Refused",
    "Rule",
    "Target",
    "allowed_persons",
    "collecting_refusals",
    "file_action",
    "flush_refusals",
    "found_in_scope",
    "is_system_admin",
    "may",
    "may_all",
    "note_refusal",
    "require",
    "require_found",
    "role_allows",
    "seats",
]
