import datetime as dt

import pytest

from panah.accounts.scope import unscoped
from panah.registry.models import Address, SpecificNeed, SpecificNeedCode
from panah.status.models import EventKind
from panah.status.services import record_status_event
from tests.conftest import REGION_A
from tests.factories import MembershipFactory, UserFactory, country
from tests.factories.cases import consent, document


@pytest.fixture
def admin_a(cast):
    """The state department's organisation administrator in region A: decides erasure requests there."""
    user = UserFactory(username="admin_a")
    MembershipFactory(user=user, organisation=cast.state, role="org_admin", regions=[REGION_A])
    return user


@pytest.fixture
def refugee_a(cast):
    """person_a with everything the registry holds: a refugee since 2016, with a document, an address
    line and phone, an IIN-free record, a specific need with a note, a consent, evidence on the events."""
    person = cast.person_a
    with unscoped("test set-up"):
        person.birth_place = "Herat"
        person.country_of_origin = country("AFG")
        person.save()
        Address._base_manager.create(
            person=person, region_id=REGION_A, locality="Pavlodar", line="Lenina 1-12", phone="+77001234567",
            valid_from=dt.date(2015, 6, 1),
        )  # fmt: skip
        document(person, "passport", "AF1234567")
        code = SpecificNeedCode.objects.order_by("code").first()
        SpecificNeed._base_manager.create(
            person=person, code=code, identified_on=dt.date(2016, 1, 1), identified_by=cast.state, note="limps"
        )
        consent(person, taken_by=cast.officer_a, purpose="Sharing with KIBHR for Mohammad's legal aid")
        record_status_event(
            person=person, kind=EventKind.ASYLUM_APPLICATION, effective=dt.date(2015, 6, 1), by=cast.officer_a,
            evidence="Told us he fled Herat in May",
        )  # fmt: skip
        record_status_event(
            person=person, kind=EventKind.REFUGEE_GRANTED, effective=dt.date(2016, 3, 1), by=cast.decider_a,
            decision_reference="DEC-77/2016",
        )  # fmt: skip
        person.refresh_from_db()
    return person
