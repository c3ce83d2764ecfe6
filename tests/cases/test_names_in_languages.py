"""Names of organisations, partner projects and legal texts are stored in kk, ru and en and shown in the
reader's language, with a fallback (ru, then en, then kk) when the reader's is missing."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from panah.accounts.scope import unscoped
from panah.cases.models import EligibilityRule
from panah.status.services import record_status_event
from tests.factories import PersonFactory, region
from tests.factories.cases import EligibilityRuleFactory
from tests.factories.knowledge import PartnerProjectFactory

D = dt.date
NAMES = {
    "kk": "Еңбек және халықты әлеуметтік қорғау министрлігі",
    "ru": "Министерство труда и социальной защиты населения",
    "en": "Ministry of Labour and Social Protection of Population",
}


def page(user: Any, url: str, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def named(cast: Any) -> Any:
    for language, name in NAMES.items():
        setattr(cast.state, f"name_{language}", name)
    cast.state.save()
    return cast


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_organisation_is_named_in_the_readers_language(named: Any, language: str) -> None:
    text = page(named.officer_a, f"/persons/{named.person_a.registration_number}/", language)
    assert NAMES[language] in text
    assert all(name not in text for other, name in NAMES.items() if other != language)


def test_a_missing_name_falls_back_to_russian_then_english(cast: Any) -> None:
    cast.state.name_kk, cast.state.name_ru, cast.state.name_en = None, NAMES["ru"], NAMES["en"]
    cast.state.save()
    url = f"/persons/{cast.person_a.registration_number}/"
    assert NAMES["ru"] in page(cast.officer_a, url, "kk")
    cast.state.name_ru = ""
    cast.state.save()
    assert NAMES["en"] in page(cast.officer_a, url, "kk")
    assert NAMES["en"] in page(cast.officer_a, url, "ru")


@pytest.mark.parametrize(
    ("language", "title", "partner"),
    [
        ("kk", "Босқындарға тегін заң көмегі", "Қазақстан халықаралық бюросы"),
        ("ru", "Бесплатная юридическая помощь беженцам", "Казахстанское международное бюро"),
        ("en", "Free legal aid to refugees", "Kazakhstan International Bureau"),
    ],
)
def test_a_partner_project_is_shown_in_the_readers_language(cast: Any, language: str, title: str, partner: str) -> None:
    PartnerProjectFactory(
        title_kk="Босқындарға тегін заң көмегі",
        title_ru="Бесплатная юридическая помощь беженцам",
        title_en="Free legal aid to refugees",
        partner_kk="Қазақстан халықаралық бюросы",
        partner_ru="Казахстанское международное бюро",
        partner_en="Kazakhstan International Bureau",
        services="",
        services_ru="Юридические консультации",
        eligibility="",
        eligibility_ru="Беженцы",
    )
    text = page(cast.officer_a, "/knowledge/projects/", language)
    assert title in text and partner in text
    # Services and eligibility were written only in Russian: every reader sees them so.
    assert "Юридические консультации" in text


@pytest.fixture
def stateless_person(cast: Any) -> Any:
    EligibilityRule.objects.all().delete()
    EligibilityRuleFactory(
        code="residence.stateless",
        goal="residence_permit",
        years=0,
        counts_from="status",
        population_types=["STA"],
        valid_from=D(2020, 9, 1),
        title_kk="Азаматтығы жоқ адамның тұрақты тұруы",
        title_ru="Постоянное проживание лица без гражданства",
        title_en="Permanent residence for a stateless person",
        legal_reference_kk="«Жеке басты куәландыратын құжаттар туралы» Заң, 11-бап",
        legal_reference_ru="Закон «О документах, удостоверяющих личность», ст. 11",
        legal_reference_en="Law “On Identity Documents”, Art. 11",
    )
    person = PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Olga", "Petrova"), sex="F")
    with unscoped("test"):
        record_status_event(person=person, kind="stateless_determined", effective=D(2021, 2, 1), by=cast.sysadmin)
    return person


@pytest.mark.parametrize(
    ("language", "title", "reference"),
    [
        ("kk", "Азаматтығы жоқ адамның тұрақты тұруы", "«Жеке басты куәландыратын құжаттар туралы» Заң, 11-бап"),
        ("ru", "Постоянное проживание лица без гражданства", "Закон «О документах, удостоверяющих личность», ст. 11"),
        ("en", "Permanent residence for a stateless person", "Law “On Identity Documents”, Art. 11"),
    ],
)
def test_the_legal_basis_on_the_eligibility_page_is_in_the_readers_language(
    cast: Any, stateless_person: Any, language: str, title: str, reference: str
) -> None:
    text = page(cast.decider_a, f"/cases/person/{stateless_person.registration_number}/", language)
    assert title in text and reference in text


def test_a_legal_basis_without_a_kazakh_text_is_shown_in_russian(cast: Any, stateless_person: Any) -> None:
    EligibilityRule.objects.update(legal_reference_kk=None)
    text = page(cast.decider_a, f"/cases/person/{stateless_person.registration_number}/", "kk")
    assert "Закон «О документах, удостоверяющих личность», ст. 11" in text


@pytest.fixture
def admin_client(cast: Any) -> Client:
    cast.sysadmin.is_staff = cast.sysadmin.is_superuser = True
    cast.sysadmin.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.sysadmin)
    return client


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/admin/accounts/organisation/{state}/change/", ["name"]),
        ("/admin/knowledge/partnerproject/{project}/change/", ["partner", "title", "services", "eligibility"]),
        ("/admin/cases/eligibilityrule/{rule}/change/", ["title", "legal_reference"]),
    ],
)
def test_the_admin_edits_every_language(admin_client: Client, cast: Any, url: str, fields: list[str]) -> None:
    ids = {"state": cast.state.pk, "project": PartnerProjectFactory().pk, "rule": EligibilityRuleFactory().pk}
    page = admin_client.get(url.format(**ids)).content.decode()
    for field in fields:
        for language in ("kk", "ru", "en"):
            assert f'name="{field}_{language}"' in page


def test_an_administrator_writes_the_kazakh_name(admin_client: Client, cast: Any) -> None:
    response = admin_client.post(
        f"/admin/accounts/organisation/{cast.state.pk}/change/",
        {
            "code": "mlsp",
            "name_kk": NAMES["kk"],
            "name_ru": NAMES["ru"],
            "name_en": NAMES["en"],
            "kind": "state",
            "regions": ["KZ-55", "KZ-75"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cast.state.refresh_from_db()
    assert (cast.state.name_kk, cast.state.name_ru, cast.state.name_en) == (NAMES["kk"], NAMES["ru"], NAMES["en"])


def test_names_written_before_go_to_the_column_of_their_language(cast: Any) -> None:
    """What migration accounts 0004 does to an organisation that had one name, in whatever language."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from panah.common.multilingual import fill_language_fields, language_of

    assert (language_of("Сана Сезім"), language_of("Сана Сезим"), language_of("UNHCR")) == ("kk", "ru", "en")
    apps = MigrationLoader(connection).project_state(("accounts", "0004_organisation_names")).apps
    historical = apps.get_model("accounts", "Organisation")
    empty = {"name_kk": None, "name_ru": None, "name_en": None}
    historical.objects.filter(pk=cast.state.pk).update(name="Министерство труда", **empty)
    historical.objects.filter(pk=cast.partner.pk).update(name="KIBHR", **empty)
    fill_language_fields(historical, ("name",))
    cast.state.refresh_from_db()
    cast.partner.refresh_from_db()
    assert (cast.state.name_kk, cast.state.name_ru, cast.state.name_en) == (None, "Министерство труда", None)
    assert (cast.partner.name_kk, cast.partner.name_ru, cast.partner.name_en) == (None, None, "KIBHR")
    text = page(cast.officer_a, f"/persons/{cast.person_a.registration_number}/", "kk")
    assert "Министерство труда" in text  # shown to every reader until someone writes the Kazakh name
