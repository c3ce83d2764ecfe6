"""axe-core on the pages an officer uses most: no serious or critical violation."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import blocking_violations, sign_in

pytestmark = pytest.mark.browser


def test_login_search_results_person_and_form_errors_have_no_serious_axe_violations(
    cast: Any, refugee_timeline: list[Any], page: Any
) -> None:
    found: list[str] = []

    page.goto("/accounts/login/")
    found += blocking_violations(page, "login")

    sign_in(page, cast.officer_a)
    page.goto("/persons/search/?q=Ахмади")
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    found += blocking_violations(page, "search results")

    page.goto(f"/persons/{cast.person_a.registration_number}/")
    expect(page.locator("table.timeline")).to_be_visible()
    found += blocking_violations(page, "person")

    page.goto("/persons/new/")
    page.get_by_label("Birth date", exact=True).fill("01.01.2999")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found += blocking_violations(page, "registration form with errors")

    print("\n".join(found))
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)


def test_a_table_wider_than_a_phone_is_reached_and_scrolled_with_the_keyboard(
    cast: Any, refugee_timeline: list[Any], new_page: Any
) -> None:
    """On a phone the status timeline scrolls inside its own box and has no link to tab to: Tab reaches the
    table itself and the arrow keys scroll it. On a wide screen, where it fits, it is no stop for Tab.

    Chromium (since 130) and Firefox put a scrolling box in the tab order of their own accord, Safari does
    not: so the table asks for it itself, with tabindex="0" while it scrolls (panah.js), and that is checked
    here along with what the keys do."""
    page = new_page(viewport={"width": 360, "height": 800})
    sign_in(page, cast.officer_a)
    page.goto(f"/persons/{cast.person_a.registration_number}/")
    timeline = page.locator("table.timeline")
    assert timeline.evaluate("(t) => t.scrollWidth > t.clientWidth"), "the timeline fits: nothing to scroll"
    expect(timeline).to_have_attribute("tabindex", "0")

    for _ in range(40):
        page.keyboard.press("Tab")
        if timeline.evaluate("(t) => document.activeElement === t"):
            break
    else:
        raise AssertionError("Tab never reached the timeline")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('table.timeline').scrollLeft > 0")

    page.set_viewport_size({"width": 1366, "height": 800})
    expect(timeline).not_to_have_attribute("tabindex", "0")
    assert timeline.evaluate("(t) => t.scrollWidth <= t.clientWidth")
