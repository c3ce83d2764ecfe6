"""The household registration XLSForm shipped with Panah, written as code so that it is reviewed
like code. `python -m panah.imports.xlsform` (re)writes `data/household_registration.xlsx`, the
file partner organisations load into KoboToolbox or ODK Central.

Field names are the person-file columns (ARCHITECTURE.md 3.1) wherever one exists, so that a
submission flattens into person-file rows without a mapping (`submissions.py`). Choice names are
the values the person file takes: ISO 3166-2:KZ region codes, ISO alpha-3 country codes, F/M/X,
the document types and relationships of the registry.
"""

import gettext
import io
from pathlib import Path

import pycountry

from panah.geo.regions import REGIONS

FORM_ID = "panah_household_registration"
FORM_VERSION = "2026112501"
FORM_PATH = Path(__file__).parent / "data" / "household_registration.xlsx"
LANGUAGES = ("English (en)", "Russian (ru)", "Kazakh (kk)")
LABELS = tuple(f"label::{language}" for language in LANGUAGES)
MEMBERS = "members"  # the repeat group; submissions name its fields "members/<field>"

# (type, name, (en, ru, kk), extra columns)
Question = tuple[str, str, tuple[str, str, str], dict[str, str]]

SURVEY: tuple[Question, ...] = (
    ("start", "start", ("", "", ""), {}),
    ("end", "end", ("", "", ""), {}),
    ("today", "today", ("", "", ""), {}),
    # The household's reference: the submission's own id, so that it is the same in every export.
    ("calculate", "household_id", ("", "", ""), {"calculation": "substr(/data/meta/instanceID, 5)"}),
    ("begin_group", "household", ("Household", "Домохозяйство", "Үй шаруашылығы"), {}),
    ("select_one region", "region", ("Region", "Область", "Облыс"), {"required": "yes"}),
    ("text", "locality", ("City, town or village", "Населённый пункт", "Елді мекен"), {"required": "yes"}),
    ("text", "address", ("Address", "Адрес", "Мекенжай"), {}),
    ("end_group", "household", ("", "", ""), {}),
    ("begin_repeat", MEMBERS, ("Household member", "Член семьи", "Отбасы мүшесі"), {}),
    ("text", "given_name", ("Given name", "Имя", "Аты"), {}),
    ("text", "family_name", ("Family name", "Фамилия", "Тегі"), {}),
    ("text", "patronymic", ("Patronymic", "Отчество", "Әкесінің аты"), {}),
    (
        "text",
        "full_name_original",
        ("Full name in the original script", "Полное имя в оригинальном написании", "Толық аты түпнұсқа жазуымен"),
        # Some persons are known only by their name in its own script: one of the three is required.
        {"required": "${given_name} = '' and ${family_name} = ''"},
    ),
    ("select_one sex", "sex", ("Sex", "Пол", "Жынысы"), {"required": "yes"}),
    (
        "select_one birth_date_precision",
        "birth_date_known",
        ("Date of birth known", "Дата рождения известна", "Туған күні белгілі"),
        {"required": "yes"},
    ),
    (
        "date",
        "birth_date",
        ("Date of birth", "Дата рождения", "Туған күні"),
        {"required": "yes", "relevant": "${birth_date_known} = 'day'", "constraint": ". <= today()"},
    ),
    (
        "integer",
        "birth_year",
        ("Year of birth (approximate)", "Год рождения (примерно)", "Туған жылы (шамамен)"),
        {
            "required": "yes",
            "relevant": "${birth_date_known} = 'year'",
            "constraint": ". >= 1900 and . <= format-date(today(), '%Y')",
        },
    ),
    ("select_one country", "country_of_origin", ("Country of origin", "Страна происхождения", "Шыққан елі"), {}),
    (
        "select_one citizenship_kind",
        "citizenship_kind",
        ("Citizenship", "Гражданство", "Азаматтығы"),
        {"required": "yes"},
    ),
    (
        "select_one country",
        "citizenship",
        ("Country of citizenship", "Страна гражданства", "Азаматтық елі"),
        {"required": "yes", "relevant": "${citizenship_kind} = 'country'"},
    ),
    (
        "select_one relationship",
        "relationship_to_head",
        ("Relationship to the head of household", "Отношение к главе семьи", "Отбасы басшысына туыстығы"),
        {"required": "yes"},
    ),
    ("select_one document_type", "document_type", ("Document", "Документ", "Құжат"), {}),
    (
        "text",
        "document_number",
        ("Document number", "Номер документа", "Құжат нөмірі"),
        {"required": "yes", "relevant": "${document_type} != '' and ${document_type} != 'none'"},
    ),
    ("text", "phone", ("Phone", "Телефон", "Телефон"), {"appearance": "numbers"}),
    ("end_repeat", MEMBERS, ("", "", ""), {}),
    (
        "select_one yes_no",
        "consent",
        (
            "The household agrees that its data is registered by the organisation",
            "Семья согласна на регистрацию её данных организацией",
            "Отбасы деректерін ұйымның тіркеуіне келіседі",
        ),
        {"required": "yes", "constraint": ". = 'yes'"},
    ),
    ("date", "consent_date", ("Date of consent", "Дата согласия", "Келісім күні"), {"required": "yes"}),
)

Choice = tuple[str, str, tuple[str, str, str]]


def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _countries() -> list[Choice]:
    ru, kk = _translator("ru"), _translator("kk")
    return [
        ("country", c.alpha_3, (getattr(c, "common_name", c.name), ru.gettext(c.name), kk.gettext(c.name)))
        for c in sorted(pycountry.countries, key=lambda c: getattr(c, "common_name", c.name))
    ]


def choices() -> list[Choice]:
    """Every choice list of the form, in order."""
    rows: list[Choice] = [("region", r.code, (r.name_en, r.name_ru, r.name_kk)) for r in REGIONS if r.valid_to is None]
    rows += [
        ("sex", "F", ("Female", "Женский", "Әйел")),
        ("sex", "M", ("Male", "Мужской", "Ер")),
        ("sex", "X", ("Other", "Другой", "Басқа")),
        ("birth_date_precision", "day", ("Yes, the exact date", "Да, точная дата", "Иә, нақты күні")),
        ("birth_date_precision", "year", ("Approximate: year only", "Примерно: только год", "Шамамен: тек жылы")),
        ("citizenship_kind", "country", ("Citizen of a country", "Гражданин страны", "Елдің азаматы")),
        ("citizenship_kind", "STATELESS", ("Stateless", "Без гражданства", "Азаматтығы жоқ")),
        ("citizenship_kind", "UNDETERMINED", ("Undetermined", "Не определено", "Анықталмаған")),
        ("relationship", "head", ("Head of household", "Глава семьи", "Отбасы басшысы")),
        ("relationship", "spouse", ("Spouse", "Супруг(а)", "Жұбайы")),
        ("relationship", "child", ("Son or daughter", "Сын или дочь", "Ұлы немесе қызы")),
        ("relationship", "parent", ("Father or mother", "Отец или мать", "Әкесі немесе анасы")),
        ("relationship", "sibling", ("Brother or sister", "Брат или сестра", "Ағасы, інісі, апасы немесе сіңлісі")),
        ("relationship", "grandchild", ("Grandchild", "Внук или внучка", "Немересі")),
        ("relationship", "relative", ("Other relative", "Другой родственник", "Басқа туысы")),
        ("relationship", "unrelated", ("Not related", "Не родственник", "Туыс емес")),
        ("document_type", "none", ("No document", "Нет документа", "Құжаты жоқ")),
        ("document_type", "passport", ("Passport", "Паспорт", "Төлқұжат")),
        ("document_type", "national_id", ("National identity card", "Удостоверение личности", "Жеке куәлік")),
        (
            "document_type",
            "asylum_cert",
            ("Asylum-seeker certificate", "Свидетельство лица, ищущего убежище", "Баспана іздеуші куәлігі"),
        ),
        ("document_type", "refugee_cert", ("Refugee certificate", "Удостоверение беженца", "Босқын куәлігі")),
        (
            "document_type",
            "stateless_cert",
            (
                "Stateless person certificate",
                "Удостоверение лица без гражданства",
                "Азаматтығы жоқ адамның куәлігі",
            ),
        ),
        ("document_type", "residence_permit", ("Residence permit", "Вид на жительство", "Тұруға ықтиярхат")),
        ("document_type", "birth_cert", ("Birth certificate", "Свидетельство о рождении", "Туу туралы куәлік")),
        ("document_type", "travel_doc", ("Travel document", "Проездной документ", "Жол жүру құжаты")),
        ("document_type", "other", ("Other document", "Другой документ", "Басқа құжат")),
        ("yes_no", "yes", ("Yes", "Да", "Иә")),
        ("yes_no", "no", ("No", "Нет", "Жоқ")),
    ]
    return rows + _countries()


def write_form(target: Path | io.BytesIO | None = None) -> Path | io.BytesIO:
    """Write the XLSForm workbook (survey, choices, settings) to `target` (the shipped file by default)."""
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    extras = ("required", "relevant", "constraint", "calculation", "appearance")
    survey.append(["type", "name", *LABELS, *extras])
    for kind, name, labels, extra in SURVEY:
        survey.append([kind, name, *labels, *(extra.get(column, "") for column in extras)])
    sheet = workbook.create_sheet("choices")
    sheet.append(["list_name", "name", *LABELS])
    for list_name, name, labels in choices():
        sheet.append([list_name, name, *labels])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings.append(
        [
            "Panah: household registration",
            FORM_ID,
            FORM_VERSION,
            LANGUAGES[0],
            "concat(${locality}, ' ', ${today})",
        ]
    )
    target = target or FORM_PATH
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


if __name__ == "__main__":
    print(write_form())
