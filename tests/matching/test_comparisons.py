"""The comparisons and the pure-Python scorer: evidence in words, and the same match weight as Splink."""

import math
from dataclasses import replace

import pytest
from django.utils import translation

from panah.matching import batch
from panah.matching.comparisons import (
    COMPARISONS,
    Model,
    NameFrequencies,
    default_model,
    levels_of,
    model_for_population,
    score_pair,
    vetoed,
)
from panah.matching.normalise import prepare
from tests.matching.data import crossscript


def features(**row):
    return prepare({"person_id": "x", **row})


AHMADI_CYRILLIC = features(given_name="Мухаммад", family_name="Ахмади", patronymic="Каримович", birth_date="1990",
                           sex="M", country_of_origin="AFG", region="KZ-75")  # fmt: skip
AHMADI_LATIN = features(given_name="Mohammad", family_name="Ahmadi", patronymic="Karim", birth_date="1990-01-01",
                        sex="M", country_of_origin="AFG", region="KZ-71")  # fmt: skip


def test_the_same_person_in_two_scripts_scores_high_with_the_evidence_in_words():
    score = score_pair(AHMADI_CYRILLIC, AHMADI_LATIN)
    assert score.probability > 0.9
    evidence = {str(label): str(text) for label, text in score.evidence}
    assert evidence["family name"] == "Ахмади ≈ Ahmadi by transliteration"
    assert evidence["birth date"].startswith("same year, day unknown on one side")
    assert evidence["father's name"] == "Каримович ≈ Karim by transliteration"
    assert "region" in evidence and "different" in evidence["region"]


def test_a_namesake_with_another_father_and_birth_date_scores_low():
    other = features(given_name="Mohammad", family_name="Ahmadi", patronymic="Yusuf", birth_date="1971-05-17",
                     sex="M", country_of_origin="AFG", region="KZ-75")  # fmt: skip
    score = score_pair(AHMADI_CYRILLIC, other)
    assert score.probability < 0.01
    evidence = {str(label): str(text) for label, text in score.evidence}
    assert evidence["father's name"].startswith("different")


def test_twins_are_not_one_person():
    # Same family, father, birth date and household; other given names.
    a = features(given_name="Fatima", family_name="Rahimi", patronymic="Hamid", birth_date="2012-03-04", sex="F",
                 household_id="H1", region="KZ-75", country_of_origin="AFG")  # fmt: skip
    b = features(given_name="Zahra", family_name="Rahimi", patronymic="Hamid", birth_date="2012-03-04", sex="F",
                 household_id="H1", region="KZ-75", country_of_origin="AFG")  # fmt: skip
    assert not score_pair(a, b).judged_same()


def test_a_father_and_a_son_of_the_same_names_are_not_one_person():
    # Akmal, son of Akmal, in his father's household: every name agrees, the birth years a generation apart.
    father = features(given_name="Akmal", family_name="Sobirov", patronymic="Akmalovich", birth_date="1973-11-23",
                      sex="M", address="ул. Толе би 131, кв. 61", locality="Алматы", document_number="P 2163256")  # fmt: skip
    son = features(given_name="Акмал", family_name="Собиров", patronymic="Акмалович", birth_date="2002-12-06",
                   sex="M", address="ул. Толе би 131, кв. 61", locality="Алматы", document_number="P 8409067")  # fmt: skip
    assert levels_of(father, son)["birth"] == "generation"
    assert score_pair(father, son).vetoed and not score_pair(father, son).judged_same()
    # The same document: one person whose birth date was written wrongly somewhere.
    same_document = {**son, "document_number": father["document_number"]}
    assert not score_pair(father, same_document).vetoed


def test_one_name_crossed_over_with_the_other_different_is_another_given_name():
    # Nargis Mohammadi, Muhammad Mohammadi's twin sister: her family name is his given name's root.
    brother = features(given_name="Мухаммед", family_name="Мохаммади", birth_date="1976-07-05")
    sister = features(given_name="نرگس", family_name="محمدی", birth_date="1976-07-05")
    assert levels_of(brother, sister)["given"] == "else"
    assert score_pair(brother, sister).vetoed
    # Names swapped with a slip in one of them: still crossed over.
    assert levels_of(features(given_name="Challenor", family_name="Nathqn"),
                     features(given_name="Nathan", family_name="Challenor"))["given"] == "crossed"  # fmt: skip


def test_vetoes_stand_down_on_a_file_whose_duplicates_often_reach_them():
    """On a file where one person's records often carry another given name (m of given "else" above
    VETO_M, as expectation maximisation measures on FEBRL 3), a different given name cannot refuse a pair."""
    model = default_model()
    assert model.vetoes == (("given", "else"), ("birth", "generation"), ("birth", "year"), ("birth", "conflict"))
    measured = {"given": {"else": 0.17}, "birth": {"generation": 0.02, "year": 0.1}}
    assert model.with_m(measured).vetoes == (("birth", "generation"), ("birth", "conflict"))
    twins = {"given": "else", "family": "exact", "birth": "exact", "document": "else"}
    assert vetoed(twins, model) and not vetoed(twins, model.with_m(measured))


def test_swapped_given_and_family_names_are_recognised():
    a = features(given_name="Ahmadi", family_name="Mohammad", birth_date="1990-05-17")
    b = features(given_name="Mohammad", family_name="Ahmadi", birth_date="1990-05-17")
    # Counted once, on the given name (the family comparison sees a weaker level).
    assert levels_of(a, b)["given"] == "swapped"
    assert levels_of(a, b)["family"] != "exact"
    assert score_pair(a, b).judged_same()


def test_evidence_is_translated():
    with translation.override("ru"):
        labels = [str(label) for label, _ in score_pair(AHMADI_CYRILLIC, AHMADI_LATIN).evidence]
    assert "имя" in labels


def test_model_round_trips_through_json(tmp_path):
    model = default_model()
    model.save(tmp_path / "model.json")
    again = Model.load(tmp_path / "model.json")
    assert again.prior == model.prior and again.parameters == model.parameters
    assert model.decision is not None and again.decision == model.decision


def test_the_shipped_model_has_parameters_for_every_level():
    model = default_model()
    for comparison in COMPARISONS:
        for level in comparison.levels:
            if not level.is_null:
                m, u = model.parameters[comparison.key][level.key]
                assert 0 < m <= 1 and 0 < u <= 1, (comparison.key, level.key)


def test_python_scorer_gives_splinks_match_weight_for_every_blocked_pair():
    """With the names' frequencies in the file: Splink's term-frequency adjustments, in Python."""
    rows, _ = crossscript(2500, 11)
    records = [prepare(row) for row in rows]
    by_id = {f["person_id"]: f for f in records}
    frequencies = NameFrequencies.of(records)
    first_stage = replace(default_model(), decision=None)  # Splink's weights are the first stage's
    splink = batch.predict_weights(records, first_stage)
    assert len(splink) >= 300
    adjusted = 0
    for (left, right), (weight, levels) in splink.items():
        score = score_pair(by_id[left], by_id[right], first_stage, frequencies)
        adjusted += score.match_weight != score_pair(by_id[left], by_id[right], first_stage).match_weight
        assert score.levels == levels, (left, right)
        assert math.isclose(score.match_weight, weight, abs_tol=1e-6), (left, right)
    assert adjusted >= 100


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ({"birth_date": "1990-05-17"}, {"birth_date": "1990-05-17"}, "exact"),
        ({"birth_date": "1990-01-01"}, {"birth_date": "1990-01-01"}, "jan1"),
        ({"birth_date": "1990"}, {"birth_date": "1990-05-17"}, "partial"),
        ({"birth_date": "1990-01-01"}, {"birth_date": "1990-05-17"}, "partial"),
        ({"birth_date": "1990-05-17"}, {"birth_date": "1990-05-18"}, "month"),
        ({"birth_date": "1990-05-07"}, {"birth_date": "1990-07-05"}, "transposed"),
        ({"birth_date": "1990-05-17"}, {"birth_date": "1990-08-18"}, "year"),
        ({"birth_date": "1990-05-17"}, {"birth_date": "1980-05-17"}, "day_month"),
        ({"birth_date": "1990-05-17"}, {"birth_date": "1991-08-18"}, "conflict"),
        ({"birth_date": "1990-05-17"}, {"birth_date": "1991"}, "near"),
        ({"birth_date": "1990-01-01"}, {"birth_date": "1991-08-18"}, "near"),
        ({"birth_date": "1990"}, {"birth_date": "1960"}, "else"),  # one digit mistyped
        ({"birth_date": "1990-05-17"}, {"birth_date": "1965"}, "generation"),
        ({"birth_date": "1990"}, {"birth_date": "1978-02-03"}, "generation"),
        ({"birth_date": "1990"}, {"birth_date": "1979"}, "else"),
        ({"birth_date": ""}, {"birth_date": "1960"}, "null"),
    ],
)
def test_birth_date_levels(a, b, level):
    assert levels_of(features(**a), features(**b))["birth"] == level


def test_a_larger_registry_needs_more_evidence():
    model = default_model()
    large = model_for_population(100 * max(model.population, 1))
    assert large.prior < model.prior and large.parameters == model.parameters
    assert model_for_population(2) is model
    pair = (AHMADI_CYRILLIC, AHMADI_LATIN)
    assert score_pair(*pair, large).probability < score_pair(*pair, model).probability


ADDRESS_LEVELS = [
    (("ул. Абая 12, кв. 5", "Алматы"), ("ul. Abaia 12, kv. 5", "Almaty"), "exact"),
    (("ул. Абая 12", "Алматы"), ("Абая көшесі, 12", "Алматы қаласы"), "exact"),
    (("ул. Байтурсынова 12", "Алматы"), ("ул. Байтурсыкова 12", ""), "close"),  # a typo; town unknown on one side
    (("ул. Абая 12", "Алматы"), ("ул. Абая 12, кв. 5", "Алматы"), "fuller"),  # the flat left out
    (("62 matina street", "ascot park"), ("62 matina street sun city resort", "ascot park"), "fuller"),
    (("ул. Абая 12", "Алматы"), ("ул. Абая 40", "Алматы"), "street"),
    (("ул. Абая 12", "Алматы"), ("ул. Толе би 3", "Алматы"), "town"),
    (("ул. Абая 12", "Алматы"), ("ул. Абая 12", "Астана"), "else"),  # the same street name in another town
    (("", ""), ("ул. Абая 12", "Алматы"), "null"),
]


@pytest.mark.parametrize(("a", "b", "level"), ADDRESS_LEVELS)
def test_address_levels(a, b, level):
    left, right = features(address=a[0], locality=a[1]), features(address=b[0], locality=b[1])
    assert levels_of(left, right)["address"] == level


def test_splink_puts_address_document_and_crossed_name_pairs_in_the_same_levels_as_python():
    """The SQL of the address, document and crossed-name levels (levenshtein, instr, coalesce) against Python's."""
    records, expected = [], {}
    documents = [("P 1234567", "P1234567", "exact"), ("P 1234567", "P 1234568", "close"),
                 ("P 1234567", "P 1243567", "transposed"), ("P 1234567", "RC 7654321", "else")]  # fmt: skip
    for i, (a, b, level) in enumerate(ADDRESS_LEVELS):
        # the same document blocks the pair
        records += [features(person_id=f"a{i}l", address=a[0], locality=a[1], document_number=f"D{i}", birth_date="1990"),
                    features(person_id=f"a{i}r", address=b[0], locality=b[1], document_number=f"D{i}")]  # fmt: skip
        expected[f"a{i}l", f"a{i}r"] = ("address", level)
    for i, (a, b, level) in enumerate(documents):
        # the same names and birth year block the pair
        records += [features(person_id=f"d{i}l", given_name=f"Doc{i}", family_name="Test", birth_date="1980", document_number=a),
                    features(person_id=f"d{i}r", given_name=f"Doc{i}", family_name="Test", birth_date="1980", document_number=b)]  # fmt: skip
        expected[f"d{i}l", f"d{i}r"] = ("document", level)
    names = [(("Challenor", "Nathqn"), ("Nathan", "Challenor"), "crossed"),
             (("Мухаммед", "Мохаммади"), ("نرگس", "محمدی"), "else"),
             (("Ahmadi", ""), ("Karim", "Ahmadi"), "crossed"),
             (("Rahimi", "Karim"), ("Karim", "Rahimi"), "swapped")]  # fmt: skip
    for i, (a, b, level) in enumerate(names):
        records += [features(person_id=f"n{i}l", given_name=a[0], family_name=a[1], document_number=f"N{i}"),
                    features(person_id=f"n{i}r", given_name=b[0], family_name=b[1], document_number=f"N{i}")]  # fmt: skip
        expected[f"n{i}l", f"n{i}r"] = ("given", level)
    by_id = {f["person_id"]: f for f in records}
    splink = batch.predict_weights(records)
    for (left, right), (comparison, level) in expected.items():
        key = (left, right) if (left, right) in splink else (right, left)
        assert splink[key][1][comparison] == level, (left, right)
        assert levels_of(by_id[left], by_id[right]) == splink[key][1], (left, right)


def test_the_same_address_is_evidence_in_words():
    left = features(given_name="Mohammad", family_name="Ahmadi", address="ул. Абая 12", locality="Алматы")
    same = features(given_name="Мохаммад", family_name="Ахмади", address="ул. Абая 12", locality="Алматы")
    assert "address: same address (ул. Абая 12, Алматы)" in score_pair(left, same).reason
    latin = features(given_name="Мохаммад", family_name="Ахмади", address="ul. Abaia 12", locality="Almaty")
    assert (
        "ул. Абая 12, Алматы = ul. Abaia 12, Almaty, the same address written another way"
        in score_pair(left, latin).reason
    )


def test_m_is_learnt_again_on_a_file_large_enough_and_u_is_kept():
    """FEBRL 3 replaces whole birth dates and given names far more often than offices here write a
    person differently: expectation maximisation on the file learns it; u stays the model's."""
    from tests.matching.data import febrl3

    rows, _ = febrl3()
    assert len(rows) >= batch.M_FROM_FILE_RECORDS
    model = default_model()
    db_api = batch.duckdb_api()
    table = batch._register(db_api, batch.features_of(rows), "duckdb")
    adapted = model.with_m(batch.estimate_m(db_api, table, model))

    # Whole dates replaced: two full dates that differ.
    assert adapted.m_u("birth", "conflict")[0] > 1.5 * model.m_u("birth", "conflict")[0]
    assert adapted.m_u("given", "else")[0] > 2 * model.m_u("given", "else")[0]
    assert adapted.prior == model.prior
    for comparison, levels in model.parameters.items():
        assert math.isclose(sum(m for m, _u in adapted.parameters[comparison].values()), 1.0)
        for level, (_m, u) in levels.items():
            assert adapted.parameters[comparison][level][1] == u


def test_the_batch_and_the_online_check_decide_a_pair_alike():
    """The decision stage (`comparisons.Decision`) weighs a pair the same in the batch (on Splink's
    output) and in Python (`score_pair`, the online check's scorer), given the same model and names'
    frequencies; the first stage only gates, so a pair's probability is the decision's in both. The
    batch adapts the model to its file (m, the share of likely pairs): `gated_candidates` gives it."""
    rows, _ = crossscript(2500, 11)
    records = [prepare(row) for row in rows]
    by_id = {f["person_id"]: f for f in records}
    frequencies = NameFrequencies.of(records)
    assert frequencies.counted and default_model().decision is not None
    adapted, _candidates, _mean = batch.gated_candidates(rows)
    assert adapted.decision != default_model().decision  # adapted to the file
    pairs = batch.find_duplicates(rows, threshold=0.5, implied=False)
    assert len(pairs) >= 300
    for pair in pairs:
        online = score_pair(by_id[pair.left_id], by_id[pair.right_id], adapted, frequencies)
        assert math.isclose(online.probability, pair.score, abs_tol=1e-6), (pair.left_id, pair.right_id)


def test_without_counted_names_the_first_stage_decides():
    """A registry before its first batch run, or a file too small to count names on: the decision was
    fitted with the names' frequencies, so without them the first stage's weights stand."""
    left, right = AHMADI_CYRILLIC, AHMADI_LATIN
    model, first_stage = default_model(), replace(default_model(), decision=None)
    few = NameFrequencies.of([left, right])
    assert not few.counted
    assert score_pair(left, right, model, few).match_weight == score_pair(left, right, first_stage, few).match_weight
    assert score_pair(left, right, model).match_weight == score_pair(left, right, first_stage).match_weight
