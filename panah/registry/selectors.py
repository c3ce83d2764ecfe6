"""Reads of the registry. All go through the scoped managers, so they see only the open scope."""

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.accounts.permissions import Target, note_refusal
from panah.accounts.roles import Action
from panah.accounts.scope import current_scope, scope_for, unscoped
from panah.registry import names as name_keys
from panah.registry.models import Document, HouseholdMember, NameToken, Person, PersonName, document_key

REGISTRATION_NUMBER = re.compile(r"^PN(\d{7})(\d)$")
YEAR = re.compile(r"^(19|20)\d\d$")
MAX_WORDS = 4
CANDIDATES = 200
# How a name is looked up is chosen by counting index entries (see _with_words): a word with fewer
# than SELECTIVE entries is read from the index; counting stops at COUNT_CAP.
SELECTIVE = 5_000
COUNT_CAP = 50_000


@dataclass
class SearchResult:
    query: str
    persons: list[Person] = field(default_factory=list)
    matched_by: dict[int, str] = field(default_factory=dict)
    more: bool = False  # more persons matched than are shown


# A record merged into a record that was itself merged later: how far a number is followed.
MAX_MERGE_CHAIN = 10


def _with_names() -> QuerySet[Person]:
    return Person.objects.select_related("region", "country_of_origin").prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("position", "id"))
    )


def person_list_queryset() -> QuerySet[Person]:
    """What a list of persons shows: names, region and origin in a fixed number of queries.

    Records merged into another as duplicates are left out: their survivor stands for them."""
    return _with_names().filter(merged_into__isnull=True)


def get_person(registration_number: str) -> Person:
    """The person with this number inside the open scope; 404 alike for "no such" and "not yours".

    The number of a record merged into another resolves to the surviving record (when the open scope
    covers it), so old certificates and files that quote it still lead to the person."""
    persons = _with_names().select_related("organisation", "birth_country", "citizenship")
    person = persons.filter(registration_number=registration_number).first()
    for _step in range(MAX_MERGE_CHAIN):
        if person is None or person.merged_into_id is None:
            break
        person = persons.filter(pk=person.merged_into_id).first()
    if person is None or person.merged_into_id is not None:
        _note_if_out_of_scope(registration_number)
        raise Http404(_("No person with that registration number."))
    return person


def _note_if_out_of_scope(registration_number: str) -> None:
    """A number that exists outside the open scope is a refused attempt (audited when the request ends)."""
    scope = current_scope()
    if scope.everything:
        return
    with unscoped("does the person the caller cannot see exist? (for the refusal's audit entry)"):
        person = Person.objects.filter(registration_number=registration_number).first()
    if person is not None:
        target = Target(
            label=f"registry.Person:{person.pk}",
            organisation_id=person.organisation_id,
            region_code=person.region_id,
            person=person,
        )
        note_refusal(scope.user_id, Action.VIEW_PERSON, target, reason="out_of_scope")


def _token_person_ids(**lookup: Any) -> QuerySet:
    # An inner id set only: the outer Person query applies the scope, so the index is read unscoped.
    return NameToken._base_manager.filter(**lookup).values("person_id")


def _has_token(lookup: dict[str, Any], person: str = "pk") -> Exists:
    # Checked per person of the outer query, through the (person, key) and (skeleton, person) indexes.
    return Exists(NameToken._base_manager.filter(person_id=OuterRef(person), **lookup))


def _count(queryset: QuerySet, cap: int = COUNT_CAP) -> int:
    """Rows of `queryset`, counted up to `cap`: cheap, and enough to compare."""
    return queryset.order_by()[:cap].count()


def _prefix_bounds(prefix: str) -> tuple[str, str | None]:
    """[prefix, upper) such that a key starts with prefix iff prefix <= key < upper (keys are [a-z0-9])."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last not in "9z":
            return prefix, "".join(chars) + chr(ord(last) + 1)
        if last == "9":
            return prefix, "".join(chars) + "a"
    return prefix, None


def _key_prefix(word: str) -> dict[str, str]:
    low, high = _prefix_bounds(word)
    return {"key__gte": low, "key__lt": high} if high else {"key__gte": low}


def _with_words(base: QuerySet[Person], terms: list[tuple[str, dict[str, Any]]], national: bool) -> QuerySet:
    """Ids of the persons of `base` with a name token matching every (word, lookup) term.

    Asked the way that reads least:
    - national scope: the index entries of the rarest word are read in index order, each checked
      for the person (scope) and the other words, until the limit;
    - a narrow scope holding fewer persons than the rarest word has entries, or when every word is
      very common (a letter of a name written in Arabic, "al"): the scope's persons are walked,
      each checked for every word;
    - otherwise the persons of the rarest word are read and checked for the scope and the others.
    A very common word is thus never read whole. PostgreSQL orders these joins itself from its
    statistics; SQLite keeps none for ranges of keys, so there the index entries are counted (up to
    COUNT_CAP) to know which word is rarest and how large the scope is.
    """
    # Longer words tend to be rarer: try those first.
    order = sorted(range(len(terms)), key=lambda i: -len(terms[i][0]))
    entries: dict[int, int] = {order[0]: 0}
    if connections[base.db].vendor == "sqlite" and not (national and len(terms) == 1):
        entries = {}
        for i in order:
            entries[i] = _count(NameToken._base_manager.filter(**terms[i][1]))
            if entries[i] < SELECTIVE:
                break
    rarest = min(entries, key=entries.__getitem__)
    fewest = entries[rarest]
    others = [lookup for i, (_word, lookup) in enumerate(terms) if i != rarest]
    if national:
        # The scope (and any other filter of `base`) is checked per entry, through the scoped manager.
        tokens = NameToken._base_manager.filter(**terms[rarest][1]).filter(
            Exists(base.filter(pk=OuterRef("person_id"))), *[_has_token(lookup, "person_id") for lookup in others]
        )
        return tokens.order_by().values_list("person_id", flat=True).distinct()
    if fewest >= COUNT_CAP or (fewest >= SELECTIVE and _count(base, cap=fewest) < fewest):
        return base.filter(*[_has_token(lookup) for _word, lookup in terms]).order_by().values_list("pk", flat=True)
    queryset = base.filter(pk__in=_token_person_ids(**terms[rarest][1])).filter(
        *[_has_token(lookup) for lookup in others]
    )
    return queryset.order_by().values_list("pk", flat=True)


def _name_candidates(words: list[tuple[str, str]], years: list[int]) -> tuple[list[int], bool]:
    """Ids of persons whose names contain every word: first by spelling, then by skeleton."""
    base = Person.objects.all()
    if years:
        base = base.filter(birth_date__year__in=years)
    national = current_scope().everything  # more persons than any word has entries
    found: list[int] = []
    more = False
    tiers = [
        [(key, _key_prefix(key)) for key, _skel in words],
        [(skel, {"skeleton": skel}) for skel in dict.fromkeys(skel for _key, skel in words)],
    ]
    for terms in tiers:
        ids = list(_with_words(base.exclude(pk__in=found), terms, national)[: CANDIDATES + 1 - len(found)])
        found.extend(ids)
        if len(found) > CANDIDATES:
            return found[:CANDIDATES], True
    return found, more


def _rank(person_ids: list[int], words: list[tuple[str, str]]) -> list[int]:
    """Order candidates by how closely their name words match the query words."""
    keys: dict[int, list[str]] = {}
    # The ids come from the scoped Person query: their tokens are read without joining the scope again.
    for pid, key in NameToken._base_manager.filter(person_id__in=person_ids).values_list("person_id", "key"):
        keys.setdefault(pid, []).append(key)
    # Candidates share most of their keys ("mohammad"), so each pair of words is compared once.
    similarity = functools.cache(name_keys.similarity)

    def score(pid: int) -> float:
        person_keys = keys.get(pid, [])
        if not person_keys:
            return 0.0
        return sum(max(similarity(q, k) for k in person_keys) for q, _s in words) / len(words)

    return sorted(person_ids, key=lambda pid: (-score(pid), pid))


def search_persons(query: str, *, limit: int = 25) -> SearchResult:
    """Find persons by a name in any script, a registration number, an IIN or a document number.

    A four-digit year among the words narrows a name search to persons born that year.
    """
    query = " ".join(query.replace("\x00", " ").split())[:200]  # NUL: no text column holds it
    result = SearchResult(query=query)
    if not query:
        return result
    ordered: dict[int, str] = {}
    compact = document_key(query)

    number = REGISTRATION_NUMBER.match(compact)
    if number:
        canonical = f"PN-{number.group(1)}-{number.group(2)}"
        # A merged-away number finds the record it was merged into (one step; get_person follows more).
        for pk, into in Person.objects.filter(registration_number=canonical).values_list("pk", "merged_into_id"):
            ordered.setdefault(into or pk, "registration number")
    if compact.isdigit() and len(compact) == 12:
        for pk, into in Person.objects.filter(iin=compact).values_list("pk", "merged_into_id")[:limit]:
            ordered.setdefault(into or pk, "IIN")
    if any(ch.isdigit() for ch in compact) and len(compact) >= 4:
        for pk in Document.objects.filter(number_key=compact).values_list("person_id", flat=True)[:limit]:
            ordered.setdefault(pk, "document number")

    tokens = query.split()
    years = [int(t) for t in tokens if YEAR.match(t)]
    words = name_keys.word_keys(" ".join(t for t in tokens if not YEAR.match(t) and not any(c.isdigit() for c in t)))
    if words and not ordered:
        candidates, more = _name_candidates(words[:MAX_WORDS], years)
        ranked = _rank(candidates, words[:MAX_WORDS])
        result.more = more or len(ranked) > limit
        for pk in ranked[:limit]:
            ordered.setdefault(pk, "name")

    persons = {p.pk: p for p in person_list_queryset().filter(pk__in=list(ordered))}
    result.persons = [persons[pk] for pk in ordered if pk in persons]
    result.matched_by = {pk: how for pk, how in ordered.items() if pk in persons}
    return result


def current_household_members(person: Person) -> list[HouseholdMember]:
    """The other current members of the person's household that the open scope may see."""
    current = HouseholdMember.objects.filter(person=person, valid_to__isnull=True).first()
    if current is None:
        return []
    return list(
        HouseholdMember.objects.filter(household_id=current.household_id, valid_to__isnull=True)
        .exclude(person=person)
        .select_related("person")
        .prefetch_related(Prefetch("person__names", queryset=PersonName.objects.order_by("position", "id")))
    )


def registration_places(user: User) -> tuple[list[Any], Any]:
    """The organisations `user` registers persons for, and the regions existing today where they may."""
    from django.utils import timezone

    from panah.accounts.models import Organisation
    from panah.geo.models import Region

    scope = scope_for(user, Action.REGISTER_PERSON)
    today = timezone.localdate()
    if scope.everything:
        return list(Organisation.objects.filter(is_active=True)), Region.objects.valid_on(today)
    organisations = list(Organisation.objects.filter(pk__in={o for g in scope.grants for o in g.organisation_ids}))
    return organisations, Region.objects.valid_on(today).filter(code__in=scope.region_codes)
