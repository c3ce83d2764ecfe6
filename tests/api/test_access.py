"""Tokens (hashed, expiring, revocable), session access with CSRF, rate limits, wrong-token lockout,
error bodies and the OpenAPI schema."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from panah.api.models import ApiToken
from panah.api.tokens import digest, issue_token, revoke_token
from panah.audit.models import AuditEntry


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_is_stored_only_as_a_digest_and_works_until_revoked(cast):
    token, secret = issue_token(by=cast.sysadmin, user=cast.officer_a, name="sync")
    assert secret.startswith("pnh_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert stored.digest == digest(secret) and secret not in (stored.digest, stored.prefix)
    assert secret.startswith(stored.prefix)
    assert bearer(secret).get("/api/v1/me").json()["username"] == "officer_a"
    assert ApiToken.objects.get().last_used_at is not None
    revoke_token(by=cast.sysadmin, token=token)
    response = bearer(secret).get("/api/v1/me")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert AuditEntry.objects.filter(object_type="api.ApiToken", action="admin").count() == 2


def test_an_expired_token_or_one_of_a_deactivated_user_is_refused(cast):
    token, secret = issue_token(by=None, user=cast.officer_a, name="sync", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(secret).get("/api/v1/me").status_code == 401
    _token, other = issue_token(by=None, user=cast.officer_b, name="sync")
    cast.officer_b.is_active = False
    cast.officer_b.save()
    assert bearer(other).get("/api/v1/me").status_code == 401


def test_lifetimes_outside_the_allowed_range_are_refused(cast):
    from django.core.exceptions import ValidationError

    for days in (0, 366, -1):
        with pytest.raises(ValidationError):
            issue_token(by=None, user=cast.officer_a, name="x", days=days)


def test_no_credentials_or_a_wrong_token_get_401_in_the_common_error_shape(cast):
    for client in (Client(), bearer("pnh_wrong"), bearer("not-even-ours"), Client(HTTP_AUTHORIZATION="Basic eDp5")):
        response = client.get("/api/v1/persons")
        assert response.status_code == 401
        body = response.json()
        assert set(body) == {"detail", "errors"} and body["detail"]


@override_settings(PANAH_API_TOKEN_FAILURES=3)
def test_a_client_sending_wrong_tokens_is_made_to_wait(cast):
    _token, secret = issue_token(by=None, user=cast.officer_a, name="sync")
    for attempt in range(3):
        assert bearer(f"pnh_guess{attempt}").get("/api/v1/me").status_code == 401
    refused = bearer(secret).get("/api/v1/me")  # even the right one, from that address, for a while
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@override_settings(PANAH_API_RATE="3/min")
def test_requests_beyond_the_rate_get_429_with_retry_after(cast, token_client):
    client = token_client(cast.officer_a)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"].startswith("Too many requests")
    # Another token has its own allowance.
    assert token_client(cast.officer_b).get("/api/v1/me").status_code == 200


def test_a_signed_in_session_reads_and_must_send_the_csrf_token_to_write(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    assert client.get("/api/v1/me").status_code == 200
    upload = io.BytesIO(b"person_id,family_name\n1,X\n")
    upload.name = "p.csv"
    refused = client.post("/api/v1/imports", {"organisation": "mlsp", "file": upload})
    assert refused.status_code == 403
    # A token is not sent by a browser on its own: no CSRF token needed.
    _token, secret = issue_token(by=None, user=cast.officer_a, name="sync")
    upload.seek(0)
    assert (
        Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
        .post("/api/v1/imports", {"organisation": "mlsp", "file": upload})
        .status_code
        == 202
    )


def test_invalid_parameters_get_422_naming_the_field(cast, token_client):
    client = token_client(cast.officer_a)
    for query, field in (({"limit": 0}, "limit"), ({"limit": "many"}, "limit"), ({"sex": "Q"}, "sex")):
        response = client.get("/api/v1/persons", query)
        assert response.status_code == 422, query
        assert [e["field"] for e in response.json()["errors"]] == [field]
    bad_date = client.get(f"/api/v1/persons/{cast.person_a.registration_number}/status", {"as_of": "31.02.2020"})
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["field"] == "as_of"


def test_the_openapi_schema_describes_every_endpoint_and_its_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/persons", "/api/v1/persons/{number}", "/api/v1/statistics", "/api/v1/imports/{pk}/report"):
        assert path in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "404", "422", "429"} <= set(operation["responses"]), (path, method)
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_tokens_page_issues_shows_once_and_revokes(client, cast):
    client.force_login(cast.lawyer)
    page = client.post("/api/tokens/", {"name": "case sync", "days": 30}).content.decode()
    token = ApiToken.objects.get(user=cast.lawyer)
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert digest(secret) == token.digest
    assert secret not in client.get("/api/tokens/").content.decode()  # shown once
    client.post("/api/tokens/", {"revoke": token.pk})
    assert bearer(secret).get("/api/v1/me").status_code == 401
    # Another user's token cannot be revoked from here.
    other, _secret = issue_token(by=None, user=cast.officer_a, name="x")
    assert client.post("/api/tokens/", {"revoke": other.pk}).status_code == 404


def test_the_command_issues_lists_and_revokes(cast):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "officer_a", "--name", "hope sync", "--days", "7", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert bearer(secret).get("/api/v1/me").status_code == 200
    prefix = ApiToken.objects.get().prefix
    listing = io.StringIO()
    call_command("api_token", "officer_a", stdout=listing)
    assert prefix in listing.getvalue() and "active" in listing.getvalue()
    call_command("api_token", "officer_a", "--revoke", prefix, stdout=io.StringIO())
    assert bearer(secret).get("/api/v1/me").status_code == 401
    assert AuditEntry.objects.filter(channel="cli", object_type="api.ApiToken").count() == 2
