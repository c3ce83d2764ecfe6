"""A registrar photographs a passport with a phone (360 px wide) and attaches it to the person's record."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import blocking_violations, sign_in
from tests.evidence.test_files import ELF, jpeg_with_exif

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_registrar_attaches_a_photo_from_a_phone(cast: Any, new_page: Any, screenshot: Any) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, cast.officer_a)
    page.goto(f"/persons/{cast.person_a.registration_number}/")
    page.get_by_role("link", name="Attach a file").click()
    upload = page.get_by_label("File")
    assert upload.get_attribute("accept") == "application/pdf,image/jpeg,image/png"
    assert upload.get_attribute("capture") is None  # camera and files alike, not the camera only
    assert _fits(page), "the upload page is wider than a phone"
    assert blocking_violations(page, "upload page at 360 px") == []
    # A program renamed to look like a scan is refused, the field named in the error summary.
    page.get_by_label("Kind of document").select_option("passport")
    upload.set_input_files({"name": "passport.pdf", "mimeType": "application/pdf", "buffer": ELF})
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("alert")).to_contain_text("File")
    expect(page.get_by_role("alert")).to_contain_text("not a PDF, JPEG or PNG")
    assert _fits(page)
    screenshot(page, "refused")
    page.get_by_label("Kind of document").select_option("passport")
    page.get_by_label("File").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif(orientation=6)}
    )
    page.get_by_label("Note (optional)").fill("front page")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("The file was attached.")).to_be_visible()
    expect(page.get_by_role("link", name="passport", exact=True)).to_be_visible()
    assert _fits(page), "the person page with its files is wider than a phone"
    screenshot(page, "attached")
