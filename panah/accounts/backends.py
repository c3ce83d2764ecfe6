"""Django's permission API (`user.has_perm`) answered by the scoping layer.

Permissions are named "panah.<action>" (see roles.Action). Without an object the question is
"may this user do it anywhere"; with a person (or an object that has one) it is "inside the scope
for that action".
"""

from typing import Any

from panah.accounts.roles import PERSONAL_DATA_ACTIONS, Action, role_allows
from panah.accounts.scope import scope_for

PREFIX = "panah."


def _person_of(obj: Any) -> Any:
    return obj if hasattr(obj, "region_id") and hasattr(obj, "organisation_id") else obj.person


class ScopedPermissionBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        if not user.is_active or not perm.startswith(PREFIX):
            return False
        action = perm.removeprefix(PREFIX)
        if action not in Action.values:
            return False
        if obj is None:
            return _any_role_allows(user, action)
        if action not in PERSONAL_DATA_ACTIONS:
            return False
        return scope_for(user, action).allows(_person_of(obj))

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        return False


def _any_role_allows(user: Any, action: str) -> bool:
    from panah.accounts.models import Membership

    # Read once per user object (one request): the menu alone asks for several actions.
    if not hasattr(user, "_panah_active_roles"):
        user._panah_active_roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    return any(role_allows(role, action) for role in user._panah_active_roles)
