"""Articles in Kazakh, Russian and English; a missing language falls back, and the page says so."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from panah.knowledge.models import fallback_order
from panah.knowledge.selectors import article_page
from tests.factories.knowledge import publish


@pytest.fixture
def russian_only(cast: Any) -> None:
    publish(
        cast.sysadmin,
        "naturalisation",
        dt.date(2016, 1, 1),
        topic="naturalisation",
        ru=("Приём в гражданство", "Лица без гражданства могут быть приняты в гражданство."),
    )


@pytest.mark.parametrize(
    ("language", "order"),
    [("kk", ("kk", "ru", "en")), ("ru", ("ru", "kk", "en")), ("en", ("en", "ru", "kk")), ("de", ("ru", "kk", "en"))],
)
def test_fallback_order(language: str, order: tuple[str, ...]) -> None:
    assert fallback_order(language) == order


def test_a_kazakh_reader_sees_the_russian_text_marked_as_such(cast: Any, russian_only: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.force_login(cast.officer_a)
    response = client.get("/knowledge/articles/naturalisation/")
    assert response.status_code == 200
    page = article_page("naturalisation", on=dt.date.today(), language="kk")  # noqa: DTZ011
    assert page.shown.fell_back and page.shown.translation.language == "ru"
    assert 'class="notice fallback"' in response.text
    assert '<h1 lang="ru">Приём в гражданство</h1>' in response.text


def test_no_fallback_notice_when_the_language_exists(cast: Any) -> None:
    publish(
        cast.sysadmin,
        "naturalisation",
        dt.date(2016, 1, 1),
        topic="naturalisation",
        ru=("Приём в гражданство", "Текст."),
        kk=("Азаматтыққа қабылдау", "Мәтін."),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.force_login(cast.officer_a)
    response = client.get("/knowledge/articles/naturalisation/")
    assert '<h1 lang="kk">Азаматтыққа қабылдау</h1>' in response.text
    assert 'class="notice fallback"' not in response.text


def test_an_english_reader_falls_back_to_russian_before_kazakh(cast: Any) -> None:
    publish(
        cast.sysadmin,
        "naturalisation",
        dt.date(2016, 1, 1),
        topic="naturalisation",
        ru=("Приём в гражданство", "Текст."),
        kk=("Азаматтыққа қабылдау", "Мәтін."),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.officer_a)
    response = client.get("/knowledge/articles/naturalisation/")
    assert "Not yet available in English: shown in Russian." in response.text
    listing = client.get("/knowledge/")
    assert "Приём в гражданство" in listing.text and "(in Russian)" in listing.text
