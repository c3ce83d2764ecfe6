"""An officer records what was shared with a person; it is scoped like the person and audited."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.knowledge import services
from panah.knowledge.models import Leaflet, PartnerProject, SharedInformation
from tests.conftest import REGION_A
from tests.factories import MembershipFactory, UserFactory
from tests.factories.knowledge import LeafletFactory, PartnerProjectFactory

DARI_TITLE = "کمک حقوقی رایگان"


@pytest.fixture
def leaflet() -> Leaflet:
    return LeafletFactory(
        slug="legal-aid",
        languages={
            "prs": (DARI_TITLE, "اگر سوال حقوقی دارید، با ما تماس بگیرید."),
            "ru": ("Бесплатная юридическая помощь", "Если у вас есть правовой вопрос, свяжитесь с нами."),
        },
    )


@pytest.fixture
def project() -> PartnerProject:
    return PartnerProjectFactory(title="Legal aid in Pavlodar", regions=["KZ-55"])


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_recording_shared_information_writes_an_audit_entry_naming_the_person(
    cast: Any, leaflet: Leaflet, project: PartnerProject
) -> None:
    response = client_for(cast.officer_a).post(
        f"/knowledge/persons/{cast.person_a.registration_number}/",
        {
            "leaflet": leaflet.pk,
            "project": project.pk,
            "language": "prs",
            "shared_on": "14.02.2017",
            "note": "At the office",
        },
    )
    assert response.status_code == 302
    with unscoped("test check"):
        shared = SharedInformation.objects.get()
    assert (shared.person_id, shared.language, shared.shared_by, shared.organisation) == (
        cast.person_a.pk,
        "prs",
        cast.officer_a,
        cast.state,
    )
    entry = AuditEntry.objects.get(action="create", object_type="knowledge.SharedInformation")
    assert entry.user == cast.officer_a
    assert entry.person_id == cast.person_a.pk
    assert entry.person_number == cast.person_a.registration_number
    assert entry.changes == {
        "leaflet": "legal-aid",
        "project": project.pk,
        "language": "prs",
        "shared_on": "2017-02-14",
    }


def share(cast: Any, leaflet: Leaflet, language: str, as_user: Any) -> SharedInformation:
    with as_user(cast.officer_a):
        return services.record_shared_information(
            by=cast.officer_a, person=cast.person_a, leaflet=leaflet, language=language, shared_on=dt.date(2017, 2, 14)
        )


def test_printing_the_handout_is_audited_and_laid_out_right_to_left(cast: Any, leaflet: Leaflet, as_user: Any) -> None:
    shared = share(cast, leaflet, "prs", as_user)
    response = client_for(cast.officer_a).get(f"/knowledge/shared/{shared.pk}/handout/")
    assert response.status_code == 200
    assert '<html lang="fa-AF" dir="rtl">' in response.text
    assert DARI_TITLE in response.text
    assert "handout.css" in response.text and "<script>" not in response.text  # no inline script
    entry = AuditEntry.objects.filter(action="view", object_type="knowledge.SharedInformation").get()
    assert (entry.person_id, entry.purpose) == (cast.person_a.pk, "handout printed")


def test_a_russian_handout_is_left_to_right(cast: Any, leaflet: Leaflet, as_user: Any) -> None:
    shared = share(cast, leaflet, "ru", as_user)
    response = client_for(cast.officer_a).get(f"/knowledge/shared/{shared.pk}/handout/")
    assert '<html lang="ru" dir="ltr">' in response.text


def test_another_regions_officer_gets_not_found_for_the_person_and_the_handout(
    cast: Any, leaflet: Leaflet, as_user: Any
) -> None:
    shared = share(cast, leaflet, "prs", as_user)
    other = client_for(cast.officer_b)
    assert other.get(f"/knowledge/persons/{cast.person_a.registration_number}/").status_code == 404
    assert other.get(f"/knowledge/shared/{shared.pk}/handout/").status_code == 404
    assert (
        other.post(
            f"/knowledge/persons/{cast.person_a.registration_number}/",
            {"leaflet": leaflet.pk, "language": "ru", "shared_on": "14.02.2017"},
        ).status_code
        == 404
    )
    # Nothing was read; each attempt is on the audit log as refused.
    entries = AuditEntry.objects.filter(user=cast.officer_b, person_id=cast.person_a.pk)
    assert set(entries.values_list("action", flat=True)) == {AuditEntry.Action.REFUSED}


def test_a_viewer_may_read_but_not_record(cast: Any, leaflet: Leaflet) -> None:
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, organisation=cast.state, role="viewer", regions=[REGION_A])
    assert client_for(viewer).get(f"/knowledge/persons/{cast.person_a.registration_number}/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.record_shared_information(
            by=viewer, person=cast.person_a, leaflet=leaflet, language="ru", shared_on=dt.date(2017, 2, 14)
        )
    response = client_for(viewer).post(
        f"/knowledge/persons/{cast.person_a.registration_number}/",
        {"leaflet": leaflet.pk, "language": "ru", "shared_on": "14.02.2017"},
    )
    assert response.status_code == 403
    with unscoped("test check"):
        assert not SharedInformation.objects.exists()


def test_a_leaflet_must_exist_in_the_language_chosen(cast: Any, leaflet: Leaflet) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_shared_information(
            by=cast.officer_a, person=cast.person_a, leaflet=leaflet, language="ps", shared_on=dt.date(2017, 2, 14)
        )
    assert "language" in error.value.message_dict
    with unscoped("test check"):
        assert not SharedInformation.objects.exists()
    assert not AuditEntry.objects.filter(object_type="knowledge.SharedInformation").exists()


def test_a_handout_of_a_project_alone_is_still_in_the_persons_language(
    cast: Any, project: PartnerProject, as_user: Any
) -> None:
    with as_user(cast.officer_a):
        shared = services.record_shared_information(
            by=cast.officer_a, person=cast.person_a, project=project, language="ps", shared_on=dt.date(2017, 2, 14)
        )
    response = client_for(cast.officer_a).get(f"/knowledge/shared/{shared.pk}/handout/")
    assert '<html lang="ps" dir="rtl">' in response.text
    assert project.contact in response.text
