"""Writes of duplicate review: proposing candidate pairs, deciding them, merging and unmerging records.

Each service is one transaction that checks the caller's rights, validates, writes and appends its
audit entries. Merging folds every row recorded about one record (`merged`) into another
(`survivor`): names and their search tokens, documents, addresses, specific needs, household
memberships, consents and status events. The merged record stays, empty, with `merged_into` set, so
its registration number still leads to the person; the audit log is left as it is (append-only,
entries refer to persons by id and number). `unmerge` moves the very same rows back.
"""

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.accounts.models import User
from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import label
from panah.common.templatetags.panah import day
from panah.matching.comparisons import TF_COLUMNS, NameFrequencies
from panah.matching.models import CandidatePair, Merge, NameFrequency, PairState, Source
from panah.matching.normalise import prepare
from panah.registry.models import (
    Address,
    Consent,
    Document,
    HouseholdMember,
    NameToken,
    Person,
    PersonName,
    PopulationType,
    SpecificNeed,
)
from panah.registry.services import sync_token_birth_years
from panah.stats.facts import refresh_person as refresh_person_facts
from panah.stats.facts import status_intervals
from panah.status.models import RESULTING_POPULATION, EventKind, StatusEvent, move_events_between_duplicates
from panah.status.services import refresh_population_type
from panah.status.timeline import Fact, as_facts, known_events, population_on

BATCH = 500

# Every kind of row recorded about a person, by label, in the order they are moved.
# Status events are moved through status.models.move_events_between_duplicates (they refuse update()).
MOVED: dict[str, Any] = {  # label: the model (apps.get_model keeps the import order one-way)
    "registry.PersonName": PersonName,
    "registry.NameToken": NameToken,
    "registry.Document": Document,
    "registry.Address": Address,
    "registry.SpecificNeed": SpecificNeed,
    "registry.HouseholdMember": HouseholdMember,
    "registry.Consent": Consent,
    "status.StatusEvent": StatusEvent,
    # Casework and what was shared with the person follow the person's file.
    "cases.Case": apps.get_model("cases", "Case"),
    "cases.PersonCondition": apps.get_model("cases", "PersonCondition"),
    # A referral follows its person; the persons it shared stay as they were frozen when it was sent.
    "cases.Referral": apps.get_model("cases", "Referral"),
    "knowledge.SharedInformation": apps.get_model("knowledge", "SharedInformation"),
    # Evidence files follow their person (and their case, which moves too); the blobs stay where they are.
    "evidence.EvidenceFile": apps.get_model("evidence", "EvidenceFile"),
}

DECISIONS = (PairState.SAME, PairState.NOT_SAME, PairState.UNSURE)


# Proposing ----------------------------------------------------------------------------------------


def record_name_frequencies(frequencies: NameFrequencies) -> int:
    """Replace the registry's name frequencies (`NameFrequency`) with those counted on its records by
    the registry-wide batch run. A value longer than the column is left out (counted as unknown: no
    adjustment). Side effects: the NameFrequency table, in one transaction. Returns the rows written."""
    width = NameFrequency._meta.get_field("value").max_length or 0
    rows = [NameFrequency(column=column, value="", count=total) for column, total in frequencies.totals.items()]
    rows += [
        NameFrequency(column=column, value=value, count=count)
        for column, counts in frequencies.counts.items()
        for value, count in counts.items()
        if value and len(value) <= width
    ]
    with transaction.atomic():
        NameFrequency.objects.all().delete()
        NameFrequency.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def count_names(names: Iterable[Any], *, removed: bool = False) -> None:
    """Keep the registry's name frequencies (`NameFrequency`) in step with name records written
    (or, with `removed`, taken away): PersonName rows, or mappings of their fields, each counted as
    the batch run counts it: one person-file row per name, through `normalise.prepare`. Side effects: NameFrequency counts, in the caller's transaction.

    Counted as they are written rather than recounted periodically: recounting means normalising
    every name of the registry (the batch run's minutes), while a registration adds one or two rows
    here. Until the first batch run has counted the registry (no total for a column) nothing is
    counted: frequencies of the newest registrations alone would misjudge every name. A merge moves
    names from one record to another and leaves the counts as they are."""
    deltas: Counter[tuple[str, str]] = Counter()
    for name in names:
        get = name.get if isinstance(name, Mapping) else functools.partial(getattr, name)
        fields = ("given_name", "family_name", "patronymic")
        features = prepare({**{f: get(f, "") for f in fields}, "full_name_original": get("full_name", "")})
        for column in TF_COLUMNS:
            value = features.get(column) or ""
            if value:
                deltas[(column, "")] += 1
                deltas[(column, value)] += 1
    counted = set(NameFrequency.objects.filter(value="").values_list("column", flat=True))
    width = NameFrequency._meta.get_field("value").max_length or 0
    changes = [(c, v, n) for (c, v), n in sorted(deltas.items()) if c in counted and len(v) <= width]
    if not changes:
        return
    if removed:
        for column, value, n in changes:
            NameFrequency.objects.filter(column=column, value=value).update(count=Greatest(F("count") - n, 0))
        return
    table = connection.ops.quote_name(NameFrequency._meta.db_table)
    # One statement for all the names, safe against a concurrent registration of the same new name
    # (SQLite and PostgreSQL both write INSERT ... ON CONFLICT DO UPDATE).
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO {table} ("column", "value", "count") VALUES (%s, %s, %s) '  # noqa: S608 (the model's table)
            f'ON CONFLICT ("column", "value") DO UPDATE SET "count" = {table}."count" + excluded."count"',
            changes,
        )


def _evidence(items: Iterable[Any]) -> list[list[str]]:
    """Evidence as stored: [comparison, level, left value, right value] per item, values cut to a length
    a pair's page can show (see `comparisons.describe`)."""
    return [[str(part)[:300] for part in item] for item in items or []]


def propose_pairs(pairs: Iterable[tuple[int, int, float, list]], source: str) -> int:
    """Put candidate pairs found by the matcher into the review queue. Returns pairs created or updated.

    `pairs` are (person id, person id, score from 0 to 1, evidence as [[aspect, phrase], ...]), the
    two ids in either order; `source` is "online" (the check at registration) or "batch".
    - a pair not seen before is created, open;
    - an open pair takes the new score, evidence and source (the latest proposal stands);
    - a pair already decided is left alone: one decided "not the same" is never proposed again, and
      "the same" or "unsure" keep their reviewer's decision;
    - a pair of a record with itself, with a record merged into another, or with an id that does not
      exist is skipped.
    The matcher compares the whole registry, so this crosses every scope; the pairs are only ever read
    through the scoped queue (`selectors.pairs_for_user`).
    Side effects: CandidatePair rows. No audit entry: no person's record changes, and each decision
    on a pair is audited.
    Raises ValueError for an unknown source or a score outside 0..1.
    """
    if source not in Source.values:
        raise ValueError(f"Unknown source {source!r}: one of {', '.join(Source.values)}")
    wanted: dict[tuple[int, int], tuple[float, list[list[str]]]] = {}
    for first, second, score, evidence in pairs:
        if first == second:
            continue
        score = float(score)
        if not -1e-9 <= score <= 1 + 1e-9:  # rounding of a computed probability is tolerated, nothing more
            raise ValueError(f"Score {score} of pair ({first}, {second}) is outside 0..1")
        score = min(max(score, 0.0), 1.0)
        wanted[(min(first, second), max(first, second))] = (score, _evidence(evidence))
    written = 0
    keys = list(wanted)
    now = timezone.now()
    with unscoped("record duplicate candidates found by the matcher"), transaction.atomic():
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            ids = {pk for key in chunk for pk in key}
            live = set(Person.objects.filter(pk__in=ids, merged_into__isnull=True).values_list("pk", flat=True))
            existing = {
                (pair.left_id, pair.right_id): pair
                for pair in CandidatePair.objects.filter(
                    left_id__in={left for left, _right in chunk}, right_id__in={right for _left, right in chunk}
                )
            }
            new, changed = [], []
            for key in chunk:
                if key[0] not in live or key[1] not in live:
                    continue
                score, evidence = wanted[key]
                pair = existing.get(key)
                if pair is None:
                    new.append(
                        CandidatePair(
                            left_id=key[0], right_id=key[1], score=score, evidence=evidence, source=source,
                            proposed_at=now, updated_at=now,
                        )
                    )  # fmt: skip
                elif pair.state == PairState.OPEN:
                    pair.score, pair.evidence, pair.source, pair.updated_at = score, evidence, source, now
                    changed.append(pair)
            # A pair proposed at the same moment by another run is kept as that run wrote it.
            CandidatePair.objects.bulk_create(new, ignore_conflicts=True)
            CandidatePair.objects.bulk_update(changed, ["score", "evidence", "source", "updated_at"])
            written += len(new) + len(changed)
    return written


# Deciding -----------------------------------------------------------------------------------------


@transaction.atomic
def decide(*, by: User, pair: CandidatePair, decision: str, note: str = "") -> CandidatePair:
    """Record a reviewer's decision on a pair: the same person, not the same, or unsure.

    A decision may be revised later; "not the same" keeps the pair out of every later proposal.
    Deciding "the same" does not merge: that is `merge`, which needs the right to merge.
    Side effects: the pair's state, reviewer, time and note; one audit entry on each person.
    Raises PermissionDenied unless `by` may change (or merge) both records, ValidationError for an
    unknown decision or for undoing "the same" while the records are merged.
    """
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose the same, not the same or unsure.")})
    for person in (pair.left, pair.right):
        require(by, Action.REVIEW_DUPLICATES, person)
    with unscoped("decide a duplicate pair (rights checked above)"):
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        left, right = Person.objects.get(pk=pair.left_id), Person.objects.get(pk=pair.right_id)
        if decision != PairState.SAME and _live_merge(left, right) is not None:
            raise ValidationError(
                {"decision": _("These records are merged. Undo the merge first, then record the new decision.")}
            )
        before = pair.state
        pair.state, pair.reviewed_by, pair.reviewed_at, pair.note = decision, by, timezone.now(), note.strip()
        pair.save(update_fields=["state", "reviewed_by", "reviewed_at", "note"])
    for person, other in ((left, right), (right, left)):
        record(
            by=by,
            action=AuditEntry.Action.CHANGE,
            obj=pair,
            person=person,
            message="duplicate_review",
            params={"other": other.registration_number, "decision": label("matching.CandidatePair.state", decision)},
            changes={"state": [before, decision], "score": pair.score, "other": other.registration_number},
            purpose=pair.note,
        )
    return pair


def _live_merge(first: Person, second: Person) -> Merge | None:
    return (
        Merge.objects.filter(undone_at__isnull=True)
        .filter(
            models.Q(survivor_id=first.pk, merged_id=second.pk) | models.Q(survivor_id=second.pk, merged_id=first.pk)
        )
        .first()
    )


def _pair_of(first: Person, second: Person) -> CandidatePair | None:
    return CandidatePair.objects.filter(left_id=min(first.pk, second.pk), right_id=max(first.pk, second.pk)).first()


# Conflicts ----------------------------------------------------------------------------------------


_STANDING_WORDS = {
    "": gettext_lazy("in no population of concern"),
    PopulationType.ASY: gettext_lazy("an asylum-seeker with an open claim"),
    PopulationType.REF: gettext_lazy("a refugee"),
    PopulationType.STA: gettext_lazy("a stateless person"),
    PopulationType.UND: gettext_lazy("a person of undetermined nationality"),
    PopulationType.OOC: gettext_lazy("other of concern"),
}


def _has_timeline(facts: list[Fact], now: dt.datetime) -> bool:
    """Whether any event that sets a population type is in force (not retracted or corrected away)."""
    return any(RESULTING_POPULATION[f.kind] is not None for f in known_events(facts, now))


def _standing(facts: list[Fact], today: dt.date, now: dt.datetime) -> tuple[str, Fact | None]:
    """The population type today, as known now, and the event that put the person in it."""
    changing = [
        f for f in known_events(facts, now) if f.effective <= today and RESULTING_POPULATION[f.kind] is not None
    ]
    last = max(changing, key=lambda f: (f.effective, f.recorded_at, f.id), default=None)
    return population_on(facts, today, now), last


def _period(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return _("from %(start)s, still open") % {"start": day(start)}
    return _("from %(start)s until %(end)s") % {"start": day(start), "end": day(end)}


def merge_conflicts(first: Person, second: Person) -> list[str]:
    """What in the two records' legal files contradicts each other, in words; empty when they may merge.

    - both have a status timeline and their population types today differ;
    - asylum claims of the two are open at the same time (two claims by one person);
    - both are current members of a household (one person lives in one household).
    A decision officer corrects one timeline (or a registrar one membership) first.
    """
    now, today = timezone.now(), timezone.localdate()
    with unscoped("compare two records' legal files before a merge"):
        facts = {p.pk: as_facts(StatusEvent.objects.filter(person_id=p.pk)) for p in (first, second)}
        households = {
            m.person_id: m
            for m in HouseholdMember.objects.filter(person_id__in=[first.pk, second.pk], valid_to__isnull=True)
            .select_related("household")
        }  # fmt: skip
    conflicts: list[str] = []
    a, b = facts[first.pk], facts[second.pk]
    if _has_timeline(a, now) and _has_timeline(b, now):
        (pa, ea), (pb, eb) = _standing(a, today, now), _standing(b, today, now)
        if pa != pb:

            def since(event: Fact | None) -> str:
                if event is None:
                    return ""
                return _(" since %(date)s (%(event)s)") % {
                    "date": day(event.effective),
                    "event": EventKind(event.kind).label,
                }

            conflicts.append(
                _(
                    "Their legal statuses differ today: %(first)s is %(first_state)s%(first_since)s; "
                    "%(second)s is %(second_state)s%(second_since)s. Correct one status timeline first."
                )
                % {
                    "first": first.registration_number,
                    "first_state": _STANDING_WORDS[pa],
                    "first_since": since(ea),
                    "second": second.registration_number,
                    "second_state": _STANDING_WORDS[pb],
                    "second_since": since(eb),
                }
            )
        claims_a = [(s, e) for s, e, p in status_intervals(a, now) if p == PopulationType.ASY]
        claims_b = [(s, e) for s, e, p in status_intervals(b, now) if p == PopulationType.ASY]
        for start_a, end_a in claims_a:
            for start_b, end_b in claims_b:
                if (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a):
                    conflicts.append(
                        _(
                            "Asylum claims overlap: %(first)s has a claim open %(first_period)s and %(second)s "
                            "one open %(second_period)s. One person has one claim at a time: correct one "
                            "status timeline first."
                        )
                        % {
                            "first": first.registration_number,
                            "first_period": _period(start_a, end_a),
                            "second": second.registration_number,
                            "second_period": _period(start_b, end_b),
                        }
                    )
    if first.pk in households and second.pk in households:
        conflicts.append(
            _(
                "Both records are current members of a household (%(first)s in %(first_household)s, "
                "%(second)s in %(second_household)s). End one of the memberships first."
            )
            % {
                "first": first.registration_number,
                "first_household": households[first.pk].household,
                "second": second.registration_number,
                "second_household": households[second.pk].household,
            }
        )
    return conflicts


# Merging ------------------------------------------------------------------------------------------

# The Person fields a merge may change (the population type is recomputed from the joined timeline).
PERSON_FIELDS_KEPT = ("population_type", "merged_into_id")


def _person_fields(person: Person) -> dict[str, Any]:
    return {f: getattr(person, f) for f in PERSON_FIELDS_KEPT}


@transaction.atomic
def merge(*, by: User, survivor: Person, merged: Person, reason: str, pair: CandidatePair | None = None) -> Merge:
    """Fold the record `merged` into `survivor`: one person, one record.

    Side effects: every name (with its search tokens), document, address, specific need, household
    membership, consent and status event of `merged` now belongs to `survivor`; `merged.merged_into`
    is set, so its registration number resolves to the survivor; the pair between them (if any) is
    decided "the same"; one Merge row whose snapshot lists every moved row by id; the survivor's
    population type and both persons' statistics rows are refreshed (the merged record has none, so
    the person counts once); one audit entry on each person. Audit entries are not touched.
    Raises PermissionDenied unless `by` may merge both records; ValidationError when a record is
    already merged, when the pair was decided "not the same", or when their legal files conflict
    (`merge_conflicts` says exactly what).
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    if survivor.pk == merged.pk:
        raise ValidationError({"survivor": _("A record cannot be merged into itself.")})
    for person in (survivor, merged):
        require(by, Action.MERGE_PERSONS, person)
    with unscoped("merge two records of one person (rights checked above)"):
        locked = {
            p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        for person in (survivor, merged):
            if person.merged_into_id is not None:
                raise ValidationError(
                    _("%(number)s has already been merged into another record.")
                    % {"number": person.registration_number}
                )
        pair = pair or _pair_of(survivor, merged)
        if pair is not None:
            pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
            if {pair.left_id, pair.right_id} != {survivor.pk, merged.pk}:
                raise ValidationError(_("This pair is about other records."))
            if pair.state == PairState.NOT_SAME:
                raise ValidationError(
                    _("These records were decided not to be the same person. Record a new decision first.")
                )
        conflicts = merge_conflicts(survivor, merged)
        if conflicts:
            raise ValidationError(conflicts)

        # Each record's own attributes are kept as a version first, so figures as known before the
        # merge still describe the two records as they were.
        refresh_person_facts(survivor.pk)
        refresh_person_facts(merged.pk)
        moved = {
            label: sorted(model.objects.filter(person_id=merged.pk).values_list("pk", flat=True))
            for label, model in MOVED.items()
        }
        snapshot = {
            "survivor": {"id": survivor.pk, "registration_number": survivor.registration_number},
            "merged": {"id": merged.pk, "registration_number": merged.registration_number},
            "moved": moved,
            "survivor_before": _person_fields(survivor),
            "merged_before": _person_fields(merged),
            "pair_before": {"id": pair.pk, "state": pair.state} if pair is not None else None,
        }
        for label, model in MOVED.items():
            if model is StatusEvent:
                move_events_between_duplicates(moved[label], to_person_id=survivor.pk)
            else:
                model.objects.filter(pk__in=moved[label]).update(person_id=survivor.pk)
        sync_token_birth_years([survivor.pk])  # the merged record's names are now the survivor's
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
        merged.merged_into = survivor
        now = timezone.now()
        if pair is not None and pair.state != PairState.SAME:
            pair.state, pair.reviewed_by, pair.reviewed_at = PairState.SAME, by, now
            pair.save(update_fields=["state", "reviewed_by", "reviewed_at"])
        done = Merge.objects.create(
            survivor=survivor, merged=merged, pair=pair, by=by, at=now, reason=reason.strip(), snapshot=snapshot
        )
        refresh_population_type(survivor)
        refresh_person_facts(merged.pk)
    counts = {label: len(ids) for label, ids in moved.items() if ids}
    record(
        by=by,
        action=AuditEntry.Action.MERGE,
        obj=done,
        person=survivor,
        message="merged_into_this",
        params={"number": merged.registration_number},
        changes={"merged": merged.registration_number, "moved": counts},
        purpose=done.reason,
    )
    record(
        by=by,
        action=AuditEntry.Action.MERGE,
        obj=done,
        person=merged,
        message="merged_into",
        params={"number": survivor.registration_number},
        changes={"survivor": survivor.registration_number, "moved": counts},
        purpose=done.reason,
    )
    return done


def _corrections_of(event_ids: list[int], survivor: Person) -> list[int]:
    """Corrections recorded on the survivor after the merge that correct (through any chain of
    corrections) one of these events: they are about the merged record's timeline and go back with it."""
    found: set[int] = set()
    frontier = set(event_ids)
    while frontier:
        frontier = set(
            StatusEvent.objects.filter(person_id=survivor.pk, supersedes_id__in=frontier)
            .exclude(pk__in=found | set(event_ids))
            .values_list("pk", flat=True)
        )
        found |= frontier
    return sorted(found)


@transaction.atomic
def unmerge(*, by: User, merge: Merge, reason: str = "") -> Merge:
    """Undo a merge: give the merged record back exactly the rows that moved, and its number.

    Rows added to the survivor after the merge stay with it (nothing says which record they were
    about); a row that moved and was deleted since (a name replaced on the survivor, say) cannot come
    back and is listed in `merge.missing_on_undo` and in the audit entries.
    Side effects: the moved rows belong to the merged record again; `merged_into` is cleared; the
    pair's decision is what it was before the merge; the Merge row is marked undone; both persons'
    population types and statistics rows are refreshed; one audit entry on each person.
    Corrections recorded on the survivor after the merge of an event that came from the merged record
    go back with that event: they are about its timeline.
    Raises PermissionDenied unless `by` may merge both records; ValidationError when the merge is
    already undone or when the survivor has since been merged into a third record (undo that first).
    """
    with unscoped("undo a merge of two records (rights checked below)"):
        merge = Merge.objects.select_for_update().select_related("survivor", "merged").get(pk=merge.pk)
        survivor, merged = merge.survivor, merge.merged
        for person in (survivor, merged):
            require(by, Action.MERGE_PERSONS, person)
        if merge.undone_at is not None:
            raise ValidationError(_("This merge has already been undone."))
        locked = {
            p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if survivor.merged_into_id is not None:
            later = Person.objects.get(pk=survivor.merged_into_id)
            raise ValidationError(
                _("%(survivor)s has since been merged into %(later)s. Undo that merge first.")
                % {"survivor": survivor.registration_number, "later": later.registration_number}
            )
        moved: dict[str, list[int]] = merge.snapshot["moved"]
        missing: dict[str, list[int]] = {}
        followers: list[int] = []
        for label, model in MOVED.items():
            ids = moved.get(label, [])
            if model is NameToken:
                continue  # tokens follow their names, below
            present = list(model.objects.filter(pk__in=ids, person_id=survivor.pk).values_list("pk", flat=True))
            if len(present) != len(ids):
                missing[label] = sorted(set(ids) - set(present))
            if model is StatusEvent:
                followers = _corrections_of(present, survivor)
                move_events_between_duplicates([*present, *followers], to_person_id=merged.pk)
            else:
                model.objects.filter(pk__in=present).update(person_id=merged.pk)
        # The search tokens of the names that went back, whether or not they were rebuilt meanwhile.
        NameToken.objects.filter(name__person_id=merged.pk).update(person_id=merged.pk)
        sync_token_birth_years([survivor.pk, merged.pk])
        Person.objects.filter(pk=merged.pk).update(merged_into=None)
        merged.merged_into = None
        pair_before = merge.snapshot.get("pair_before")
        if pair_before and merge.pair_id:
            CandidatePair.objects.filter(pk=merge.pair_id).update(state=pair_before["state"])
        merge.undone_at, merge.undone_by, merge.undo_reason = timezone.now(), by, reason.strip()
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        refresh_population_type(survivor)
        refresh_population_type(merged)
    merge.missing_on_undo = missing  # type: ignore[attr-defined]
    for person, other in ((survivor, merged), (merged, survivor)):
        record(
            by=by,
            action=AuditEntry.Action.MERGE,
            obj=merge,
            person=person,
            message="unmerged",
            params={"merged": merged.registration_number, "survivor": survivor.registration_number},
            changes={"other": other.registration_number, "missing": missing, "corrections_followed": followers},
            purpose=merge.undo_reason,
        )
    return merge
