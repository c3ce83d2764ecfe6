"""Every page of the knowledge app renders in Kazakh, Russian and English on the demo content."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from panah.accounts.models import User
from panah.accounts.scope import unscoped
from panah.common import demo as registry_demo
from panah.knowledge import demo
from panah.knowledge.models import SharedInformation, Training
from tests.factories import PersonFactory, country, region


@pytest.fixture
def demo_content(db: Any) -> dict[str, Any]:
    organisations, _users, _table = registry_demo.ensure_accounts(dt.date.today())  # noqa: DTZ011
    person = PersonFactory(organisation=organisations["mlsp"], region=region("KZ-75"), country_of_origin=country("AFG"))
    demo.load(seed=2017)
    with unscoped("test set-up"):
        shared = SharedInformation.objects.get()
    return {"person": person, "shared": shared, "training": Training.objects.order_by("start_date").first()}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_page_renders(demo_content: dict[str, Any], language: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(username="admin"))
    number = demo_content["person"].registration_number
    for path in [
        "/knowledge/",
        "/knowledge/?topic=statelessness",
        "/knowledge/search/?q=беженцев",
        "/knowledge/search/?q=азаматтығы",
        "/knowledge/search/?q=",
        "/knowledge/updates/",
        "/knowledge/subscriptions/",
        "/knowledge/articles/new/",
        "/knowledge/articles/law-on-refugees-2009/",
        "/knowledge/articles/law-on-refugees-2009/?on=01.01.2015",
        "/knowledge/articles/law-on-refugees-2009/?on=01.01.1990",
        "/knowledge/articles/law-on-refugees-2009/update/",
        "/knowledge/trainings/",
        "/knowledge/trainings/new/",
        f"/knowledge/trainings/{demo_content['training'].pk}/",
        "/knowledge/trainings/reports/",
        "/knowledge/trainings/reports/?by=topic&year=2017",
        "/knowledge/trainings/reports/?by=year",
        "/knowledge/trainings/reports/?by=organisation",
        "/knowledge/projects/",
        "/knowledge/projects/?region=KZ-75",
        "/knowledge/leaflets/",
        "/knowledge/leaflets/free-legal-aid/ps/",
        "/knowledge/leaflets/birth-registration/ar/",
        f"/knowledge/persons/{number}/",
        f"/knowledge/shared/{demo_content['shared'].pk}/handout/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/knowledge/articles/no-such-article/").status_code == 404
    assert client.get("/knowledge/leaflets/refugee-status-extension/ps/").status_code == 404  # not written in Pashto


def test_the_birth_registration_article_falls_back_for_a_kazakh_reader(demo_content: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.force_login(User.objects.get(username="officer.pavlodar"))
    response = client.get("/knowledge/articles/birth-registration/")
    assert response.context["shown"].translation.language == "ru"
    assert "notice fallback" in response.text
