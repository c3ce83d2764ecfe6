"""Namesakes at national scale (issue 20): a name's frequency scales what agreeing on it proves, two
documents of one kind or two full birth dates that differ are two persons, the scale set that
measures it, and the registry's name frequencies that the online check reads."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panah.matching import scale
from panah.matching.comparisons import TF_FROM_RECORDS, NameFrequencies, default_model, score_pair, vetoed
from panah.matching.crossscript import split_truth
from panah.matching.models import NameFrequency
from panah.matching.normalise import prepare
from panah.matching.online import check, registration_records
from panah.matching.selectors import name_frequencies
from panah.matching.services import record_name_frequencies
from tests.factories import PersonFactory, region

MOHAMMAD = {"given_name": "Mohammad", "family_name": "Ahmadi", "birth_date": "1990", "sex": "M", "region": "KZ-75"}
MUHAMMAD = {"given_name": "Мухаммад", "family_name": "Ахмади", "birth_date": "1990-04-11", "sex": "M",
            "region": "KZ-75"}  # fmt: skip


def frequencies(given_share: float, family_share: float, total: int = 100_000) -> NameFrequencies:
    left = prepare(MOHAMMAD)
    return NameFrequencies(
        {
            "given_skel": {left["given_skel"]: round(given_share * total)},
            "family_skel": {left["family_skel"]: round(family_share * total)},
        },
        {"given_skel": total, "family_skel": total, "patronymic_skel": total},
    )


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=1e-5, max_value=0.5),
    st.floats(min_value=1e-5, max_value=0.5),
    st.floats(min_value=1.01, max_value=50),
)
def test_the_commoner_the_name_the_weaker_the_evidence(given_share, family_share, factor):
    left, right = prepare(MOHAMMAD), prepare(MUHAMMAD)
    rare = score_pair(left, right, frequencies=frequencies(given_share / factor, family_share, 10**9))
    common = score_pair(left, right, frequencies=frequencies(given_share, family_share, 10**9))
    assert common.match_weight < rare.match_weight
    assert common.levels == rare.levels


def test_mohammad_ahmadi_born_1990_is_weak_evidence_and_a_rare_name_strong():
    left, right = prepare(MOHAMMAD), prepare(MUHAMMAD)
    model = default_model().for_population(250_000)
    assert score_pair(left, right, model, frequencies(0.25, 0.2)).probability < 0.5
    assert score_pair(left, right, model, frequencies(0.0002, 0.0005)).probability > 0.8
    # Too few records to count on: no adjustment either way.
    small = frequencies(0.25, 0.2, total=TF_FROM_RECORDS - 1)
    assert score_pair(left, right, model, small).match_weight == score_pair(left, right, model).match_weight


def test_two_documents_of_one_kind_are_two_persons_unless_the_birth_date_or_address_agrees():
    certificate = {"document_type": "refugee_cert", **MOHAMMAD, "birth_date": "1990-04-11"}
    one = prepare({**certificate, "document_number": "RC 1234567"})
    other = prepare({**certificate, "document_number": "RC 5550199", "birth_date": "1990"})
    assert score_pair(one, other).levels["document"] == "conflict"
    assert vetoed(score_pair(one, other).levels)
    # A slip in the number, another kind of document, or the same whole birth date: not a veto.
    slip = prepare({**certificate, "document_number": "RC 1234667", "birth_date": "1990"})
    passport = prepare({**certificate, "document_number": "P 5550199", "document_type": "passport"})
    renewed = prepare({**certificate, "document_number": "RC 5550199"})
    assert score_pair(one, slip).levels["document"] == "close"
    assert score_pair(one, passport).levels["document"] == "else"
    assert not vetoed(score_pair(one, renewed).levels)
    at_home = {"address": "ул. Абая 12", "locality": "Алматы"}
    moved = prepare({**certificate, "document_number": "RC 5550199", "birth_date": "1990", **at_home})
    assert not vetoed(score_pair(prepare({**certificate, "document_number": "RC 1234567", **at_home}), moved).levels)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [("1990-04-11", "1990-09-23", "year"), ("1990-04-11", "1991-09-23", "conflict")],
)
def test_two_full_birth_dates_that_differ_are_two_persons(a, b, level):
    score = score_pair(prepare({**MOHAMMAD, "birth_date": a}), prepare({**MOHAMMAD, "birth_date": b}))
    assert score.levels["birth"] == level and score.vetoed


def test_the_scale_set_is_deterministic_and_its_names_are_concentrated():
    records = scale.generate(6000, seed=3)
    assert records == scale.generate(6000, seed=3)
    rows, truth = split_truth(records)
    features = [prepare(row) for row in rows]
    men = Counter(f["given_skel"] for f in features if f["origin"] == "AFG" and f["sex"] == "M" and f["given_skel"])
    assert men.most_common(1)[0][1] / men.total() > 0.2
    # Namesakes: different persons with one name and one birth year.
    persons = defaultdict(set)
    for row, f in zip(rows, features, strict=True):
        persons[f["given_skel"], f["family_skel"], f["birth_year"]].add(truth[row["person_id"]])
    assert sum(len(clusters) >= 3 for clusters in persons.values()) >= 20


@pytest.mark.django_db
def test_the_online_check_weighs_names_by_the_registry_frequencies(cast):
    existing = PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        birth_date_precision="year",
        names=[{"given_name": "Мухаммад", "family_name": "Ахмади", "script": "cyrl"}],
    )
    records = registration_records(
        [{"given_name": "Mohammad", "family_name": "Ahmadi"}],
        {"sex": "M", "birth_date": dt.date(1990, 1, 1), "birth_date_precision": "year"},
        [],
        {"region": region("KZ-55")},
    )
    before = next(c for c in check(records, by=cast.officer_a) if c.person == existing)
    assert before.probability >= 0.9
    # A registry where every fourth man is a Mohammad and every fifth an Ahmadi.
    assert record_name_frequencies(frequencies(0.25, 0.2)) == 5
    entered = prepare(records[0])
    read = name_frequencies([entered])
    assert read("given_skel", entered["given_skel"]) == 0.25
    assert NameFrequency.objects.get(column="family_skel", value="").count == 100_000
    after = [c.probability for c in check(records, by=cast.officer_a) if c.person == existing]
    assert after == [] or after[0] < before.probability
