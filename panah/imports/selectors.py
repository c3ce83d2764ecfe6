"""Reads of imports: where a user may register persons, and the imports they may follow."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from panah.accounts.models import Organisation, User
from panah.accounts.permissions import is_system_admin, require_found, role_allows, seats
from panah.accounts.roles import Action
from panah.accounts.scope import Scope, scope_for
from panah.imports.mapping import ImportMapping
from panah.imports.models import ColumnMapping, ImportRun, ValueMapping


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


def file_kept(run: ImportRun) -> bool:
    """Whether the run still holds its file (without reading it): it can be checked again, or imported."""
    return ImportRun.objects.filter(pk=run.pk).exclude(content=b"").exists()


def can_recheck(run: ImportRun) -> bool:
    """Whether the user can change how the file is read and check it again: it was checked, or refused,
    and the file is still kept."""
    return run.state in (ImportRun.State.VALIDATED, ImportRun.State.REFUSED) and file_kept(run)


def saved_mapping(organisation: Organisation) -> ImportMapping:
    """The column and value mappings `organisation` saved on earlier imports: offered on its next ones."""
    values: dict[str, dict[str, str]] = {}
    for column, value, code in ValueMapping.objects.filter(organisation=organisation).values_list(
        "column", "value", "code"
    ):
        values.setdefault(column, {})[value] = code
    columns = dict(ColumnMapping.objects.filter(organisation=organisation).values_list("header", "column"))
    return ImportMapping(columns=columns, values=values)
