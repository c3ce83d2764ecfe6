"""An administrator adds a user for a new region; that user sees only that region's persons."""

import pytest

from panah.accounts.models import Membership, User
from panah.audit.models import AuditEntry
from tests.factories import PersonFactory, UserFactory, region


@pytest.fixture
def superadmin(client, cast):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def test_administrator_adds_a_user_with_a_role_in_one_region(client, cast, superadmin):
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "officer.almaty.new",
            "first_name": "Aigul",
            "last_name": "Serikova",
            "password1": "a-long enough pass 1",
            "password2": "a-long enough pass 1",
            "organisation": cast.state.pk,
            "role": "registrar",
            "regions": ["KZ-75"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="officer.almaty.new")
    membership = Membership.objects.get(user=user)
    assert list(membership.regions.values_list("code", flat=True)) == ["KZ-75"]
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="admin", object_id=str(user.pk), message="role_given")
    assert entry.parameters["role"] == {"label": "accounts.Membership.role", "value": "registrar"}
    user.must_change_password = False
    user.save()
    client.force_login(user)
    assert client.get(f"/persons/{cast.person_b.registration_number}/").status_code == 200
    assert client.get(f"/persons/{cast.person_a.registration_number}/").status_code == 404


def test_the_django_admin_shows_memberships_but_does_not_change_them(client, cast, superadmin):
    page = client.get(f"/admin/accounts/user/{cast.officer_a.pk}/change/")
    assert page.status_code == 200
    assert b"memberships-0-role" not in page.content  # no editable field for a role
    assert b"KZ-55" in page.content


def test_admin_is_closed_to_officers(client, cast):
    client.force_login(cast.officer_a)
    assert client.get("/admin/").status_code == 302


def test_a_person_created_for_another_region_is_invisible_to_the_new_user(client, cast, superadmin):
    extra = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Fatima", "Noori"))
    client.force_login(cast.officer_b)
    assert client.get(f"/persons/{extra.registration_number}/").status_code == 404
