"""Reads of duplicate review. Which pairs and merges a user may see is answered here, once.

A reviewer sees a pair only when the scoping layer lets them view both records
(`scope_for(user, Action.VIEW_PERSON)` through `BothPersonsScopedManager`); pages fetch a pair or a
merge with `get_pair_for_user` / `get_merge_for_user`, which raise the same 404 for "does not exist"
and "not yours".
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Abs

from panah.accounts.models import User
from panah.accounts.permissions import Target, found_in_scope
from panah.accounts.roles import Action
from panah.accounts.scope import scope_for, use_scope
from panah.matching.comparisons import TF_COLUMNS, Features, NameFrequencies
from panah.matching.models import CandidatePair, Merge, NameFrequency, PairState
from panah.registry.models import Address, Document, HouseholdMember, Person, PersonName
from panah.status.models import StatusEvent


def pairs_for_user(
    user: User, *, state: str | None = PairState.OPEN, source: str | None = None
) -> QuerySet[CandidatePair]:
    """The pairs `user` may review: both records inside the user's view scope. The most uncertain
    first (a score nearest one half: where a reviewer's judgement adds most), then the higher score.

    `state` None means every state. Open and unsure pairs with a record merged into another are left
    out (the survivor stands for it); decided pairs stay visible, with their merge.
    """
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        pairs = CandidatePair.objects.select_related("left__region", "right__region").prefetch_related(
            Prefetch("left__names", queryset=PersonName.objects.order_by("position", "id")),
            Prefetch("right__names", queryset=PersonName.objects.order_by("position", "id")),
        )
    if state:
        pairs = pairs.filter(state=state)
    if source:
        pairs = pairs.filter(source=source)
    stale = Q(state__in=[PairState.OPEN, PairState.UNSURE]) & (
        Q(left__merged_into__isnull=False) | Q(right__merged_into__isnull=False)
    )
    return pairs.exclude(stale).order_by(Abs(F("score") - 0.5).asc(), "-score", "id")


def get_pair_for_user(user: User, pk: int) -> CandidatePair:
    """One pair `user` may see, or 404 (the same for "no such pair" and "not yours")."""
    return found_in_scope(pairs_for_user(user, state=None), user=user, action=Action.VIEW_PERSON, target=_pair, pk=pk)


def merges_for_user(user: User) -> QuerySet[Merge]:
    """The merges `user` may see: both records inside the user's view scope. Latest first."""
    with use_scope(scope_for(user, Action.VIEW_PERSON)):
        return Merge.objects.select_related("survivor", "merged", "by", "undone_by").order_by("-at", "-id")


def get_merge_for_user(user: User, pk: int) -> Merge:
    return found_in_scope(merges_for_user(user), user=user, action=Action.VIEW_PERSON, target=_merge, pk=pk)


def _pair(pair: CandidatePair) -> Target:
    return Target(f"matching.CandidatePair:{pair.pk}", pair.left.organisation_id, pair.left.region_id, pair.left)


def _merge(merge: Merge) -> Target:
    return Target(
        f"matching.Merge:{merge.pk}", merge.survivor.organisation_id, merge.survivor.region_id, merge.survivor
    )


def live_merge_of(pair: CandidatePair) -> Merge | None:
    """The merge in force between the pair's two records, if any (inside the open scope)."""
    return (
        Merge.objects.filter(undone_at__isnull=True)
        .filter(
            Q(survivor_id=pair.left_id, merged_id=pair.right_id) | Q(survivor_id=pair.right_id, merged_id=pair.left_id)
        )
        .first()
    )


@dataclass
class Side:
    """One record of a pair, as the pair page shows it beside the other."""

    person: Person
    names: list[PersonName] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    events: list[StatusEvent] = field(default_factory=list)
    households: list[HouseholdMember] = field(default_factory=list)
    superseded: set[int] = field(default_factory=set)


def side_by_side(pair: CandidatePair) -> tuple[Side, Side]:
    """Both records of a pair with what tells two people apart, read inside the open scope."""
    sides = []
    for person in (pair.left, pair.right):
        events = list(StatusEvent.objects.filter(person=person).order_by("effective", "recorded_at", "id"))
        sides.append(
            Side(
                person=person,
                names=list(PersonName.objects.filter(person=person).order_by("position", "id")),
                documents=list(Document.objects.filter(person=person)),
                addresses=list(Address.objects.filter(person=person).select_related("region")),
                events=events,
                households=list(HouseholdMember.objects.filter(person=person).select_related("household")),
                superseded={e.supersedes_id for e in events if e.supersedes_id},
            )
        )
    return sides[0], sides[1]


def default_survivor(pair: CandidatePair) -> Person:
    """The older registration survives by default: its number is the one most papers quote."""
    return min((pair.left, pair.right), key=lambda p: (p.created_at, p.pk))


def name_frequencies(records: Iterable[Features]) -> NameFrequencies:
    """How common the names of `records` (`normalise.prepare` features) are in the registry, as the
    last registry-wide batch run counted them (`NameFrequency`): one indexed query. Empty before the
    first run (no adjustment)."""
    wanted = Q(value="")
    for column in TF_COLUMNS:
        values = {record.get(column) for record in records} - {None, ""}
        if values:
            wanted |= Q(column=column, value__in=sorted(values))
    counts: dict[str, dict[str, int]] = {column: {} for column in TF_COLUMNS}
    totals: dict[str, int] = {}
    for column, value, count in NameFrequency.objects.filter(wanted).values_list("column", "value", "count"):
        if value:
            counts.setdefault(column, {})[value] = count
        else:
            totals[column] = count
    return NameFrequencies(counts, totals)
