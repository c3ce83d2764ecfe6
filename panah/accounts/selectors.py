from typing import Any

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from panah.accounts.models import Membership, Organisation, User
from panah.accounts.roles import Action, Role, role_allows


def acting_organisation(user: Any, action: str, person: Any = None) -> Organisation | None:
    """The organisation on whose behalf `user` does `action`: the one owning `person` when the user
    belongs to it, otherwise the first of the user's organisations whose role allows the action."""
    memberships = [
        m
        for m in Membership.objects.active().filter(user=user).select_related("organisation")
        if role_allows(m.role, action)
    ]
    if person is not None:
        for membership in memberships:
            if membership.organisation_id == person.organisation_id:
                return membership.organisation
    return memberships[0].organisation if memberships else None


# Who administers whom. A system administrator (role, or Django superuser) administers every user but
# themselves; an organisation administrator administers the users of their organisations, except system
# administrators. A deactivated user belongs to the organisations whose memberships ended with the
# deactivation, so the same administrators may reactivate them.


def is_system_admin(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Membership.objects.active().filter(user=user, role=Role.SYSTEM_ADMIN).exists()


def administered_organisation_ids(admin: Any) -> set[int]:
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


def users_for_admin(admin: Any) -> QuerySet[User]:
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


def may_administer_users(user: Any) -> bool:
    return is_system_admin(user) or bool(administered_organisation_ids(user))


def get_user_for_admin(admin: Any, pk: int) -> User:
    """The user `pk` if `admin` may administer them; the same 404 for "no such user" and "not yours"."""
    return get_object_or_404(users_for_admin(admin), pk=pk)
