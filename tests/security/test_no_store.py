"""No copy of personal data is kept by a browser or a proxy: every answer to a signed-in user, every
answer of the API, carries `Cache-Control: no-store`, for every page of the URL conf and every API
operation that takes no path parameter (the others share the same middleware and are reached in
tests/security/test_idor.py). Static files stay cacheable."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from tests.security.test_date_edges import _pages


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_for_a_signed_in_user_is_not_stored(cast, client):
    client.force_login(cast.sysadmin)
    stored = {path: response.status_code for path in _pages() if not _no_store(response := client.get(path))}

    assert stored == {}


def test_every_api_answer_is_not_stored(cast, token_client, client):
    from panah.api.api import api

    caller = token_client(cast.sysadmin)
    paths = [
        "/api/v1" + path.removeprefix("/api/v1")
        for path, operations in api.get_openapi_schema()["paths"].items()
        if "get" in operations and "{" not in path
    ]
    assert len(paths) >= 5
    stored = [path for path in paths if not _no_store(caller.get(path))]
    anonymous = [path for path in paths if not _no_store(client.get(path))]  # 401 answers too

    assert stored == anonymous == []


@pytest.mark.django_db
def test_static_files_and_the_anonymous_login_page_are_handled_on_their_own(client):
    static = client.get(staticfiles_storage.url("panah/panah.css"))
    login = client.get("/accounts/login/")

    assert static.status_code == 200 and not _no_store(static)
    assert _no_store(login)  # Django's LoginView: never cached
