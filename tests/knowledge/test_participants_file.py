"""A participant list from a spreadsheet: every problem is named by row, column and value, and nothing
is written until the whole file is right."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from panah.knowledge.models import Official, Participation, Training
from tests.factories import region
from tests.factories.knowledge import OfficialFactory, ParticipationFactory, TrainingFactory

HEADER = "full_name,organisation,position,region,sex,attended,pre_test,post_test,badge_colour\n"
GOOD = (
    HEADER + "Жумабаев Ерлан,Управление занятости,Главный специалист,KZ-55,M,yes,40,85,red\n"
    "Касымова Динара,Управление занятости,Специалист,Павлодарская область,F,да,55,90,blue\n"
    "Ким Ольга,Департамент полиции,,PAV,f,no,,,\n"
)


@pytest.fixture
def training(cast: Any) -> Training:
    return TrainingFactory(region=region("KZ-55"))


def upload(user: Any, training: Training, name: str, data: bytes) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(
        f"/knowledge/trainings/{training.pk}/participants/import/", {"file": SimpleUploadedFile(name, data)}
    )


def test_a_clean_csv_adds_every_participant(cast: Any, training: Training) -> None:
    response = upload(cast.sysadmin, training, "list.csv", GOOD.encode())
    assert response.status_code == 302
    rows = sorted(
        Participation.objects.filter(training=training).values_list(
            "official__full_name", "official__region_id", "official__sex", "attended", "pre_test", "post_test"
        )
    )
    assert rows == [
        ("Жумабаев Ерлан", "KZ-55", "M", True, 40, 85),
        ("Касымова Динара", "KZ-55", "F", True, 55, 90),
        ("Ким Ольга", "KZ-55", "F", False, None, None),
    ]


def test_bad_rows_are_reported_by_row_column_and_value_and_nothing_is_written(cast: Any, training: Training) -> None:
    bad = (
        HEADER + "Жумабаев Ерлан,Управление занятости,Главный специалист,KZ-55,M,yes,40,85,\n"
        "Касымова Динара,Управление занятости,Специалист,Atlantis,F,yes,55,190,\n"
        ",Управление занятости,,KZ-55,W,maybe,,,\n"
    )
    response = upload(cast.sysadmin, training, "list.csv", bad.encode())
    assert response.status_code == 400
    problems = {(p.row, p.column, p.value) for p in response.context["file_report"].problems}
    assert problems == {
        (3, "region", "Atlantis"),
        (3, "post_test", "190"),
        (4, "full_name", ""),
        (4, "sex", "W"),
        (4, "attended", "maybe"),
    }
    assert "Atlantis" in response.text
    assert not Participation.objects.exists() and not Official.objects.exists()


def test_an_official_already_on_the_list_stops_the_whole_file(cast: Any, training: Training) -> None:
    ParticipationFactory(
        training=training,
        official=OfficialFactory(full_name="Ким Ольга", organisation="Департамент полиции", region=region("KZ-55")),
    )
    response = upload(cast.sysadmin, training, "list.csv", GOOD.encode())
    assert response.status_code == 400
    assert "Row 4" in response.text
    assert Participation.objects.count() == 1


def test_an_xlsx_file_is_read_like_a_csv(cast: Any, training: Training) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["full_name", "organisation", "region", "sex", "pre_test", "post_test"])
    sheet.append(["Сейтказина Айгуль", "Управление юстиции", "KZ-55", "F", 60, 80])
    data = io.BytesIO()
    book.save(data)
    assert upload(cast.sysadmin, training, "list.xlsx", data.getvalue()).status_code == 302
    assert Participation.objects.get().official.full_name == "Сейтказина Айгуль"


def test_only_a_trainer_of_the_region_may_import(cast: Any, training: Training) -> None:
    assert upload(cast.officer_a, training, "list.csv", GOOD.encode()).status_code == 403
    assert not Participation.objects.exists()
