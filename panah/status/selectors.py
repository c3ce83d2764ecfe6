"""Reads of the legal-status timeline, computed by the database (never a Python loop over persons)."""

import datetime as dt
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from panah.registry.models import Person, PopulationType
from panah.status.models import StatusEvent


def known_on_bound(known_on: dt.date | dt.datetime) -> dt.datetime:
    """An instant: a date K means "everything recorded by the end of day K" in the local time zone."""
    if isinstance(known_on, dt.datetime):
        return known_on if timezone.is_aware(known_on) else timezone.make_aware(known_on)
    start_of_next_day = dt.datetime.combine(known_on + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_of_next_day) - dt.timedelta(microseconds=1)


def known_events(known_on: dt.date | dt.datetime) -> QuerySet[StatusEvent]:
    """Events recorded by `known_on` and not superseded by a correction recorded by then."""
    bound = known_on_bound(known_on)
    corrections = StatusEvent.objects.filter(supersedes=OuterRef("pk"), recorded_at__lte=bound)
    return StatusEvent.objects.filter(recorded_at__lte=bound).exclude(Exists(corrections))


def population_type_expression(*, as_of: dt.date, known_on: dt.date | dt.datetime) -> Coalesce:
    """Per person (OuterRef "pk"): the population type as of `as_of` as known on `known_on`, or ""."""
    last = (
        known_events(known_on)
        .filter(person=OuterRef("pk"), effective__lte=as_of, population_type__isnull=False)
        .order_by("-effective", "-recorded_at", "-id")
        .values("population_type")[:1]
    )
    return Coalesce(Subquery(last, output_field=CharField()), Value(""))


def persons_with_population(*, as_of: dt.date, known_on: dt.date | dt.datetime) -> QuerySet[Any]:
    """Persons in the open scope annotated with `population_as_of`, in one query."""
    return Person.objects.annotate(population_as_of=population_type_expression(as_of=as_of, known_on=known_on))


def stock(*, as_of: dt.date, known_on: dt.date | dt.datetime) -> dict[str, int]:
    """How many persons were in each population type on `as_of`, as known on `known_on`: one query."""
    rows = (
        persons_with_population(as_of=as_of, known_on=known_on)
        .exclude(population_as_of="")
        .values("population_as_of")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(PopulationType.values, 0)
    counts.update({row["population_as_of"]: row["n"] for row in rows})
    return counts


def timeline(person: Person) -> list[StatusEvent]:
    """A person's events in the order they took effect, with their corrections resolved in the view."""
    return list(
        StatusEvent.objects.filter(person=person)
        .select_related("recorded_by", "organisation", "supersedes")
        .order_by("effective", "recorded_at", "id")
    )
