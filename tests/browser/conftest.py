"""Browser journeys: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

Chromium is launched once per session. Without /usr/bin/chromium the browser tests skip, except under
CI=true, where a missing browser must not pass silently: they fail.

Playwright's sync API keeps an asyncio loop running in the main thread from launch to stop, and Django
refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). Test set-up and the
transactional flush after each test use the ORM while the browser is up, so the `browser` fixture sets
DJANGO_ALLOW_ASYNC_UNSAFE for as long as the loop runs, and browser tests are moved to the end of the
run so that the check stays on for every other test. The live server answers requests in its own
thread, where no loop runs, so the application itself is still checked.
"""

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from playwright.sync_api import sync_playwright

from panah.accounts.scope import unscoped
from panah.status.services import record_status_event

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path("test-artifacts") / "browser"
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # Lets `new_page` know whether the test failed, to keep a screenshot of where it stopped.
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}; CI=true requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for the whole session."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """`new_page(**context_options)` opens a page in a fresh browser context (its own cookies, so its
    own session). When the test fails, each page's last state is kept as a screenshot.

    The interface is English so the tests can read it; the Russian and Kazakh dates are checked in the
    language-switcher test.
    """
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        options = {"locale": "en-GB", "viewport": {"width": 1280, "height": 800}, **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    if request.node.stash.get(FAILED, False):
        directory = request.config.rootpath / ARTIFACTS
        directory.mkdir(parents=True, exist_ok=True)
        for number, context in enumerate(contexts, start=1):
            for page in context.pages:
                page.screenshot(path=str(directory / f"{request.node.name}-FAILED-{number}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """`screenshot(page, "step")` keeps a full-page PNG in test-artifacts/browser/, numbered by step."""
    directory = request.config.rootpath / ARTIFACTS
    directory.mkdir(parents=True, exist_ok=True)
    steps = itertools.count(1)

    def take(page: Any, step: str) -> Path:
        path = directory / f"{request.node.name}-{next(steps):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def refugee_timeline(cast: Any) -> list[Any]:
    """person_a applied for asylum on 1 March 2016 and was recognised a refugee on 1 September 2016."""
    with unscoped("test set-up"):
        return [
            record_status_event(person=cast.person_a, kind=kind, effective=effective, by=cast.sysadmin)
            for kind, effective in [
                ("asylum_application", dt.date(2016, 3, 1)),
                ("refugee_granted", dt.date(2016, 9, 1)),
            ]
        ]
