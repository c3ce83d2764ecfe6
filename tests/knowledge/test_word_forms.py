"""Knowledge search in Russian and Kazakh word forms on the demo's articles, on whichever database the
suite runs (SQLite and PostgreSQL answer alike: both match the same stems)."""

import datetime as dt
from typing import Any

import pytest

from panah.knowledge import demo
from panah.knowledge.selectors import search_articles

# A day after the 2022 amendment of the Law on Refugees, fixed so the answer does not depend on the day.
AS_OF = dt.date(2025, 6, 1)


@pytest.fixture
def articles(cast: Any) -> None:
    demo.load_articles(cast.sysadmin)


def found(query: str, language: str = "ru") -> list[tuple[str, dt.date]]:
    return [
        (f.shown.article.slug, f.shown.version.effective_from)
        for f in search_articles(query, language=language, as_of=AS_OF)
    ]


def test_law_on_citizenship_is_found_by_its_name_in_russian(articles: None) -> None:
    assert found("закон о гражданстве")[0] == ("naturalisation", dt.date(2016, 1, 1))


@pytest.mark.parametrize("query", ["беженец", "о беженцах", "беженцы", "Закон о беженцах"])
def test_the_law_on_refugees_in_force_comes_first(articles: None, query: str) -> None:
    """The 2022 version is shown, not the superseded 2010 one, and the law before the other articles
    that speak of refugees (the Convention, naturalisation)."""
    results = found(query)
    assert results[0] == ("law-on-refugees-2009", dt.date(2022, 4, 7))
    assert [slug for slug, _ in results].count("law-on-refugees-2009") == 1


def test_before_the_amendment_the_2010_version_is_shown(articles: None) -> None:
    results = search_articles("о беженцах", language="ru", as_of=dt.date(2015, 1, 1))
    assert results[0].shown.version.effective_from == dt.date(2010, 1, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("босқындар", "law-on-refugees-2009"),  # plural: the title says "Босқындар туралы"
        ("босқын", "law-on-refugees-2009"),
        ("босқындардың құқықтары", "law-on-refugees-2009"),  # genitive plural
        ("азаматтыққа қабылдау", "naturalisation"),  # dative, as the title; the text says азаматтығына
        ("азаматтығы туралы заң", "naturalisation"),
    ],
)
def test_kazakh_word_forms_find_the_law(articles: None, query: str, expected: str) -> None:
    results = found(query, language="kk")
    assert results
    assert results[0][0] == expected


def test_a_kazakh_word_finds_its_other_forms(articles: None) -> None:
    """ "Азаматтық" (citizenship) is written азаматтығы, азаматтығына, азаматтыққа in the articles."""
    slugs = [slug for slug, _ in found("азаматтық", language="kk")]
    assert {"naturalisation", "statelessness-determination", "refugee-convention"} <= set(slugs)


def test_kazakh_query_shows_the_version_in_force_in_kazakh(articles: None) -> None:
    first = search_articles("босқындар туралы заң", language="kk", as_of=AS_OF)[0]
    assert first.shown.translation.language == "kk"
    assert first.shown.translation.title == "«Босқындар туралы» Заң (2022 жылғы 7 сәуірдегі редакция)"


def test_a_query_in_russian_finds_the_article_shown_in_english(articles: None) -> None:
    first = search_articles("закон о гражданстве", language="en", as_of=AS_OF)[0]
    assert first.matched_in == "ru"
    assert first.shown.translation.title == "Law on Citizenship: naturalisation"


def test_reindexing_stems_again_what_was_indexed_before(articles: None) -> None:
    """What migration 0004 does: translations indexed with plain words (before stemming) are found by
    every word form once stemmed again."""
    from panah.knowledge import search
    from panah.knowledge.models import ArticleTranslation

    for translation in ArticleTranslation.objects.all():
        old = search.normalise(translation.title)  # plain words, as the index held them before
        ArticleTranslation.objects.filter(pk=translation.pk).update(search_text=old)
        search.index(translation.pk, old)
    assert found("беженец") == []  # the titles say "беженцах", "беженцев": no stem was indexed
    assert search.reindex(ArticleTranslation.objects.select_related("version")) == ArticleTranslation.objects.count()
    assert found("беженец")[0] == ("law-on-refugees-2009", dt.date(2022, 4, 7))
