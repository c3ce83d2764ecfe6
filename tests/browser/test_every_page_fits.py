"""Every page reachable from the menu, for five roles of the demo, at a phone's width (360 px, in Kazakh or
Russian) and an old laptop's (1,366 px, in English). On every page visited, at both widths:

- the page is never wider than the screen (a wide table scrolls inside its own box);
- buttons, fields and menu toggles are at least 24 x 24 px (WCAG 2.2, 2.5.8);
- registration numbers never break at their hyphen;
- every label and aria-describedby, aria-labelledby or aria-controls names an id that is on the page;
- axe-core (the copy bundled with axe-playwright-python, every rule it runs by default: WCAG 2.x A and AA and
  its best practices) finds no violation of impact "serious" or "critical"; each is reported with the role,
  width, language, page, rule id and the selector and markup of every element at fault. axe runs once on
  the page as loaded, after the other checks; on the phone the menu is folded, and its links are checked
  on the laptop, where the same menu shows.

The menu opens without JavaScript on the phone, and detail pages one step below the menu's lists (the first
link of each) are walked as well. One demo registry serves the whole walk: loading it is most of the test's
time. Every page is kept as a screenshot in test-artifacts/browser/ to be looked at."""

import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from panah.common import demo
from tests.browser.helpers import blocking_violations

pytestmark = pytest.mark.browser

ROLES = ["officer.almaty", "decider.almaty", "lawyer.kibhr", "statistician", "admin"]
WIDTHS = [360, 1366]
# Pages one step below the menu's: the first link of each list, so detail pages are walked too.
DETAIL = re.compile(r"^/(persons|cases|stats/releases|knowledge|matching|privacy|imports)/[^?#.]+/$")
NUMBER = re.compile(r"^[A-Z]{2}-\d{7}-\d$")


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(demo.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def menu_links(page: Any, width: int) -> list[str]:
    if width < 900:
        menu = page.locator("details.menu")
        expect(page.locator(".menu-wide")).to_be_hidden()
        menu.locator("summary").click()  # a <details>: opens with no script at all
        links = menu.locator(".menu-body nav a")
    else:
        links = page.locator(".menu-wide nav a")
    expect(links.first).to_be_visible()
    return [urlsplit(href).path for href in links.evaluate_all("(as) => as.map(a => a.href)")]


def too_wide(page: Any) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def widest(page: Any) -> str:
    """The outermost element that sticks out of the screen (outside any box that scrolls), to say what to fix."""
    return page.evaluate(
        """() => {
            const scrolls = e => { for (; e; e = e.parentElement) { const o = getComputedStyle(e).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
            const out = [...document.querySelectorAll('body *')].filter(e =>
                e.getBoundingClientRect().right > window.innerWidth + 1 && !scrolls(e.parentElement));
            const top = out.find(e => !out.includes(e.parentElement)) || out[0];
            return top ? top.outerHTML.slice(0, 200) : '';
        }"""
    )


def small_targets(page: Any) -> list[str]:
    """Buttons, fields and menu toggles smaller than 24 x 24 px (WCAG 2.2, 2.5.8); links inside a sentence
    are exempt there, and so are check boxes' labels, which the box's label enlarges."""
    return page.evaluate(
        """() => [...document.querySelectorAll('button, select, input:not([type=hidden]), summary')]
            .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
            .map(e => e.outerHTML.slice(0, 80))"""
    )


def broken_numbers(page: Any) -> list[str]:
    """Registration numbers shown on more than one line."""
    return page.evaluate(
        """(pattern) => [...document.querySelectorAll('main .nowrap, main a, main td')]
            .filter(e => new RegExp(pattern).test(e.textContent.trim()) && e.getClientRects().length > 1)
            .map(e => e.textContent.trim())""",
        NUMBER.pattern,
    )


def dangling_references(page: Any) -> list[str]:
    """Labels and ARIA attributes that point at an id the page does not have: a hint or a label that is
    never read out. axe lists these only as "needs review", so they are checked here."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls], label[for]')]
            .flatMap(e => ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for'].flatMap(name =>
                (e.getAttribute(name) || '').split(/\\s+/).filter(id => id && !document.getElementById(id))
                    .map(id => `<${e.tagName.toLowerCase()} ${name}="${id}">`)))"""
    )


def test_every_page_of_the_menu_fits_a_phone_and_a_laptop(new_page, screenshot):
    call_command("demo", persons=600, stdout=io.StringIO())
    problems: list[str] = []
    walked = 0
    for number, username in enumerate(ROLES):
        for width in WIDTHS:
            # On the phone in Kazakh or Russian, whose words are longer; on the laptop in English.
            language = ("kk", "ru")[number % 2] if width < 900 else "en"
            page = new_page(locale=language, viewport={"width": width, "height": 800})
            sign_in(page, username)
            pages = ["/", *menu_links(page, width)]
            menu, seen = set(pages), set(pages)
            for path in pages:
                page.goto(path)
                walked += 1
                if (extra := too_wide(page)) > 0:
                    problems.append(f"{username} {width}px {path}: {extra}px wider than the screen: {widest(page)}")
                if small := small_targets(page):
                    problems.append(f"{username} {width}px {path}: tap targets under 24 px: {small[:3]}")
                if broken := broken_numbers(page):
                    problems.append(f"{username} {width}px {path}: numbers broken over lines: {broken[:3]}")
                if dangling := dangling_references(page):
                    problems.append(f"{username} {width}px {path}: references to no element: {dangling[:3]}")
                problems += blocking_violations(page, f"{username} {width}px {language} {path}")
                screenshot(page, f"{username}-{width}-{language}-{path.strip('/').replace('/', '_') or 'home'}")
                if path in menu:
                    for href in page.locator("main a[href^='/']").evaluate_all("(as) => as.map(a => a.href)"):
                        detail = urlsplit(href).path
                        if DETAIL.match(detail) and detail not in seen:
                            seen.add(detail)
                            pages.append(detail)
                            break
    assert walked >= 60, walked
    assert not problems, "\n".join(problems)
