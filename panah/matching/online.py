"""The duplicate check while a registrar enters a person.

Candidates are found through the name index the registry keeps on every write (`NameToken`
skeletons: script-independent), narrowed by birth year when one is given, plus exact document
numbers; each is scored with the same Fellegi–Sunter model as the batch run
(`comparisons.score_pair`), once per script the candidate's names are written in, keeping the best.

Duplicates across offices are the point, so candidates are looked for in the whole registry. What
the registrar is shown depends on their scope: a person they may see appears with names, evidence
and a link; one they may not see appears only as "registered by <organisation>", with no personal
data, and the pair goes to the review queue for someone who may see both.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from panah.accounts.permissions import allowed_persons, may_all
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.matching.comparisons import JUDGED_SAME, model_for_population, score_pair
from panah.matching.models import CandidatePair, PairState
from panah.matching.normalise import PARTICLES, prepare
from panah.matching.selectors import name_frequencies
from panah.matching.services import decide, propose_pairs
from panah.registry.models import Address, DatePrecision, Document, NameToken, Person, PersonName
from panah.registry.names import similarity, word_keys

# Persons read from the index at most, before scoring: bounds the check's time for common names.
CANDIDATE_LIMIT = 200
# Shown to the registrar at most, best first.
SHOWN = 5
# Below this probability a candidate is not worth the registrar's attention: the batch's threshold, so the
# registrar sees every record the registry-wide run would pair with the new one.
THRESHOLD = JUDGED_SAME


@dataclass
class Candidate:
    person: Person
    probability: float
    evidence: list[tuple[str, str]] = field(default_factory=list)
    visible: bool = True
    names: list[str] = field(default_factory=list)  # as written, every script
    codes: list[list[str]] = field(default_factory=list)  # the evidence as stored (comparisons.describe)

    @property
    def percent(self) -> int:
        return round(100 * self.probability)


def _birth_text(birth: dt.date | None, precision: str | None) -> str:
    """A birth date as the person file writes it: YYYY, YYYY-MM or YYYY-MM-DD by its precision."""
    if birth is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{birth.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{birth.year:04d}-{birth.month:02d}"
    return birth.isoformat()


def person_rows(persons: Iterable[Person]) -> dict[int, list[dict[str, str]]]:
    """Person-file rows (ARCHITECTURE.md 3.1) for each person, one per set of names (a script, a kind)."""
    persons = list(persons)
    ids = [p.pk for p in persons]
    documents: dict[int, tuple[str, str]] = {}
    for pid, kind, number in Document._base_manager.filter(person_id__in=ids).values_list(
        "person_id", "type", "number"
    ):
        documents.setdefault(pid, (kind, number))
    places: dict[int, tuple[str, str]] = {}
    current = Address._base_manager.filter(person_id__in=ids, valid_to__isnull=True).order_by("-valid_from", "-id")
    for pid, locality, line in current.values_list("person_id", "locality", "line"):
        places.setdefault(pid, (locality, line))
    return _rows(persons, _names_of(ids), documents, places)


def _with_document_and_place(persons: QuerySet[Person]) -> QuerySet[Person]:
    """`persons` with the first document and the current address that `person_rows` reads, as
    columns of the same query: the online check reads its candidates in two queries, not four
    (each round trip to PostgreSQL costs a registrar's check more than these subqueries)."""
    document = Document._base_manager.filter(person_id=OuterRef("pk"))  # the model's order: -valid_to, -id
    place = Address._base_manager.filter(person_id=OuterRef("pk"), valid_to__isnull=True).order_by("-valid_from", "-id")
    return persons.annotate(
        first_document_type=Subquery(document.values("type")[:1]),
        first_document_number=Subquery(document.values("number")[:1]),
        current_locality=Subquery(place.values("locality")[:1]),
        current_line=Subquery(place.values("line")[:1]),
    )


def _annotated_rows(persons: list[Person]) -> dict[int, list[dict[str, str]]]:
    """`person_rows` for persons read through `_with_document_and_place`."""
    documents = {
        p.pk: (p.first_document_type, p.first_document_number)  # type: ignore[attr-defined]
        for p in persons
        if p.first_document_type is not None  # type: ignore[attr-defined]
    }
    places = {
        p.pk: (p.current_locality, p.current_line)  # type: ignore[attr-defined]
        for p in persons
        if p.current_locality is not None  # type: ignore[attr-defined]
    }
    return _rows(persons, _names_of([p.pk for p in persons]), documents, places)


def _names_of(ids: list[int]) -> dict[int, list[PersonName]]:
    names: dict[int, list[PersonName]] = defaultdict(list)
    for name in PersonName._base_manager.filter(person_id__in=ids).order_by("position", "id"):
        names[name.person_id].append(name)
    return names


def _rows(
    persons: list[Person],
    names: Mapping[int, list[PersonName]],
    documents: Mapping[int, tuple[str, str]],
    places: Mapping[int, tuple[str, str]],
) -> dict[int, list[dict[str, str]]]:
    result: dict[int, list[dict[str, str]]] = {}
    for person in persons:
        document = documents.get(person.pk, ("", ""))
        place = places.get(person.pk, ("", ""))
        common = {
            "person_id": str(person.pk),
            "sex": person.sex,
            "birth_date": _birth_text(person.birth_date, person.birth_date_precision),
            "country_of_origin": person.country_of_origin_id or "",
            "region": person.region_id or "",
            "document_type": document[0],
            "document_number": document[1],
            "locality": place[0],
            "address": place[1],
        }
        rows = [
            {
                **common,
                "given_name": n.given_name,
                "family_name": n.family_name,
                "patronymic": n.patronymic,
                "full_name_original": n.full_name,
            }
            for n in names.get(person.pk, [])
        ]
        result[person.pk] = rows or [common]
    return result


def _display(row: Mapping[str, str]) -> str:
    parts = [row.get("family_name", ""), row.get("given_name", ""), row.get("patronymic", "")]
    return " ".join(p for p in parts if p) or row.get("full_name_original", "")


def _index_skeletons(text: str) -> list[str]:
    """Skeletons of the words as the name index stores them (word by word, as written), without the
    particles an office may or may not write ("al-", "bin"), longest (rarest) first."""
    words = [(key, skel) for key, skel in word_keys(text) if key not in PARTICLES]
    return sorted(dict.fromkeys(skel for _key, skel in words), key=len, reverse=True)


# Index entries counted at most, to find the rarest word of a name (SQLite keeps no statistics).
COUNT_CAP = 2000
# Candidates scored at most: a registrar compares a handful, and each costs a normalisation.
SCORED = 40


def _tokens(skeleton: str, years: list[int] | None) -> QuerySet[NameToken]:
    """Index entries of one name word, of persons born in one of `years` or whose birth date is
    unknown (birth_year 0): a range of the (skeleton, birth_year, person) index."""
    tokens = NameToken._base_manager.filter(skeleton=skeleton)
    return tokens.filter(birth_year__in=[*years, 0]) if years else tokens


def _rarest_first(skeletons: list[str], years: list[int] | None) -> list[str]:
    if len(skeletons) < 2:
        return skeletons
    counts = dict(zip(skeletons, capped_counts([_tokens(s, years) for s in skeletons], COUNT_CAP), strict=True))
    return sorted(skeletons, key=lambda s: (counts[s], -len(s)))


def capped_counts(querysets: list[QuerySet[Any]], cap: int) -> list[int]:
    """The rows of each queryset, each counted up to `cap`, in one query: a round trip per word
    cost the check more than the counting (PostgreSQL is another process; each query waits its turn
    on a busy machine)."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        sql, part_params = queryset.order_by().values("pk")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{len(parts)})")  # noqa: S608 (the ORM's own SQL)
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def _with_skeletons(skeletons: list[str], persons: QuerySet[Person], years: list[int] | None) -> list[int]:
    """Persons of `persons` born in one of `years` (or not known when) with a name word of every
    skeleton: the rarest skeleton's index entries for those years are read, each checked for the
    other words and for the person."""
    rarest, *others = _rarest_first(skeletons, years)
    # The other words are looked up in the same years (a person's tokens all carry their birth
    # year): PostgreSQL would otherwise hash every entry of a common word (200,000 "Ahmadi").
    tokens = _tokens(rarest, years).filter(
        *[Exists(_tokens(s, years).filter(person_id=OuterRef("person_id"))) for s in others],
        Exists(persons.filter(pk=OuterRef("person_id"))),
    )
    # No DISTINCT: it would sort every match of a common name before the limit; the index order
    # lets the scan stop early (a person written in two scripts appears twice, hence 2x).
    found = tokens.order_by().values_list("person_id", flat=True)[: 2 * CANDIDATE_LIMIT]
    return list(dict.fromkeys(found))[:CANDIDATE_LIMIT]


def _candidate_ids(record: Mapping[str, Any], features: Mapping[str, Any]) -> list[int]:
    """Persons holding the same document number; persons with the given and family names entered
    (any script, any order; at most the three rarest words); and, for compound names written
    together or apart, persons with the family name entered. Name candidates have the sex entered
    (or none recorded) and are born in the year entered, or a year either side when that finds
    too few."""
    found: list[int] = []
    if features["document_number"]:
        found.extend(
            Document._base_manager.filter(number_key=features["document_number"]).values_list("person_id", flat=True)
        )
    persons = Person._base_manager.filter(merged_into__isnull=True)
    if features["sex"]:
        persons = persons.filter(sex__in=[features["sex"], ""])
    names = " ".join(record.get(f, "") or "" for f in ("given_name", "family_name", "full_name_original"))
    everything = _index_skeletons(names)[:3]
    family = _index_skeletons(record.get("family_name", "") or "")[:2]
    year = features["birth_year"]
    for spread in (0, 1) if year else (0,):
        years = list(range(year - spread, year + spread + 1)) if year else None
        if everything:
            found.extend(_with_skeletons(everything, persons, years))
        if family and len(set(found)) < SHOWN and year:
            found.extend(_with_skeletons(family, persons, years))
        if len(set(found)) >= SHOWN:
            break
    return list(dict.fromkeys(found))


def _closest(person_ids: list[int], records: list[Mapping[str, Any]]) -> list[int]:
    """Candidates ordered by how close their name words are to those entered (documents first): a
    cheap first pass over the index keys, so that only the closest are normalised and scored."""
    if len(person_ids) <= SCORED:
        return person_ids
    entered = [key for r in records for key, _s in word_keys(" ".join(str(v) for k, v in r.items() if "name" in k))]
    keys: dict[int, list[str]] = defaultdict(list)
    for pid, key in NameToken._base_manager.filter(person_id__in=person_ids).values_list("person_id", "key"):
        keys[pid].append(key)

    @cache
    def close(a: str, b: str) -> float:
        return similarity(a, b)

    def score(pid: int) -> float:
        mine = keys.get(pid) or [""]
        return sum(max(close(q, k) for k in mine) for q in entered) / max(1, len(entered))

    return sorted(person_ids, key=lambda pid: -score(pid))


def check(records: Iterable[Mapping[str, Any]], *, by: Any, exclude: Iterable[int] = ()) -> list[Candidate]:
    """Probable duplicates of the person described by `records` (person-file rows, one per script
    the names were entered in), best first.

    Reads across all organisations (duplicates across offices are what it is for); marks each
    candidate visible or not for `by`. Side effects: none (the caller records the decision)."""
    records = list(records)
    entered = [prepare(record) for record in records]
    excluded = set(exclude)
    with unscoped("duplicate check at registration: candidates across organisations"):
        ids = list(
            dict.fromkeys(
                pid
                for record, f in zip(records, entered, strict=True)
                for pid in _candidate_ids(record, f)
                if pid not in excluded
            )
        )
        ids = _closest(ids, records)[:SCORED]
        persons = list(
            _with_document_and_place(Person._base_manager.filter(pk__in=ids).select_related("organisation", "region"))
        )
        rows_by_person = _annotated_rows(persons)
        known = {pk: [prepare(row) for row in rows] for pk, rows in rows_by_person.items()}
    visible_ids = allowed_persons(by, Action.VIEW_PERSON, persons)
    candidates = []
    frequencies = name_frequencies(entered)
    # Scored as the registry-wide run scores a file of the registry's size (its prior and decision).
    model = model_for_population(max(frequencies.totals.values(), default=0))
    for person in persons:
        scores = (score_pair(mine, theirs, model, frequencies) for mine in entered for theirs in known[person.pk])
        best = max(scores, key=lambda s: s.probability)
        if best.probability >= THRESHOLD:
            visible = person.pk in visible_ids
            names = [_display(row) for row in rows_by_person[person.pk]] if visible else []
            candidates.append(Candidate(person, best.probability, list(best.evidence), visible, names, best.codes))
    candidates.sort(key=lambda c: (-c.probability, c.person.pk))
    return candidates[:SHOWN]


def registration_records(
    names: Iterable[Mapping[str, str]],
    person: Mapping[str, Any],
    documents: Iterable[Mapping[str, Any]],
    address: Mapping[str, Any] | None = None,
) -> list[dict[str, str]]:
    """Person-file rows for what the registration form holds (one per script the name was entered
    in); `address`: the address form's region, locality and line, when entered."""
    origin = person.get("country_of_origin")
    numbered = [d for d in documents if d.get("number")]
    address = address or {}
    region = address.get("region")
    common = {
        "person_id": "new",
        "sex": person.get("sex") or "",
        "birth_date": _birth_text(person.get("birth_date"), person.get("birth_date_precision")),
        "country_of_origin": getattr(origin, "pk", origin) or "",
        "document_type": (numbered[0].get("type") or "") if numbered else "",
        "document_number": numbered[0]["number"] if numbered else "",
        "region": getattr(region, "pk", region) or "",
        "locality": address.get("locality") or "",
        "address": address.get("line") or "",
    }
    rows = [
        {
            **common,
            "given_name": n.get("given_name", ""),
            "family_name": n.get("family_name", ""),
            "patronymic": n.get("patronymic", ""),
            "full_name_original": n.get("full_name", ""),
        }
        for n in names
    ]
    return rows or [common]


def record_decision(*, by: Any, person: Person, candidates: Iterable[Candidate], decision: str) -> None:
    """After registering despite candidates: every pair goes to the review queue; when the registrar
    said "a different person", the pairs they may decide are closed as not the same (and never
    proposed again); pairs with records they cannot see stay open for a reviewer who can."""
    candidates = list(candidates)
    propose_pairs(
        [(person.pk, c.person.pk, c.probability, c.codes) for c in candidates],
        source="online",
    )
    if decision != "different":
        return
    with unscoped("find the pairs just proposed"):
        pairs = list(
            CandidatePair.objects.filter(
                Q(left=person) | Q(right=person), state=PairState.OPEN, source="online"
            ).select_related("left", "right")
        )
    for pair in pairs:
        other = pair.right_id if pair.left_id == person.pk else pair.left_id
        if any(c.person.pk == other and c.visible for c in candidates) and may_all(
            by, Action.REVIEW_DUPLICATES, (pair.left, pair.right)
        ):
            decide(by=by, pair=pair, decision=PairState.NOT_SAME, note="registered as a different person")
