"""Values read as people write them: region and country names in Kazakh, Russian or English and
their codes, "stateless" in its local forms, sex as М/Ж/Е/Ә/M/F, dates as dd.mm.yyyy and the like,
and spreadsheet dates. Each reader returns the value to store or raises `BadValue` with the message
for the report. The reference lists are read once per file (`Lookups.load`), not once per row.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from panah.geo.models import Country, Region
from panah.imports.columns import fold
from panah.registry.models import CitizenshipStatus, DatePrecision, DocumentType, PopulationType, Relationship, Sex


class BadValue(ValueError):
    """A value that cannot be read; the message says why, in words for the report."""


STATELESS_WORDS = (
    "stateless",
    "без гражданства",
    "лбг",
    "лицо без гражданства",
    "апатрид",
    "азаматтығы жоқ",
    "азаматтыгы жок",
    "азаматтығы жоқ адам",
)
UNDETERMINED_WORDS = (
    "undetermined",
    "unknown nationality",
    "неопределенное",
    "не определено",
    "неопределенное гражданство",
    "гражданство не определено",
    "анықталмаған",
    "азаматтығы анықталмаған",
    "лнг",
    "xxa",
    "xxx",
)

SEX_WORDS = {
    Sex.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина", "е", "ер", "ерлер", "ер адам"),
    Sex.FEMALE: ("f", "female", "woman", "ж", "жен", "женский", "женщина", "ә", "әйел", "айел"),
    Sex.OTHER: ("x", "other", "другой", "басқа"),
}

POPULATION_WORDS = {
    PopulationType.ASY: (
        "asy",
        "asylum seeker",
        "asylum-seeker",
        "проситель убежища",
        "лицо ищущее убежища",
        "баспана іздеуші",
    ),
    PopulationType.REF: ("ref", "refugee", "беженец", "беженка", "босқын"),
    PopulationType.STA: (
        "sta",
        "stateless",
        "stateless person",
        "лицо без гражданства",
        "лбг",
        "апатрид",
        "азаматтығы жоқ адам",
    ),
    PopulationType.UND: (
        "und",
        "undetermined",
        "undetermined nationality",
        "неопределенное гражданство",
        "лицо с неопределенным гражданством",
        "азаматтығы анықталмаған",
    ),
    PopulationType.OOC: ("ooc", "other of concern", "другие", "другое", "басқа"),
}

DOCUMENT_WORDS = {
    DocumentType.PASSPORT: ("passport", "паспорт", "төлқұжат"),
    DocumentType.NATIONAL_ID: ("national id", "id card", "удостоверение личности", "жеке куәлік"),
    DocumentType.ASYLUM_SEEKER_CERTIFICATE: (
        "asylum certificate",
        "свидетельство лица ищущего убежище",
        "справка лица ищущего убежище",
    ),
    DocumentType.REFUGEE_CERTIFICATE: ("refugee certificate", "удостоверение беженца", "босқын куәлігі"),
    DocumentType.STATELESS_CERTIFICATE: (
        "stateless certificate",
        "удостоверение лица без гражданства",
        "азаматтығы жоқ адамның куәлігі",
    ),
    DocumentType.RESIDENCE_PERMIT: ("residence permit", "вид на жительство", "внж", "тұруға ықтиярхат"),
    DocumentType.BIRTH_CERTIFICATE: ("birth certificate", "свидетельство о рождении", "туу туралы куәлік"),
    DocumentType.TRAVEL_DOCUMENT: ("travel document", "проездной документ", "жол жүру құжаты"),
    DocumentType.OTHER: ("other", "другой", "иной", "басқа"),
}

RELATIONSHIP_WORDS = {
    Relationship.HEAD: ("head", "глава", "глава семьи", "отбасы басшысы", "басшы"),
    Relationship.SPOUSE: ("spouse", "wife", "husband", "супруг", "супруга", "жена", "муж", "жұбайы", "әйелі", "күйеуі"),
    Relationship.CHILD: ("child", "son", "daughter", "сын", "дочь", "ребенок", "ұлы", "қызы", "баласы"),
    Relationship.PARENT: ("parent", "father", "mother", "отец", "мать", "әкесі", "анасы"),
    Relationship.SIBLING: (
        "sibling",
        "brother",
        "sister",
        "брат",
        "сестра",
        "ағасы",
        "інісі",
        "апасы",
        "сіңлісі",
        "қарындасы",
    ),
    Relationship.GRANDCHILD: ("grandchild", "внук", "внучка", "немересі"),
    Relationship.OTHER_RELATIVE: ("relative", "other relative", "родственник", "родственница", "туысы"),
    Relationship.NOT_RELATED: ("not related", "unrelated", "не родственник", "туыс емес"),
}


def _table(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, names in words.items():
        for name in (value, *names):
            table.setdefault(fold(name), str(value))
    return table


_SEX = _table(SEX_WORDS)
_POPULATION = _table(POPULATION_WORDS)
_DOCUMENT = _table(DOCUMENT_WORDS)
_RELATIONSHIP = _table(RELATIONSHIP_WORDS)
_STATELESS = {fold(w) for w in STATELESS_WORDS}
_UNDETERMINED = {fold(w) for w in UNDETERMINED_WORDS}
# Words an office adds to a region's name, dropped before comparing ("Павлодарская обл.", "г. Алматы").
_REGION_NOISE = re.compile(r"\b(область|обл|облысы|region|oblast|город|г|қаласы|қ|city)\b")


def _region_key(text: str) -> str:
    return " ".join(_REGION_NOISE.sub(" ", fold(text)).split())


@dataclass
class Lookups:
    """The reference lists of one import, read once."""

    regions: dict[str, str] = field(default_factory=dict)  # folded name or code -> ISO 3166-2:KZ code
    countries: dict[str, str] = field(default_factory=dict)  # folded name or code -> alpha-3
    region_rows: dict[str, Region] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Lookups":
        lookups = cls()
        for region in Region.objects.all():
            lookups.region_rows[region.code] = region
            alpha = region.old_alpha_code
            for name in (
                region.code,
                region.code.removeprefix("KZ-"),
                alpha,
                f"KZ-{alpha}" if alpha else "",
                region.name_en,
                region.name_ru,
                region.name_kk,
            ):
                if name:
                    lookups.regions.setdefault(fold(name), region.code)
                    lookups.regions.setdefault(_region_key(name), region.code)
        for country in Country.objects.all():
            for name in (country.alpha3, country.alpha2, country.name_en, country.name_ru, country.name_kk):
                if name:
                    lookups.countries.setdefault(fold(name), country.alpha3)
        # Names in common use that the ISO list spells otherwise.
        for alias, alpha3 in COUNTRY_ALIASES.items():
            if alpha3 in lookups.countries.values():
                lookups.countries.setdefault(fold(alias), alpha3)
        return lookups

    def region(self, text: str) -> str:
        code = self.regions.get(fold(text)) or self.regions.get(_region_key(text))
        if code is None:
            raise BadValue(_("Unknown region: write its name or its ISO 3166-2:KZ code (for example KZ-55)."))
        return code

    def country(self, text: str) -> str:
        code = self.countries.get(fold(text))
        if code is None:
            raise BadValue(_("Unknown country: write its name or its ISO code (for example AFG)."))
        return code

    def citizenship(self, text: str) -> tuple[str, str | None]:
        """(citizenship status, alpha-3 or None)."""
        key = fold(text)
        if key in _STATELESS:
            return CitizenshipStatus.STATELESS, None
        if key in _UNDETERMINED:
            return CitizenshipStatus.UNDETERMINED, None
        try:
            return CitizenshipStatus.COUNTRY, self.country(text)
        except BadValue as error:
            raise BadValue(
                _("Unknown citizenship: write a country, its ISO code, STATELESS or UNDETERMINED.")
            ) from error


COUNTRY_ALIASES = {
    "Афганистан": "AFG",
    "Ауғанстан": "AFG",
    "Сирия": "SYR",
    "Сирия Араб Республикасы": "SYR",
    "Syria": "SYR",
    "Палестина": "PSE",
    "Palestine": "PSE",
    "Россия": "RUS",
    "Ресей": "RUS",
    "Russia": "RUS",
    "РФ": "RUS",
    "Узбекистан": "UZB",
    "Өзбекстан": "UZB",
    "Кыргызстан": "KGZ",
    "Киргизия": "KGZ",
    "Қырғызстан": "KGZ",
    "Таджикистан": "TJK",
    "Тәжікстан": "TJK",
    "Туркменистан": "TKM",
    "Түрікменстан": "TKM",
    "Иран": "IRN",
    "Iran": "IRN",
    "Китай": "CHN",
    "Қытай": "CHN",
    "КНР": "CHN",
    "Украина": "UKR",
    "Украйна": "UKR",
    "Казахстан": "KAZ",
    "Қазақстан": "KAZ",
    "РК": "KAZ",
    "Грузия": "GEO",
    "Азербайджан": "AZE",
    "Армения": "ARM",
    "Пакистан": "PAK",
    "Ирак": "IRQ",
    "Йемен": "YEM",
    "Сомали": "SOM",
    "Эритрея": "ERI",
    "СССР": "SUN",
}


def sex(text: str) -> str:
    value = _SEX.get(fold(text))
    if value is None:
        raise BadValue(_("Unknown sex: write F, M or X (or Ж, М, Е, Ә)."))
    return value


def population_type(text: str) -> str:
    value = _POPULATION.get(fold(text))
    if value is None:
        raise BadValue(_("Unknown population type: write ASY, REF, STA, UND or OOC."))
    return value


def document_type(text: str) -> str:
    value = _DOCUMENT.get(fold(text))
    if value is None:
        raise BadValue(_("Unknown document type."))
    return value


def relationship(text: str) -> str:
    value = _RELATIONSHIP.get(fold(text))
    if value is None:
        raise BadValue(_("Unknown relationship to the head of household."))
    return value


_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), "month_first"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})$"), "month_iso"),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), "day_first"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]00:00(?::00)?)?$"), "day_iso"),
    (re.compile(r"^(\d{5})(?:\.0+)?$"), "excel"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def date(text: str, *, today: dt.date) -> tuple[dt.date, str]:
    """(date, precision) from yyyy, mm.yyyy, yyyy-mm, dd.mm.yyyy, dd/mm/yyyy, yyyy-mm-dd, or a
    spreadsheet's day number (5 digits: 10000 is 1927-05-18). Refuses impossible and future dates."""
    text = text.strip()
    for pattern, form in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if form == "year":
                value, precision = dt.date(parts[0], 1, 1), DatePrecision.YEAR
            elif form == "month_first":
                value, precision = dt.date(parts[1], parts[0], 1), DatePrecision.MONTH
            elif form == "month_iso":
                value, precision = dt.date(parts[0], parts[1], 1), DatePrecision.MONTH
            elif form == "day_first":
                value, precision = dt.date(parts[2], parts[1], parts[0]), DatePrecision.DAY
            elif form == "day_iso":
                value, precision = dt.date(parts[0], parts[1], parts[2]), DatePrecision.DAY
            else:
                value, precision = EXCEL_EPOCH + dt.timedelta(days=parts[0]), DatePrecision.DAY
        except (ValueError, OverflowError) as error:
            raise BadValue(_("Not a real date.")) from error
        if value > today:
            raise BadValue(_("The date is in the future."))
        if value.year < today.year - 125:
            raise BadValue(_("The date is more than 125 years ago."))
        return value, str(precision)
    raise BadValue(_("Not a date: write dd.mm.yyyy, mm.yyyy, yyyy or yyyy-mm-dd (for example 15.03.1990)."))
