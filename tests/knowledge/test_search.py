"""Full-text search in Cyrillic (Russian, Kazakh) and Latin, on whichever database the suite runs."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from panah.knowledge import search
from panah.knowledge.selectors import search_articles
from tests.factories.knowledge import publish

D = dt.date


@pytest.fixture
def articles(cast: Any) -> None:
    by = cast.sysadmin
    publish(
        by,
        "law-on-refugees",
        D(2010, 1, 1),
        topic="refugee_law",
        ru=("Закон о беженцах", "Беженцы получают удостоверение беженца на один год."),
        en=("Law on Refugees", "Refugees receive a refugee certificate for one year."),
    )
    publish(
        by,
        "statelessness",
        D(2020, 9, 1),
        topic="statelessness",
        ru=("Определение безгражданства", "Лицо без гражданства подаёт заявление в органы внутренних дел."),
        kk=("Азаматтығы жоқ адамдар", "Азаматтығы жоқ адам ішкі істер органдарына өтініш береді."),
    )
    publish(
        by,
        "birth-registration",
        D(2019, 1, 1),
        topic="birth_registration",
        en=("Birth registration", "Every child born in Kazakhstan is registered, whatever the parents' documents."),
    )


def slugs(query: str, language: str = "ru") -> list[str]:
    return [found.shown.article.slug for found in search_articles(query, language=language)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("беженцев", ["law-on-refugees"]),  # another case of "беженцы": the stem matches
        ("БЕЖЕНЦЫ удостоверение", ["law-on-refugees"]),  # upper case, two words
        ("заявление гражданства", ["statelessness"]),
        ("азаматтығы", ["statelessness"]),  # Kazakh letters
        ("refugees", ["law-on-refugees"]),
        ("Refugee certificate", ["law-on-refugees"]),
        ("child registered", ["birth-registration"]),
        ("беженцы паспорт", []),  # every word must match
        ("naturalisation", []),
    ],
)
def test_search_finds_articles_by_words_in_cyrillic_and_latin(articles: None, query: str, expected: list[str]) -> None:
    assert slugs(query) == expected


def test_search_returns_an_article_once_even_when_several_versions_and_languages_match(
    cast: Any, articles: None
) -> None:
    publish(cast.sysadmin, "law-on-refugees", D(2017, 3, 1), ru=("Закон о беженцах", "Беженцы продлевают статус."))
    found = search_articles("беженцы", language="ru")
    assert [f.shown.article.slug for f in found] == ["law-on-refugees"]


def test_search_ignores_query_syntax_and_punctuation(articles: None) -> None:
    assert slugs('"беженцы" * ( ) :') == ["law-on-refugees"]
    # "OR" is a word like any other, not an operator: the article does not contain it.
    assert slugs("беженцы OR паспорт") == []
    assert slugs("-- ;") == []


def test_the_search_page_shows_results_in_the_users_language(cast: Any, articles: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.officer_a)
    response = client.get("/knowledge/search/", {"q": "беженцев"})
    assert response.status_code == 200
    assert "Law on Refugees" in response.text  # matched in Russian, shown in English
    assert "Определение безгражданства" not in response.text


def test_the_index_is_the_one_of_the_database_in_use(articles: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM knowledge_search WHERE knowledge_search MATCH %s", ['"беженц"'])
            assert cursor.fetchone()[0] == 1  # the Russian translation of the law, as stems
            cursor.execute("SELECT count(*) FROM knowledge_search WHERE knowledge_search MATCH %s", ['"азаматтық"'])
            assert cursor.fetchone()[0] == 1  # the Kazakh translation on statelessness
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_translation_search'")
            assert "gin" in cursor.fetchone()[0].lower()


@pytest.mark.parametrize(
    ("word", "language", "stem"),
    [
        ("беженцев", "ru", "беженц"),  # Snowball Russian
        ("гражданстве", "ru", "гражданств"),
        ("refugees", "en", "refuge"),  # Snowball English
        ("Refugees", "ru", "refuge"),  # a Latin word in a Russian text is cut as English
        ("азаматтығы", "kk", "азаматтық"),  # the Kazakh rule: possessive off, ғ written қ
        ("босқындардың", "kk", "босқын"),  # genitive and plural off
    ],
)
def test_a_word_is_cut_by_the_stemmer_of_its_texts_language(word: str, language: str, stem: str) -> None:
    assert search.stem(search.normalise(word), language) == stem


@pytest.mark.parametrize("query", ["беженец", "о беженцах", "ребенок"])
def test_word_forms_find_the_article_and_the_version_in_force_comes_first(cast, query):
    """A noun with a fleeting vowel ("беженец", "ребенок") finds its other forms (беженцах, ребенка); of an
    article's versions that match, the one in force today is shown, not a superseded one that ranks higher
    because it repeats the word more often."""
    by = cast.sysadmin
    old = publish(
        by,
        "law",
        D(2010, 1, 1),
        ru=("Закон о беженцах", "О беженцах: беженцах, беженцах и беженцах; о регистрации ребенка беженца."),
    )
    current = publish(
        by,
        "law",
        D(2022, 4, 7),
        ru=("Закон о беженцах", "Рассмотрение ходатайств беженцев; регистрация ребенка.", "Передано органам."),
    )
    found = search_articles(query, language="ru", as_of=D(2025, 1, 1))
    assert [f.shown.version.article.slug for f in found] == ["law"]
    assert found[0].shown.version == current and current != old


def test_a_version_not_yet_in_force_is_shown_only_when_no_other_matches(cast):
    by = cast.sysadmin
    publish(by, "future", D(2100, 1, 1), ru=("Будущий порядок", "Беженцы получат новый документ."))
    assert [f.shown.version.effective_from for f in search_articles("беженец", language="ru", as_of=D(2025, 1, 1))] == [
        D(2100, 1, 1)
    ]
