"""The batch duplicate run over the whole registry, as a background job feeding the review queue."""

from collections.abc import Callable, Iterable
from typing import Any

from django_tasks import task

from panah.accounts.scope import unscoped
from panah.jobs.services import finish_message, running
from panah.matching.batch import find_duplicates
from panah.matching.comparisons import JUDGED_SAME
from panah.matching.online import person_rows
from panah.matching.services import propose_pairs, record_name_frequencies
from panah.registry.models import Person

CHUNK = 5000


def registry_records(progress: Callable[[int, int], None] | None = None) -> list[dict[str, str]]:
    """Every person's names as person-file rows, `person_id` written "<pk>:<n>" (one row per set of
    names, so a person known in three scripts is compared in each)."""
    records: list[dict[str, str]] = []
    with unscoped("batch duplicate detection over the whole registry"):
        ids = list(Person._base_manager.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            persons = Person._base_manager.filter(pk__in=ids[start : start + CHUNK])
            for pk, rows in person_rows(persons).items():
                records.extend({**row, "person_id": f"{pk}:{n}"} for n, row in enumerate(rows))
            if progress is not None:
                progress(min(start + CHUNK, len(ids)), len(ids))
    return records


def person_pairs(pairs: Iterable[Any]) -> dict[tuple[int, int], tuple[float, list]]:
    """Pairs of records folded into pairs of persons, keeping each pair's best score."""
    best: dict[tuple[int, int], tuple[float, list]] = {}
    for pair in pairs:
        left, right = int(str(pair.left_id).split(":")[0]), int(str(pair.right_id).split(":")[0])
        if left == right:
            continue
        key = (min(left, right), max(left, right))
        evidence = [list(item) for item in pair.evidence]
        if key not in best or pair.score > best[key][0]:
            best[key] = (pair.score, evidence)
    return best


@task()
def find_duplicates_in_registry(job_id: int, threshold: float = JUDGED_SAME) -> int:
    """Compare every person with every other (blocked by the engine) and queue probable duplicates.

    Side effects: open CandidatePairs (pairs already decided "not the same" are not reopened); the
    registry's name frequencies (`NameFrequency`, read by the online check); the job's progress. Returns the number of pairs proposed."""
    with running(job_id) as progress:
        # Progress in thousandths: reading the registry is the first third, the engine the rest.
        records = registry_records(lambda done, total: progress(round(333 * done / max(total, 1)), 1000))
        # No implied pairs: a person's name sets are records of their own here ("<pk>:<n>"), so
        # groups would count name sets, not persons, and name internal ids. Reviewers see the
        # direct pairs; merging them joins a chain anyway.
        pairs = person_pairs(
            find_duplicates(
                records,
                threshold=threshold,
                progress=lambda _step, part: progress(333 + round(667 * part), 1000),
                implied=False,
                on_frequencies=record_name_frequencies,
            )
        )
        proposed = propose_pairs(
            ((left, right, score, evidence) for (left, right), (score, evidence) in sorted(pairs.items())),
            source="batch",
        )
        finish_message(job_id, "duplicates_queued", records=len(records), pairs=proposed)
    return proposed
