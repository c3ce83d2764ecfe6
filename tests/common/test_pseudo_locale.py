"""Every word a page shows is translated: a pseudo-language in which every translated string is marked
⟦like this⟧ renders every page of the demo with no unmarked words but names and data.

The pseudo catalogue is made at the start of the test, with gettext's own tools, from the messages that
are translated (not fuzzy) in both the Russian and the Kazakh catalogues, and from Django's own messages
(form errors, month names). A string a page shows that is not wrapped for translation, or is wrapped but
missing from either catalogue, shows unmarked and fails the test, naming the page and the words. So do
words stored in the language of whoever wrote them (an audit entry, duplicate evidence, a job's message)
rather than as codes put into words when read.

"Data" is what the registry holds: every word of every short text field (not a code) of every row of
the test's database (names, registration numbers, organisation and region names, titles, file names),
and the languages' own names in the language switcher. The walk: the pages of the menu and one page below each, for five roles of the
demo, and the pages where import, audit, evidence and job messages are shown.
"""

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.translation import to_locale

PSEUDO = "x-pseudo"
# A msgfilter filter: the message's msgid (msgid_plural for plural forms after the first), as ⟦msgid⟧,
# keeping leading and trailing line breaks where they are (msgfmt checks them).
MARK = (
    "local $/; <STDIN>;"  # msgfilter writes the translation to the filter, which must read it
    "$m = ($ENV{MSGFILTER_PLURAL_FORM} // 0) > 0 ? $ENV{MSGFILTER_MSGID_PLURAL} : $ENV{MSGFILTER_MSGID};"
    r"$m =~ s/^(\n*)(.*?)(\n*)$/$1⟦$2⟧$3/s; print $m"
)
MARKED = re.compile(r"⟦[^⟦⟧]*⟧", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")
LATIN = re.compile(r"[A-Za-z]")
ROLES = ["officer.almaty", "decider.almaty", "lawyer.kibhr", "statistician", "admin"]
DETAIL = re.compile(r"^/(persons|cases|stats/releases|knowledge|duplicates|privacy|imports|jobs)/[^?#.]+/$")
# Attributes a reader hears or sees.
SPOKEN = ("title", "aria-label", "placeholder", "alt")
# Text that is not words to translate: code, and what a person wrote (`bdi` marks text of either direction).
SKIPPED = {"script", "style", "code", "bdi", "pre", "textarea"}
# Text fields that hold Panah's words, not data: the English copy of an audit entry kept for searching,
# the codes of a job's message.
NOT_DATA = {"audit.AuditEntry.summary", "audit.AuditEntry.message", "jobs.Job.message"}
# Not to be translated, by design: the system's name, and the languages' names in their own languages.
OWN_NAMES = {"Panah", "Қазақша", "Русский", "English", "Қазақ", "қазақ", "тілі"}
# Names of formats and standards, the same in every language.
OWN_NAMES |= {"CSV", "XLSX", "Excel", "UTF", "HXL", "PDF", "JSON", "API", "ODK", "Kobo", "OpenAPI", "ISO"}


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - gettext's tools, our arguments


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("msgfilter") is None:
        pytest.fail("gettext's tools (msgattrib, msgcomm, msgcat, msgfilter, msgfmt) are needed: `make` installs them")
    work = tmp_path_factory.mktemp("pseudo")
    locale_dir = Path(settings.LOCALE_PATHS[0])
    translated = []
    for language in ("ru", "kk"):
        out = work / f"{language}.po"
        _run("msgattrib", "--translated", "--no-fuzzy", "--no-obsolete", "-o", str(out),
             str(locale_dir / language / "LC_MESSAGES" / "django.po"))  # fmt: skip
        translated.append(str(out))
    both = work / "both.po"
    _run("msgcomm", "--more-than=1", "-o", str(both), *translated)
    # Django's own messages, from its English catalogues (every msgid it has).
    django_root = Path(django.__file__).parent
    own = [str(p) for p in django_root.glob("**/locale/en/LC_MESSAGES/django.po")]
    merged = work / "merged.po"
    _run("msgcat", "--use-first", "-o", str(merged), str(both), *own)
    # Every message becomes its own English (the plural for every plural form but the first), marked.
    marked = work / "marked.po"
    _run("msgfilter", "--keep-header", "-i", str(merged), "-o", str(marked), "perl", "-e", MARK)
    target = work / "locale" / to_locale(PSEUDO) / "LC_MESSAGES"
    target.mkdir(parents=True)
    _run("msgfmt", "-o", str(target / "django.mo"), str(marked))
    return work / "locale"


@pytest.fixture
def pseudo(settings: Any, pseudo_locale: Path) -> Iterator[None]:
    LANG_INFO[PSEUDO] = {"bidi": False, "code": PSEUDO, "name": "Pseudo", "name_local": "Panah"}
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    # Changing these settings empties Django's caches of catalogues and languages (its setting_changed
    # receivers), and restores them after the test.
    settings.LOCALE_PATHS = [str(pseudo_locale), *settings.LOCALE_PATHS]
    yield
    del LANG_INFO[PSEUDO]
    translation.deactivate()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The words of a page a reader meets: text and SPOKEN attributes outside SKIPPED elements and outside
    elements that state their own language (`lang`: a leaflet in Dari, an article only written in
    Russian, shown as such; WCAG 3.1.2)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.skip_from: int | None = None  # the depth of the element being skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if self.skip_from is None and (tag in SKIPPED or (tag != "html" and named.get("lang"))):
            self.skip_from = self.depth
        if self.skip_from is None:
            for name, value in attrs:
                if name in SPOKEN and value:
                    self.parts.append(value)
            if tag == "input" and named.get("type") in ("submit", "button") and named.get("value"):
                self.parts.append(named["value"] or "")
        if tag not in VOID:
            self.depth += 1
        elif self.skip_from == self.depth:
            self.skip_from = None

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        self.depth -= 1
        if self.skip_from is not None and self.depth <= self.skip_from:
            self.skip_from = None

    def handle_data(self, data: str) -> None:
        if self.skip_from is None and data.strip():
            self.parts.append(data)


def _page_text(html: str) -> str:
    """The page's words, joined so that a marked string split by tags (a link inside a sentence) stays whole."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def _multilingual() -> set[str]:
    """The columns of text written in each language by the people who keep it (modeltranslation's: a
    project's services in kk, ru and en), shown in the reader's language or the nearest one written."""
    from modeltranslation.translator import translator

    columns = set()
    for model in translator.get_registered_models():
        for name in translator.get_options_for_model(model).all_fields:
            columns |= {
                f"{model._meta.label}.{name}",
                *(f"{model._meta.label}.{name}_{code}" for code in ("kk", "ru", "en")),
            }
    return columns


def _data_words() -> set[str]:
    """Every word of every short text field of every row, and of the text kept in each language: what the
    registry holds, shown as it was written."""
    words, multilingual = set(OWN_NAMES), _multilingual()
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            # Names, numbers, titles: short text. Long text (an article's body, a note) would lend its
            # every word, "the" and "of" too, and hide an English sentence among the data.
            if (isinstance(f, models.CharField) or f"{model._meta.label}.{f.name}" in multilingual)
            and not f.choices  # a code: shown as its label, never as itself
            and f"{model._meta.label}.{f.name}" not in NOT_DATA
        ]
        if not columns or model._meta.proxy:
            continue
        manager = getattr(model, "_base_manager", model.objects)
        for row in manager.values_list(*columns).iterator():
            for value in row:
                if value:
                    words.update(WORD.findall(str(value)))
    # Long text in another script (a note an officer wrote in Russian) is data too: its words cannot hide
    # an English sentence, which is all this walk looks for.
    for model in apps.get_models():
        notes = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.TextField) and not f.choices
                 and f"{model._meta.label}.{f.name}" not in NOT_DATA]  # fmt: skip
        if not notes or model._meta.proxy:
            continue
        for row in getattr(model, "_base_manager", model.objects).values_list(*notes).iterator():
            words.update(w for value in row if value for w in WORD.findall(str(value)) if not LATIN.search(w))
    return words


def unmarked(html: str, data: set[str]) -> list[str]:
    """The words of the page that are neither marked as translated nor data."""
    text, before = _page_text(html), ""
    while text != before:  # innermost first: a translated phrase may hold another (⟦by ⟦region⟧⟧)
        before, text = text, MARKED.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w not in data})


def _links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="(/[^"#?]*)"', html)


def _stored_messages() -> list[str]:
    """Work whose messages are stored and read later, done as its users do it: a person file checked
    (with an error in a row, so the report has problems), and a background job run to its end. The
    pages that show them."""
    from panah.accounts.models import Organisation, User
    from panah.imports.services import import_file
    from panah.jobs.models import Job
    from panah.stats.tasks import rebuild_statistics_index
    from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes

    admin = User.objects.get(username="admin")
    bad_row = ["A-9", "Husseini", "Zarina", "", "F", "31.02.2001", "", "KZ-55", "", "", ""]
    run = import_file(
        by=admin,
        organisation=Organisation.objects.get(code="mlsp"),
        data=csv_bytes(RU_HEADER, [*RU_ROWS, bad_row]),
        file_name="persons.csv",
        dry_run=True,
    )
    job = Job.objects.create(kind=Job.Kind.REBUILD_STATISTICS, requested_by=admin)
    rebuild_statistics_index.call(job_id=job.pk)
    return [f"/imports/{run.pk}/", f"/jobs/{job.pk}/"]


def _walk(client: Client, username: str, also: list[str]) -> dict[str, str]:
    """The pages of the menu, the first page below each, and `also`, as `username`: path -> HTML."""
    from panah.accounts.models import User

    client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO
    home = client.get("/")
    assert home.status_code == 200, (username, home.status_code)
    html = home.content.decode()
    menu = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    pages = ["/", *dict.fromkeys(_links(menu.group(1) if menu else html)), *also]
    seen, found = set(pages), {}
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("content-type", ""):
            continue
        found[path] = response.content.decode()
        for link in _links(found[path]):
            if DETAIL.match(link) and link not in seen and len(seen) < 80:
                seen.add(link)
                pages.append(link)
                break
    client.logout()
    return found


@pytest.mark.django_db
def test_every_page_is_in_the_readers_words(pseudo: None, client: Client) -> None:
    call_command("demo", persons=600, stdout=io.StringIO())
    stored = _stored_messages()
    data = _data_words()
    problems = []
    walked = 0
    for username in ROLES:
        for path, html in _walk(client, username, stored if username == "admin" else []).items():
            walked += 1
            assert "⟦" in html, f"{path}: the pseudo-language is not in use"
            if words := unmarked(html, data):
                problems.append(f"{username} {path}: {', '.join(words[:12])}")
    assert walked >= 50, walked
    assert not problems, "words not translated:\n" + "\n".join(problems)


def test_the_check_finds_an_untranslated_word() -> None:
    """The test above can fail: a word outside the marks is found, a word of the data is not."""
    html = (
        '<main><p>⟦Persons⟧: 12</p><p title="Search">Ахмади</p><script>var x = "code";</script>'
        '<article lang="fa"><p>متن</p><br><p>دری</p></article><p>Left</p><p>⟦Persons by ⟦region⟧⟧</p></main>'
    )
    assert unmarked(html, {"Ахмади"}) == ["Left", "Search"]
