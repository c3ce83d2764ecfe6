"""Batch duplicate detection with Splink on DuckDB: cross-script and FEBRL 3 pairwise F1."""

import pytest

from panah.matching.batch import InputError, find_duplicates
from panah.matching.comparisons import JUDGED_SAME
from panah.matching.crossscript import generate, pairwise_scores, split_truth
from tests.matching.data import crossscript, febrl3


def found(pairs):
    return {(p.left_id, p.right_id) for p in pairs}


def test_cross_script_set_pairwise_f1():
    rows, truth = crossscript(4000, 3)
    pairs = find_duplicates(rows)
    scores = pairwise_scores(found(pairs), truth)
    assert scores["f1"] >= 0.95, scores


def test_febrl3_pairwise_f1():
    """FEBRL 3 replaces whole given names and birth dates in its duplicates: the file's own m shows
    it (so the twin and generation vetoes stand down), and many true pairs are found only through
    a third record."""
    rows, truth = febrl3()
    scores = pairwise_scores(found(find_duplicates(rows)), truth)
    assert scores["f1"] >= 0.99, scores


def test_pairs_are_ordered_scored_and_explained():
    rows, _ = crossscript(600, 5)
    pairs = find_duplicates(rows)
    assert pairs
    for pair in pairs:
        assert pair.left_id < pair.right_id
        assert JUDGED_SAME <= pair.score <= 1
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


def _record(person_id, **row):
    from panah.matching.normalise import prepare

    return prepare({"person_id": person_id, **row})


def test_a_pair_is_implied_through_a_third_record_with_the_weakest_links_score():
    from panah.matching.batch import Pair, implied_pairs
    from panah.matching.comparisons import default_model

    # B shares A's birth date and address, and C's document: A and C share only the names.
    a = _record("A", given_name="Karim", family_name="Rahimi", birth_date="1985-03-02", document_number="P 111",
                address="ул. Абая 12", locality="Алматы")  # fmt: skip
    b = _record("B", given_name="Karim", family_name="Rahimi", birth_date="1985-03-02", document_number="P 222",
                address="ул. Абая 12", locality="Алматы")  # fmt: skip
    c = _record("C", given_name="Karim", family_name="Rahimi", birth_date="1985", document_number="P 222",
                address="ул. Сатпаева 3", locality="Тараз")  # fmt: skip
    features = {"A": a, "B": b, "C": c}
    implied = list(implied_pairs([Pair("A", "B", 0.999, "…"), Pair("B", "C", 0.995, "…")], features, default_model()))
    assert [(p.left_id, p.right_id, p.score) for p in implied] == [("A", "C", 0.995)]
    assert implied[0].reason.startswith("the same person through record B; given name: same (Karim)")


def test_only_strong_links_imply_and_never_across_a_conflict():
    from panah.matching.batch import STRONG_LINK, Pair, implied_pairs
    from panah.matching.comparisons import default_model

    common = {"given_name": "Mohammad", "family_name": "Ahmadi", "locality": "Алматы"}
    a = _record("A", birth_date="1990-03-02", document_number="RC 1234567", document_type="refugee_cert", **common)
    b = _record("B", birth_date="1990", **common)
    c = _record("C", birth_date="1990", document_number="RC 5550199", document_type="refugee_cert", **common)
    d = _record("D", birth_date="1990-11-20", **common)
    features = {"A": a, "B": b, "C": c, "D": d}
    # A chain is as weak as its weakest link: a link just over the threshold implies nothing.
    weak = [Pair("A", "B", 0.999, "…"), Pair("B", "C", STRONG_LINK - 0.01, "…")]
    assert list(implied_pairs(weak, features, default_model())) == []
    # Two refugee certificates with other numbers are two persons: B joins one of them, not both.
    strong = [Pair("A", "B", 0.999, "…"), Pair("B", "C", 0.998, "…")]
    assert list(implied_pairs(strong, features, default_model())) == []
    # Nor two full birth dates of one year that differ.
    dates = [Pair("A", "B", 0.999, "…"), Pair("B", "D", 0.998, "…")]
    assert list(implied_pairs(dates, features, default_model())) == []


def test_no_pair_is_implied_between_twins_nor_beyond_a_group_of_six():
    from panah.matching.batch import MAX_GROUP, Pair, implied_pairs
    from panah.matching.comparisons import default_model

    born = {"family_name": "Rahimi", "birth_date": "2012-03-04", "address": "ул. Абая 12", "locality": "Алматы"}
    fatima, fatima_again = _record("F1", given_name="Fatima", **born), _record("F2", given_name="Fatima", **born)
    zahra = _record("Z", given_name="Zahra", **born)
    features = {"F1": fatima, "F2": fatima_again, "Z": zahra}
    # Whatever joined Fatima's second record to Zahra (a mistake), Zahra is not implied to be Fatima.
    pairs = [Pair("F1", "F2", 0.99, "…"), Pair("F2", "Z", 0.95, "…")]
    assert list(implied_pairs(pairs, features, default_model())) == []

    chain = {f"R{i}": _record(f"R{i}", given_name="Omar", family_name="Nasser", birth_date="1990") for i in range(9)}
    links = [Pair(f"R{i}", f"R{i + 1}", 0.99, "…") for i in range(8)]
    implied = {(p.left_id, p.right_id) for p in implied_pairs(links, chain, default_model())}
    groups: dict[str, set[str]] = {}
    for left, right in implied | {(p.left_id, p.right_id) for p in links}:
        groups.setdefault(left, {left}).add(right)
    assert implied and max(len(members) for members in groups.values()) <= MAX_GROUP
    # Nine Omar Nassers born in 1990 are namesakes, at least two persons: no link between them implies.
    assert list(implied_pairs(links, chain, default_model(), crowded=set(chain))) == []


def test_the_batch_reports_implied_pairs():
    rows = [
        {"person_id": "A", "given_name": "Karim", "family_name": "Rahimi", "birth_date": "1985-03-02",
         "document_number": "P 111", "address": "ул. Абая 12", "locality": "Алматы", "patronymic": "Hamid"},
        {"person_id": "B", "given_name": "Карим", "family_name": "Рахими", "birth_date": "1985-03-02",
         "document_number": "P 222", "address": "ул. Абая 12", "locality": "Алматы", "patronymic": "Хамид"},
        {"person_id": "C", "given_name": "Karim", "family_name": "Rahimi", "birth_date": "1985",
         "document_number": "P 222", "address": "ул. Сатпаева 3", "locality": "Тараз"},
        {"person_id": "D", "given_name": "Omar", "family_name": "Nasser", "birth_date": "1971-05-06"},
    ]  # fmt: skip
    pairs = {(p.left_id, p.right_id): p for p in find_duplicates(rows)}
    assert set(pairs) == {("A", "B"), ("A", "C"), ("B", "C")}
    assert pairs["A", "C"].reason.startswith("the same person through record B;")
    assert pairs["A", "C"].score == pairs["B", "C"].score
