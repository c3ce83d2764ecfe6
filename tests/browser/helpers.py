"""Steps that several browser journeys share."""

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page: Any, user: Any) -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))  # signed in (the menu may be folded on a phone)


BLOCKING = {"serious", "critical"}


def blocking_violations(page: Any, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands, one entry per rule: where it was
    found, the impact, the rule's id and help, and the selector and markup of each element at fault."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        nodes = [f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}" for node in violation["nodes"]]
        if len(nodes) > 5:
            nodes[5:] = [f"    and {len(nodes) - 5} more"]
        found.append(f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}\n" + "\n".join(nodes))
    return found
