"""The API's documentation page (/api/v1/docs) works under Panah's own Content-Security-Policy: Swagger UI
is loaded from the files shipped with Panah (django-ninja's, collected as static files), no request
leaves for another origin, and the browser reports no CSP violation."""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_page_renders_from_panahs_own_files_under_the_csp(cast, page, live_server, screenshot):
    origins, violations = set(), []
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    response = page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock-summary-path").first.wait_for()
    screenshot(page, "api-docs")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert re.search("Panah API", page.locator(".swagger-ui .info .title").inner_text())
    assert page.locator(".opblock").count() > 10  # the operations of the schema are listed
    assert origins == {urlsplit(live_server.url).netloc}
    assert violations == []


def test_the_api_docs_page_names_only_local_scripts_and_styles(client):
    html = client.get("/api/v1/docs").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    assert all(client.get(source).status_code == 200 for source in sources)
