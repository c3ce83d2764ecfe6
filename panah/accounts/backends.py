"""Django's permission API (`user.has_perm`) answered by the authorisation policy.

Permissions are named "panah.<action>" (see roles.Action). Without an object the question is "may this
user take the action anywhere" (menus, templates); with an object it is the policy's full question
(`permissions.may`): role, owner, agreement, referral and legal authority.
"""

from typing import Any

from panah.accounts.permissions import may
from panah.accounts.roles import Action

PREFIX = "panah."


class ScopedPermissionBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        if not user.is_active or not perm.startswith(PREFIX):
            return False
        action = perm.removeprefix(PREFIX)
        if action not in Action.values:
            return False
        return may(user, action, obj)

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        return False
