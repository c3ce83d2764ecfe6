"""The knowledge part of `panah demo`: the national training of February 2017 reached every region."""

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count

from panah.accounts.scope import unscoped
from panah.common import demo as registry_demo
from panah.geo.models import Region
from panah.knowledge import demo
from panah.knowledge.models import Article, Leaflet, LeafletTranslation, Participation, SharedInformation, Training
from panah.knowledge.selectors import search_articles, version_in_force
from tests.factories import PersonFactory, country, region


@pytest.fixture
def loaded(db: Any) -> dict[str, int]:
    organisations, _users, _table = registry_demo.ensure_accounts(dt.date(2025, 1, 1))
    PersonFactory(organisation=organisations["mlsp"], region=region("KZ-75"), country_of_origin=country("AFG"))
    return demo.load(seed=2017, today=dt.date(2025, 1, 1))


def test_the_national_training_of_february_2017_has_officers_from_every_region(loaded: dict[str, int]) -> None:
    national = Training.objects.get(start_date=dt.date(2017, 2, 14))
    regions_then = set(Region.objects.valid_on(dt.date(2017, 2, 14)).values_list("code", flat=True))
    attended = set(
        Participation.objects.filter(training=national, attended=True).values_list("official__region_id", flat=True)
    )
    assert len(regions_then) == 16
    assert attended == regions_then
    assert national.organisers.filter(code="unhcr-kz").exists()
    assert Training.objects.count() == loaded["trainings"] == 7


def test_articles_have_versions_in_three_languages_and_are_found(loaded: dict[str, int]) -> None:
    law = Article.objects.get(slug="law-on-refugees-2009")
    assert version_in_force(law, dt.date(2017, 1, 1)).number == 1
    assert version_in_force(law, dt.date(2022, 4, 7)).number == 2
    assert "statelessness-determination" in [
        f.shown.article.slug for f in search_articles("лица без гражданства определение", language="ru")
    ]
    birth = Article.objects.get(slug="birth-registration").versions.get()
    assert sorted(t.language for t in birth.translations.all()) == ["en", "ru"]  # shows the fallback in Kazakh


def test_leaflets_in_six_languages_and_shared_with_a_person(loaded: dict[str, int]) -> None:
    legal_aid = Leaflet.objects.get(slug="free-legal-aid")
    assert sorted(legal_aid.languages) == sorted(["prs", "ps", "ar", "ru", "kk", "en"])
    assert LeafletTranslation.objects.values("leaflet").annotate(n=Count("id")).count() == 3
    with unscoped("test check"):
        assert SharedInformation.objects.filter(language="prs").count() == loaded["shared"] == 1


def test_loading_twice_does_nothing(loaded: dict[str, int]) -> None:
    assert demo.load(seed=2017, today=dt.date(2025, 1, 1)) == {}
    assert Article.objects.count() == 5


def test_a_person_in_almaty_can_be_referred_to_the_partners_projects_there(loaded: dict[str, int]) -> None:
    """The demo gives the referral journey its data: the projects of partners working in Panah receive
    referrals, so the referral form lists them for a person in Almaty."""
    from panah.accounts.scope import unscoped
    from panah.cases.referral_forms import ReferForm
    from panah.registry.models import Person

    with unscoped("test"):
        person = Person.objects.get(region_id="KZ-75")
        offered = ReferForm(person=person, today=dt.date(2025, 1, 1)).fields["project"].queryset
        assert {project.organisation.code for project in offered} == {"kibhr", "sana-sezim"}
