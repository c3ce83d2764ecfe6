"""Users see where they are signed in and end other sessions; administrators end a user's sessions."""

import time

import pytest
from django.contrib.sessions.models import Session

from panah.accounts.models import UserSession
from panah.audit.models import AuditEntry
from tests.accounts.admin_cast import make_admins, signed_in


@pytest.fixture
def admins(cast):
    return make_admins(cast)


def test_a_user_sees_their_sessions_and_ends_another(cast):
    laptop = signed_in("officer_a", REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="Laptop Firefox")
    phone = signed_in("officer_a", REMOTE_ADDR="10.0.0.2", HTTP_USER_AGENT="Phone Chrome")
    signed_in("officer_b", REMOTE_ADDR="10.0.0.3", HTTP_USER_AGENT="Someone else")
    page = laptop.get("/accounts/security/").content.decode()
    assert "10.0.0.1" in page and "10.0.0.2" in page and "Phone Chrome" in page
    assert "10.0.0.3" not in page  # nobody else's
    assert "this session" in page

    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(f"/accounts/sessions/{phone_row.pk}/end/").status_code == 302
    assert phone.get("/")["Location"].startswith("/accounts/login/")
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert laptop.get("/").status_code == 200
    assert AuditEntry.objects.filter(user=cast.officer_a, summary="ended their own session from 10.0.0.2").exists()


def test_one_cannot_end_someone_else_s_session_from_one_s_own_page(cast):
    officer_a = signed_in("officer_a")
    officer_b = signed_in("officer_b")
    row_b = UserSession.objects.get(session_key=officer_b.session.session_key)
    assert officer_a.post(f"/accounts/sessions/{row_b.pk}/end/").status_code == 404
    assert officer_b.get("/").status_code == 200


def test_the_current_session_is_ended_by_signing_out_which_removes_its_row(cast):
    officer = signed_in("officer_a")
    key = officer.session.session_key
    row = UserSession.objects.get(session_key=key)
    officer.post(f"/accounts/sessions/{row.pk}/end/")
    assert officer.get("/").status_code == 200  # not ended from its own page
    officer.post("/accounts/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_last_seen_is_written_at_most_once_a_minute(cast):
    officer = signed_in("officer_a")
    key = officer.session.session_key
    first = UserSession.objects.get(session_key=key).last_seen_at
    officer.get("/")
    assert UserSession.objects.get(session_key=key).last_seen_at == first
    # As if the last write was two minutes ago.
    session = officer.session
    session["panah_seen"] = [key, time.time() - 120]
    session.save()
    officer.get("/", REMOTE_ADDR="10.9.9.9")
    row = UserSession.objects.get(session_key=key)
    assert row.last_seen_at > first and row.ip_address == "10.9.9.9"


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("state_admin", True), ("sysadmin", True), ("partner_admin", False), ("officer_b", False), ("decider_a", False)],
)
def test_who_may_see_and_end_another_user_s_sessions(client, cast, admins, actor, allowed):
    officer = signed_in("officer_a", REMOTE_ADDR="10.0.0.7")
    row = UserSession.objects.get(session_key=officer.session.session_key)
    client.force_login(getattr(cast, actor, None) or getattr(admins, actor))
    page = client.get(f"/accounts/users/{cast.officer_a.pk}/")
    assert page.status_code == (200 if allowed else 404)
    if allowed:
        assert "10.0.0.7" in page.content.decode()
    response = client.post(f"/accounts/users/{cast.officer_a.pk}/sessions/{row.pk}/end/")
    assert response.status_code == (302 if allowed else 404)
    assert officer.get("/").status_code == (302 if allowed else 200)
    assert AuditEntry.objects.filter(summary="ended the session of officer_a from 10.0.0.7").exists() is allowed
