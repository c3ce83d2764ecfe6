"""The person-file columns (ARCHITECTURE.md 3.1) and the headers people write for them.

Headers are compared after folding: lower case, ё→е, punctuation and spaces removed, so
"Дата рождения", "дата_рождения" and "ДАТА РОЖДЕНИЯ:" are one header.
"""

import re

PERSON_FILE_COLUMNS = (
    "person_id",
    "given_name",
    "family_name",
    "patronymic",
    "full_name_original",
    "sex",
    "birth_date",
    "birth_place",
    "country_of_origin",
    "citizenship",
    "region",
    "locality",
    "address",
    "document_type",
    "document_number",
    "phone",
    "household_id",
    "relationship_to_head",
    "population_type",
    "status_date",
)

REQUIRED_COLUMNS = ("person_id",)

# Data, not code: each column with the headers seen in Kazakh, Russian and English files.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": (
        "id",
        "№ дела",
        "номер дела",
        "идентификатор",
        "код",
        "учетный номер",
        "регистрационный номер",
        "рег номер",
        "іс нөмірі",
        "тіркеу нөмірі",
        "сәйкестендіргіш",
        "case number",
        "record id",
        "registration number",
        "reg no",
        "individual id",
        "person id",
    ),
    "given_name": ("имя", "аты", "есімі", "first name", "given name", "name", "forename"),
    "family_name": ("фамилия", "тегі", "тегi", "surname", "last name", "family name"),
    "patronymic": (
        "отчество",
        "әкесінің аты",
        "әкесiнiң аты",
        "father's name",
        "fathers name",
        "father name",
        "middle name",
        "patronym",
    ),
    "full_name_original": (
        "фио",
        "ф и о",
        "полное имя",
        "тааж",
        "аты жөні",
        "толық аты",
        "full name",
        "name in original script",
        "original name",
        "имя в оригинале",
    ),
    "sex": ("пол", "жынысы", "gender", "sex"),
    "birth_date": (
        "дата рождения",
        "год рождения",
        "туған күні",
        "туған жылы",
        "туылған күні",
        "date of birth",
        "birth date",
        "dob",
        "birthdate",
        "year of birth",
    ),
    "birth_place": ("место рождения", "туған жері", "туылған жері", "place of birth", "birthplace"),
    "country_of_origin": (
        "страна происхождения",
        "страна исхода",
        "шыққан елі",
        "шыққан ел",
        "country of origin",
        "origin",
        "coo",
    ),
    "citizenship": ("гражданство", "азаматтығы", "азаматтық", "nationality", "citizenship"),
    "region": ("область", "регион", "облыс", "өңір", "аймақ", "region", "oblast", "province"),
    "locality": (
        "населенный пункт",
        "город",
        "елді мекен",
        "қала",
        "city",
        "town",
        "locality",
        "settlement",
        "village",
    ),
    "address": ("адрес", "мекенжай", "мекен жай", "street address", "address"),
    "document_type": ("тип документа", "вид документа", "документ", "құжат түрі", "құжат", "document type", "document"),
    "document_number": (
        "номер документа",
        "серия и номер",
        "құжат нөмірі",
        "document number",
        "document no",
        "passport number",
        "номер паспорта",
    ),
    "phone": ("телефон", "тел", "телефон нөмірі", "phone number", "telephone", "mobile", "phone"),
    "household_id": (
        "семья",
        "номер семьи",
        "домохозяйство",
        "отбасы",
        "отбасы нөмірі",
        "үй шаруашылығы",
        "household",
        "household id",
        "family id",
        "group id",
    ),
    "relationship_to_head": (
        "родство",
        "степень родства",
        "отношение к главе",
        "туыстығы",
        "туыстық қатынасы",
        "relationship",
        "relationship to head",
        "relation",
    ),
    "population_type": (
        "статус",
        "категория",
        "мәртебесі",
        "мәртебе",
        "санаты",
        "status",
        "population type",
        "category",
    ),
    "status_date": ("дата статуса", "дата решения", "мәртебе күні", "шешім күні", "status date", "decision date"),
}


def fold(text: str) -> str:
    """A header as compared: lower case, ё as е, letters and digits only (words joined by one space)."""
    text = str(text).strip().lower().replace("ё", "е").replace("_", " ")
    return " ".join(re.findall(r"[^\W_]+", text))


_BY_FOLDED: dict[str, str] = {}
for _column, _names in SYNONYMS.items():
    for _name in (_column, *_names):
        _BY_FOLDED.setdefault(fold(_name), _column)


def match_column(header: str) -> str | None:
    """The person-file column a header stands for, or None when it is not one of them."""
    return _BY_FOLDED.get(fold(header)) if header else None


def map_header(header: list[str], saved: dict[str, str] | None = None) -> dict[int, str]:
    """Cell index -> person-file column, for the headers recognised: first the organisation's saved
    mapping (folded header -> column, "" meaning "not imported"), then the synonyms. The first of two
    headers that mean the same column wins (the second is then reported as unknown)."""
    saved = saved or {}
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(header):
        key = fold(name) if name else ""
        column = saved[key] if key in saved else match_column(name)
        if column and column not in taken:
            mapping[index] = column
            taken.add(column)
    return mapping
