from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from panah.accounts.models import Membership, Organisation, User
from panah.accounts.permissions import POLICY, Basis, Target, is_system_admin, note_refusal, role_allows, seats
from panah.accounts.roles import Action, Role


def acting_organisation(user: User, action: str, person: Any = None, region: Any = None) -> Organisation | None:
    """The organisation on whose behalf `user` takes `action`: the one owning `person` when the user acts
    for it with that action in the person's region; otherwise the first of the user's organisations whose
    role allows the action in that region (a state body, for an action reserved to the state); otherwise
    the first whose role allows it at all."""
    region_code = getattr(region, "pk", region) or getattr(person, "region_id", None)
    state_only = POLICY[action].bases == {Basis.STATE}
    usable = [
        s for s in seats(user) if role_allows(s.role, action) and (not state_only or s.organisation_kind == "state")
    ]
    preferred = [
        s
        for s in usable
        if person is not None and s.organisation_id == person.organisation_id and region_code in s.regions
    ]
    preferred += [s for s in usable if region_code in s.regions] + usable
    if not preferred:
        return None
    return Organisation.objects.get(pk=preferred[0].organisation_id)


# Who administers whom. A system administrator (role, or Django superuser) administers every user but
# themselves; an organisation administrator administers the users of their organisations, except system
# administrators. A deactivated user belongs to the organisations whose memberships ended with the
# deactivation, so the same administrators may reactivate them.


def administered_organisation_ids(admin: User) -> set[int]:
    """The organisations in which `admin` holds an active role allowing MANAGE_USERS."""
    if not admin.is_authenticated or not admin.is_active:
        return set()
    return {
        m.organisation_id
        for m in Membership.objects.active().filter(user=admin)
        if role_allows(m.role, Action.MANAGE_USERS)
    }


def _belongs_to(organisation_ids: set[int]) -> Q:
    """Users with an active membership in one of the organisations, or deactivated users whose
    membership there ended on the day of their deactivation."""
    today = timezone.localdate()
    active = Q(
        memberships__organisation_id__in=organisation_ids, is_active=True, memberships__valid_from__lte=today
    ) & (Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gt=today))
    ended = Q(
        memberships__organisation_id__in=organisation_ids,
        is_active=False,
        memberships__valid_to__gte=F("deactivated_on"),
    )
    return active | ended


def users_for_admin(admin: User) -> QuerySet[User]:
    """The users `admin` may administer (reset a password, deactivate, end sessions): a system
    administrator everyone but themselves; an organisation administrator the users whose every
    current membership is in organisations they administer, except system administrators,
    superusers and themselves."""
    if is_system_admin(admin):
        return User.objects.exclude(pk=admin.pk)
    organisation_ids = administered_organisation_ids(admin)
    if not organisation_ids:
        return User.objects.none()
    system_admins = Membership.objects.filter(role=Role.SYSTEM_ADMIN).values("user_id")
    # A user who also works for an organisation the admin does not administer is that organisation's
    # too: a temporary password set here would open its persons to whoever set it.
    elsewhere = Membership.objects.active().exclude(organisation_id__in=organisation_ids).values("user_id")
    return (
        User.objects.filter(pk__in=User.objects.filter(_belongs_to(organisation_ids)).values("pk"))
        .exclude(pk=admin.pk)
        .exclude(is_superuser=True)
        .exclude(pk__in=system_admins)
        .exclude(pk__in=elsewhere)
    )


def get_user_for_admin(admin: User, pk: int) -> User:
    """The user `pk` if `admin` may administer them; the same 404 for "no such user" and "not yours" (the
    attempt on an existing user is noted as a refusal for the audit log)."""
    user = users_for_admin(admin).filter(pk=pk).first()
    if user is None:
        if User.objects.filter(pk=pk).exists():
            note_refusal(admin, Action.MANAGE_USERS, Target(label=f"accounts.User:{pk}"), reason="out_of_scope")
        raise Http404
    return user


def membership_organisations(admin: User) -> QuerySet[Organisation]:
    """The organisations in which `admin` gives and ends roles (the policy's MANAGE_MEMBERSHIPS)."""
    organisations = Organisation.objects.filter(is_active=True).prefetch_related("regions").order_by("name")
    if is_system_admin(admin):
        return organisations
    ids = {s.organisation_id for s in seats(admin) if role_allows(s.role, Action.MANAGE_MEMBERSHIPS)}
    return organisations.filter(pk__in=sorted(ids))
