"""Person files as offices send them, and what the database holds, for the import tests."""

import csv
import io
from typing import Any

from openpyxl import Workbook

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.imports.models import ImportedRow
from panah.registry.models import Address, Document, Household, HouseholdMember, NameToken, Person, PersonName
from panah.status.models import StatusEvent

RU_HEADER = [
    "ID",
    "Фамилия",
    "Имя",
    "Отчество",
    "Пол",
    "Дата рождения",
    "Гражданство",
    "Область",
    "Номер документа",
    "Статус",
    "Дата статуса",
]
RU_ROWS = [
    [
        "A-1",
        "Ахмади",
        "Мухаммад",
        "Каримович",
        "М",
        "15.03.1990",
        "Афганистан",
        "Павлодарская обл.",
        "P 1234567",
        "беженец",
        "01.02.2015",
    ],
    ["A-2", "Нурланова", "Айгуль", "", "Ж", "1985", "без гражданства", "KZ-55", "", "лбг", "2016"],
    ["A-3", "Rahimi", "Karim", "", "M", "03.1990", "AFG", "Pavlodar Region", "", "", ""],
]


def csv_bytes(header: list[str], rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> dict[str, int]:
    """How many rows each table a person import writes to holds."""
    with unscoped("test: count what an import wrote"):
        return {
            model.__name__: model._base_manager.count()
            for model in (
                Person,
                PersonName,
                NameToken,
                Address,
                Document,
                Household,
                HouseholdMember,
                StatusEvent,
                ImportedRow,
            )
        } | {"AuditEntry.create": AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count()}


def work(run):
    """Run the queued check or import of `run` now, as the worker would (the task itself, in this
    process and transaction); return the run as it ends."""
    from panah.imports.models import ImportRun
    from panah.imports.tasks import import_person_file

    run = ImportRun.objects.get(pk=run.pk)
    assert run.state == ImportRun.State.QUEUED and run.job_id
    import_person_file.call(run.job_id, run.pk)
    return ImportRun.objects.get(pk=run.pk)
