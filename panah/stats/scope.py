"""Which regions' statistics a user may see: national for national memberships, else their regions."""

from typing import Any

from django.utils import timezone

from panah.accounts.roles import Action
from panah.accounts.scope import scope_for
from panah.geo.models import Region


def statistics_regions(user: Any) -> tuple[str, ...] | None:
    """None for the whole country; otherwise the region codes the user's statistics cover.

    A user whose memberships allowing statistics cover every region that exists today is national.
    Raises PermissionError when no membership allows statistics at all.
    """
    scope = scope_for(user, Action.VIEW_STATISTICS)
    if scope.everything:
        return None
    if not scope.grants:
        raise PermissionError("Your role does not include statistics.")
    current = set(Region.objects.valid_on(timezone.localdate()).values_list("code", flat=True))
    covered = set(scope.region_codes)
    if current <= covered:
        return None
    # A regional department also sees its regions' history under their earlier names and codes.
    predecessors = set(Region.objects.filter(successors__code__in=covered).values_list("code", flat=True))
    return tuple(sorted(covered | predecessors))
