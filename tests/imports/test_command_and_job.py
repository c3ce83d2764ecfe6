"""`panah import`, the background job through the real django-tasks worker, and the pages."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.imports.columns import fold
from panah.imports.models import ImportRun
from panah.imports.selectors import saved_mapping
from panah.imports.services import import_file, start_import
from panah.jobs.models import Job
from panah.registry.models import Person
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes, snapshot, work

BAD_ROW = ["A-9", "Husseini", "Zarina", "", "F", "31.02.2001", "", "KZ-55", "", "", ""]


def test_the_command_imports_a_clean_file_and_prints_the_report(cast, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(csv_bytes(RU_HEADER, RU_ROWS, encoding="cp1251", delimiter=";"))
    out = io.StringIO()
    call_command("import", str(path), "--org", "mlsp", "--as", "officer_a", stdout=out)
    text = out.getvalue()
    assert "Windows-1251" in text and "semicolon" in text and "3 persons imported." in text
    assert AuditEntry.objects.filter(channel="cli", username="officer_a", action="create").count() >= 4


def test_the_command_exits_non_zero_and_writes_nothing_when_the_file_has_errors(cast, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(csv_bytes(RU_HEADER, [*RU_ROWS, BAD_ROW]))
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 errors"):
        call_command("import", str(path), "--org", "mlsp", stdout=out, report=str(tmp_path / "report.xlsx"))
    assert "row 5, Дата рождения “31.02.2001”" in out.getvalue()
    assert snapshot() == before
    sheet = load_workbook(tmp_path / "report.xlsx")["Problems"]
    assert [c.value for c in sheet[2]][:3] == [5, "Дата рождения", "31.02.2001"]


def test_the_command_with_skip_invalid_imports_the_valid_rows_and_still_exits_non_zero(cast, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(csv_bytes(RU_HEADER, [*RU_ROWS, BAD_ROW]))
    with pytest.raises(CommandError, match="Persons imported: 3; rows with errors, not imported: 1"):
        call_command("import", str(path), "--org", "mlsp", "--skip-invalid", stdout=io.StringIO())
    with unscoped("test"):
        assert Person.objects.filter(organisation=cast.state).count() == 3 + 2


def test_the_command_dry_run_and_its_clear_errors(cast, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(csv_bytes(RU_HEADER, RU_ROWS))
    before = snapshot()
    call_command("import", str(path), "--org", "mlsp", "--dry-run", stdout=io.StringIO())
    assert snapshot() == before
    with pytest.raises(CommandError, match="--org"):
        call_command("import", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", str(tmp_path / "missing.csv"), "--org", "mlsp")
    with pytest.raises(CommandError, match="may not register"):
        call_command("import", str(path), "--org", "mlsp", "--as", "lawyer")


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_as_a_background_job_in_the_real_worker(cast):
    run = start_import(
        by=cast.officer_a, organisation=cast.state, data=csv_bytes(RU_HEADER, RU_ROWS), file_name="persons.csv"
    )
    assert run.job is not None and run.state == ImportRun.State.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert run.state == ImportRun.State.IMPORTED and run.created == 3
    assert (job.kind, job.state, job.done, job.total) == ("import_persons", "done", 1000, 1000)
    assert "3 persons imported" in job.text
    assert AuditEntry.objects.filter(channel="task", action="create", person_id__isnull=False).count() == 3
    assert run.content == b"" or bytes(run.content) == b""


def test_the_pages_upload_follow_and_download_the_report(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.officer_a)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    upload = io.BytesIO(csv_bytes(RU_HEADER, [*RU_ROWS, BAD_ROW]))
    upload.name = "persons.csv"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("imports:upload"), {"file": upload, "organisation": cast.state.pk})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    assert "updates itself" in client.get(response["Location"]).content.decode()
    # The same file checked now (as the worker would), then the report read and downloaded.
    done = import_file(
        by=cast.officer_a,
        organisation=cast.state,
        data=csv_bytes(RU_HEADER, [*RU_ROWS, BAD_ROW]),
        file_name="persons.csv",
    )
    page = client.get(reverse("imports:run", args=[done.pk])).content.decode()
    assert "31.02.2001" in page and "Not a real date." in page
    download = client.get(reverse("imports:report", args=[done.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(cast.officer_b)
    assert client.get(reverse("imports:run", args=[done.pk])).status_code == 404
    assert client.get(reverse("imports:report", args=[done.pk])).status_code == 404


def test_a_user_who_may_not_register_cannot_open_the_upload_page(client, cast):
    client.force_login(cast.statistician)
    assert client.get(reverse("imports:upload")).status_code == 403


def test_headers_the_synonyms_do_not_know_are_mapped_on_the_run_page_and_offered_for_the_next_file(client, cast):
    header = ["Анкета", "Заявитель", "Имя", "Где живёт"]
    data = csv_bytes(header, [["Q-1", "Ахмади", "Али", "KZ-55"]])
    first = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name="anketa.csv", dry_run=True)
    assert first.errors == 1  # only "Имя" is known: no header row found
    assert first.report["columns"][2] == ["Имя", "given_name"]
    client.force_login(cast.officer_a)
    page = client.get(reverse("imports:run", args=[first.pk])).content.decode()
    assert 'name="column_0"' in page and "Check again" in page
    mapped = {"column_0": "person_id", "column_1": "family_name", "column_2": "given_name", "column_3": "region"}
    response = client.post(reverse("imports:read", args=[first.pk]), {**mapped, "save": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[first.pk])
    first = work(first)
    assert first.state == ImportRun.State.VALIDATED and first.report["valid"] == 1, first.report["issues"]
    # The choices are saved for the organisation and used, visibly, on its next upload.
    assert saved_mapping(cast.state).columns[fold("Анкета")] == "person_id"
    upload = io.BytesIO(data)
    upload.name = "anketa-2.csv"
    client.post(reverse("imports:upload"), {"file": upload, "organisation": cast.state.pk})
    second = work(ImportRun.objects.exclude(pk=first.pk).get())
    assert second.report["valid"] == 1 and second.mapping["columns"][fold("Анкета")] == "person_id"
    # Without --mapping the command line uses none of it.
    assert import_file(by=None, organisation=cast.state, data=data, file_name="a.csv", dry_run=True).errors == 1
    client.force_login(cast.officer_b)
    assert client.post(reverse("imports:read", args=[first.pk]), mapped).status_code == 404


def test_a_checked_file_is_imported_with_one_click_and_only_once(client, cast):
    checked = import_file(
        by=cast.officer_a, organisation=cast.state, data=csv_bytes(RU_HEADER, RU_ROWS), file_name="p.csv", dry_run=True
    )
    assert bytes(checked.content)
    client.force_login(cast.officer_a)
    assert "Import 3 persons" in client.get(reverse("imports:run", args=[checked.pk])).content.decode()
    response = client.post(reverse("imports:import_now", args=[checked.pk]))
    assert response["Location"] == reverse("imports:run", args=[checked.pk])
    checked = work(checked)
    assert (checked.state, checked.created, checked.dry_run) == (ImportRun.State.IMPORTED, 3, False)
    assert bytes(checked.content) == b""
    again = client.post(reverse("imports:import_now", args=[checked.pk]), follow=True)
    assert "no longer kept" in again.content.decode()
    assert ImportRun.objects.count() == 1
    with unscoped("test"):
        assert Person.objects.filter(organisation=cast.state).count() == 3 + 2


def test_the_kept_file_is_encrypted_at_rest(cast):
    from django.db import connection

    data = csv_bytes(RU_HEADER, RU_ROWS)
    run = import_file(by=cast.officer_a, organisation=cast.state, data=data, file_name="p.csv", dry_run=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM imports_importrun WHERE id = %s", [run.pk])
        stored = bytes(cursor.fetchone()[0])
    assert stored.startswith(b"enc1:") and "Ахмади".encode() not in stored and "Ахмади".encode("cp1251") not in stored
    assert bytes(ImportRun.objects.get(pk=run.pk).content) == data


def test_a_file_that_cannot_be_read_says_so_first_and_offers_no_reading_to_change(client, cast):
    run = import_file(
        by=cast.officer_a, organisation=cast.state, data=b"not a workbook", file_name="sheet.xlsx", dry_run=True
    )
    client.force_login(cast.officer_a)
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    alert = page.split('class="error-summary" role="alert"', 1)[1].split("</div>", 1)[0]
    assert "not a readable spreadsheet" in alert
    assert "Check again" not in page and 'name="column_0"' not in page
