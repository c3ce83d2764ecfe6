"""The search page: light, working without JavaScript, and updating in place when htmx is there."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

PAGE_BUDGET = 100_000  # bytes: a page of search results must stay usable on 3G (JOURNEYS.md)


def test_search_results_load_their_stylesheet_and_script_and_weigh_under_100_kb(cast: Any, page: Any) -> None:
    sign_in(page, cast.officer_a)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/persons/search/?q=Ахмади")
    page.wait_for_load_state("networkidle")

    failed = [f"{r.status} {r.url}" for r in responses if r.status >= 400]
    assert not failed, f"the page could not load: {failed}"
    kinds = {r.request.resource_type for r in responses}
    assert {"document", "stylesheet", "script"} <= kinds
    # Uncompressed bodies: an upper bound of what goes over the wire. The icon (resource type "other")
    # is fetched by the browser itself, outside the page, and Chromium may drop its body before it can
    # be read ("No resource with given identifier"): it is left out, a 200-byte SVG.
    weight = sum(len(r.body()) for r in responses if r.request.resource_type != "other")
    assert weight < PAGE_BUDGET, f"{weight} bytes"


def test_search_works_with_javascript_off(cast: Any, new_page: Any, screenshot: Any) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, cast.officer_a)
    search_box = page.get_by_role("main").get_by_role("searchbox")
    search_box.fill("Ахмади")
    search_box.press("Enter")
    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cast.person_a.registration_number)
    screenshot(page, "results-without-javascript")


def test_typing_in_the_search_box_updates_the_results_in_place(cast: Any, page: Any) -> None:
    sign_in(page, cast.officer_a)
    page.goto("/persons/search/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("main").get_by_role("searchbox").fill("Ахмади")

    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(cast.person_a.registration_number)
    expect(page).to_have_url(re.compile(r"/persons/search/\?q=(Ахмади|%D0%90%D1%85%D0%BC%D0%B0%D0%B4%D0%B8)$"))
    assert page.evaluate("window.stillTheSamePage") is True, "the page was reloaded"
