"""The person-file columns (ARCHITECTURE.md 3.1) and the headers people write for them.

Headers are compared after folding: lower case, ё→е, punctuation and spaces removed, so
"Дата рождения", "дата_рождения" and "ДАТА РОЖДЕНИЯ:" are one header. A header that begins with a known
one ("Дата рождения (год)", "Пол (м/ж)") is that column too. Two columns a sheet may have that are not in
the person file are read as well: `full_name`, a name in one cell as Russian and Kazakh lists write it
(Фамилия Имя Отчество, "ФИО"), split into its parts; and `row_number` ("№ п/п"), which is not an
identifier and is not imported.
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

# Read from a sheet but not person-file columns themselves.
SHEET_COLUMNS = ("full_name", "row_number")
COLUMNS = (*PERSON_FILE_COLUMNS, *SHEET_COLUMNS)

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
    "row_number": (
        "п п",
        "n п п",
        "нн",
        "nn",
        "no",
        "n",
        "номер по порядку",
        "порядковый номер",
        "р с",
        "р н",
        "реттік нөмір",
        "реттік саны",
        "row",
        "row number",
        "#",
    ),
    "full_name": (
        "фио",
        "ф и о",
        "фамилия имя отчество",
        "фамилия имя отчество при наличии",
        "фамилия имя отчество полностью",
        "фио полностью",
        "фио при наличии",
        "фамилия имя",
        "аты жөні",
        "аты жөнi",
        "тегі аты әкесінің аты",
        "тегі аты",
        "толық аты жөні",
        "name and surname",
        "surname and name",
        "full name",
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
        "имя в оригинале",
        "фио в оригинале",
        "фио на родном языке",
        "имя на родном языке",
        "name in original script",
        "original name",
        "native name",
        "name in arabic",
        "ана тіліндегі аты",
    ),
    "sex": ("пол", "жынысы", "gender", "sex", "м ж", "е ә"),
    "birth_date": (
        "дата рождения",
        "год рождения",
        "туған күні",
        "туған жылы",
        "туылған күні",
        "дата и год рождения",
        "число месяц год рождения",
        "дата месяц год рождения",
        "год и дата рождения",
        "г р",
        "год рожд",
        "дата рожд",
        "туған жылы күні",
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
    "citizenship": (
        "гражданство",
        "гражданство подданство",
        "страна гражданской принадлежности",
        "гражданская принадлежность",
        "азаматтығы",
        "азаматтық",
        "nationality",
        "citizenship",
    ),
    "region": (
        "область",
        "регион",
        "область проживания",
        "регион проживания",
        "наименование области",
        "наименование региона",
        "область город",
        "облыс",
        "облысы",
        "тұратын облысы",
        "тұрғылықты облысы",
        "өңір",
        "аймақ",
        "облыс қала",
        "қала облыс",
        "город область",
        "регион область",
        "region",
        "oblast",
        "province",
    ),
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
    "address": (
        "адрес",
        "адрес проживания",
        "фактический адрес",
        "место жительства",
        "мекенжай",
        "мекен жай",
        "тұрғылықты мекенжайы",
        "street address",
        "address",
    ),
    "document_type": (
        "тип документа",
        "вид документа",
        "документ",
        "документ вид",  # "Документ" over "вид | номер" (a header over two rows)
        "документ тип",
        "құжат түрі",
        "құжат",
        "document type",
        "document",
    ),
    "document_number": (
        "номер документа",
        "n документа",
        "номер удостоверения",
        "серия и номер",
        "құжат нөмірі",
        "document number",
        "document no",
        "passport number",
        "номер паспорта",
        # "№ удостоверения": the sign is dropped when headers are compared.
        "документ номер",
        "документ серия и номер",
        "№ удостоверения",
        "№ паспорта",
        "№ документа",
        "куәлік нөмірі",
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
        "статус лица",
        "правовой статус",
        "правовое положение",
        "категория",
        "категория лица",
        "мәртебесі",
        "мәртебе",
        "санаты",
        "status",
        "population type",
        "category",
    ),
    "status_date": (
        "дата статуса",
        "дата присвоения статуса",
        "дата предоставления статуса",
        "дата решения",
        "дата признания",
        "дата получения статуса",
        "мәртебе күні",
        "мәртебе берілген күні",
        "шешім күні",
        "status date",
        "decision date",
    ),
}


def fold(text: str) -> str:
    """A header as compared: lower case, ё as е, letters and digits only (words joined by one space)."""
    text = str(text).strip().lower().replace("ё", "е").replace("_", " ")
    return " ".join(re.findall(r"[^\W_]+", text))


_BY_FOLDED: dict[str, str] = {}
for _column, _names in SYNONYMS.items():
    for _name in (_column, *_names):
        _BY_FOLDED.setdefault(fold(_name), _column)
# Headers long enough to be recognised at the start of a longer one ("дата рождения год").
_PREFIXES = sorted(((k, c) for k, c in _BY_FOLDED.items() if len(k) >= 5), key=lambda kc: -len(kc[0]))


def match_column(header: str) -> str | None:
    """The column a header stands for (a person-file column or a sheet column), or None."""
    if not header:
        return None
    key = fold(header)
    if key in _BY_FOLDED:
        return _BY_FOLDED[key]
    return next((column for prefix, column in _PREFIXES if key.startswith(prefix + " ")), None)


def map_header(header: list[str], saved: dict[str, str] | None = None) -> dict[int, str]:
    """Cell index -> column, for the headers recognised: first the mapping given (folded header -> column,
    "" meaning "not imported"), then the synonyms. The first of two headers that mean the same column wins
    (the second is then reported as unknown)."""
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
