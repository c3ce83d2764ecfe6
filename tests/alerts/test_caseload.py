"""The caseload of expiring documents and overdue deadlines: the caller's scope only, filtered by region,
exported as CSV by who may export (audited), a clear error for a bad filter."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from panah.audit.models import AuditEntry
from tests.conftest import REGION_A, REGION_B
from tests.factories import MembershipFactory, UserFactory
from tests.factories.cases import document

D = dt.date


@pytest.fixture
def documents(cast):
    with time_machine.travel(dt.datetime(2024, 3, 7, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        document(cast.person_a, "passport", "A-1", valid_to=D(2024, 3, 20))
        document(cast.person_b, "passport", "B-1", valid_to=D(2024, 3, 25))
        document(cast.partner_person, "passport", "P-1", valid_to=D(2024, 3, 25))
        yield


def test_caseload_is_the_scope_filtered_by_region(client, cast, documents):
    client.force_login(cast.unhcr_officer)  # national, sees the state's persons under the agreement
    with time_machine.travel(dt.datetime(2024, 3, 7, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        both = client.get("/alerts/caseload/").content.decode()
        only_b = client.get(f"/alerts/caseload/?region={REGION_B}&days=30").content.decode()
        bad = client.get("/alerts/caseload/?days=0&region=XX")
    assert cast.person_a.registration_number in both and cast.person_b.registration_number in both
    assert cast.partner_person.registration_number not in both
    assert cast.person_b.registration_number in only_b and cast.person_a.registration_number not in only_b
    assert bad.status_code == 400 and "Region" in bad.content.decode()


def test_csv_export_needs_the_export_right_and_is_audited(client, cast, documents):
    client.force_login(cast.officer_a)
    assert client.get("/alerts/caseload/?format=csv").status_code == 403
    admin = UserFactory(username="state_admin")
    MembershipFactory(user=admin, organisation=cast.state, role="org_admin", regions=[REGION_A])
    client.force_login(admin)
    with time_machine.travel(dt.datetime(2024, 3, 7, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        answer = client.get("/alerts/caseload/?format=csv&days=30")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows == [
        ["what", "registration_number", "region", "kind", "date"],
        ["document_expiring", cast.person_a.registration_number, REGION_A, "passport", "2024-03-20"],
    ]
    assert AuditEntry.objects.filter(message="caseload_exported", user=admin).count() == 1


def test_the_caseload_does_not_query_per_row(client, cast, documents):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.unhcr_officer)
    counts = []
    with time_machine.travel(dt.datetime(2024, 3, 7, 10, tzinfo=ZoneInfo("Asia/Almaty")), tick=False):
        for n in range(3):
            if n:
                document(cast.person_b, "refugee_certificate", f"R-{n}", valid_to=D(2024, 3, 26))
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/alerts/caseload/").status_code == 200
            counts.append(len(captured.captured_queries))
    assert counts[0] == counts[2], counts
