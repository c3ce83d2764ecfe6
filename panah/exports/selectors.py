"""Reads of exports: where a caller may export, and the persons an export holds."""

from django.db.models import QuerySet

from panah.accounts.models import User
from panah.accounts.roles import Action
from panah.accounts.scope import Scope, scope_for
from panah.registry.models import Person


def export_scope(by: User | None) -> Scope:
    """Where `by` may export; the system itself (a command run without --as) everywhere."""
    if by is None:
        return Scope(label="system:export_persons", everything=True)
    return scope_for(by, Action.EXPORT_PERSONS)


def export_regions(by: User | None) -> frozenset[str] | None:
    """The regions `by` may export from; None for every region."""
    scope = export_scope(by)
    return None if scope.everything else scope.region_codes


def exportable_persons(region: str = "", population_type: str = "") -> QuerySet[Person]:
    """The persons of the open scope (records merged into another left out), filtered."""
    persons = Person.objects.filter(merged_into__isnull=True)
    if region:
        persons = persons.filter(region_id=region)
    if population_type:
        persons = persons.filter(population_type=population_type)
    return persons
