import csv
import io

import pytest
from django.core.management import CommandError, call_command

from panah.audit.models import AuditEntry
from tests.conftest import REGION_B


def test_without_a_purpose_the_command_refuses_and_writes_nothing(cast, tmp_path):
    output = tmp_path / "persons.csv"
    with pytest.raises(CommandError, match="purpose"):
        call_command("export", "--output", str(output))
    assert not output.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_as_a_user_the_command_exports_that_users_scope(cast, exporter_a, tmp_path):
    output = tmp_path / "persons.csv"
    call_command("export", "--output", str(output), "--purpose", "audit visit", "--as", "exporter_a")
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert [r["person_id"] for r in rows] == [cast.person_a.registration_number]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.channel, entry.purpose, entry.changes["count"]) == ("cli", "audit visit", 1)


def test_as_the_system_with_a_region_filter(cast, tmp_path):
    output = tmp_path / "persons.xlsx"
    call_command("export", "--output", str(output), "--purpose", "migration", "--region", REGION_B)
    from openpyxl import load_workbook

    ids = {row[0] for row in load_workbook(output).active.iter_rows(min_row=2, values_only=True)}
    assert ids == {cast.person_b.registration_number, cast.partner_person.registration_number}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "x.txt", "--purpose", "p"], ".csv or an .xlsx"),
        (["--output", "x.csv", "--purpose", "p", "--as", "nobody"], "No active user"),
        (["--output", "x.csv", "--purpose", "p", "--region", "KZ-00"], "No region"),
        (["--output", "x.csv", "--purpose", "p", "--population", "XYZ"], "No population type"),
        (["--output", "x.csv", "--purpose", "p", "--as", "officer_a"], "not allow"),
    ],
)
def test_bad_input_gives_a_clear_message(cast, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        call_command("export", *args)
