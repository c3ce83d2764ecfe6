"""Statistics and imports through the API: the same checks as the pages."""

import io

import pytest

from panah.accounts.scope import unscoped
from panah.imports.models import ImportRun
from panah.imports.tasks import import_person_file
from panah.registry.models import Person
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes, snapshot

BAD_ROW = ["A-9", "Husseini", "Zarina", "", "F", "31.02.2001", "", "KZ-55", "", "", ""]


def test_statistics_for_a_statistician_protected_and_refused_to_roles_without_statistics(cast, token_client):
    body = token_client(cast.statistician).get("/api/v1/statistics").json()
    assert set(body["stock"]) >= {"ASY", "REF", "STA", "UND"}
    assert body["disclosure"]["method"] == "suppress"
    refused = token_client(cast.officer_a).get("/api/v1/statistics")
    assert refused.status_code == 403 and refused.json()["detail"]
    exact = token_client(cast.statistician).get("/api/v1/statistics", {"policy": "exact"})
    assert exact.status_code == 422 and exact.json()["errors"][0]["field"] == "policy"
    future = token_client(cast.statistician).get("/api/v1/statistics", {"as_of": "2100-12-31"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "as_of"
    exact = token_client(cast.sysadmin).get("/api/v1/statistics", {"policy": "exact"})
    assert exact.status_code == 200 and exact.json()["disclosure"]["method"] == "none"


def test_releases_are_listed_and_read_as_published(cast, token_client):
    client = token_client(cast.statistician)
    assert client.get("/api/v1/statistics/releases").json() == []
    assert client.get("/api/v1/statistics/releases/none").status_code == 404


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """`upload(client, rows, **fields)` sends a person file to the API."""

    def send(client, rows, **fields):
        file = io.BytesIO(csv_bytes(RU_HEADER, rows))
        file.name = "persons.csv"
        # A job is queued when its transaction commits, which the test's own transaction never does.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/v1/imports", {"organisation": "mlsp", "file": file, **fields})

    return send


def _work():
    # The queued jobs, run by the task itself: the worker (tested in tests/imports) closes the
    # connection, and with it the test's transaction, on PostgreSQL.
    for run in ImportRun.objects.filter(state=ImportRun.State.QUEUED).exclude(job=None):
        import_person_file.call(job_id=run.job_id, run_id=run.pk)


def test_a_file_is_checked_through_the_api_and_its_report_read(cast, token_client, upload):
    client = token_client(cast.officer_a)
    before = snapshot()
    response = upload(client, [*RU_ROWS, BAD_ROW])
    assert response.status_code == 202
    run = response.json()
    assert run["state"] == "queued" and run["dry_run"] is True and run["report_url"] is None
    _work()
    checked = client.get(f"/api/v1/imports/{run['id']}").json()
    assert checked["state"] == "validated" and checked["errors"] == 1
    report = client.get(checked["report_url"]).json()["report"]
    problem = next(i for i in report["issues"] if i["value"] == "31.02.2001")
    assert problem["row"] == 5 and problem["column"] == "Дата рождения"
    xlsx = client.get(f"/api/v1/imports/{run['id']}/report.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert snapshot() == before


def test_an_import_through_the_api_is_all_or_nothing(cast, token_client, upload):
    client = token_client(cast.officer_a)
    refused = upload(client, [*RU_ROWS, BAD_ROW], dry_run="false").json()
    imported = upload(client, RU_ROWS, dry_run="false").json()
    _work()
    assert client.get(f"/api/v1/imports/{refused['id']}").json()["state"] == "refused"
    done = client.get(f"/api/v1/imports/{imported['id']}").json()
    assert (done["state"], done["created"]) == ("imported", 3)
    with unscoped("test"):
        assert Person.objects.filter(organisation=cast.state).count() == 2 + 3
    assert next(r["id"] for r in client.get("/api/v1/imports").json()) == imported["id"]


def test_imports_are_refused_outside_the_callers_organisations_and_hidden_from_others(cast, token_client, upload):
    refused = upload(token_client(cast.officer_a), RU_ROWS, organisation="kibhr")
    assert refused.status_code == 403 and "organisation" in refused.json()["detail"]
    for user in (cast.lawyer, cast.statistician):  # roles without registration
        assert upload(token_client(user), RU_ROWS).status_code == 403
    unknown = upload(token_client(cast.officer_a), RU_ROWS, organisation="nope")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "organisation", "message": "No organisation with the code 'nope'."}]
    run = upload(token_client(cast.officer_a), RU_ROWS).json()
    _work()
    for path in (f"/api/v1/imports/{run['id']}", f"/api/v1/imports/{run['id']}/report"):
        assert token_client(cast.officer_b).get(path).status_code == 404
    assert ImportRun.objects.count() == 1  # the refused uploads kept nothing


def test_an_upload_without_a_file_names_the_missing_field(cast, token_client):
    response = token_client(cast.officer_a).post("/api/v1/imports", {"organisation": "mlsp"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
