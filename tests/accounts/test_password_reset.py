"""An administrator sets a temporary password; the user must change it at the next sign-in."""

import json

import pytest

from panah.accounts.models import User
from panah.audit.models import AuditEntry
from tests.accounts.admin_cast import make_admins, signed_in
from tests.factories import PASSWORD

TEMPORARY = "Temporary-Pass-2026"


@pytest.fixture
def admins(cast):
    return make_admins(cast)


def who(cast, admins, name):
    if name == "lawyer_and_officer":
        # A lawyer of the partner NGO who is also a registrar of the state department.
        from panah.accounts.roles import Role
        from tests.factories import MembershipFactory

        MembershipFactory(user=cast.lawyer, organisation=cast.state, role=Role.REGISTRAR, regions=["KZ-75"])
        return cast.lawyer
    return getattr(cast, name, None) or getattr(admins, name)


# (actor, target, allowed). Organisation administrators administer their organisation's users, never a
# system administrator nor themselves; system administrators and superusers administer everyone else.
MATRIX = [
    ("state_admin", "officer_a", True),
    ("state_admin", "decider_a", True),
    ("state_admin", "statistician", True),
    ("state_admin", "lawyer", False),  # another organisation's user
    ("state_admin", "unhcr_officer", False),  # an organisation that only receives shared data
    ("state_admin", "sysadmin", False),  # a system administrator in the same organisation
    ("state_admin", "superuser", False),
    ("state_admin", "state_admin", False),  # oneself: change one's own password instead
    ("partner_admin", "lawyer", True),
    # Someone of two organisations: neither administrator alone may take over their access to the other's persons.
    ("partner_admin", "lawyer_and_officer", False),
    ("state_admin", "lawyer_and_officer", False),
    ("sysadmin", "lawyer_and_officer", True),
    ("partner_admin", "officer_a", False),
    ("partner_admin", "state_admin", False),
    ("sysadmin", "officer_a", True),
    ("sysadmin", "lawyer", True),
    ("sysadmin", "state_admin", True),
    ("sysadmin", "sysadmin", False),
    ("superuser", "lawyer", True),
    ("officer_a", "officer_b", False),  # a registrar administers nobody
    ("decider_a", "officer_a", False),
    ("unhcr_officer", "officer_a", False),
    ("statistician", "officer_a", False),
]


@pytest.mark.parametrize(("actor", "target", "allowed"), MATRIX)
def test_who_may_set_a_temporary_password_for_whom(client, cast, admins, actor, target, allowed):
    actor_user, target_user = who(cast, admins, actor), who(cast, admins, target)
    client.force_login(actor_user)
    response = client.post(
        f"/accounts/users/{target_user.pk}/password/", {"password1": TEMPORARY, "password2": TEMPORARY}
    )
    target_user.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert target_user.check_password(TEMPORARY) and target_user.must_change_password
    else:
        assert response.status_code == 404  # the same answer as for a user that does not exist
        assert target_user.check_password(PASSWORD) and not target_user.must_change_password
    assert client.get(f"/accounts/users/{target_user.pk}/").status_code == (200 if allowed else 404)


def test_the_user_page_list_shows_only_the_users_one_administers(client, cast, admins):
    client.force_login(admins.state_admin)
    page = client.get("/accounts/users/").content.decode()
    assert "officer_a" in page and "decider_a" in page
    assert "lawyer" not in page and "sysadmin" not in page and "unhcr_officer" not in page
    client.force_login(cast.officer_a)
    assert client.get("/accounts/users/").status_code == 403


@pytest.mark.parametrize("extra", [1, 3])
def test_the_user_list_costs_the_same_queries_for_1_and_3_users(client, cast, admins, extra, django_assert_num_queries):
    from tests.factories import MembershipFactory, UserFactory

    for n in range(extra):
        MembershipFactory(user=UserFactory(username=f"extra{n}"), organisation=cast.state, regions=["KZ-55"])
    client.force_login(admins.state_admin)
    client.get("/accounts/users/")  # warm the session
    with django_assert_num_queries(12):
        assert client.get("/accounts/users/").status_code == 200


def test_the_temporary_password_must_be_changed_at_the_next_sign_in(client, cast, admins):
    officer = signed_in("officer_a")
    client.force_login(admins.state_admin)
    client.post(f"/accounts/users/{cast.officer_a.pk}/password/", {"password1": TEMPORARY, "password2": TEMPORARY})
    # The officer's open session is ended.
    assert officer.get("/")["Location"].startswith("/accounts/login/")

    officer = signed_in_with("officer_a", TEMPORARY)
    for path in ["/", f"/persons/{cast.person_a.registration_number}/", "/api/tokens/", "/accounts/security/"]:
        response = officer.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/"), path
    assert officer.get("/api/v1/persons").status_code == 403
    assert officer.get("/accounts/password/").status_code == 200
    wrong_old = officer.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "my own new passphrase", "new_password2": "my own new passphrase"},
    )
    assert wrong_old.status_code == 200
    response = officer.post(
        "/accounts/password/",
        {"old_password": TEMPORARY, "new_password1": "my own new passphrase", "new_password2": "my own new passphrase"},
    )
    assert response.status_code == 302
    assert officer.get("/").status_code == 200  # still signed in, under the new password
    user = User.objects.get(pk=cast.officer_a.pk)
    assert user.check_password("my own new passphrase") and not user.must_change_password


def signed_in_with(username, password):
    from django.test import Client

    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_the_audit_names_the_reset_and_never_the_password(client, cast, admins):
    client.force_login(admins.state_admin)
    client.post(f"/accounts/users/{cast.officer_a.pk}/password/", {"password1": TEMPORARY, "password2": TEMPORARY})
    entry = AuditEntry.objects.get(user=admins.state_admin, summary__startswith="set a temporary password")
    assert entry.object_id == str(cast.officer_a.pk) and "officer_a" in entry.summary
    for entry in AuditEntry.objects.all():
        assert TEMPORARY not in entry.summary + json.dumps(entry.changes) + entry.purpose


def test_a_weak_or_mismatched_temporary_password_is_refused(client, cast, admins):
    client.force_login(admins.state_admin)
    for data in [{"password1": "123", "password2": "123"}, {"password1": TEMPORARY, "password2": TEMPORARY + "x"}]:
        response = client.post(f"/accounts/users/{cast.officer_a.pk}/password/", data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    cast.officer_a.refresh_from_db()
    assert cast.officer_a.check_password(PASSWORD)
