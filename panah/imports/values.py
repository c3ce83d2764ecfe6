"""Values read as people write them: statuses, citizenship, sex, countries, regions, document types and
relationships in Russian, Kazakh or English words, abbreviations (ВКО, ЗКО, СКО), names before and after
the renamings of 2018–2022 (Нур-Султан and Астана); dates as dd.mm.yyyy and the like, and spreadsheet
dates. The words are data (`data/words.json`), not code: a department's words are added there.

Each reader returns the value to store or raises `BadValue` with the code of the message for the report.
The reference lists are read once per file (`Lookups.load`), not once per row. An organisation's own value
mappings (a word its sheets use that no list knows) are applied before the lists.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from panah.geo.models import Country, Region
from panah.imports.columns import fold
from panah.registry.models import CitizenshipStatus, DatePrecision

WORDS_FILE = Path(__file__).parent / "data" / "words.json"

# The columns whose values are codes read from words, and so can be mapped by an organisation.
MAPPABLE = ("sex", "population_type", "citizenship", "country_of_origin", "region", "document_type",
            "relationship_to_head")  # fmt: skip


class BadValue(ValueError):
    """A value that cannot be read: `code` is the message's code (`messages.MESSAGES`), `unknown` says the
    value is a word no list knows (reported once per distinct value, and mappable), not a malformed one."""

    def __init__(self, code: str, *, unknown: bool = False, params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.unknown = unknown
        self.params = params or {}
        super().__init__(code)


@functools.cache
def words() -> dict[str, Any]:
    return json.loads(WORDS_FILE.read_text(encoding="utf-8"))


def _table(section: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, names in words()[section].items():
        for name in (value, *names):
            table.setdefault(fold(name), value)
    return table


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    return {section: _table(section) for section in ("sex", "population_type", "document_type", "relationship")}


@dataclass
class Lookups:
    """The reference lists of one import, read once, with the organisation's own value mappings."""

    regions: dict[str, str] = field(default_factory=dict)  # folded whole name or code -> ISO 3166-2:KZ code
    region_cores: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, folded core) -> code
    countries: dict[str, str] = field(default_factory=dict)  # folded name or code -> alpha-3
    region_rows: dict[str, Region] = field(default_factory=dict)
    mapped: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> folded value -> code

    @classmethod
    def load(cls, mapped: dict[str, dict[str, str]] | None = None) -> Lookups:
        lookups = cls(mapped={column: {fold(k): v for k, v in m.items()} for column, m in (mapped or {}).items()})
        data = words()
        for region in Region.objects.all():
            lookups.region_rows[region.code] = region
            alpha = region.old_alpha_code
            for name in (region.code, region.code.removeprefix("KZ-"), alpha, f"KZ-{alpha}" if alpha else ""):
                if name:
                    lookups.regions.setdefault(fold(name), region.code)
        for code, entry in data["region"].items():
            if code not in lookups.region_rows:
                continue
            for name in entry["names"]:
                lookups.regions.setdefault(fold(name), code)
            for core in entry["core"]:
                lookups.region_cores.setdefault((entry["kind"], fold(core)), code)
        for region in lookups.region_rows.values():
            for name in (region.name_en, region.name_ru, region.name_kk):
                lookups.regions.setdefault(fold(name), region.code)
        for country in Country.objects.all():
            for name in (country.alpha3, country.alpha2, country.name_en, country.name_ru, country.name_kk):
                if name:
                    lookups.countries.setdefault(fold(name), country.alpha3)
        known = set(lookups.countries.values())
        for alpha3, names in data["country"].items():
            if alpha3 in known:
                for name in names:
                    lookups.countries.setdefault(fold(name), alpha3)
        return lookups

    def _mapped(self, column: str, text: str) -> str | None:
        return self.mapped.get(column, {}).get(fold(text))

    def region(self, text: str, *, parts: bool = True) -> str:
        """A region as written: a name or code ("Павлодарская обл.", "ВКО", "г. Алматы", "Алматы қ.", "KZ-55"),
        also (with `parts`) with the district or town after it ("Алматинская обл., Талгарский р-н", "г. Семей
        (ВКО)") when exactly one region is named."""
        if mapped := self._mapped("region", text):
            return mapped
        code = self._region(fold(text))
        if code is None and parts:
            parts = [fold(part) for part in re.split(r"[,;()/]", text)]
            found = {code for part in parts if part and (code := self._region(part)) is not None}
            code = found.pop() if len(found) == 1 else None
        if code is None:
            raise BadValue("unknown_region", unknown=True)
        return code

    def _region(self, key: str) -> str | None:
        if key in self.regions:
            return self.regions[key]
        marker_words = words()["region_words"]
        tokens = key.split()
        kinds = {kind for kind, markers in marker_words.items() if any(t in {fold(m) for m in markers} for t in tokens)}
        all_markers = {fold(m) for markers in marker_words.values() for m in markers}
        core = " ".join(t for t in tokens if t not in all_markers)
        if len(kinds) == 1:  # "обл." or "облысы" says an oblast, "г." or "қаласы" a city ("г. Алматы")
            return self.region_cores.get((kinds.pop(), core))
        if not kinds:  # without such a word, a core that names one region only ("павлодар") is that region
            found = {code for (_kind, name), code in self.region_cores.items() if name == core}
            if len(found) == 1:
                return found.pop()
        return None

    def _country(self, key: str) -> str | None:
        """A country by its folded name, also written after a word such as "гр." ("гр. Афганистана")."""
        if key in self.countries:
            return self.countries[key]
        for prefix in _citizenship_prefixes():
            if key.startswith(prefix + " "):
                return self.countries.get(key.removeprefix(prefix + " "))
        return None

    def country(self, text: str) -> str:
        if mapped := self._mapped("country_of_origin", text):
            return mapped
        code = self._country(fold(text))
        if code is None:
            raise BadValue("unknown_country", unknown=True)
        return code

    def citizenship(self, text: str) -> tuple[str, str | None]:
        """(citizenship status, alpha-3 or None)."""
        mapped = self._mapped("citizenship", text)
        if mapped in ("STATELESS", "UNDETERMINED"):
            return (CitizenshipStatus.STATELESS if mapped == "STATELESS" else CitizenshipStatus.UNDETERMINED), None
        if mapped:
            return CitizenshipStatus.COUNTRY, mapped
        key = fold(text)
        table = words()["citizenship"]
        if key in {fold(w) for w in ("STATELESS", *table["STATELESS"])}:
            return CitizenshipStatus.STATELESS, None
        if key in {fold(w) for w in ("UNDETERMINED", *table["UNDETERMINED"])}:
            return CitizenshipStatus.UNDETERMINED, None
        code = self._country(key)
        if code is None:
            raise BadValue("unknown_citizenship", unknown=True)
        return CitizenshipStatus.COUNTRY, code

    def word(self, column: str, text: str) -> str:
        """A value of one of the word columns (sex, population_type, document_type, relationship_to_head)."""
        if mapped := self._mapped(column, text):
            return mapped
        section = {"relationship_to_head": "relationship"}.get(column, column)
        value = _tables()[section].get(fold(text))
        if value is None:
            raise BadValue(UNKNOWN_CODES[column], unknown=True)
        return value


@functools.cache
def _citizenship_prefixes() -> tuple[str, ...]:
    return tuple(sorted({fold(w) for w in words()["citizenship_prefix"]}, key=len, reverse=True))


UNKNOWN_CODES = {
    "sex": "unknown_sex",
    "population_type": "unknown_status",
    "document_type": "unknown_document_type",
    "relationship_to_head": "unknown_relationship",
    "region": "unknown_region",
    "country_of_origin": "unknown_country",
    "citizenship": "unknown_citizenship",
}


def choices(column: str) -> list[str]:
    """The codes a value of `column` may be mapped to (the page offers them; a mapping file is checked
    against them)."""
    if column == "region":
        return sorted(Region.objects.valid_on(timezone.localdate()).values_list("code", flat=True))
    if column == "country_of_origin":
        return sorted(Country.objects.values_list("alpha3", flat=True))
    if column == "citizenship":
        return ["STATELESS", "UNDETERMINED", *sorted(Country.objects.values_list("alpha3", flat=True))]
    section = {"relationship_to_head": "relationship"}.get(column, column)
    return sorted(words()[section])


# What may follow a date or a year: "г.", "года", "г.р." (год рождения), "ж.", "жылы", "ж.т." (жылы туған).
_TIME = r"\d{1,2}:\d\d(?::\d\d)?"
_YEAR_WORD = r"(?:\s*(?:г\.?\s*р\.?|г\.?|года?|ж\.?\s*т\.?|ж\.?|жылы?))?"
_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(\d{{4}}){_YEAR_WORD}$"), "year"),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), "month_first"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})$"), "month_iso"),
    # Typed by hand: "15. 03. 1990", "15,03,1990".
    # Also as Excel saves a date cell to CSV with its time: "15.03.1990 0:00:00".
    (re.compile(rf"^(\d{{1,2}})\s*[.,/-]\s*(\d{{1,2}})\s*[.,/-]\s*(\d{{4}}){_YEAR_WORD}(?:\s+{_TIME})?$"), "day_first"),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2})$"), "day_first_short"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?$"), "day_iso"),
    (re.compile(r"^(\d{5})(?:\.0+)?$"), "excel"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
MONTHS = {
    # Russian (nominative and genitive), Kazakh and English month names, folded.
    **dict.fromkeys(("январь", "января", "янв", "қаңтар", "january", "jan"), 1),
    **dict.fromkeys(("февраль", "февраля", "фев", "ақпан", "february", "feb"), 2),
    **dict.fromkeys(("март", "марта", "мар", "наурыз", "march", "mar"), 3),
    **dict.fromkeys(("апрель", "апреля", "апр", "сәуір", "april", "apr"), 4),
    **dict.fromkeys(("май", "мая", "мамыр", "may"), 5),
    **dict.fromkeys(("июнь", "июня", "маусым", "june", "jun"), 6),
    **dict.fromkeys(("июль", "июля", "шілде", "july", "jul"), 7),
    **dict.fromkeys(("август", "августа", "авг", "тамыз", "august", "aug"), 8),
    **dict.fromkeys(("сентябрь", "сентября", "сен", "қыркүйек", "september", "sep"), 9),
    **dict.fromkeys(("октябрь", "октября", "окт", "қазан", "october", "oct"), 10),
    **dict.fromkeys(("ноябрь", "ноября", "ноя", "қараша", "november", "nov"), 11),
    **dict.fromkeys(("декабрь", "декабря", "дек", "желтоқсан", "december", "dec"), 12),
}
_WORDS_DATE = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})")
# Kazakh writes the year first: "1990 ж. 15 наурыз", "1990 жылғы 15 наурызда" (folded: no dots).
_WORDS_DATE_KK = re.compile(r"^(\d{4})\s+(?:ж|жыл|жылы|жылғы)?\s*(\d{1,2})\s+([^\W\d_]+)$")


def _build(form: str, parts: list[int], today: dt.date) -> tuple[dt.date, str]:
    if form == "year":
        return dt.date(parts[0], 1, 1), DatePrecision.YEAR
    if form == "month_first":
        return dt.date(parts[1], parts[0], 1), DatePrecision.MONTH
    if form == "month_iso":
        return dt.date(parts[0], parts[1], 1), DatePrecision.MONTH
    if form == "day_first":
        return dt.date(parts[2], parts[1], parts[0]), DatePrecision.DAY
    if form == "day_first_short":
        year = parts[2] + (2000 if parts[2] <= today.year % 100 else 1900)
        return dt.date(year, parts[1], parts[0]), DatePrecision.DAY
    if form == "day_iso":
        return dt.date(parts[0], parts[1], parts[2]), DatePrecision.DAY
    return EXCEL_EPOCH + dt.timedelta(days=parts[0]), DatePrecision.DAY


def date(text: str, *, today: dt.date) -> tuple[dt.date, str]:
    """(date, precision) from yyyy, mm.yyyy, yyyy-mm, dd.mm.yyyy, dd/mm/yyyy, dd.mm.yy, yyyy-mm-dd,
    "15 марта 1990", or a spreadsheet's day number (5 digits: 10000 is 1927-05-18). Refuses impossible,
    future and implausibly old dates."""
    text = text.strip()
    for pattern, form in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            value, precision = _build(form, [int(p) for p in match.groups()], today)
        except (ValueError, OverflowError) as error:
            raise BadValue("not_a_real_date") from error
        return _plausible(value, today), str(precision)
    folded = fold(text)
    parts: tuple[str, str, str] | None = None  # (day, month word, year)
    if words_match := _WORDS_DATE.match(folded):
        parts = words_match.group(1), words_match.group(2), words_match.group(3)
    elif words_match := _WORDS_DATE_KK.match(folded):
        parts = words_match.group(2), words_match.group(3), words_match.group(1)
    if parts is not None and _month(parts[1]) is not None:
        try:
            value = dt.date(int(parts[2]), _month(parts[1]) or 0, int(parts[0]))
        except ValueError as error:
            raise BadValue("not_a_real_date") from error
        return _plausible(value, today), str(DatePrecision.DAY)
    raise BadValue("not_a_date")


def _month(word: str) -> int | None:
    """A month's name as written, also with a Kazakh case ending ("наурызда", "наурыздың")."""
    if word in MONTHS:
        return MONTHS[word]
    return next((n for name, n in MONTHS.items() if len(name) >= 5 and word.startswith(name)), None)


_DATE_LIKE = re.compile(r"^[\d\s./:T-]+$")


def date_like(text: str) -> bool:
    """Whether a cell looks like a date or a number (data, not a header)."""
    return bool(text) and bool(_DATE_LIKE.match(text)) and sum(ch.isdigit() for ch in text) >= 4


def _plausible(value: dt.date, today: dt.date) -> dt.date:
    if value > today:
        raise BadValue("date_in_future")
    if value.year < today.year - 125:
        raise BadValue("date_too_old")
    return value


# "по состоянию на 01.01.2017", "на 01.01.2017 г.", "01.01.2017 жағдай бойынша", "as of 1 January 2017".
_TITLE_DATE = re.compile(
    r"(?:по\s+состоянию\s+на|состояни[ея]\s+на|на\s+дату|на|as\s+of|as\s+at|at|on)\s+([0-9][0-9./-]*[0-9](?:\s*г)?|"
    r"\d{1,2}\s+[^\W\d_]+\.?\s+\d{4})|([0-9][0-9./-]*[0-9]|\d{1,2}\s+[^\W\d_]+\s+\d{4}|"
    # Kazakh writes the year first: "2019 жылғы 1 қаңтардағы жағдай бойынша".
    r"\d{4}\s*(?:ж\.?|жылғы)\s*\d{1,2}\s+[^\W\d_]+)\s*(?:ж\.?|жылғы)?\s*"
    r"(?:жағдай\s+бойынша|жағдайы\s+бойынша|күнгі\s+жағдай)",
    re.IGNORECASE,
)


def title_date(text: str, *, today: dt.date) -> dt.date | None:
    """The date a title row states ("Список беженцев по состоянию на 01.01.2017 г."), or None."""
    for match in _TITLE_DATE.finditer(text.replace("\u00a0", " ")):
        found = (match.group(1) or match.group(2) or "").strip().removesuffix("г").strip(" .")
        try:
            value, precision = date(found, today=today)
        except BadValue:
            continue
        if precision == DatePrecision.DAY:
            return value
    return None


def title_status(text: str) -> str:
    """The status a title names for every row ("Список лиц без гражданства …", "Босқындар тізімі"), when it
    names exactly one; "" otherwise. Only words of at least two words or eight letters count: "беженец"
    alone in a title may be part of "лица, ищущие убежище, и беженцы"."""
    folded = f" {fold(text)} "
    if not folded.strip():
        return ""
    found = set()
    for name, code in _tables()["population_type"].items():
        if (" " in name or len(name) >= 8) and f" {name} " in folded:
            found.add(code)
    return found.pop() if len(found) == 1 else ""
