"""Subscribers of a topic get an e-mail through Django's e-mail framework when an article is published:
a background task queued when the publication commits, run here by the real database worker."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from panah.knowledge import services
from tests.factories import UserFactory
from tests.factories.knowledge import publish


@pytest.mark.django_db(transaction=True)
def test_subscribers_of_the_topic_are_told_by_the_task_queued_on_publication(cast: Any, mailoutbox: list) -> None:
    alice = UserFactory(username="alice", email="alice@example.org")
    bob = UserFactory(username="bob", email="bob@example.org")
    no_address = UserFactory(username="carol", email="")
    services.set_subscriptions(user=alice, topics=["statelessness"])
    services.set_subscriptions(user=bob, topics=["birth_registration"])
    services.set_subscriptions(user=no_address, topics=["statelessness"])

    publish(
        cast.sysadmin,
        "sdp",
        dt.date(2020, 9, 1),
        topic="statelessness",
        ru=("Определение статуса лица без гражданства", "Текст.", "Введена процедура определения."),
        en=("Statelessness determination", "Text.", "The procedure was introduced."),
    )
    assert mailoutbox == []  # not sent by the editor's request
    assert DBTaskResult.objects.filter(task_path__endswith="send_publication_notices").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    message = mailoutbox[0]
    assert "Statelessness determination" in message.body and "Введена процедура определения." in message.body
    assert "/knowledge/articles/sdp/" in message.body


def test_no_mail_is_sent_when_nobody_subscribes(cast: Any, mailoutbox: list) -> None:
    version = publish(cast.sysadmin, "sdp", dt.date(2020, 9, 1), topic="statelessness", ru=("Заголовок", "Текст."))
    assert services.notify_subscribers(version.pk) == 0
    assert mailoutbox == []


def test_the_subscriptions_page_saves_the_topics_chosen(cast: Any) -> None:
    client = Client()
    client.force_login(cast.officer_a)
    client.post("/knowledge/subscriptions/", {"topics": ["statelessness", "naturalisation"]})
    assert client.get("/knowledge/subscriptions/").context["form"].initial["topics"] == [
        "naturalisation",
        "statelessness",
    ]
    client.post("/knowledge/subscriptions/", {"topics": ["naturalisation"]})
    assert client.get("/knowledge/subscriptions/").context["form"].initial["topics"] == ["naturalisation"]
