from typing import Any

from panah.accounts.models import Membership, Organisation
from panah.accounts.roles import role_allows


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
