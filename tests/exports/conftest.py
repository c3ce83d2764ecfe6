"""Exports need someone who may export: an organisation administrator of the state department in
region A (the cast has none), and persons with an address, a document and a population type."""

import datetime as dt
from typing import Any

import pytest

from panah.accounts.models import User
from panah.accounts.scope import unscoped
from panah.registry.models import Address, Person
from panah.status.services import record_status_event
from tests.conftest import REGION_A
from tests.factories import MembershipFactory, UserFactory, region


@pytest.fixture
def exporter_a(cast: Any) -> User:
    user = UserFactory(username="exporter_a")
    MembershipFactory(user=user, organisation=cast.state, role="org_admin", regions=[REGION_A])
    return user


def settle(
    person: Person, *, by: Any, since: dt.date = dt.date(2016, 3, 1), kind: str = "stateless_determined"
) -> Person:
    """Give `person` a current address in their region and a population type from a status event."""
    with unscoped("test setup"):
        Address._base_manager.create(
            person=person,
            region=region(person.region_id),
            locality="Pavlodar",
            line="Lenin st. 1",
            phone="87001234567",
            valid_from=since,
        )
        record_status_event(person=person, kind=kind, effective=since, by=by)
        person.refresh_from_db()
    return person
