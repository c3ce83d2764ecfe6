"""Batch duplicate detection with Splink on DuckDB: cross-script and FEBRL 3 pairwise F1."""

import pytest

from panah.matching.batch import InputError, find_duplicates
from panah.matching.crossscript import generate, pairwise_scores, split_truth
from tests.matching.data import crossscript, febrl3


def found(pairs):
    return {(p.left_id, p.right_id) for p in pairs}


def test_cross_script_set_pairwise_f1():
    rows, truth = crossscript(4000, 3)
    pairs = find_duplicates(rows)
    scores = pairwise_scores(found(pairs), truth)
    assert scores["f1"] >= 0.95, scores


@pytest.mark.xfail(
    strict=True,
    reason="target not reached yet: F1 0.977 (precision 1.000, recall 0.954), 25 Nov 2026 (0.941 before addresses "
    "were compared and m re-estimated on the file). Of the 6,538 true pairs, 105 are refused by the twin veto "
    "(same family name, birth date and address, another given name and document: what twins look like) and "
    "121 are never compared (no shared blocking key: names, birth date and document all changed)",
)
def test_febrl3_pairwise_f1():
    rows, truth = febrl3()
    scores = pairwise_scores(found(find_duplicates(rows)), truth)
    assert scores["f1"] >= 0.99, scores


def test_pairs_are_ordered_scored_and_explained():
    rows, _ = crossscript(600, 5)
    pairs = find_duplicates(rows)
    assert pairs
    for pair in pairs:
        assert pair.left_id < pair.right_id
        assert 0.9 <= pair.score <= 1
        assert "family name" in pair.reason or "given name" in pair.reason
    assert len(found(pairs)) == len(pairs)


def test_a_higher_threshold_finds_a_subset():
    rows, _ = crossscript(600, 5)
    assert found(find_duplicates(rows, threshold=0.99)) <= found(find_duplicates(rows, threshold=0.9))


def test_the_generator_is_deterministic_and_labelled():
    assert generate(300, seed=9) == generate(300, seed=9)
    rows, truth = split_truth(generate(300, seed=9))
    assert "cluster" not in rows[0] and len(truth) == 300
    assert len(set(truth.values())) < 300  # some persons have more than one record


def test_repeated_person_id_is_refused():
    with pytest.raises(InputError, match="row 2: person_id 'a' repeats row 1"):
        find_duplicates([{"person_id": "a"}, {"person_id": "a"}])


def test_bad_birth_date_is_refused():
    with pytest.raises(InputError, match="row 1, column birth_date"):
        find_duplicates([{"person_id": "a", "birth_date": "17.05.1990"}, {"person_id": "b"}])
