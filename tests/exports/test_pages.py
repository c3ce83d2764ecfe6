import csv
import io

import pytest
from django.urls import reverse

from panah.audit.models import AuditEntry
from tests.conftest import REGION_A


def test_the_export_page_downloads_the_callers_persons(client, cast, exporter_a):
    client.force_login(exporter_a)
    assert client.get(reverse("exports:persons")).status_code == 200
    response = client.post(
        reverse("exports:persons"), {"region": REGION_A, "file_format": "csv", "purpose": "verification visit"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["person_id"] for r in rows] == [cast.person_a.registration_number]
    assert AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).purpose == "verification visit"


def test_the_export_page_requires_a_purpose(client, cast, exporter_a):
    client.force_login(exporter_a)
    response = client.post(reverse("exports:persons"), {"file_format": "xlsx", "purpose": " "})
    assert response.status_code == 200
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("user", ["officer_a", "statistician", "lawyer"])
def test_the_export_page_is_forbidden_without_the_right(client, cast, user):
    client.force_login(getattr(cast, user))
    assert client.get(reverse("exports:persons")).status_code == 403
    assert client.post(reverse("exports:persons"), {"file_format": "csv", "purpose": "x"}).status_code == 403


def test_the_person_page_links_the_subject_access_export_for_exporters_only(client, cast, exporter_a):
    url = reverse("registry:person", args=[cast.person_a.registration_number])
    link = reverse("exports:subject_access", args=[cast.person_a.registration_number])
    client.force_login(exporter_a)
    assert link in client.get(url).content.decode()
    client.force_login(cast.officer_a)
    assert link not in client.get(url).content.decode()


def test_the_export_page_downloads_xlsx(client, cast, exporter_a):
    from openpyxl import load_workbook

    client.force_login(exporter_a)
    response = client.post(reverse("exports:persons"), {"file_format": "xlsx", "purpose": "verification visit"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ids = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert ids == [cast.person_a.registration_number]
    assert response["Content-Disposition"].endswith('.xlsx"')
