"""No bulk copying without the export right: a user who may not export reads at most PANAH_READ_QUOTA
distinct persons an hour, through the API and the lists alike; past it, reads are refused with a clear
message (429), the refusal is on the audit log and administrators see who was refused. A user with the
export right is not limited. Reading the same persons again costs nothing."""

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from panah.audit.models import AuditEntry
from tests.factories import MembershipFactory, PersonFactory, UserFactory, region

QUOTA = 5


@pytest.fixture
def many(cast):
    """Eight more persons of the state department in region A: ten in region A with person_a... in all."""
    return [
        PersonFactory(organisation=cast.state, region=region("KZ-55"), name=(f"Given{n}", "Quota")) for n in range(8)
    ]


def _api(user):
    from panah.api.tokens import issue_token

    _token, secret = issue_token(by=user, user=user, name="quota")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@override_settings(PANAH_READ_QUOTA=QUOTA)
def test_the_api_stops_a_reader_past_the_quota_and_says_why(cast, many):
    client = _api(cast.officer_a)
    first = client.get(f"/api/v1/persons?region=KZ-55&limit={QUOTA}")
    assert first.status_code == 200 and len(first.json()["items"]) == QUOTA
    again = client.get(f"/api/v1/persons?region=KZ-55&limit={QUOTA}")
    assert again.status_code == 200, "persons already read this hour count once"
    following = client.get(f"/api/v1/persons?region=KZ-55&limit={QUOTA}&after={first.json()['next']}")
    assert following.status_code == 429
    assert "5 different persons in the last hour" in following.json()["detail"]
    assert following["Retry-After"] == "3600"
    single = client.get(f"/api/v1/persons/{many[-1].registration_number}")
    assert single.status_code == 429
    refused = AuditEntry.objects.filter(user=cast.officer_a, action=AuditEntry.Action.REFUSED)
    assert refused.count() == 2 and {e.changes["reason"] for e in refused} == {"read_quota"}
    views = AuditEntry.objects.filter(user=cast.officer_a, action=AuditEntry.Action.VIEW)
    assert views.values("person_id").distinct().count() == QUOTA


@override_settings(PANAH_READ_QUOTA=QUOTA)
def test_the_person_list_and_the_record_pages_count_alike(cast, many):
    client = Client()
    client.force_login(cast.officer_a)
    # The list shows 25 a page: more than the quota at once is refused before anything is shown.
    page = client.get("/persons/")
    assert page.status_code == 429
    assert "5 different persons" in page.content.decode()
    for person in many[:QUOTA]:
        assert client.get(f"/persons/{person.registration_number}/").status_code == 200
    assert client.get(f"/persons/{many[0].registration_number}/").status_code == 200  # read again: free
    assert client.get(f"/persons/{many[QUOTA].registration_number}/").status_code == 429
    # An hour later the reader may read again.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61), tick=False):
        client.force_login(cast.officer_a)  # the session itself has expired by then
        assert client.get(f"/persons/{many[QUOTA].registration_number}/").status_code == 200


@override_settings(PANAH_READ_QUOTA=QUOTA)
def test_a_user_with_the_export_right_is_not_limited(cast, many):
    exporter = UserFactory(username="exporter")
    MembershipFactory(user=exporter, organisation=cast.state, role="org_admin", regions=["KZ-55"])
    client = _api(exporter)
    assert client.get("/api/v1/persons?region=KZ-55&limit=50").status_code == 200
    assert AuditEntry.objects.filter(user=exporter, action=AuditEntry.Action.VIEW).count() > QUOTA


@override_settings(PANAH_READ_QUOTA=QUOTA, PANAH_REFUSALS_ALERT=2)
def test_administrators_see_who_was_refused_many_times(cast, many):
    client = _api(cast.officer_a)
    client.get(f"/api/v1/persons?region=KZ-55&limit={QUOTA}")
    for person in many[QUOTA:]:
        assert client.get(f"/api/v1/persons/{person.registration_number}").status_code == 429
    admin = Client()
    admin.force_login(cast.sysadmin)
    home = admin.get("/").content.decode()
    assert "1 user was refused many times in the last hour" in home
    log = admin.get("/audit/").content.decode()
    assert "Refused often in the last hour" in log and "officer_a" in log and "3 refusals" in log
    # An officer sees nothing of it.
    officer = Client()
    officer.force_login(cast.officer_b)
    assert "refused many times" not in officer.get("/").content.decode()
