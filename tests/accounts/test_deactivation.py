"""Deactivating a user stops them and keeps what they did; reactivation brings them back."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from panah.accounts.models import Membership, User, UserSession
from panah.accounts.roles import Role
from panah.accounts.scope import unscoped
from panah.api.models import ApiToken
from panah.api.tokens import issue_token
from panah.audit.models import AuditEntry
from panah.registry.models import Person
from tests.accounts.admin_cast import make_admins, signed_in
from tests.factories import PASSWORD, MembershipFactory, PersonFactory, region


@pytest.fixture
def admins(cast):
    return make_admins(cast)


def test_deactivation_stops_the_user_everywhere_and_keeps_their_history(client, cast, admins, today):
    officer = signed_in("officer_a")
    officer.get(f"/persons/{cast.person_a.registration_number}/")  # an audit entry naming them
    with unscoped("test: a person the officer registered"):
        registered = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Nadia", "Karimi"))
        Person.objects.filter(pk=registered.pk).update(created_by=cast.officer_a)
    _token, secret = issue_token(by=cast.officer_a, user=cast.officer_a, name="sync")
    entries_before = AuditEntry.objects.filter(user=cast.officer_a).count()
    assert entries_before >= 2

    client.force_login(admins.state_admin)
    response = client.post(f"/accounts/users/{cast.officer_a.pk}/deactivate/", {"reason": "left the department"})
    assert response.status_code == 302

    user = User.objects.get(pk=cast.officer_a.pk)
    assert not user.is_active and user.deactivated_on == today
    assert list(Membership.objects.filter(user=user).values_list("valid_to", flat=True)) == [today]
    assert not Membership.objects.active().filter(user=user).exists()
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/persons").status_code == 401
    assert not UserSession.objects.filter(user=user).exists()
    assert officer.get("/")["Location"].startswith("/accounts/login/")
    assert Client().post("/accounts/login/", {"username": "officer_a", "password": PASSWORD}).status_code == 200

    # History stays: the person they registered, every audit entry naming them.
    with unscoped("test: check the record survives"):
        assert Person.objects.get(pk=registered.pk).created_by_id == user.pk
    assert AuditEntry.objects.filter(user=user).count() == entries_before
    entry = AuditEntry.objects.get(user=admins.state_admin, summary__startswith="deactivated officer_a")
    assert "left the department" in entry.summary
    assert entry.changes["api_tokens_revoked"] and entry.changes["memberships_ended"]


def test_reactivation_gives_back_the_roles_ended_at_deactivation_but_not_the_tokens(client, cast, admins, today):
    issue_token(by=cast.officer_a, user=cast.officer_a, name="sync")
    client.force_login(admins.state_admin)
    client.post(f"/accounts/users/{cast.officer_a.pk}/deactivate/", {"reason": ""})
    # Still reachable by the same administrator while deactivated.
    page = client.get(f"/accounts/users/{cast.officer_a.pk}/")
    assert page.status_code == 200 and "Reactivate" in page.content.decode()
    response = client.post(f"/accounts/users/{cast.officer_a.pk}/reactivate/", {"restore_memberships": "on"})
    assert response.status_code == 302

    user = User.objects.get(pk=cast.officer_a.pk)
    assert user.is_active and user.deactivated_on is None
    assert Membership.objects.active().filter(user=user, role=Role.REGISTRAR).exists()
    assert ApiToken.objects.usable().filter(user=user).count() == 0
    officer = signed_in("officer_a")
    assert officer.get(f"/persons/{cast.person_a.registration_number}/").status_code == 200
    assert AuditEntry.objects.filter(summary="reactivated officer_a").exists()


def test_reactivation_without_the_roles_lets_the_user_in_with_no_access(client, cast, admins):
    client.force_login(admins.state_admin)
    client.post(f"/accounts/users/{cast.officer_a.pk}/deactivate/", {})
    client.post(f"/accounts/users/{cast.officer_a.pk}/reactivate/", {})
    user = User.objects.get(pk=cast.officer_a.pk)
    assert user.is_active and not Membership.objects.active().filter(user=user).exists()


def test_a_role_that_would_start_later_never_takes_effect(client, cast, admins, today):
    later = MembershipFactory(
        user=cast.officer_a, organisation=cast.state, role=Role.CASEWORKER, valid_from=today + dt.timedelta(days=10)
    )
    client.force_login(admins.state_admin)
    assert client.post(f"/accounts/users/{cast.officer_a.pk}/deactivate/", {}).status_code == 302
    later.refresh_from_db()
    assert later.valid_to == later.valid_from + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("state_admin", "officer_a", True),
        ("state_admin", "lawyer", False),
        ("state_admin", "sysadmin", False),
        ("partner_admin", "lawyer", True),
        ("partner_admin", "officer_a", False),
        ("sysadmin", "lawyer", True),
        ("superuser", "officer_a", True),
        ("officer_b", "officer_a", False),
        ("decider_a", "officer_a", False),
        ("sysadmin", "sysadmin", False),
    ],
)
def test_who_may_deactivate_and_reactivate_whom(client, cast, admins, today, actor, target, allowed):
    actor_user = getattr(cast, actor, None) or getattr(admins, actor)
    target_user = getattr(cast, target, None) or getattr(admins, target)
    client.force_login(actor_user)
    response = client.post(f"/accounts/users/{target_user.pk}/deactivate/", {})
    target_user.refresh_from_db()
    assert response.status_code == (302 if allowed else 404)
    assert target_user.is_active is not allowed
    if allowed:
        client.force_login(actor_user)
        assert (
            client.post(f"/accounts/users/{target_user.pk}/reactivate/", {"restore_memberships": "on"}).status_code
            == 302
        )
        target_user.refresh_from_db()
        assert target_user.is_active
    elif actor != target:
        # Nor may they reactivate someone the rightful administrator deactivated.
        User.objects.filter(pk=target_user.pk).update(is_active=False, deactivated_on=today)
        client.force_login(actor_user)
        assert client.post(f"/accounts/users/{target_user.pk}/reactivate/", {}).status_code == 404


def test_a_deactivated_user_s_sessions_are_gone_from_the_session_store(cast, admins, client):
    officer = signed_in("officer_a")
    key = officer.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.force_login(cast.sysadmin)
    client.post(f"/accounts/users/{cast.officer_a.pk}/deactivate/", {})
    assert not Session.objects.filter(session_key=key).exists()
