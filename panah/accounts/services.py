"""Changes to user accounts: new users and their roles (memberships), temporary passwords, deactivation and
reactivation, signed-in sessions, and the regions organisations cover.

Each function lists its side effects. Authorisation (who administers whom) is the policy's MANAGE_USERS
(`permissions.require`, answered by `selectors.users_for_admin`), checked here so that a page, a command or
a task cannot skip it.
Audit entries never contain a password.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Membership, Organisation, User, UserSession
from panah.accounts.otp import remove_devices
from panah.accounts.permissions import is_system_admin, require
from panah.accounts.roles import Action, Role
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.client import client_address
from panah.common.phrases import label
from panah.geo.models import Region

# Writing "last seen" on every request would write once per page; once a minute tells enough.
SEEN_EVERY = dt.timedelta(minutes=1)
SESSION_SEEN = "panah_seen"  # in the session: [its key, when the row was last written (epoch seconds)]


@transaction.atomic
def set_temporary_password(*, by: User, user: User, password: str) -> User:
    """Give `user` a temporary password that must be changed at the next sign-in.
    Side effects: the password hash and the must-change flag; every session of the user ended (their
    rows in the session store and UserSession); one audit entry (without the password)."""
    require(by, Action.MANAGE_USERS, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    ended = _end_sessions(UserSession.objects.filter(user=user))
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        message="temporary_password",
        params={"user": user.get_username(), "count": ended},
    )
    return user


@transaction.atomic
def reset_second_factor(*, by: User, user: User, reason: str) -> User:
    """Remove `user`'s authenticator and recovery codes (a lost or replaced phone), so that they enrol
    again at their next sign-in, where their role requires it. The administrator confirms who is asking
    outside Panah (a call, in person) and says how in `reason`.
    Side effects: the user's TOTP and recovery-code devices deleted; every session of the user ended;
    one audit entry with the reason."""
    require(by, Action.MANAGE_USERS, user)
    removed = remove_devices(user)
    ended = _end_sessions(UserSession.objects.filter(user=user))
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        message="otp_reset",
        params={"user": user.get_username(), "reason": reason[:200]},
        changes={"devices_removed": removed, "sessions_ended": ended},
    )
    return user


@transaction.atomic
def change_own_password(*, user: User, password: str, request: HttpRequest | None = None) -> User:
    """The user chooses a new password (validated by the caller's form).
    Side effects: the password hash, the must-change flag cleared, the user's other sessions ended
    (this one is kept, under a new key), one audit entry."""
    from django.contrib.auth import update_session_auth_hash

    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    current = request.session.session_key if request is not None else None
    ended = _end_sessions(UserSession.objects.filter(user=user).exclude(session_key=current or ""))
    if request is not None:
        update_session_auth_hash(request, user)
    record(
        by=user,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        message="password_changed",
        params={"count": ended},
    )
    return user


@transaction.atomic
def deactivate_user(*, by: User, user: User, reason: str = "") -> User:
    """Stop `user` from signing in or acting, keeping everything they did.
    Side effects: is_active False and the day noted; every active membership ended today (one that
    would only start later is ended the day it starts, so it never takes effect); every usable API
    token revoked; every session ended; one audit entry. Persons they registered and audit entries
    naming them stay as they are."""
    from panah.api.models import ApiToken

    require(by, Action.MANAGE_USERS, user)
    if not user.is_active:
        return user
    today = timezone.localdate()
    now = timezone.now()
    ended_memberships = []
    for membership in Membership.objects.select_for_update().filter(user=user).exclude(valid_to__lte=today):
        # A period cannot be empty (membership_valid_period): a membership starting today or later is
        # closed on the day after it starts. The user is inactive, so it gives no access.
        membership.valid_to = max(today, membership.valid_from + dt.timedelta(days=1))
        membership.save(update_fields=["valid_to"])
        ended_memberships.append(membership.pk)
    revoked = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("prefix", flat=True))
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    ended = _end_sessions(UserSession.objects.filter(user=user))
    user.is_active = False
    user.deactivated_on = today
    user.save(update_fields=["is_active", "deactivated_on"])
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        message="user_deactivated_because" if reason else "user_deactivated",
        params={"user": user.get_username(), "reason": reason[:200]},
        changes={
            "is_active": [True, False],
            "memberships_ended": ended_memberships,
            "api_tokens_revoked": revoked,
            "sessions_ended": ended,
        },
    )
    return user


@transaction.atomic
def reactivate_user(*, by: User, user: User, restore_memberships: bool = True) -> User:
    """Let a deactivated user sign in again.
    Side effects: is_active True; with `restore_memberships`, the memberships that ended on the day
    of deactivation are open again (those of organisations `by` administers, or all for a system
    administrator); one audit entry. Revoked API tokens stay revoked."""
    from panah.accounts.selectors import administered_organisation_ids

    require(by, Action.MANAGE_USERS, user)
    if user.is_active:
        return user
    restored: list[int] = []
    if restore_memberships and user.deactivated_on:
        memberships = Membership.objects.filter(user=user, valid_to__gte=user.deactivated_on)
        if not is_system_admin(by):
            memberships = memberships.filter(organisation_id__in=administered_organisation_ids(by))
        restored = list(memberships.values_list("pk", flat=True))
        Membership.objects.filter(pk__in=restored).update(valid_to=None)
    user.is_active = True
    user.deactivated_on = None
    user.save(update_fields=["is_active", "deactivated_on"])
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        message="user_reactivated",
        params={"user": user.get_username()},
        changes={"is_active": [False, True], "memberships_restored": restored},
    )
    return user


# Signed-in sessions


def _client_ip(request: HttpRequest) -> str | None:
    return client_address(request)


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def note_session(request: HttpRequest, user: User) -> None:
    """Create or refresh the row of this request's session, at most once a minute.
    Side effects: one UserSession row written (and the row of the key this session had before a key
    change removed), a timestamp in the session."""
    session = request.session
    key = session.session_key
    if not key:
        return
    now = timezone.now()
    seen = session.get(SESSION_SEEN)
    if seen and seen[0] == key and now.timestamp() - seen[1] < SEEN_EVERY.total_seconds():
        return
    if seen and seen[0] != key:
        UserSession.objects.filter(session_key=seen[0], user=user).delete()
    updated = UserSession.objects.filter(session_key=key, user=user).update(
        last_seen_at=now, ip_address=_client_ip(request)
    )
    if not updated:
        UserSession.objects.filter(session_key=key).delete()  # a key is one user's at a time
        UserSession.objects.create(
            session_key=key,
            user=user,
            ip_address=_client_ip(request),
            user_agent=_user_agent(request),
            created_at=now,
            last_seen_at=now,
        )
    session[SESSION_SEEN] = [key, now.timestamp()]


def forget_session(request: HttpRequest) -> None:
    """On sign-out: the session's row goes. Side effects: at most one UserSession row deleted."""
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()


def active_sessions(user: User) -> Any:
    """The user's sessions seen within the idle timeout, most recent first."""
    since = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, last_seen_at__gt=since)


@transaction.atomic
def end_session(*, by: User, session: UserSession) -> None:
    """Sign the session out wherever it is. `by` is its user or one of their administrators.
    Side effects: the session deleted from the session store, its row deleted, one audit entry."""
    if by.pk != session.user_id:
        require(by, Action.MANAGE_USERS, session.user)
    _end_sessions(UserSession.objects.filter(pk=session.pk))
    record(
        by=by,
        action=AuditEntry.Action.LOGOUT,
        obj=session.user,
        message="own_session_ended" if by.pk == session.user_id else "session_ended",
        params={"user": session.user.get_username(), "address": session.ip_address or "—"},
    )


def _end_sessions(sessions: Any) -> int:
    """Delete each session from the session store (whatever its engine) and its row; the count."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


# Memberships and organisations: what a user may reach is defined here, always audited.


def _check_membership(by: User, organisation: Organisation, role: str, regions: list[Any]) -> None:
    require(by, Action.MANAGE_MEMBERSHIPS, organisation)
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("Choose the role.")
    elif role == Role.SYSTEM_ADMIN:
        require(by, Action.MAINTAIN, message=_("Only a system administrator makes another system administrator."))
    covered = set(organisation.regions.values_list("code", flat=True))
    outside = sorted({getattr(r, "pk", r) for r in regions} - covered)
    if outside:
        errors["regions"] = _("%(organisation)s does not work in %(regions)s.") % {
            "organisation": organisation.name,
            "regions": ", ".join(outside),
        }
    if role != Role.SYSTEM_ADMIN and not regions:
        errors["regions"] = _("Choose the regions the role covers.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grant_membership(
    *,
    by: User,
    user: User,
    organisation: Organisation,
    role: str,
    regions: Iterable[Any],
    valid_from: dt.date | None = None,
) -> Membership:
    """Give `user` a role in `organisation`, in `regions` (which the organisation must cover), from
    `valid_from` (today). Authorised by MANAGE_MEMBERSHIPS on the organisation; only a system administrator
    gives the system administrator's role.
    Side effects: one Membership with its regions (an ended one of the same role is reopened); one audit
    entry naming the organisation, role and regions. Raises ValidationError for a role the user already
    holds there, regions outside the organisation's, or no region."""
    regions = list(regions)
    _check_membership(by, organisation, role, regions)
    valid_from = valid_from or timezone.localdate()
    existing = Membership.objects.select_for_update().filter(user=user, organisation=organisation, role=role).first()
    if existing is not None and (existing.valid_to is None or existing.valid_to > valid_from):
        raise ValidationError({"role": _("The user already has this role in this organisation.")})
    if existing is not None:
        existing.valid_from, existing.valid_to = valid_from, None
        existing.save(update_fields=["valid_from", "valid_to"])
        membership = existing
    else:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role, valid_from=valid_from)
    membership.regions.set(regions)
    codes = sorted(getattr(r, "pk", r) for r in regions)
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        organisation=organisation,
        message="role_given",
        params={
            "user": user.get_username(),
            "role": label("accounts.Membership.role", role),
            "organisation": organisation.code,
            "regions": ", ".join(codes) or "—",
        },
        changes={"membership": membership.pk, "role": role, "regions": codes, "valid_from": valid_from.isoformat()},
    )
    return membership


@transaction.atomic
def end_membership(*, by: User, membership: Membership, reason: str = "", on: dt.date | None = None) -> Membership:
    """End a role from `on` (today): from that day the user no longer reaches what it gave.
    Authorised by MANAGE_MEMBERSHIPS on the membership's organisation.
    Side effects: the membership's `valid_to`; one audit entry with the reason."""
    membership = Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    require(by, Action.MANAGE_MEMBERSHIPS, membership.organisation)
    on = on or timezone.localdate()
    if membership.valid_to is not None and membership.valid_to <= on:
        raise ValidationError(_("This role has already ended."))
    membership.valid_to = max(on, membership.valid_from + dt.timedelta(days=1))
    membership.save(update_fields=["valid_to"])
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=membership.user,
        organisation=membership.organisation,
        message="role_ended",
        params={
            "role": label("accounts.Membership.role", membership.role),
            "user": membership.user.get_username(),
            "organisation": membership.organisation.code,
        },
        changes={"membership": membership.pk, "valid_to": membership.valid_to.isoformat()},
        purpose=reason,
    )
    return membership


@transaction.atomic
def create_user(
    *,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    organisation: Organisation,
    role: str,
    regions: Iterable[Any],
) -> User:
    """Create an account with its first role, and a temporary password to change at the first sign-in.
    Side effects: the User; its Membership (as `grant_membership`); two audit entries."""
    regions = list(regions)
    _check_membership(by, organisation, role, regions)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, must_change_password=True)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=user,
        organisation=organisation,
        message="user_created",
        params={"user": username},
    )
    grant_membership(by=by, user=user, organisation=organisation, role=role, regions=regions)
    return user


@transaction.atomic
def set_organisation_regions(*, by: User, organisation: Organisation, regions: Iterable[Any]) -> Organisation:
    """The regions an organisation covers (and so where its members may be given roles).
    Authorised by MANAGE_ORGANISATIONS (system administrators). A region taken away is also taken out of the
    organisation's memberships, so no member keeps reaching persons there.
    Side effects: the organisation's regions; its memberships' regions narrowed; one audit entry."""
    require(by, Action.MANAGE_ORGANISATIONS)
    codes = sorted({getattr(r, "pk", r) for r in regions})
    before = sorted(organisation.regions.values_list("code", flat=True))
    organisation.regions.set(codes)
    removed = sorted(set(before) - set(codes))
    narrowed = 0
    if removed:
        for membership in Membership.objects.filter(organisation=organisation, regions__code__in=removed).distinct():
            membership.regions.remove(*Region.objects.filter(code__in=removed))
            narrowed += 1
    if before != codes:
        record(
            by=by,
            action=AuditEntry.Action.ADMIN,
            obj=organisation,
            organisation=organisation,
            message="organisation_regions",
            params={"organisation": organisation.code, "regions": ", ".join(codes) or "—"},
            changes={"regions": [before, codes], "memberships_narrowed": narrowed},
        )
    return organisation
