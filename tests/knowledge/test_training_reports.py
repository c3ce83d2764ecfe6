"""Training reports on a small fixture whose figures are worked out by hand below.

Officials (region where they work, organisation):
  o1 Aigerim  KZ-55 Pavlodar  MLSP
  o2 Bolat    KZ-75 Almaty    MLSP
  o3 Dana     KZ-71 Astana    Migration Police
  o4 Erlan    KZ-55 Pavlodar  Migration Police
  o5 Farida   KZ-75 Almaty    Civil Registry
  o6 Gani     KZ-35 Karaganda MLSP
Trainings (held in, topics) and participants (attended, score before → after):
  T1 14.02.2017 KZ-71 statelessness + refugee_law: o1 yes 40→80, o2 yes 50→70, o3 yes 60→55,
                                                    o4 NO 10→100 (did not attend: never counted)
  T2 01.06.2017 KZ-55 birth_registration:          o1 yes 70→90, o4 yes 30→(no test after)
  T3 10.05.2016 KZ-75 refugee_law:                 o2 yes 20→60, o5 yes (no tests), o6 yes (no tests)
"""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from panah.knowledge.selectors import officials_trained, regions_not_reached, score_change
from tests.factories import region
from tests.factories.knowledge import OfficialFactory, ParticipationFactory, TrainingFactory

D = dt.date


@pytest.fixture
def fixture(cast: Any) -> dict[str, Any]:
    o = {
        "o1": OfficialFactory(full_name="Aigerim", region=region("KZ-55"), organisation="MLSP", sex="F"),
        "o2": OfficialFactory(full_name="Bolat", region=region("KZ-75"), organisation="MLSP", sex="M"),
        "o3": OfficialFactory(full_name="Dana", region=region("KZ-71"), organisation="Migration Police", sex="F"),
        "o4": OfficialFactory(full_name="Erlan", region=region("KZ-55"), organisation="Migration Police", sex="M"),
        "o5": OfficialFactory(full_name="Farida", region=region("KZ-75"), organisation="Civil Registry", sex="F"),
        "o6": OfficialFactory(full_name="Gani", region=region("KZ-35"), organisation="MLSP", sex="M"),
    }
    t1 = TrainingFactory(
        title="T1", start_date=D(2017, 2, 14), region=region("KZ-71"), topics=["statelessness", "refugee_law"]
    )
    t2 = TrainingFactory(title="T2", start_date=D(2017, 6, 1), region=region("KZ-55"), topics=["birth_registration"])
    t3 = TrainingFactory(title="T3", start_date=D(2016, 5, 10), region=region("KZ-75"), topics=["refugee_law"])
    rows = [
        (t1, "o1", True, 40, 80),
        (t1, "o2", True, 50, 70),
        (t1, "o3", True, 60, 55),
        (t1, "o4", False, 10, 100),
        (t2, "o1", True, 70, 90),
        (t2, "o4", True, 30, None),
        (t3, "o2", True, 20, 60),
        (t3, "o5", True, None, None),
        (t3, "o6", True, None, None),
    ]
    for training, key, attended, pre, post in rows:
        ParticipationFactory(training=training, official=o[key], attended=attended, pre_test=pre, post_test=post)
    return {"t1": t1, "t2": t2, "t3": t3, **o}


def table(rows: list[Any]) -> dict[Any, tuple[int, int]]:
    return {row.key: (row.officials, row.attendances) for row in rows}


def test_officials_trained_by_region_nationally(cast: Any, fixture: dict[str, Any]) -> None:
    assert table(officials_trained(cast.sysadmin, "region")) == {
        "KZ-55": (2, 3),  # o1 twice, o4 once (T2; not T1, which o4 missed)
        "KZ-75": (2, 3),  # o2 twice, o5 once
        "KZ-71": (1, 1),
        "KZ-35": (1, 1),
    }


def test_officials_trained_by_year(cast: Any, fixture: dict[str, Any]) -> None:
    rows = officials_trained(cast.sysadmin, "year")
    assert [(r.key, r.officials, r.attendances) for r in rows] == [(2016, 3, 3), (2017, 4, 5)]


def test_officials_trained_by_topic_count_a_two_topic_training_under_each(cast: Any, fixture: dict[str, Any]) -> None:
    assert table(officials_trained(cast.sysadmin, "topic")) == {
        "statelessness": (3, 3),  # T1: o1, o2, o3
        "refugee_law": (5, 6),  # T1: o1, o2, o3; T3: o2, o5, o6 -> o2 once
        "birth_registration": (2, 2),  # T2: o1, o4
    }


def test_officials_trained_by_organisation(cast: Any, fixture: dict[str, Any]) -> None:
    assert table(officials_trained(cast.sysadmin, "organisation")) == {
        "MLSP": (3, 5),  # o1 (T1, T2), o2 (T1, T3), o6 (T3)
        "Migration Police": (2, 2),  # o3 (T1), o4 (T2)
        "Civil Registry": (1, 1),
    }


def test_officials_trained_in_one_year_by_region(cast: Any, fixture: dict[str, Any]) -> None:
    assert table(officials_trained(cast.sysadmin, "region", year=2017)) == {
        "KZ-55": (2, 3),
        "KZ-75": (1, 1),
        "KZ-71": (1, 1),
    }


def test_a_regional_officer_counts_only_officials_of_the_region(cast: Any, fixture: dict[str, Any]) -> None:
    assert table(officials_trained(cast.officer_a, "region")) == {"KZ-55": (2, 3)}
    assert table(officials_trained(cast.officer_a, "topic")) == {
        "statelessness": (1, 1),  # o1 at T1
        "refugee_law": (1, 1),
        "birth_registration": (2, 2),
    }


def test_regions_not_reached_in_the_last_12_months(cast: Any, fixture: dict[str, Any]) -> None:
    # 16 regions existed on 31.12.2017 (before the 2018 and 2022 changes); T1 and T2 reached three.
    missed = regions_not_reached(cast.sysadmin, on=D(2017, 12, 31))
    codes = {m.region.code for m in missed}
    assert len(codes) == 13
    assert not codes & {"KZ-55", "KZ-75", "KZ-71"}
    assert {"KZ-35", "KZ-YUZ", "KZ-11"} <= codes and "KZ-61" not in codes and "KZ-10" not in codes
    last = {m.region.code: m.last_training for m in missed}
    assert last["KZ-35"] == D(2016, 5, 10)  # reached once, by T3, more than 12 months before
    assert last["KZ-11"] is None


def test_the_window_of_12_months_includes_its_first_day(cast: Any, fixture: dict[str, Any]) -> None:
    # T2 on 01.06.2017 is the last training for KZ-55: reached until 01.06.2018, not on 02.06.2018.
    assert regions_not_reached(cast.officer_a, on=D(2018, 6, 1)) == []
    missed = regions_not_reached(cast.officer_a, on=D(2018, 6, 2))
    assert [(m.region.code, m.last_training) for m in missed] == [("KZ-55", D(2017, 6, 1))]


def test_change_in_test_scores(cast: Any, fixture: dict[str, Any]) -> None:
    rows, total = score_change(cast.sysadmin)
    got = {r.training.title: (r.tested, r.pre, round(r.post, 3), r.improved) for r in rows}
    assert got == {
        "T1": (3, 50.0, 68.333, 2),  # (40+50+60)/3, (80+70+55)/3; o3 went down; o4 did not attend
        "T2": (1, 70.0, 90.0, 1),  # o4 took no test after
        "T3": (1, 20.0, 60.0, 1),
    }
    assert [r.training.title for r in rows] == ["T2", "T1", "T3"]  # latest first
    assert (total.tested, total.pre, total.post, total.change, total.improved) == (5, 48.0, 71.0, 23.0, 4)


def test_change_in_test_scores_of_a_region(cast: Any, fixture: dict[str, Any]) -> None:
    rows, total = score_change(cast.officer_a)
    assert (total.tested, total.pre, total.post, total.improved) == (2, 55.0, 85.0, 2)  # o1 at T1 and T2
    assert {r.training.title for r in rows} == {"T1", "T2"}


def test_the_report_page_shows_the_figures(cast: Any, fixture: dict[str, Any]) -> None:
    client = Client()
    client.force_login(cast.sysadmin)
    response = client.get("/knowledge/trainings/reports/", {"by": "organisation"})
    assert response.status_code == 200
    assert response.context["rows"][0].key == "MLSP"
    assert response.context["total_officials"] == 6
    assert "+23.0" in response.text
