"""Journeys of a regional officer, in a real browser (JOURNEYS.md).

Screenshots of each step are kept in test-artifacts/browser/.
"""

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panah.accounts.scope import unscoped
from panah.registry.models import Person
from tests.browser.helpers import sign_in
from tests.conftest import REGION_A, REGION_B
from tests.factories import PASSWORD, PersonFactory, region

pytestmark = pytest.mark.browser

TIMELINE = re.compile(r"^Status timeline")


def person_path(person: Person) -> str:
    return f"/persons/{person.registration_number}/"


def test_officer_finds_a_latin_name_typed_in_cyrillic_and_another_region_gets_not_found(
    cast: Any, refugee_timeline: list[Any], new_page: Any, screenshot: Any
) -> None:
    # A namesake in the other region: what must not leak exists.
    namesake = PersonFactory(
        organisation=cast.state, region=region(REGION_B), name=("Mohammad", "Ahmadi"), birth_date=dt.date(1987, 2, 3)
    )
    person = cast.person_a

    page = new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Panah")
    page.get_by_label("Username").fill(cast.officer_a.username)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Sign in").click()

    search_box = page.get_by_role("main").get_by_role("searchbox")
    search_box.fill("Ахмади")
    screenshot(page, "home-search-typed")
    search_box.press("Enter")

    expect(page).to_have_url(re.compile(r"/persons/search/\?q="))
    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(person.registration_number)
    expect(rows.first).to_contain_text("Ahmadi Mohammad")
    expect(rows.first).to_contain_text("17 May 1990")
    expect(rows.first).to_contain_text("Pavlodar Region")
    expect(page.get_by_role("main")).not_to_contain_text(namesake.registration_number)
    screenshot(page, "results")

    rows.first.get_by_role("link", name=person.registration_number).click()
    expect(page).to_have_url(re.compile(re.escape(person_path(person)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ahmadi Mohammad")
    expect(page.get_by_role("heading", name="Legal status: refugee")).to_be_visible()
    events = page.get_by_role("table", name=TIMELINE).locator("tbody tr")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("1 Mar 2016")
    expect(events.nth(0)).to_contain_text("asylum application registered")
    expect(events.nth(1)).to_contain_text("1 Sep 2016")
    expect(events.nth(1)).to_contain_text("refugee status granted")
    screenshot(page, "person")

    other = new_page()
    sign_in(other, cast.officer_b)
    response = other.goto(person_path(person))
    assert response is not None
    assert response.status == 404
    expect(other.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(other.get_by_role("main")).not_to_contain_text("Ahmadi")
    screenshot(other, "other-region-not-found")


def switch_language(page: Any, code: str) -> None:
    page.locator("select[name=language]").select_option(code)
    page.locator("form:has(select[name=language])").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_language_switcher_keeps_the_officer_on_the_same_page(
    cast: Any, refugee_timeline: list[Any], page: Any, live_server: Any, screenshot: Any
) -> None:
    sign_in(page, cast.officer_a)
    path = person_path(cast.person_a)
    page.goto(path)
    first_event = page.get_by_role("table", name=TIMELINE).locator("tbody tr").first
    expect(first_event).to_contain_text("1 Mar 2016")

    switch_language(page, "kk")
    expect(page).to_have_url(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ahmadi Mohammad")
    expect(page.locator("table.timeline tbody tr").first).to_contain_text("01.03.2016")
    expect(page.get_by_role("main")).to_contain_text("Павлодар облысы")
    screenshot(page, "person-kk")

    switch_language(page, "en")
    expect(page).to_have_url(live_server.url + path)
    expect(first_event).to_contain_text("1 Mar 2016")

    # The query string is part of the page: a search stays the same search.
    page.goto("/persons/search/?q=Ахмади")
    switch_language(page, "ru")
    assert unquote(page.url) == live_server.url + "/persons/search/?q=Ахмади"
    expect(page.locator("#results table tbody tr")).to_have_count(1)
    screenshot(page, "search-ru")


def test_registration_with_a_future_birth_date_shows_the_error_and_keeps_what_was_typed(
    cast: Any, page: Any, screenshot: Any
) -> None:
    sign_in(page, cast.officer_a)
    page.get_by_role("link", name="Register a new person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a person")

    cyrillic = page.get_by_role("group", name="Name in Cyrillic")
    cyrillic.get_by_label("Family name").fill("Карими")
    cyrillic.get_by_label("Given name").fill("Лейла")
    latin = page.get_by_role("group", name="Name in Latin script")
    latin.get_by_label("Family name").fill("Karimi")
    latin.get_by_label("Given name").fill("Laila")
    latin.get_by_label("Patronymic or father's name").fill("Ahmad")
    page.get_by_label("Sex").select_option("F")
    birth = page.get_by_label("Birth date", exact=True)
    future = f"15.03.{timezone.localdate().year + 1}"
    birth.fill(future)
    page.get_by_label("Place of birth").fill("Herat")
    page.get_by_label("Region", exact=True).select_option(REGION_A)
    page.get_by_label("Town or village").fill("Ekibastuz")
    page.get_by_role("button", name="Save").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name="Birth date: The birth date cannot be in the future.")
    expect(link).to_have_attribute("href", "#id_person-birth")
    first_fieldset = page.get_by_role("group").first
    assert summary.bounding_box()["y"] < first_fieldset.bounding_box()["y"], "the summary is at the top"
    expect(birth).to_have_value(future)
    expect(birth).to_have_attribute("aria-invalid", "true")
    # The message beside the field, and read out with it.
    field = page.locator("div.field").filter(has=birth)
    expect(field.locator(".error-message")).to_have_text("The birth date cannot be in the future.")
    expect(birth).to_have_accessible_description(re.compile("The birth date cannot be in the future"))
    # Everything else that was typed is still there.
    expect(cyrillic.get_by_label("Family name")).to_have_value("Карими")
    expect(latin.get_by_label("Given name")).to_have_value("Laila")
    expect(latin.get_by_label("Patronymic or father's name")).to_have_value("Ahmad")
    expect(page.get_by_label("Sex")).to_have_value("F")
    expect(page.get_by_label("Place of birth")).to_have_value("Herat")
    expect(page.get_by_label("Region", exact=True)).to_have_value(REGION_A)
    expect(page.get_by_label("Town or village")).to_have_value("Ekibastuz")
    screenshot(page, "future-birth-date")

    link.click()
    expect(page).to_have_url(re.compile("#id_person-birth$"))
    expect(birth).to_be_in_viewport()

    birth.fill("15.03.1991")
    page.get_by_role("button", name="Save").click()

    # The fragment of the error link may ride along on the redirect; the page is what counts.
    expect(page).to_have_url(re.compile(r"/persons/PN-\d{7}-\d/(#.*)?$"))
    expect(page.get_by_role("status")).to_contain_text("Registered PN-")
    expect(page.get_by_role("heading", level=1)).to_have_text("Карими Лейла")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Karimi Laila Ahmad")
    expect(main).to_contain_text("15 Mar 1991")
    expect(main).to_contain_text("Pavlodar Region, Ekibastuz")
    screenshot(page, "registered")

    with unscoped("test check: the refused attempt wrote nothing"):
        assert Person.objects.filter(names__family_name="Karimi").count() == 1


@pytest.mark.parametrize("width", [360, 1366])
def test_the_duplicate_warning_is_where_the_registrar_looks_in_kazakh(cast: Any, new_page: Any, screenshot: Any, width):
    """A registrar types a name already registered (person_a, Mohammad Ahmadi, region A): the warning comes
    beside the names as they type, not at the bottom of a long form; saving without a decision puts an
    error summary at the top whose link leads to the warning, and nothing is saved."""
    page = new_page(locale="kk", viewport={"width": width, "height": 800})
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(cast.officer_a.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto("/persons/new/")
    page.locator("#id_name-latn_given_name").fill("Mohammad")
    page.locator("#id_name-latn_family_name").fill("Ahmadi")
    person = cast.person_a
    page.locator("#id_person-sex").select_option(person.sex)
    page.locator("#id_person-birth").fill(person.birth_date.strftime("%d.%m.%Y"))
    page.locator("#id_address-region").select_option(REGION_A)  # a change: the check runs
    warning = page.locator("#duplicates-heading")
    expect(warning).to_be_visible()
    about = page.locator("#id_person-sex")
    assert warning.bounding_box()["y"] < about.bounding_box()["y"], "the warning comes before the rest of the form"
    page.locator("#id_name-latn_given_name").scroll_into_view_if_needed()
    screenshot(page, f"warning-{width}")
    with unscoped("test"):
        before = Person.objects.count()
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).not_to_contain_text("This person may already be registered")  # in Kazakh
    summary.locator("a[href='#duplicates-heading']").click()
    expect(page.locator("#duplicates-heading")).to_be_in_viewport()
    screenshot(page, f"saved-without-decision-{width}")
    with unscoped("test"):
        assert Person.objects.count() == before
