"""Steps that several browser journeys share."""

import re
from typing import Any

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page: Any, user: Any) -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))  # signed in (the menu may be folded on a phone)
