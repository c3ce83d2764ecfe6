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
