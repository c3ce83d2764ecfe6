"""Reads of imports: where a user may register persons, and the imports they may follow."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from panah.accounts.models import Organisation, User
from panah.accounts.permissions import is_system_admin, require_found, role_allows, seats
from panah.accounts.roles import Action
from panah.accounts.scope import Scope, scope_for
from panah.imports.models import ImportRun


def registration_scope(by: User | None) -> Scope:
    """Where `by` may register persons; the system itself (a command run without --as) everywhere."""
    if by is None:
        return Scope(label="system:register_person", everything=True)
    return scope_for(by, Action.REGISTER_PERSON)


def registering_organisations(user: User) -> list[Organisation]:
    """The organisations `user` may register persons for (system administrators: all)."""
    if is_system_admin(user):
        return list(Organisation.objects.filter(is_active=True))
    ids = {s.organisation_id for s in seats(user) if role_allows(s.role, Action.REGISTER_PERSON) and s.regions}
    return list(Organisation.objects.filter(pk__in=sorted(ids)).order_by("name"))


def runs_for_user(user: User) -> QuerySet[ImportRun]:
    """The imports `user` asked for, latest first (without the files)."""
    return ImportRun.objects.filter(requested_by=user).select_related("organisation", "job").defer("content")


def get_run_for_user(user: User, pk: int, *, with_content: bool = False) -> ImportRun:
    """One import `user` may follow, or 404 alike for "no such import" and "not yours"."""
    runs = ImportRun.objects.select_related("organisation", "job")
    run = get_object_or_404(runs if with_content else runs.defer("content"), pk=pk)
    require_found(user, Action.FOLLOW_OWN_WORK, run)
    return run
