"""CSRF on every form: a POST without the CSRF token is refused by every URL of the application,
signed in or not, with the only exception the JSON API's bearer-token calls (a token is not sent by
a browser on its own; the API's session calls check the token themselves: tests/api)."""

import re

import pytest
from django.test import Client

from tests.security.urls import routes

ADMIN_CATCH_ALL = re.compile(r"\(\?P<")  # the admin's regex routes: their paths are built below


def _path(route) -> str:
    path = re.sub(r"<(?:(\w+):)?(\w+)>", "1", route.pattern)
    return "/admin/accounts/" if ADMIN_CATCH_ALL.search(path) else path


def _posts():
    return sorted({_path(r) for r in routes() if not r.pattern.startswith("/api/v1/")})


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "system administrator"])
def test_every_url_refuses_a_post_without_the_csrf_token(cast, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(cast.sysadmin)
    accepted = {}
    for path in _posts():
        response = client.post(path, {"name": "x", "q": "x"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted[path] = response.status_code
    assert accepted == {}, "these URLs took a POST without a CSRF token"


def test_with_the_token_the_same_post_reaches_the_view(cast):
    # The refusal above is the CSRF check, not a view that refuses every POST.
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    page = client.get("/persons/new/")
    token = page.cookies["csrftoken"].value
    response = client.post("/persons/new/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and b"CSRF" not in response.content
