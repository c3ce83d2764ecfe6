"""An article is a series of versions; the one in force on a day is the latest effective by then."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from panah.knowledge.models import Article
from panah.knowledge.selectors import article_page, version_in_force
from tests.factories.knowledge import publish

D = dt.date


@pytest.fixture
def law(cast: Any) -> Article:
    """The Law on Refugees article: v1 from 2010, v2 from 1 March 2017, v3 announced for 2099."""
    by = cast.sysadmin
    publish(by, "law-on-refugees", D(2010, 1, 1), ru=("Закон о беженцах", "Статус беженца присваивается на один год."))
    publish(
        by,
        "law-on-refugees",
        D(2017, 3, 1),
        ru=("Закон о беженцах", "Статус беженца присваивается на один год и продлевается.", "Добавлено продление."),
    )
    publish(by, "law-on-refugees", D(2099, 1, 1), ru=("Закон о беженцах", "Новая редакция.", "Будущая редакция."))
    return Article.objects.get(slug="law-on-refugees")


@pytest.mark.parametrize(
    ("on", "number"),
    [
        (D(2009, 12, 31), None),  # before the first version: not in force
        (D(2010, 1, 1), 1),  # the first day of version 1
        (D(2017, 2, 28), 1),  # the last day of version 1
        (D(2017, 3, 1), 2),  # the first day of version 2
        (D(2098, 12, 31), 2),
        (D(2099, 1, 1), 3),
    ],
)
def test_the_version_in_force_on_a_day_is_the_latest_effective_by_then(law: Article, on: dt.date, number: Any) -> None:
    version = version_in_force(law, on)
    assert (version.number if version else None) == number


def test_a_version_published_later_for_an_earlier_day_is_in_force_from_that_day(cast: Any, law: Article) -> None:
    # Published fourth, but in force from 2015: between v1 and v2 it is the one in force.
    publish(cast.sysadmin, "law-on-refugees", D(2015, 6, 1), ru=("Закон о беженцах", "Редакция 2015 года."))
    assert version_in_force(law, D(2015, 5, 31)).number == 1
    assert version_in_force(law, D(2015, 6, 1)).number == 4
    assert version_in_force(law, D(2017, 3, 1)).number == 2


def test_the_page_shows_the_version_of_the_date_asked_and_announces_the_coming_change(law: Article) -> None:
    page = article_page("law-on-refugees", on=D(2016, 1, 1), language="ru")
    assert page.shown.version.number == 1
    assert page.upcoming.number == 2
    assert [v.number for v in page.versions] == [3, 2, 1]


def test_the_article_page_reads_the_date_from_the_address(cast: Any, law: Article) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(cast.officer_a)
    old = client.get("/knowledge/articles/law-on-refugees/?on=31.12.2016")
    assert "Статус беженца присваивается на один год." in old.text
    assert "продлевается" not in old.text
    now = client.get("/knowledge/articles/law-on-refugees/")
    assert "продлевается" in now.text
    assert "Добавлено продление." in now.text  # what changed
    before = client.get("/knowledge/articles/law-on-refugees/?on=01.01.2000")
    assert "Статус беженца" not in before.text


def test_two_versions_cannot_come_into_force_on_the_same_day(cast: Any, law: Article) -> None:
    with pytest.raises(ValidationError) as error:
        publish(cast.sysadmin, "law-on-refugees", D(2017, 3, 1), ru=("Закон", "Другой текст"))
    assert "effective_from" in error.value.message_dict
    assert law.versions.count() == 3


def test_publishing_is_a_role_action(cast: Any, law: Article) -> None:
    with pytest.raises(PermissionDenied):
        publish(cast.officer_a, "law-on-refugees", D(2018, 1, 1), ru=("Закон", "Текст"))
    client = Client()
    client.force_login(cast.officer_a)
    assert client.get("/knowledge/articles/new/").status_code == 403
    assert client.post("/knowledge/articles/law-on-refugees/update/", {}).status_code == 403
    assert law.versions.count() == 3


def test_an_editor_publishes_a_change_through_the_page_and_it_is_audited(cast: Any, law: Article) -> None:
    from panah.audit.models import AuditEntry

    client = Client()
    client.force_login(cast.sysadmin)
    response = client.post(
        "/knowledge/articles/law-on-refugees/update/",
        {
            "effective_from": "01.01.2020",
            "legal_references": "Закон РК от 4 декабря 2009 года № 216-IV «О беженцах», ст. 12",
            "title_ru": "Закон о беженцах",
            "what_changed_ru": "Срок продления изменён.",
            "body_ru": "Текст редакции 2020 года.",
        },
    )
    assert response.status_code == 302
    assert version_in_force(law, D(2020, 1, 1)).number == 4
    entry = AuditEntry.objects.filter(object_type="knowledge.ArticleVersion").first()
    assert entry.user == cast.sysadmin
    assert "v4" in entry.summary


@pytest.mark.parametrize("count", [1, 3])
def test_latest_updates_take_the_same_queries_for_1_and_3_versions(
    cast: Any, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        publish(
            cast.sysadmin, f"article-{n}", D(2010, 1, 1), ru=(f"Статья {n}", "Текст."), en=(f"Article {n}", "Text.")
        )
    client = Client()
    client.force_login(cast.officer_a)
    client.get("/knowledge/updates/")
    with django_assert_num_queries(12):
        response = client.get("/knowledge/updates/")
    assert len(response.context["updates"]) == count
