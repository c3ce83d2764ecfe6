"""Administrators added to the fixed cast for the account-administration tests."""

from dataclasses import dataclass

from django.test import Client

from panah.accounts.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory


@dataclass
class Admins:
    state_admin: object  # organisation administrator of the state department
    partner_admin: object  # organisation administrator of the partner NGO
    superuser: object  # Django superuser without any membership


def make_admins(cast) -> Admins:
    state_admin = UserFactory(username="state_admin")
    MembershipFactory(user=state_admin, organisation=cast.state, role=Role.ORG_ADMIN, regions=["KZ-55", "KZ-75"])
    partner_admin = UserFactory(username="partner_admin")
    MembershipFactory(user=partner_admin, organisation=cast.partner, role=Role.ORG_ADMIN, regions=["KZ-75"])
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return Admins(state_admin=state_admin, partner_admin=partner_admin, superuser=superuser)


def signed_in(username: str, **headers: str) -> Client:
    client = Client(**headers)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client
