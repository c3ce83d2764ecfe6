"""A labelled cross-script test set: synthetic person files whose true duplicates are known.

The caseload is modelled on Kazakhstan's: Afghan (Dari/Pashto), Tajik, Uzbek, Kazakh (kandas and
stateless), Russian, Syrian and Palestinian persons, with fathers' names or patronymics. The names are
data (data/crossscript_names.csv: each name in passport Latin spellings, Russian Cyrillic, Kazakh
Cyrillic where it differs, and Arabic script where it is written in it); the transliteration
tables below are data too. What this module decides is only how one person is written down by
different offices (the corruption model):

- another script or romanisation: Latin as in a passport, Latin transliterated from a Russian
  document (ICAO 9303, or ISO 9 with diacritics), Russian Cyrillic (г for h: Ибрагим), Kazakh
  Cyrillic, the 2021 Kazakh Latin alphabet, Arabic script (with or without the name only in
  `full_name_original`);
- given and family name swapped, the patronymic left out or written another way (Ахмадович /
  Ahmad / Ahmad uly), a typo in a name, the birth date cut to the year or set to 1 January, a new
  or mistyped document number, a move to another region, sex not recorded, the address written
  another way (without "ул.", the Kazakh "көшесі", without the flat number) or mistyped.

Hard negatives are built in: many different men named Mohammad Ahmadi (other fathers, other
birth dates), households (same family name, address and father, different ages) with twins
(same birth date, different given names).

`generate(n, seed)` is deterministic for a seed; each record is a person-file row (ARCHITECTURE.md
3.1) with a `cluster` column holding the truth, which callers keep aside (`split_truth`).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

NAMES_CSV = Path(__file__).with_name("data") / "crossscript_names.csv"

COLUMNS = (
    "person_id", "given_name", "family_name", "patronymic", "full_name_original", "sex", "birth_date",
    "country_of_origin", "region", "locality", "address", "document_type", "document_number", "household_id",
)  # fmt: skip

# Russian Cyrillic to Latin as Kazakh and Russian passports write it (ICAO 9303).
ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
    "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
# The older "English" romanisation many documents still carry.
ENGLISH = {**ICAO, "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ъ": "", "х": "kh", "е": "e"}
# ISO 9 (scholarly, with diacritics).
ISO9 = {
    **ICAO, "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ", "ю": "û", "я": "â",
    "ё": "ë", "э": "è", "ъ": "ʺ", "ь": "ʹ",
}  # fmt: skip
# Kazakh Cyrillic to the Kazakh Latin alphabet of 2021.
KAZAKH_LATIN_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o",
    "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
ROMANISATIONS = {"icao": ICAO, "english": ENGLISH, "iso9": ISO9, "kazakh2021": KAZAKH_LATIN_2021}

# Russian patronymic from a father's name in Cyrillic: (ending, replace with, masculine, feminine).
PATRONYMIC_ENDINGS = (
    ("ий", "", "ьевич", "ьевна"), ("ей", "", "еевич", "еевна"), ("ай", "", "аевич", "аевна"),
    ("й", "", "евич", "евна"), ("ь", "", "евич", "евна"), ("а", "", "аевич", "аевна"),
    ("и", "", "иевич", "иевна"), ("", "", "ович", "овна"),
)  # fmt: skip
# Turkic "son of / daughter of", by script.
SON_OF = {"cyrillic": ("улы", "кызы"), "kazakh": ("ұлы", "қызы"), "latin": ("uly", "kyzy"), "uzbek": ("o'g'li", "qizi")}
FEMININE_FAMILY = {"ов": "ова", "ев": "ева", "ин": "ина", "ov": "ova", "ev": "eva", "in": "ina", "yev": "yeva"}

# Culture: share of the caseload, where its given names come from, country of origin, scripts.
CULTURES = {
    "afg": (0.36, "afg", ("AFG",), ("latin", "cyrillic", "arabic", "translit")),
    "tjk": (0.10, "tjk", ("TJK", "AFG"), ("latin", "cyrillic", "translit")),
    "uzb": (0.14, "uzb", ("UZB",), ("latin", "cyrillic", "translit")),
    "kaz": (0.14, "kaz", ("UZB", "CHN", "MNG", "RUS"), ("latin", "cyrillic", "kazakh", "kazakh2021", "translit")),
    "rus": (0.08, "rus", ("RUS", "UKR"), ("latin", "cyrillic", "translit")),
    "syr": (0.11, "arab", ("SYR",), ("latin", "cyrillic", "arabic", "translit")),
    "pse": (0.07, "arab", ("PSE",), ("latin", "cyrillic", "arabic", "translit")),
}
# How each culture writes the father: a patronymic (-ovich), "son of" or the father's name alone.
PATRONYMIC_STYLE = {"afg": "father", "syr": "father", "pse": "father", "tjk": "ovich", "uzb": "ovich", "kaz": "uly",
                    "rus": "ovich"}  # fmt: skip
# Family names that take a feminine ending for women.
GENDERED_FAMILY = {"tjk", "uzb", "kaz", "rus"}
REGIONS = ("KZ-75", "KZ-71", "KZ-79", "KZ-61", "KZ-19", "KZ-31", "KZ-35", "KZ-55", "KZ-63", "KZ-47", "KZ-43",
           "KZ-11", "KZ-15", "KZ-23", "KZ-27", "KZ-39", "KZ-59", "KZ-10", "KZ-33", "KZ-62")  # fmt: skip
REGION_WEIGHTS = (30, 12, 10, 8, 6, 5, 5, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1)
# The main town of each region and a few street names, in Russian as addresses are usually written.
TOWNS = {
    "KZ-75": "Алматы", "KZ-71": "Астана", "KZ-79": "Шымкент", "KZ-61": "Туркестан", "KZ-19": "Конаев",
    "KZ-31": "Тараз", "KZ-35": "Караганда", "KZ-55": "Павлодар", "KZ-63": "Усть-Каменогорск", "KZ-47": "Актау",
    "KZ-43": "Кызылорда", "KZ-11": "Кокшетау", "KZ-15": "Актобе", "KZ-23": "Атырау", "KZ-27": "Уральск",
    "KZ-39": "Костанай", "KZ-59": "Петропавловск", "KZ-10": "Семей", "KZ-33": "Талдыкорган", "KZ-62": "Жезказган",
}  # fmt: skip
STREETS = ("ул. Абая", "ул. Толе би", "пр. Райымбека", "ул. Жибек жолы", "мкр. Самал", "ул. Сейфуллина",
           "ул. Гагарина", "мкр. Аксай", "ул. Момышулы", "ул. Кабанбай батыра", "ул. Сатпаева", "мкр. Орбита",
           "ул. Байтурсынова", "ул. Назарбаева", "ул. Ауэзова", "пр. Абылай хана")  # fmt: skip
P_ADDRESS_MISSING = 0.15
P_FLAT = 0.4  # an address in a block of flats
P_ADDRESS_REWRITTEN = 0.3  # the same address written another way
P_ADDRESS_LATIN = 0.2
DOCUMENT_TYPES = ("passport", "refugee_certificate", "stateless_certificate", "residence_permit")

# Corruption model: the probability of each change in a duplicate record.
P_OTHER_SCRIPT = 0.7
P_SWAP = 0.08
P_DROP_PATRONYMIC = 0.2
P_TYPO = 0.2
P_YEAR_ONLY = 0.15
P_JANUARY_FIRST = 0.1
P_NEW_DOCUMENT = 0.25
P_NO_DOCUMENT = 0.1
P_DOCUMENT_TYPO = 0.05
P_MOVED = 0.2
P_NO_SEX = 0.05
P_SEX_ERROR = 0.01
P_DATE_TYPO = 0.03  # a digit of the day, month or year mistyped, or day and month swapped
P_ONLY_ORIGINAL = 0.06  # an Arabic-script name only in full_name_original
# How many records a person has: 1 (most), 2, 3 or 4.
RECORDS_PER_PERSON = ((1, 0.6), (2, 0.3), (3, 0.08), (4, 0.02))


@dataclass(frozen=True)
class Name:
    latin: tuple[str, ...]
    cyrillic: tuple[str, ...]
    kazakh: str
    arabic: str


@cache
def names() -> dict[tuple[str, str], tuple[Name, ...]]:
    """(culture, kind) -> names, kind m, f or family."""
    table: dict[tuple[str, str], list[Name]] = defaultdict(list)
    with NAMES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[row["culture"], row["kind"]].append(
                Name(tuple(row["latin"].split("|")), tuple(row["cyrillic"].split("|")), row["kazakh"], row["arabic"])
            )
    return {key: tuple(value) for key, value in table.items()}


def transliterate(text: str, table: Mapping[str, str]) -> str:
    out = []
    for char in text:
        lower = char.lower()
        latin = table.get(lower, char)
        out.append(latin.capitalize() if char != lower and latin else latin)
    return "".join(out)


@dataclass
class Person:
    """One real person: what every record of them is written from."""

    cluster: int
    culture: str
    sex: str
    given: Name
    family: Name
    father: Name
    year: int
    month: int | None
    day: int | None
    origin: str
    region: str
    document_type: str
    document_number: str
    household_id: str
    address: str = ""


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _zipf(rng: random.Random, options: tuple, exponent: float = 0.9):
    """A name drawn by rank: the first names in the list are the common ones."""
    weights = [1 / (rank + 1) ** exponent for rank in range(len(options))]
    return rng.choices(options, weights=weights, k=1)[0]


def _document(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(DOCUMENT_TYPES)
    prefix = {"passport": "P", "refugee_certificate": "RC", "stateless_certificate": "LBG",
              "residence_permit": "RP"}[kind]  # fmt: skip
    return kind, f"{prefix} {rng.randrange(10**6, 10**7):07d}"


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.next_cluster = 0
        self.next_household = 0
        self.cultures = list(CULTURES)
        self.culture_weights = [CULTURES[c][0] for c in self.cultures]

    def _birth(self, low: int, high: int) -> tuple[int, int | None, int | None]:
        rng = self.rng
        year = rng.randint(low, high)
        roll = rng.random()
        if roll < 0.12:
            return year, None, None  # only the year is known
        if roll < 0.2:
            return year, 1, 1  # recorded as 1 January on the person's documents
        return year, rng.randint(1, 12), rng.randint(1, 28)

    def person(self, culture: str, sex: str, *, family: Name | None = None, father: Name | None = None,
               given: Name | None = None, birth: tuple | None = None, region: str | None = None,
               household: str | None = None, address: str | None = None) -> Person:  # fmt: skip
        rng = self.rng
        given_culture = CULTURES[culture][1]
        self.next_cluster += 1
        year, month, day = birth or self._birth(1945, 2023)
        doc_type, doc_number = _document(rng) if rng.random() < 0.85 else ("", "")
        return Person(
            cluster=self.next_cluster,
            culture=culture,
            sex=sex,
            given=given or _zipf(rng, names()[given_culture, sex.lower()]),
            family=family or _zipf(rng, names()[culture, "family"], 0.7),
            father=father or _zipf(rng, names()[given_culture, "m"]),
            year=year,
            month=month,
            day=day,
            origin=rng.choice(CULTURES[culture][2]),
            region=region or _weighted(rng, REGIONS, REGION_WEIGHTS),
            document_type=doc_type,
            document_number=doc_number,
            household_id=household or "",
            address=address or self.address(),
        )

    def address(self) -> str:
        rng = self.rng
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        return f"{address}, кв. {rng.randint(1, 120)}" if rng.random() < P_FLAT else address

    def household(self) -> list[Person]:
        """A head, often a spouse, and children: same family name, father and address; maybe twins."""
        rng = self.rng
        culture = _weighted(rng, self.cultures, self.culture_weights)
        self.next_household += 1
        household = f"H{self.next_household:07d}"
        region = _weighted(rng, REGIONS, REGION_WEIGHTS)
        address = self.address()
        head = self.person(culture, "M", birth=self._birth(1950, 1995), region=region, household=household,
                           address=address)  # fmt: skip
        members = [head]
        if rng.random() < 0.7:
            members.append(self.person(culture, "F", birth=self._birth(head.year - 2, head.year + 10),
                                       region=region, household=household, address=address))  # fmt: skip
        children = rng.choice((0, 0, 1, 2, 3, 4, 5))
        year = head.year + rng.randint(20, 30)
        given_names: set[str] = set()  # parents give each child a name of its own
        while children > 0 and year <= 2024:
            birth = self._birth(year, year)
            twins = rng.random() < 0.08 and children >= 2
            for _ in range(2 if twins else 1):
                child = self.person(culture, rng.choice("MF"), family=head.family, father=head.given, birth=birth,
                                    region=region, household=household, address=address)  # fmt: skip
                while child.given.latin[0] in given_names:
                    child.given = _zipf(rng, names()[CULTURES[culture][1], child.sex.lower()])
                given_names.add(child.given.latin[0])
                members.append(child)
                children -= 1
            year += rng.randint(1, 4)
        return members

    def namesakes(self, count: int) -> list[Person]:
        """Different men named Mohammad Ahmadi: other fathers, other birth dates."""
        mohammad = names()["afg", "m"][0]
        ahmadi = names()["afg", "family"][0]
        return [self.person("afg", "M", given=mohammad, family=ahmadi) for _ in range(count)]


def _russian_patronymic(father: str, sex: str) -> str:
    father = father.replace(" ", "").replace("-", "")
    for ending, _, masculine, feminine in PATRONYMIC_ENDINGS:
        if father.endswith(ending):
            stem = father[: len(father) - len(ending)] if ending else father
            return stem + (masculine if sex == "M" else feminine)
    return father  # pragma: no cover - the last ending matches everything


def _feminine(family: str) -> str:
    for masculine, feminine in sorted(FEMININE_FAMILY.items(), key=lambda kv: -len(kv[0])):
        if family.endswith(masculine):
            return family[: -len(masculine)] + feminine
    return family


class _Writer:
    """Writes a Person as one office would: in one script, with its own habits."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def scripts(self, person: Person) -> tuple[str, ...]:
        scripts = CULTURES[person.culture][3]
        if "arabic" in scripts and not (person.given.arabic and person.family.arabic and person.father.arabic):
            scripts = tuple(s for s in scripts if s != "arabic")
        return scripts

    def name(self, name: Name, script: str, romanisation: str) -> str:
        rng = self.rng
        if script == "latin":
            return rng.choice(name.latin)
        if script == "cyrillic":
            return rng.choice(name.cyrillic)
        if script == "kazakh":
            return name.kazakh or name.cyrillic[0]
        if script == "kazakh2021":
            return transliterate(name.kazakh or name.cyrillic[0], KAZAKH_LATIN_2021)
        if script == "arabic":
            return name.arabic
        return transliterate(rng.choice(name.cyrillic), ROMANISATIONS[romanisation])  # translit

    def patronymic(self, person: Person, script: str, romanisation: str) -> str:
        rng = self.rng
        style = PATRONYMIC_STYLE[person.culture]
        if style == "father" and script == "cyrillic" and rng.random() < 0.3:
            style = "ovich"  # a Kazakh office writing a Russian-style patronymic for an Afghan
        if style == "uly" and rng.random() < 0.4:
            style = "ovich"
        if style == "ovich" and person.culture == "uzb" and script == "latin" and rng.random() < 0.4:
            style = "uzbek"
        if style == "ovich" and script == "arabic":
            style = "father"
        father = self.name(person.father, script, romanisation)
        if style == "father":
            return father
        female = person.sex == "F"
        if style in ("uly", "uzbek"):
            key = {"kazakh": "kazakh", "cyrillic": "cyrillic", "uzbek": "uzbek"}.get(
                script if style == "uly" else "uzbek", "latin"
            )
            if script == "kazakh2021":
                key = "kazakh"
            word = SON_OF[key][1 if female else 0]
            if script == "kazakh2021":
                word = transliterate(word, KAZAKH_LATIN_2021)
            return f"{father} {word}"
        cyrillic = _russian_patronymic(rng.choice(person.father.cyrillic), person.sex)
        if script in ("cyrillic", "kazakh"):
            return cyrillic
        table = KAZAKH_LATIN_2021 if script == "kazakh2021" else ROMANISATIONS[romanisation]
        return transliterate(cyrillic, table)

    def family(self, person: Person, script: str, romanisation: str) -> str:
        family = self.name(person.family, script, romanisation)
        if person.sex == "F" and person.culture in GENDERED_FAMILY and script != "arabic":
            family = _feminine(family)
        return family

    def record(self, person: Person, *, duplicate: bool, first_script: str | None) -> tuple[dict[str, str], str]:
        rng = self.rng
        scripts = self.scripts(person)
        script = rng.choice(scripts)
        if duplicate and first_script is not None and rng.random() < P_OTHER_SCRIPT:
            others = [s for s in scripts if s != first_script] or list(scripts)
            script = rng.choice(others)
        romanisation = rng.choice(("icao", "icao", "english", "iso9"))
        given = self.name(person.given, script, romanisation)
        family = self.family(person, script, romanisation)
        patronymic = self.patronymic(person, script, romanisation)
        original = ""
        if "arabic" in scripts and script != "arabic" and rng.random() < 0.3:
            original = f"{person.given.arabic} {person.family.arabic}"
        year, month, day = person.year, person.month, person.day
        document_type, document = person.document_type, person.document_number
        region, sex, address = person.region, person.sex, person.address
        if duplicate:
            if rng.random() < P_SWAP:
                given, family = family, given
            if rng.random() < P_DROP_PATRONYMIC:
                patronymic = ""
            if rng.random() < P_TYPO:
                field = rng.choice(("given", "family", "patronymic"))
                if field == "given":
                    given = typo(rng, given)
                elif field == "family":
                    family = typo(rng, family)
                else:
                    patronymic = typo(rng, patronymic)
            roll = rng.random()
            if roll < P_YEAR_ONLY:
                month = day = None
            elif roll < P_YEAR_ONLY + P_JANUARY_FIRST:
                month = day = 1
            elif roll < P_YEAR_ONLY + P_JANUARY_FIRST + P_DATE_TYPO:
                year, month, day = _date_typo(rng, year, month, day)
            roll = rng.random()
            if roll < P_NEW_DOCUMENT:
                document_type, document = _document(rng)
            elif roll < P_NEW_DOCUMENT + P_NO_DOCUMENT:
                document_type, document = "", ""
            elif roll < P_NEW_DOCUMENT + P_NO_DOCUMENT + P_DOCUMENT_TYPO and document:
                document = typo(rng, document, digits=True)
            if rng.random() < P_MOVED:
                region = rng.choice([r for r in REGIONS if r != region])
                address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
            elif rng.random() < P_TYPO / 4:
                address = typo(rng, address)
            elif rng.random() < P_ADDRESS_REWRITTEN:
                address = rewritten(rng, address)
            if rng.random() < P_ADDRESS_MISSING:
                address = ""
            roll = rng.random()
            if roll < P_NO_SEX:
                sex = ""
            elif roll < P_NO_SEX + P_SEX_ERROR:
                sex = "F" if sex == "M" else "M"
        if script == "arabic" and rng.random() < P_ONLY_ORIGINAL / 0.3:
            original = " ".join(part for part in (given, patronymic, family) if part)
            given = family = patronymic = ""
        birth = f"{year:04d}"
        if month:
            birth += f"-{month:02d}"
            if day:
                birth += f"-{day:02d}"
        row = {
            "given_name": given,
            "family_name": family,
            "patronymic": patronymic,
            "full_name_original": original,
            "sex": sex,
            "birth_date": birth,
            "country_of_origin": person.origin,
            "region": region,
            "document_type": document_type,
            "document_number": document,
            "household_id": person.household_id,
            "locality": TOWNS[region] if address else "",
            "address": (transliterate(address, ICAO) if rng.random() < P_ADDRESS_LATIN else address) if address else "",
        }
        return row, script


def _date_typo(rng: random.Random, year: int, month: int | None, day: int | None) -> tuple:
    """One slip in a birth date: a digit of the year, month or day, or day and month swapped."""
    choice = rng.choice(("year", "month", "day", "swap") if day else ("year",))
    if choice == "year":
        return year + rng.choice((-1, 1, -10, 10)), month, day
    if choice == "month":
        return year, rng.choice([m for m in range(1, 13) if m != month]), day
    if choice == "day":
        return year, month, rng.choice([d for d in range(1, 29) if d != day])
    return (year, day, month) if day <= 12 else (year, month, day)


LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC_LETTERS = "абвгдежзийклмнопрстуфхцчшщыэюя"
ARABIC_SCRIPT_LETTERS = "ابتثجحخدذرزسشصضطظعغفقکگلمنوهی"


def rewritten(rng: random.Random, address: str) -> str:
    """The same address as another office writes it: without the kind of street, with the Kazakh
    "көшесі" after the name, or without the flat number."""
    street, _sep, flat = address.partition(", кв. ")
    kind, _space, rest = street.partition(" ")
    name, _space, house = rest.rpartition(" ")
    roll = rng.random()
    if flat and roll < 0.4:
        return street
    if roll < 0.7:
        street = f"{name} {house}"
    else:
        street = f"{name} көшесі, {house}" if kind == "ул." else f"{kind} {name}, д. {house}"
    return f"{street}, кв. {flat}" if flat else street


def typo(rng: random.Random, text: str, *, digits: bool = False) -> str:
    """One slip of the keyboard: a letter replaced, left out, doubled, or two letters swapped."""
    positions = [i for i, c in enumerate(text) if c.isalnum()]
    if len(positions) < 3:
        return text
    i = rng.choice(positions[1:])
    char = text[i]
    if digits and char.isdigit():
        alphabet = "0123456789"
    elif "\u0600" <= char <= "\u06ff":
        alphabet = ARABIC_SCRIPT_LETTERS
    elif "\u0400" <= char.lower() <= "\u04ff":
        alphabet = CYRILLIC_LETTERS
    else:
        alphabet = LATIN_LETTERS
    op = rng.choice(("replace", "drop", "double", "swap"))
    if op == "replace":
        return text[:i] + rng.choice(alphabet.replace(char.lower(), "")) + text[i + 1 :]
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "double":
        return text[:i] + char + text[i:]
    j = i - 1
    return text[:j] + text[i] + text[j] + text[i + 1 :]


def generate(n: int, seed: int = 0) -> list[dict[str, str]]:
    """`n` person-file records (shuffled, person_id P0000001...) with the truth in `cluster`."""
    # One group of 3 to 8 Mohammad Ahmadis in every 400 persons.
    return records_of(_Builder(seed), n, namesake_every=400, namesake_sizes=(3, 8))


def records_of(
    builder: _Builder, n: int, *, namesake_every: int, namesake_sizes: tuple[int, int]
) -> list[dict[str, str]]:
    """`n` records of the persons `builder` makes (households and single persons, a group of namesakes
    in every `namesake_every` persons), each written once or more by `_Writer`, shuffled."""
    rng = builder.rng
    writer = _Writer(rng)
    records: list[dict[str, str]] = []
    counts, weights = zip(*RECORDS_PER_PERSON, strict=True)
    persons_made = 0
    while len(records) < n:
        batch = builder.household() if rng.random() < 0.5 else [builder.person(
            _weighted(rng, builder.cultures, builder.culture_weights), rng.choice("MF"))]  # fmt: skip
        if persons_made // namesake_every < (persons_made + len(batch)) // namesake_every:
            batch += builder.namesakes(rng.randint(*namesake_sizes))
        persons_made += len(batch)
        for person in batch:
            first_script = None
            for k in range(_weighted(rng, counts, weights)):
                row, script = writer.record(person, duplicate=k > 0, first_script=first_script)
                first_script = first_script or script
                row["cluster"] = str(person.cluster)
                records.append(row)
    records = records[:n]
    rng.shuffle(records)
    width = max(7, len(str(n)))
    return [{"person_id": f"P{i + 1:0{width}d}", **row} for i, row in enumerate(records)]


def split_truth(records: Iterable[Mapping[str, str]]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The records without `cluster`, and person_id -> cluster."""
    rows, truth = [], {}
    for record in records:
        row = dict(record)
        truth[row["person_id"]] = row.pop("cluster")
        rows.append(row)
    return rows, truth


def true_pairs(truth: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every pair (left_id < right_id) of records of the same person."""
    members: dict[str, list[str]] = defaultdict(list)
    for person_id, cluster in truth.items():
        members[cluster].append(person_id)
    return {tuple(sorted(pair)) for ids in members.values() for pair in combinations(ids, 2)}


def pairwise_scores(found: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the found pairs against the truth."""
    expected = true_pairs(truth)
    got = {tuple(sorted(pair)) for pair in found}
    hits = len(got & expected)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(expected) if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "found": len(got), "true": len(expected)}


def write_csv(records: Iterable[Mapping[str, str]], path: Path, *, with_truth: bool = False) -> None:
    columns = (*COLUMNS, "cluster") if with_truth else COLUMNS
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def iter_rows(records: Iterable[Mapping[str, str]]) -> Iterator[dict[str, str]]:
    for record in records:
        yield {column: record.get(column, "") for column in COLUMNS}
