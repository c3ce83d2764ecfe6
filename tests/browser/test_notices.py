"""A decision notice in a real browser, on a phone: a status decision officer determines a man stateless,
prints the notice of that decision in Russian with Dari alongside from the case page (360 px wide), and
a stranger, signed in to nothing, types the notice's code on the public page and learns only that it is
genuine, who issued it, when, of what kind and the initials."""

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from playwright.sync_api import expect

from panah.accounts.scope import unscoped
from panah.notices import defaults
from panah.notices.models import NoticeTemplate
from panah.status.models import EventKind as K
from panah.status.services import record_status_event
from tests.browser.helpers import sign_in
from tests.conftest import REGION_A
from tests.factories import PersonFactory, region

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}


def too_wide(page: Any) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_decider_prints_the_notice_of_a_determination_and_a_stranger_verifies_it_by_its_code(
    cast: Any, new_page: Callable[..., Any], screenshot: Callable[[Any, str], Any]
) -> None:
    with unscoped("test set-up"):
        # A browser test runs on a database emptied after each such test, data migrations' rows too:
        # the shipped templates are loaded again as their migration loads them.
        defaults.load(NoticeTemplate)
        arman = PersonFactory(
            organisation=cast.state, region=region(REGION_A), name=("Arman", "Seitkali"),
            citizenship_status="undetermined",
        )  # fmt: skip
        record_status_event(
            person=arman, kind=K.UNDETERMINED_IDENTIFIED, effective=dt.date(2020, 6, 1), by=cast.sysadmin
        )
    page = new_page(viewport=PHONE)
    sign_in(page, cast.decider_a)
    page.goto(f"/persons/{arman.registration_number}/")
    page.get_by_role("link", name="Cases and eligibility").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Kind of case").select_option("statelessness")
    page.get_by_label("Opened on", exact=False).fill("01.03.2024")
    page.get_by_role("button", name="Open the case").click()
    page.get_by_label("Step", exact=True).select_option("determine")
    page.get_by_label("Date (of the decision or event)").fill("15.03.2024")
    page.get_by_label("Decision or document reference").fill("No. 42-STA")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("statelessness determination: determined stateless")

    # The deciding step's row offers the notice; the page still fits the phone.
    form = page.locator("form.print-notice")
    expect(form).to_have_count(1)
    form.get_by_label("Also in the person's language").select_option("prs")
    expect(form.get_by_role("button", name="Print notice")).to_be_visible()
    assert too_wide(page) <= 0
    screenshot(page, "case-with-print-notice")
    action = form.get_attribute("action")
    # The button posts the form to a new tab, which receives the PDF.
    with page.context.expect_event("response", lambda r: r.url.endswith(action) and r.request.method == "POST") as sent:
        form.get_by_role("button", name="Print notice").click()
    assert sent.value.status == 200 and sent.value.headers["content-type"] == "application/pdf"
    # The tab shows it in Chromium's viewer, which keeps the bytes: the same form, sent again with the
    # session's cookie, returns the same notice (and records that it was printed again).
    token = form.locator("input[name=csrfmiddlewaretoken]").get_attribute("value")
    notice = page.request.post(action, form={"csrfmiddlewaretoken": token, "lang": "ru", "for": "prs"})
    assert notice.status == 200 and notice.headers["content-type"] == "application/pdf"
    text = " ".join(pypdf.PdfReader(io.BytesIO(notice.body())).pages[0].extract_text().split())
    assert "Seitkali Arman" in text and "15.03.2024" in text and "در پروندهٔ شما" not in text
    assert "درخواست شما پذیرفته شد" in text
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", text.split("15.03.2024")[-1])
    assert code is not None

    # A stranger checks it by typing the code, in lower case, on a phone.
    stranger = new_page(viewport=PHONE)
    stranger.goto("/verify/")
    stranger.get_by_label("Code printed on the notice").fill(code.group(0).lower())
    stranger.get_by_role("button", name="Check").click()
    main = stranger.get_by_role("main")
    expect(main).to_contain_text("Genuine and current")
    expect(main).to_contain_text("A. S.")
    expect(main).to_contain_text("statelessness determination: Determine stateless")
    assert "Seitkali" not in main.inner_text() and arman.registration_number not in main.inner_text()
    assert too_wide(stranger) <= 0
    screenshot(stranger, "verified-by-a-stranger")
