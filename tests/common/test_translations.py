"""The interface speaks Kazakh, Russian and English: pages follow the browser's language, form errors
are translated, and the Russian and Kazakh catalogues have no untranslated or fuzzy message."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = {lang: LOCALE_DIR / lang / "LC_MESSAGES" / "django.po" for lang in ("ru", "kk")}
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "kk": "nplurals=2; plural=(n!=1);",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _heading(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, html
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("ru", "Вход в Panah"),
        ("kk", "Panah жүйесіне кіру"),
        ("en", "Sign in to Panah"),
    ],
)
def test_login_page_follows_the_browser_language(client: Any, db: Any, language: str, heading: str) -> None:
    response = client.get("/accounts/login/", headers={"accept-language": language})
    assert response.status_code == 200
    html = response.content.decode()
    assert _heading(html) == heading
    assert f'<html lang="{language}">' in html


def test_a_form_error_on_the_register_page_is_in_russian(client: Any, cast: Any) -> None:
    client.force_login(cast.officer_a)
    data = {"person-birth": "2999", "name-latn_given_name": "Ali", "address-region": "KZ-55"}
    response = client.post("/persons/new/", data, headers={"accept-language": "ru"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Дата рождения не может быть в будущем." in html
    assert "Обнаружена ошибка" in html
    assert "The birth date cannot be in the future." not in html


def _parse_po(text: str) -> list[dict[str, Any]]:
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (list of forms), flags."""

    def unquote(s: str) -> str:
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s.strip()[1:-1])

    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry: dict[str, Any] = {"msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete entries are not used
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line):
                name, index, value = match.groups()
                key = (name, int(index or 0))
                if name == "msgstr":
                    entry["msgstr"][key[1]] = unquote(value)
                else:
                    entry[name] = unquote(value)
            elif line.startswith('"') and key:
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] += unquote(line)
                else:
                    entry[key[0]] += unquote(line)
        if entry["msgid"] is not None and not entry.get("obsolete"):
            entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
            entries.append(entry)
    return entries


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_every_message_is_translated_and_checked(language: str) -> None:
    entries = _parse_po(CATALOGUES[language].read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert f"Language: {language}\n" in header["msgstr"][0]
    assert f"Plural-Forms: {PLURAL_FORMS[language]}\n" in header["msgstr"][0]
    assert len(messages) > 100

    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    problems = []
    for entry in messages:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(form.strip() for form in entry["msgstr"]):
            problems.append(f"untranslated: {msgid!r}")
            continue
        if entry["msgid_plural"] is not None and len(entry["msgstr"]) != nplurals:
            problems.append(f"{len(entry['msgstr'])} plural forms instead of {nplurals}: {msgid!r}")
        expected = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(entry["msgid_plural"] or ""))
        for form in entry["msgstr"]:
            if set(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"placeholders differ: {msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems)
