"""Cross-site scripting through names: markup in a name is shown as text on every page and in every
answer that shows names, and a right-to-left override in a name is isolated (<bdi>) so it cannot
reverse the text around it (a number, a date, the next name)."""

import re

import pytest
from django.test import Client

from tests.factories import PersonFactory, region

SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "‮fdp.exe" reads as "exe.pdf"
ARABIC = "محمد احمدی"


@pytest.fixture
def hostile(cast):
    return PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        names=[
            {"given_name": SCRIPT, "family_name": ATTRIBUTE, "script": "latn"},
            {"given_name": f"{RLO}fdp.exe", "family_name": ARABIC, "script": "arab"},
        ],
    )


def _pages(person):
    number = person.registration_number
    return [
        f"/persons/{number}/",
        "/persons/?q=alert",
        "/persons/search/?q=alert",
        f"/persons/search/?q={number}",
        f"/cases/person/{number}/",
        f"/exports/person/{number}/",
        f"/knowledge/persons/{number}/",
        f"/persons/{number}/edit/",
    ]


def _rlo_outside_isolation(html: str) -> list[int]:
    """Positions of RLO characters not inside a <bdi> element (or an element with dir="auto")."""
    outside = []
    for match in re.finditer(RLO, html):
        before = html[: match.start()]
        opened = max(before.rfind("<bdi"), before.rfind('dir="auto"'))
        closed = before.rfind("</bdi>")
        inside_title = before.rfind("<title>") > before.rfind("</title>")
        # Inside a tag: an attribute value (an <input>'s value is its own isolated text).
        inside_tag = before.rfind("<") > before.rfind(">")
        if not (inside_title or inside_tag) and (opened == -1 or closed > opened):
            outside.append(match.start())
    return outside


def test_names_with_markup_are_shown_as_text_on_every_page(cast, hostile):
    client = Client()
    client.force_login(cast.sysadmin)
    for path in _pages(hostile):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert SCRIPT not in html and "<img src=x" not in html, path
        assert "onerror=alert(1)>" not in html.replace("onerror=alert(1)&gt;", ""), path


def test_a_right_to_left_override_in_a_name_is_isolated(cast, hostile):
    client = Client()
    client.force_login(cast.sysadmin)
    for path in _pages(hostile):
        html = client.get(path, follow=True).content.decode()
        assert _rlo_outside_isolation(html) == [], path


def test_the_api_returns_names_as_json_strings_never_as_markup(cast, hostile, token_client):
    response = token_client(cast.sysadmin).get(f"/api/v1/persons/{hostile.registration_number}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    names = response.json()["names"]
    assert names[0]["given_name"] == SCRIPT and names[1]["family_name"] == ARABIC
