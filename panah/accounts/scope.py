"""The one scoping layer for personal data. It fails closed.

Every model that holds personal data uses `ScopedManager`. Its queries raise `ScopeError` unless a
scope is open in the current context; with a scope open they are filtered to the persons that scope
may see. Requests open the caller's view scope in `ScopeMiddleware`; commands and tasks open theirs
with `use_scope(scope_for(user))`; code that must cross every scope says so in one visible line,
`with unscoped("why")`.

A user's scope for an action is the union of one `Grant` per basis the policy allows for it
(`permissions.POLICY`): the persons owned by the membership's organisation in the membership's regions,
the persons of every organisation that grants the action to it under an active agreement, in the regions
both the agreement and the membership cover, and, for a decision reserved to the state, the persons a state
body's officer sees in that body's regions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from panah.accounts.permissions import is_system_admin, person_grants, role_allows, seats
from panah.accounts.roles import Action

if TYPE_CHECKING:
    from panah.accounts.models import User


class ScopeError(RuntimeError):
    """Personal data was queried with no scope open: a programming error, never an empty result."""


@dataclass(frozen=True)
class Grant:
    """Persons owned by any of `organisation_ids` whose region is one of `region_codes`."""

    organisation_ids: frozenset[int]
    region_codes: frozenset[str]

    def q(self, prefix: str, organisation: str = "organisation") -> Q:
        return Q(**{f"{prefix}{organisation}_id__in": sorted(self.organisation_ids)}) & Q(
            **{f"{prefix}region_id__in": sorted(self.region_codes)}
        )

    def covers(self, organisation_id: int, region_code: str) -> bool:
        return organisation_id in self.organisation_ids and region_code in self.region_codes


@dataclass(frozen=True)
class Scope:
    """What one caller may reach for one action. `everything` is only for the system scope."""

    label: str
    grants: tuple[Grant, ...] = ()
    everything: bool = False
    user_id: int | None = None

    def q(self, prefix: str = "", organisation: str = "organisation") -> Q:
        """`organisation` names the field holding the organisation (a referral's `to_organisation`, say)."""
        if self.everything:
            return Q()
        if not self.grants:
            # Matches nothing: an empty scope (a statistician's, say) sees no person at all.
            return Q(pk__in=[])
        combined = Q()
        for grant in self.grants:
            combined |= grant.q(prefix, organisation)
        return combined

    def covers(self, organisation_id: int, region_code: str) -> bool:
        return self.everything or any(g.covers(organisation_id, region_code) for g in self.grants)

    def allows(self, person: Any) -> bool:
        """Whether `person` (a Person, or anything with `organisation_id` and `region_id`) is inside."""
        return self.covers(person.organisation_id, person.region_id)

    @property
    def region_codes(self) -> frozenset[str]:
        return frozenset().union(*(g.region_codes for g in self.grants)) if self.grants else frozenset()


_current: ContextVar[Scope | None] = ContextVar("panah_scope", default=None)


def current_scope() -> Scope:
    scope = _current.get()
    if scope is None:
        raise ScopeError(
            "Personal data was queried outside any scope. Open one with use_scope(scope_for(user)), "
            "or say why it must cross every scope with unscoped(reason)."
        )
    return scope


def active_scope() -> Scope | None:
    return _current.get()


@contextlib.contextmanager
def use_scope(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def unscoped(reason: str) -> contextlib.AbstractContextManager[Scope]:
    """Cross every scope, for system work (migrations of data, the demo, aggregate statistics)."""
    if not reason.strip():
        raise ValueError("unscoped() needs a reason")
    return use_scope(Scope(label=f"unscoped: {reason}", everything=True))


def scope_for(user: User, action: str = Action.VIEW_PERSON, on: dt.date | None = None) -> Scope:
    """The persons `user` may reach for `action` on day `on` (today by default)."""
    on = on or timezone.localdate()
    cache = getattr(user, "_panah_scope_cache", None)  # set by ScopeMiddleware for one request
    if cache is not None and (action, on) in cache:
        return cache[(action, on)]
    scope = _compute_scope(user, action, on)
    if cache is not None:
        cache[(action, on)] = scope
    return scope


def _compute_scope(user: User, action: str, on: dt.date) -> Scope:
    label = f"{user.get_username()}:{action}"
    if not user.is_active or not user.pk:
        return Scope(label=label, user_id=user.pk)
    everything, grants = person_grants(user, action, on)
    if everything:
        return Scope(label=label, everything=True, user_id=user.pk)
    return Scope(label=label, grants=tuple(_merge(grants)), user_id=user.pk)


def organisation_scope(user: User, action: str, on: dt.date | None = None) -> Scope:
    """The organisations `user` acts for with `action`, each in the regions of the user's membership,
    and nothing that other organisations share with them.

    For records that belong to an organisation as their sender or addressee rather than to a person's
    owner: a referral is reached by the organisation that sent it and the partner it is addressed to
    (match with `scope.q(organisation="to_organisation")`). A sharing agreement shares persons, never
    another organisation's correspondence, so it adds nothing here."""
    on = on or timezone.localdate()
    label = f"{user.get_username()}:{action}:own organisations"
    if not user.is_active or not user.pk:
        return Scope(label=label, user_id=user.pk)
    if is_system_admin(user):
        return Scope(label=label, everything=True, user_id=user.pk)
    grants = [
        Grant(frozenset({seat.organisation_id}), seat.regions)
        for seat in seats(user, on)
        if role_allows(seat.role, action) and seat.regions
    ]
    return Scope(label=label, grants=tuple(_merge(grants)), user_id=user.pk)


def _merge(grants: list[Grant]) -> list[Grant]:
    """Fold grants with the same regions together so the SQL stays short."""
    by_regions: dict[frozenset[str], set[int]] = {}
    for grant in grants:
        by_regions.setdefault(grant.region_codes, set()).update(grant.organisation_ids)
    return [Grant(frozenset(orgs), regions) for regions, orgs in by_regions.items()]


class ScopedManager(models.Manager):
    """Default manager of every model with personal data: filtered by the open scope, or an error.

    The model names the lookup from itself to its Person in `person_scope_path` ("" for Person).
    Reading it from the model, not the manager, keeps Django's related managers scoped correctly.
    """

    def get_queryset(self) -> models.QuerySet:
        scope = current_scope()
        queryset = super().get_queryset()
        if scope.everything:
            return queryset
        path = getattr(self.model, "person_scope_path", "")
        return queryset.filter(scope.q(f"{path}__" if path else ""))
