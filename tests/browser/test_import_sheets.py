"""A department's registrar imports the department's own sheet through the import page, as it is: every
sheet of the corpus (tests/imports/corpus.py) ends with exactly its persons registered with their legal
status, in at most six actions after choosing the file, with the counts on the page exact.

The checks and imports run as background jobs: the test runs the django-tasks worker once the page has
queued one, and the page follows it by itself (htmx), as it does for the user."""

import re
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from panah.geo.models import Region
from panah.imports.mapping import ImportMapping
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD
from tests.imports.corpus import corpus
from tests.imports.test_corpus import department, registered

pytestmark = pytest.mark.browser

SHEETS = {sheet.name: sheet for sheet in corpus()}
MOST_ACTIONS = 6
SCREENSHOTS = {"almaty_2017", "yuko_2017_bom", "almaty_region_2022"}


def work() -> None:
    """What the worker does: run every queued job now."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


class Actions:
    """The user's actions after choosing the file, counted."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def select(self, locator: Any, value: str) -> None:
        self.count += 1
        locator.select_option(value)

    def fill(self, locator: Any, text: str) -> None:
        self.count += 1
        locator.fill(text)


def checked(page: Any) -> None:
    """Run the queued job; wait until the page shows it finished."""
    work()
    expect(page.locator("#import-status[hx-trigger]")).to_have_count(0, timeout=15_000)


@pytest.mark.parametrize("name", list(SHEETS))
def test_a_department_imports_its_sheet_as_it_is_in_six_actions(new_page, screenshot, tmp_path, name):
    sheet = SHEETS[name]
    organisation, user = department(sheet)
    path = tmp_path / sheet.file_name
    path.write_bytes(sheet.data)
    page = new_page(
        viewport={"width": 1366, "height": 900} if name not in SCREENSHOTS else {"width": 360, "height": 800}
    )
    sign_in(page, user)
    page.goto("/imports/")
    page.get_by_label("Person file").set_input_files(str(path))  # choosing the file
    act = Actions()
    act.click(page.get_by_role("button", name="Check the file"))
    checked(page)
    if name in SCREENSHOTS:
        screenshot(page, "checked")
    status = page.locator("#import-status")
    if sheet.values or sheet.status_date or sheet.sheet:
        if sheet.sheet:
            act.select(page.get_by_label("Sheet", exact=True), sheet.sheet)
            act.click(page.get_by_role("button", name="Check again"))
            checked(page)
        for chosen in sheet.values.values():
            for value, code in chosen.items():
                act.select(page.get_by_label(f"“{value}”"), code)
        if sheet.status_date:
            act.fill(page.get_by_label("Date of the statuses"), sheet.status_date.strftime("%d.%m.%Y"))
        if sheet.values or sheet.status_date:
            act.click(page.get_by_role("button", name="Check again"))
            checked(page)
    expect(status.locator("dl.counts")).to_contain_text(f"Rows read{sheet.rows}")
    expect(status.locator("dl.counts")).to_contain_text(f"Ready to import{len(sheet.persons)}")
    if sheet.outside:
        expect(status.locator(".notice li")).to_have_count(len(sheet.outside))
    # The choices made on the page, as the command line reads them.
    download = page.request.get(page.get_by_role("link", name="Download these choices").get_attribute("href"))
    mapping = ImportMapping.from_json(download.body())
    assert mapping.values == ImportMapping(values=sheet.values).values
    assert mapping.status_date == sheet.status_date and mapping.sheet == sheet.sheet
    act.click(page.get_by_role("button", name=f"Import {len(sheet.persons)} persons"))
    checked(page)
    expect(status).to_contain_text("Imported")
    expect(status.locator("dl.counts")).to_contain_text(f"Persons created{len(sheet.persons)}")
    if name in SCREENSHOTS:
        screenshot(page, "imported")
    assert act.count <= MOST_ACTIONS, act.count
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert registered(organisation) == Counter(sheet.persons)


# English words the import page would show if a message, label or button were left untranslated.
ENGLISH = re.compile(
    r"\b(the|rows?|which|persons?|import(ed)?|file|status(es)?|check(ed)?|choose|sheet|organisation)\b", re.I
)


@pytest.mark.parametrize(("name", "language"), [("almaty_2017", "ru"), ("turkistan_2019_kk", "kk")])
def test_the_import_page_speaks_the_readers_language_at_phone_width(new_page, screenshot, tmp_path, name, language):
    """The same journey in Russian and in Kazakh at 360 px: every word of the page in the reader's language
    (the report is stored as codes, so it is rendered in theirs), and no sideways scroll."""
    sheet = SHEETS[name]
    organisation, user = department(sheet)
    path = tmp_path / sheet.file_name
    path.write_bytes(sheet.data)
    page = new_page(locale=language, viewport={"width": 360, "height": 800})
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto("/imports/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("main form button[type=submit]").first.click()
    checked(page)
    screenshot(page, f"checked-{language}")
    # Less the organisation's name, as its owner wrote it, and the command a file of choices is for.
    main = page.locator("main").inner_text().replace(str(organisation), "").replace("panah import --mapping", "")
    assert not ENGLISH.search(main), main
    with translation.override(language):
        for region in sheet.outside:
            expect(page.locator(".notice")).to_contain_text(str(Region.objects.get(code=region).name))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
