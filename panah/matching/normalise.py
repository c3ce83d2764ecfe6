"""A person-file row put in the form duplicate detection compares (ARCHITECTURE.md section 3.1).

Names become script-independent canonical words (`panah.registry.names`: PyICU transliteration,
the Arabic letter table, the variants in name_variants.txt) with the parts that vary between
offices taken off as data, not code branches:
- particles written apart or hyphenated (al-, el-, ul-, ad-, bin, ibn, ...): dropped, so
  "al-Hassan", "Al Hassan" and "Hassan" meet; joined to a family name (Alhassan) when a known
  name or a consonant and four letters follow (so not in Ali, Alim, Alisher);
- suffixes that say whose son or daughter (-ovich/-ovna, uly/kyzy, -zada/-zade/-zoda): the stem
  is kept, so a patronymic written the Russian, Kazakh or Persian way compares on the father's name;
- Russian feminine family-name endings (-ova, -eva, -ina, -skaya) to the masculine form, since a
  wife and a daughter are registered in both forms;
- a name only in full_name_original is read as given name, father's name(s), family name (last).

Addresses and localities become consonant skeletons too (so "ул. Абая 12" and "ul. Abaia 12"
meet), written together so that words run together or split apart ("Boswellcrescent") still
meet; the words Kazakh and Russian addresses may or may not write (ул., көшесі, д., кв.) are
dropped. The house and flat numbers are kept apart from the street, so that a typo in the street
name is told from another house.

Features are plain strings and integers, so the same dict feeds Splink (a DataFrame column each)
and the online scorer (`panah.matching.comparisons.score_pair`).
"""

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from panah.registry.names import KEY_CACHE, canonical, is_known_name, latin_key, skeleton

# Words dropped wherever they stand: Arabic article and "son of", Turkic/Persian honorifics.
PARTICLES = frozenset({"al", "el", "ul", "ad", "ed", "ar", "as", "ash", "at", "az", "bin", "ibn", "bint", "binti"})
# Compound given names whose parts are written together or apart: the joined form is canonical.
COMPOUND_HEADS = frozenset({"abdul", "abdel", "abdol", "abdu", "abd", "abad", "nur", "gul", "mohammad", "muhammad"})
# ... and the tails that join the word before them ("Zabih ullah", "ذبیح الله", "Nasr uddin").
COMPOUND_TAILS = frozenset({"allah", "alla", "ullah", "ulla", "alala", "uddin", "addin", "iddin"})
# Suffixes removed from the end of a word (longest first), leaving at least three letters.
# ISO 9 writes -ович as -ovič, which reads "ovic" in ASCII.
PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovic", "evic", "ovna", "evna", "ichna", "ich", "uly", "uli", "ulu", "kyzy",
                       "kizi", "qizi", "qyzy", "ogly", "oglu", "ogli", "ugli", "zada", "zade", "zoda", "zadeh")  # fmt: skip
# Family names made from a father's name (Kazakh -uly/-kyzy, Azeri -oglu, Persian -zada) compare on it.
FAMILY_SUFFIXES = ("uly", "uli", "ulu", "kyzy", "kizi", "qizi", "ogly", "oglu", "ugli", "zada", "zade", "zoda", "zadeh")
PATRONYMIC_WORDS = frozenset({"uly", "uli", "ulu", "kyzy", "kizi", "qizi", "qyzy", "ogly", "oglu", "ogli", "ugli", "ibn",
                              "bin"})  # fmt: skip
# The Arabic article written joined to a family name (Alhassan, Alhamwi, Al'ahmad): dropped when a
# known name follows (name_variants.txt) or a consonant and at least JOINED_ARTICLE_REST letters, so
# that Ali, Alim or Alisher stay as they are. (Arabic script writes it apart already: names.py.)
JOINED_ARTICLE = "al"
JOINED_ARTICLE_REST = 4
FEMININE_ENDINGS = (("skaya", "skiy"), ("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("aya", "iy"))

# Words an address may or may not carry: kinds of street, house and flat written in Russian or
# Kazakh, abbreviated or not (latin_key spellings). English kinds of street (Street, Crescent) name
# the street itself (Boswell Street is not Boswell Crescent) and are kept.
ADDRESS_WORDS = frozenset({
    "ul", "ulitsa", "ulica", "kosh", "koshesi", "koshe", "pr", "pr-t", "prt", "prosp", "prospekt", "dangyly",
    "mkr", "mkrn", "mikroraion", "mikrorayon", "shagyn", "audany", "per", "pereulok", "bul", "bulvar", "sh", "shosse",
    "d", "dom", "uy", "kv", "kvartira", "pater", "g", "gor", "gorod", "qala", "kala", "s", "selo", "pos", "poselok",
    "aul", "auyly", "kalasy", "qalasy", "obl", "oblast", "oblysy", "r-n", "rayon", "raion", "audan", "korp", "korpus", "str", "stroenie",
})  # fmt: skip

_DOCUMENT = re.compile(r"[^0-9A-Z]")
_BIRTH = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _words(text: str) -> list[str]:
    """Canonical words of a name field, particles dropped, hyphenated parts split."""
    return [canonical(w) for w in latin_key(text or "").split() if w not in PARTICLES]


def _joined_compounds(words: list[str]) -> list[str]:
    """ "Abdul Rahman" and "Abdulrahman" read the same: a head word joins the word after it."""
    result: list[str] = []
    for word in words:
        if result and (word in COMPOUND_TAILS or (result[-1] in COMPOUND_HEADS and word not in COMPOUND_HEADS)):
            result[-1] = canonical(result[-1] + word)
        else:
            result.append(word)
    return result


def _without_article(word: str) -> str:
    rest = word[len(JOINED_ARTICLE) :]
    if not word.startswith(JOINED_ARTICLE) or len(rest) < 3:
        return word
    if is_known_name(rest) or (len(rest) >= JOINED_ARTICLE_REST and rest[0] not in "aeiouy"):
        return canonical(rest)
    return word


def _strip_suffix(word: str, suffixes: tuple[str, ...]) -> str:
    for suffix in sorted(suffixes, key=len, reverse=True):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return canonical(word[: -len(suffix)])
    return word


def _family_word(word: str) -> str:
    for feminine, masculine in FEMININE_ENDINGS:
        if word.endswith(feminine) and len(word) - len(feminine) >= 3:
            return word[: -len(feminine)] + masculine
    return word


@lru_cache(maxsize=KEY_CACHE)
def name_code(text: str, part: str = "given") -> str:
    """The canonical words of one name field, space-joined. `part`: given, family or patronymic."""
    words = _joined_compounds(_words(text))
    if part == "patronymic":
        words = [_strip_suffix(w, PATRONYMIC_SUFFIXES) for w in words if w not in PATRONYMIC_WORDS]
    elif part == "family":
        words = [_family_word(_strip_suffix(_without_article(w), FAMILY_SUFFIXES)) for w in words]
    return " ".join(words)


@lru_cache(maxsize=KEY_CACHE)
def skeleton_code(code: str) -> str:
    return " ".join(skeleton(w) for w in code.split())


def birth_parts(value: str) -> tuple[int | None, int | None, int | None, str]:
    """(year, month, day, precision) of YYYY, YYYY-MM or YYYY-MM-DD; Nones and "" when absent.

    Raises ValueError for a date that is not one of these forms or does not exist."""
    value = (value or "").strip()
    if not value:
        return None, None, None, ""
    match = _BIRTH.match(value)
    if not match:
        raise ValueError(f"birth_date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    dt.date(year, month or 1, day or 1)  # raises ValueError for an impossible date
    precision = "day" if day else "month" if month else "year"
    return year, month, day, precision


@lru_cache(maxsize=KEY_CACHE)
def _place_parts(text: str) -> tuple[str, str]:
    """(street, numbers): the skeletons of an address's words written together, and its numbers."""
    street, numbers = [], []
    for word in re.split(r"[\s-]+", latin_key(text or "")):
        if not word or word in ADDRESS_WORDS:
            continue
        for part in re.findall(r"\d+|[a-z]+", word):
            if part.isdigit():
                numbers.append(str(int(part)))
            elif part not in ADDRESS_WORDS:
                street.append(skeleton(part))
    return "".join(street), ".".join(numbers)


def address_features(address: str, locality: str) -> dict[str, str]:
    """address_key (street and numbers), address_street, address_number, locality_key: see the
    module docstring. Empty strings when absent."""
    street, numbers = _place_parts(address)
    return {
        "address_key": f"{street}{numbers}" if street and numbers else street or numbers,
        "address_street": street,
        "address_number": numbers,
        "locality_key": _place_parts(locality)[0],
    }


def document_key(number: str) -> str:
    return _DOCUMENT.sub("", (number or "").upper())


def prepare(record: Mapping[str, Any]) -> dict[str, Any]:
    """The features of one person-file row (see the module docstring and comparisons.py)."""

    def text(column: str) -> str:
        value = record.get(column)
        return "" if value is None else str(value).strip()

    given_name, family_name, patronymic = text("given_name"), text("family_name"), text("patronymic")
    original = text("full_name_original")
    given = name_code(given_name, "given")
    family = name_code(family_name, "family")
    patronymic_key = name_code(patronymic, "patronymic")
    if not (given or family) and original:
        # Only the name as written on an original document: given name first, family name last
        # and, between them, the father's name (as Afghan and Arab documents write a full name).
        words = name_code(original).split()
        given, family = " ".join(words[:1]), name_code(" ".join(words[1:][-1:]), "family")
        if len(words) >= 3 and not patronymic_key:
            patronymic_key = name_code(" ".join(words[1:-1]), "patronymic")
    all_words = sorted({w for code in (given, family, patronymic_key, name_code(original)) for w in code.split()})
    year, month, day, precision = birth_parts(text("birth_date"))
    sex = text("sex").upper()
    return {
        "person_id": text("person_id"),
        "given_name": given_name,
        "family_name": family_name,
        "patronymic": patronymic,
        "full_name_original": original,
        "given": given,
        "family": family,
        "patronymic_key": patronymic_key,
        "given_skel": skeleton_code(given),
        "family_skel": skeleton_code(family),
        "patronymic_skel": skeleton_code(patronymic_key),
        "name_words": " ".join(all_words),
        "name_skels": " ".join(sorted({skeleton(w) for w in all_words})),
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "birth_precision": precision,
        "sex": sex if sex in {"F", "M", "X"} else "",
        "document_number": document_key(text("document_number")),
        "document_number_sorted": "".join(sorted(document_key(text("document_number")))),
        "document_type": text("document_type").lower() if document_key(text("document_number")) else "",
        "region": text("region").upper(),
        "origin": text("country_of_origin").upper(),
        "household_id": text("household_id"),
        "address": text("address"),
        "locality": text("locality"),
        "place": ", ".join(part for part in (text("address"), text("locality")) if part),
        **address_features(text("address"), text("locality")),
    }
