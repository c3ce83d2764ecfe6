"""A corpus of department sheets as the regional Social Protection Departments kept them, each with its exact
expected outcome.

Every sheet is generated from a seeded random source: first the persons as they are (the ground truth: names,
sex, birth date and its precision, region, status and its date, citizenship), then the sheet as a department
writes them: title rows (merged, with or without a date), a row-number column instead of an identifier, headers
in Russian or Kazakh over one or two rows, a full name in one cell, dates as text in several forms or as date
cells, values in words and abbreviations, regions as people write them (before and after the renamings of
2018–2022), totals and blank rows, notes, rows for regions the importer does not cover, a few values no list
knows that the user maps on the page. The expected outcome is computed from the ground truth only, never by
reading the sheet back.

`corpus()` returns the sheets; `write_corpus(directory)` writes their files.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import random
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATELESS, UNDETERMINED = "STATELESS", "UNDETERMINED"


@dataclass(frozen=True)
class ExpectedPerson:
    family_name: str
    given_name: str
    patronymic: str  # as they must be stored (the official PersonName)
    sex: str  # "F", "M", "X" or ""
    birth_date: dt.date | None
    birth_precision: str  # "day", "month" or "year"
    region: str  # ISO 3166-2:KZ
    population_type: str  # "REF", "ASY", "STA", "UND", "OOC"
    status_date: dt.date  # the effective date of the status event
    citizenship_status: str  # "country", "stateless", "undetermined" or "unknown"
    citizenship: str | None  # alpha-3, for citizenship_status "country"
    country_of_origin: str | None  # alpha-3, when the sheet has the column


@dataclass
class Sheet:
    name: str
    file_name: str
    data: bytes
    sheet: str  # the sheet to choose; "" when the first sheet with a header is right
    covered_regions: list[str]  # the regions the importing organisation covers
    status_date: dt.date | None  # the date the user gives (None when the sheet states it)
    title_date: dt.date | None  # the date the title states, if any
    values: dict[str, dict[str, str]]  # value mappings the user gives: column -> value as written -> code
    rows: int  # persons' rows, those outside the regions included; not title, blank or totals rows
    outside: dict[str, int]  # region code -> rows for regions not covered
    persons: list[ExpectedPerson]  # exactly the persons that must be created
    # What the check reports without the user's mappings: column -> value as written -> rows with it.
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    # Rows whose status has no date of its own, when the user gives the date: the check asks for it once.
    undated: int = 0
    register: str = ""  # the workbook's sheet the persons are on ("" for a text file)
    exercises: str = ""  # what the sheet is about, in a line


# --------------------------------------------------------------------------------------------------------------
# The persons as they are


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


RU_MONTHS = words("января февраля марта апреля мая июня июля августа сентября октября ноября декабря")
KK_MONTHS = words("қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан")


@dataclass
class Truth:
    family: str
    given: str
    patronymic: str
    sex: str
    birth: dt.date | None
    precision: str
    citizenship: str  # alpha-3, STATELESS or UNDETERMINED
    origin: str  # alpha-3 of the country of origin
    region: str = ""
    population: str = ""
    status_date: dt.date | None = None
    status_precision: str = "day"


# Name pools by background: (family names (male form), male given names, female given names, fathers' names).
AFGHAN = (
    words(
        "Ахмади Рахими Хусейни Карими Мохаммади Хайдари Сафи Носири Азизи Амири Султани Хакими Юсуфи Вахиди "
        "Шарифи Захири Нурзай Попалзай"
    ),
    words("Мухаммад Ахмад Фарид Самир Джамшед Навид Хамид Рахматулла Абдулла Мирвайс Забихулла Хабибулла Насим"),
    words("Зарина Мариам Фатима Шукрия Лейла Нилуфар Масуда Парвана Хадиджа Фариба Лайло"),
    words("Гулям Карим Абдул Хасан Наим Рахим"),
)
SYRIAN = (
    words("Аль-Хасан Хаддад Халиль Насер Юсеф Аль-Ахмад Шейх-Омар"),
    words("Ахмед Омар Халед Мустафа Башар Самер"),
    words("Лина Рания Нур Сара Дима Ясмин"),
    words("Махмуд Али Ибрагим"),
)
UZBEK = (
    words("Каримов Юлдашев Рахимов Назаров Турсунов Мирзоев Саидов Холматов Усманов"),
    words("Рустам Шерзод Бахтиёр Фаррух Азиз Улугбек Жамшид"),
    words("Дилноза Гулнора Мадина Шахло Зулфия Нигора"),
    words("Алишер Бахтияр Рашид Тахир Камол"),
)
KAZAKH = (
    words("Нурланов Серикбаев Оспанов Жумабеков Касымов Тулегенов Байжанов Ахметов Сейтказин Мукашев Абенов Жақыпов"),
    words("Ерлан Нұрлан Дархан Бауыржан Асхат Ерболат Қайрат Серік Талғат Мейрам"),
    words("Айгерім Гүлнара Динара Жанар Әсем Айжан Сәуле Меруерт Ботагөз"),
    words("Асқар Серік Болат Марат Нұрлан Қанат Жеңіс"),
)
SLAVIC = (
    words("Иванов Петренко Ким Шмидт Кузнецов Цой Бондаренко Мельник Волков Пак Федоров"),
    words("Сергей Андрей Виктор Николай Александр Юрий Владимир"),
    words("Ольга Елена Татьяна Наталья Светлана Людмила Ирина"),
    words("Петр Николай Виктор Иван Сергей Юрий"),
)
# Russian forms of fathers' names: the patronymic's stem.
_RU_FATHER = {
    "Петр": "Петров",
    "Николай": "Николаев",
    "Виктор": "Викторов",
    "Иван": "Иванов",
    "Сергей": "Сергеев",
    "Юрий": "Юрьев",
    "Алишер": "Алишеров",
    "Бахтияр": "Бахтияров",
    "Рашид": "Рашидов",
    "Тахир": "Тахиров",
    "Камол": "Камолов",
    "Асқар": "Аскаров",
    "Серік": "Сериков",
    "Болат": "Болатов",
    "Марат": "Маратов",
    "Нұрлан": "Нурланов",
    "Қанат": "Канатов",
    "Жеңіс": "Женисов",
}
# Kazakh letters as a Windows-1251 file, which has none of them, writes them.
_CP1251 = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

BACKGROUNDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "afghan": AFGHAN,
    "syrian": SYRIAN,
    "uzbek": UZBEK,
    "kazakh": KAZAKH,
    "slavic": SLAVIC,
}


def _feminine(family: str, background: str) -> str:
    if background in ("afghan", "syrian") or not family.endswith(("ов", "ев", "ин")):
        return family
    return family + "а"


def _patronymic(rng: random.Random, background: str, sex: str, style: str) -> str:
    """A patronymic as the sheet writes it: `style` "ru" (Russian forms: -ович/-овна, Kazakh ones too), "kk"
    (Kazakh forms: -ұлы/-қызы, joined or as two words), "none" (none)."""
    father = rng.choice(BACKGROUNDS[background][3])
    if style == "none" or background in ("afghan", "syrian"):
        return father if background == "afghan" and style != "none" and rng.random() < 0.25 else ""
    if style == "kk" and background == "kazakh":
        suffix = "ұлы" if sex == "M" else "қызы"
        return f"{father}{suffix}" if rng.random() < 0.5 else f"{father} {suffix}"
    stem = _RU_FATHER.get(father, father + "ов")
    if sex == "M":
        return stem[:-2] + ("ович" if stem.endswith("ов") else "евич")
    return stem[:-2] + ("овна" if stem.endswith("ов") else "евна")


def _birth(rng: random.Random, before: dt.date, oldest: int = 1940, youngest_age: int = 1) -> dt.date:
    last = before.replace(year=before.year - youngest_age) - dt.timedelta(days=1)
    first = dt.date(oldest, 1, 1)
    return first + dt.timedelta(days=rng.randrange((last - first).days))


def make_person(
    rng: random.Random,
    background: str,
    *,
    before: dt.date,
    citizenship: str,
    origin: str = "",
    patronymics: str = "ru",
    precision: str = "day",
    sex: str = "",
) -> Truth:
    families, men, women, _fathers = BACKGROUNDS[background]
    sex = sex or rng.choice("MF")
    family = rng.choice(families)
    if sex == "F":
        family = _feminine(family, background)
    given = rng.choice(men if sex == "M" else women)
    birth = _birth(rng, before)
    if precision == "year":
        birth = birth.replace(month=1, day=1)
    return Truth(
        family=family,
        given=given,
        patronymic=_patronymic(rng, background, sex, patronymics),
        sex=sex,
        birth=birth,
        precision=precision,
        citizenship=citizenship,
        origin=origin or (citizenship if len(citizenship) == 3 else ""),
    )


# --------------------------------------------------------------------------------------------------------------
# How departments write values

SEX_WORDS = {
    "ru": {"M": ("м", "М", "муж.", "муж"), "F": ("ж", "Ж", "жен.", "жен")},
    "kk": {"M": ("ер", "Ер", "е"), "F": ("әйел", "Әйел", "ә")},
}
REGION_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "KZ-75": {"ru": ("г. Алматы", "г.Алматы", "Алматы"), "kk": ("Алматы қ.", "Алматы қаласы")},
    "KZ-19": {"ru": ("Алматинская обл.", "Алматинская область"), "kk": ("Алматы облысы", "Алматы обл.")},
    "KZ-71": {"ru": ("г. Астана", "Астана"), "kk": ("Астана қаласы", "Астана қ.")},
    "KZ-63": {
        "ru": ("ВКО", "Восточно-Казахстанская обл.", "Восточно-Казахстанская область"),
        "kk": ("ШҚО", "Шығыс Қазақстан облысы"),
    },
    "KZ-10": {"ru": ("Абайская обл.", "область Абай", "Абайская область"), "kk": ("Абай облысы",)},
    "KZ-55": {"ru": ("Павлодарская обл.", "Павлодарская область"), "kk": ("Павлодар облысы",)},
    "KZ-59": {"ru": ("СКО", "Северо-Казахстанская обл."), "kk": ("СҚО", "Солтүстік Қазақстан облысы")},
    "KZ-27": {
        "ru": ("ЗКО", "Западно-Казахстанская обл.", "Западно-Казахстанская область"),
        "kk": ("БҚО", "Батыс Қазақстан облысы"),
    },
    "KZ-61": {"ru": ("Туркестанская обл.", "Туркестанская область"), "kk": ("Түркістан облысы", "Түркістан обл.")},
    "KZ-79": {"ru": ("г. Шымкент", "г.Шымкент"), "kk": ("Шымкент қ.", "Шымкент қаласы")},
    "KZ-31": {"ru": ("Жамбылская обл.", "Жамбылская область"), "kk": ("Жамбыл облысы",)},
    "KZ-35": {"ru": ("Карагандинская обл.", "Карагандинская область"), "kk": ("Қарағанды облысы",)},
    "KZ-62": {"ru": ("Улытауская обл.", "Улытауская область"), "kk": ("Ұлытау облысы",)},
    "KZ-11": {"ru": ("Акмолинская обл.", "Акмолинская область"), "kk": ("Ақмола облысы",)},
    "KZ-33": {"ru": ("Жетысуская обл.", "Жетысу"), "kk": ("Жетісу облысы",)},
    "KZ-47": {"ru": ("Мангистауская обл.",), "kk": ("Маңғыстау облысы",)},
    "KZ-15": {"ru": ("Актюбинская обл.", "Актюбинская область"), "kk": ("Ақтөбе облысы",)},
    "KZ-23": {"ru": ("Атырауская обл.",), "kk": ("Атырау облысы",)},
    "KZ-39": {"ru": ("Костанайская обл.", "Костанайская область"), "kk": ("Қостанай облысы",)},
}
CITIZENSHIP_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "AFG": {"ru": ("Афганистан", "Афганистан", "гражданин Афганистана"), "kk": ("Ауғанстан",)},
    "SYR": {"ru": ("Сирия",), "kk": ("Сирия",)},
    "UZB": {"ru": ("Узбекистан", "Республика Узбекистан"), "kk": ("Өзбекстан",)},
    "TJK": {"ru": ("Таджикистан",), "kk": ("Тәжікстан",)},
    "CHN": {"ru": ("Китай", "КНР"), "kk": ("Қытай",)},
    "MNG": {"ru": ("Монголия",), "kk": ("Моңғолия",)},
    "RUS": {"ru": ("Россия", "РФ"), "kk": ("Ресей",)},
    "PSE": {"ru": ("Палестина",), "kk": ("Палестина",)},
    STATELESS: {
        "ru": ("лицо без гражданства", "ЛБГ", "без гражданства"),
        "kk": ("азаматтығы жоқ", "азаматтығы жоқ адам"),
    },
    UNDETERMINED: {"ru": ("не определено", "гражданство не определено", "неопределенное"), "kk": ("анықталмаған",)},
}
STATUS_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "REF": {"ru": ("беженец", "беженец", "статус беженца"), "kk": ("босқын",)},
    "ASY": {"ru": ("лицо, ищущее убежище", "ЛИУ", "лицо ищущее убежище"), "kk": ("баспана іздеуші",)},
    "STA": {"ru": ("лицо без гражданства", "ЛБГ"), "kk": ("азаматтығы жоқ адам",)},
    "UND": {
        "ru": ("лицо с неопределенным гражданством", "ЛНГ", "с неопределенным гражданством"),
        "kk": ("азаматтығы анықталмаған",),
    },
}


def spell_date(rng: random.Random, day: dt.date | None, precision: str, forms: tuple[str, ...]) -> Any:
    """A date as a sheet writes it, in one of `forms` fitting its precision: "dmy" 15.03.1990, "dmy_time"
    15.03.1990 0:00:00 (a date cell saved to CSV by Excel), "dmy_short"
    15.03.90 (only for years 1950–1999, which read back without doubt), "cell" a date cell, "ru_words"
    15 марта 1990, "kk_words" 1990 ж. 15 наурыз, "year" 1985, "year_cell" the number 1985, "year_g" 1985 г.,
    "year_kk" 1985 ж., "year_gr" 1985 г.р.; an unknown date as "-", "—" or nothing."""
    if day is None:
        return rng.choice(["-", "", "—"])
    if precision == "year":
        usable = [f for f in forms if f.startswith("year")] or ["year"]
    else:
        usable = [f for f in forms if not f.startswith("year")] or ["dmy"]
        if not 1950 <= day.year <= 1999:
            usable = [f for f in usable if f != "dmy_short"] or ["dmy"]
    form = rng.choice(usable)
    return {
        "dmy": lambda: day.strftime("%d.%m.%Y"),
        "dmy_short": lambda: day.strftime("%d.%m.%y"),
        "dmy_time": lambda: day.strftime("%d.%m.%Y") + " 0:00:00",
        "cell": lambda: day,
        "ru_words": lambda: f"{day.day} {RU_MONTHS[day.month - 1]} {day.year}",
        "kk_words": lambda: f"{day.year} ж. {day.day} {KK_MONTHS[day.month - 1]}",
        "year": lambda: str(day.year),
        "year_cell": lambda: day.year,
        "year_g": lambda: f"{day.year} г.",
        "year_kk": lambda: f"{day.year} ж.",
        "year_gr": lambda: f"{day.year} г.р.",
    }[form]()


# --------------------------------------------------------------------------------------------------------------
# Files


@dataclass
class Grid:
    """One sheet of a workbook: rows of cells (text, numbers, dates or None) and merged ranges
    (row, first column, last column), 0-based."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int]] = field(default_factory=list)
    vertical: list[tuple[int, int]] = field(default_factory=list)  # (row, column) merged with the row below


def _stable(data: bytes) -> bytes:
    """A workbook (a zip) with the same bytes on every run: no time of writing in it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?", b"2024-01-15T09:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 15, 9, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            target.writestr(fixed, content)
    return buffer.getvalue()


def xlsx(grids: list[Grid]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for grid in grids:
        sheet = workbook.create_sheet(grid.name)
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
        for r, first, last in grid.merges:
            sheet.merge_cells(start_row=r + 1, start_column=first + 1, end_row=r + 1, end_column=last + 1)
            sheet.cell(row=r + 1, column=first + 1).font = Font(bold=True)
            sheet.cell(row=r + 1, column=first + 1).alignment = Alignment(horizontal="center")
        for r, c in grid.vertical:
            sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + 2, end_column=c + 1)
        sheet.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable(buffer.getvalue())


def xls(grids: list[Grid]) -> bytes:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    bold = xlwt.easyxf("font: bold on; align: horiz center")
    for grid in grids:
        sheet = workbook.add_sheet(grid.name)
        merged = {(r, first): last for r, first, last in grid.merges}
        vertical = set(grid.vertical)
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    sheet.write_merge(r, r, c, merged[(r, c)], value, bold)
                elif (r, c) in vertical:
                    sheet.write_merge(r, r + 1, c, c, value, bold)
                elif (r - 1, c) in vertical or value is None or value == "":
                    continue
                elif isinstance(value, dt.date):
                    sheet.write(r, c, value, dates)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods(grids: list[Grid]) -> bytes:
    from odf.number import DateStyle, Day, Month, Year
    from odf.number import Text as NumberText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    date_style = DateStyle(name="dmy")
    for part in (
        Day(style="long"),
        NumberText(text="."),
        Month(style="long"),
        NumberText(text="."),
        Year(style="long"),
    ):
        date_style.addElement(part)
    document.automaticstyles.addElement(date_style)
    date_cell = Style(name="date", family="table-cell", datastylename="dmy")
    document.automaticstyles.addElement(date_cell)
    for grid in grids:
        table = Table(name=grid.name)
        merged = {(r, first): last for r, first, last in grid.merges}
        for r, row in enumerate(grid.rows):
            element = TableRow()
            c = 0
            while c < len(row):
                value = row[c]
                if value is None or value == "":
                    cell = TableCell()
                elif isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_cell)
                    cell.addElement(P(text=value.strftime("%d.%m.%Y")))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                if (r, c) in merged:
                    last = merged[(r, c)]
                    cell.setAttribute("numbercolumnsspanned", str(last - c + 1))
                    element.addElement(cell)
                    for _ in range(last - c):
                        element.addElement(CoveredTableCell())
                    c = last + 1
                    continue
                element.addElement(cell)
                c += 1
            table.addElement(element)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return _stable(buffer.getvalue())


def html_table(grid: Grid, *, encoding: str) -> bytes:
    """A sheet as web information systems export "Excel": an HTML table (merged cells as colspan and rowspan)
    in a file named .xls."""
    merged = {(r, first): last for r, first, last in grid.merges}
    hidden = {(r, c) for r, first, last in grid.merges for c in range(first + 1, last + 1)}
    hidden |= {(r + 1, c) for r, c in grid.vertical}
    lines = [
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel">',
        f'<head><meta http-equiv="Content-Type" content="text/html; charset={encoding}"></head>',
        '<body><table border="1">',
    ]
    for r, row in enumerate(grid.rows):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in hidden:
                continue
            span = f' colspan="{merged[(r, c)] - c + 1}"' if (r, c) in merged else ""
            span += ' rowspan="2"' if (r, c) in grid.vertical else ""
            text = "" if value is None else value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else str(value)
            cells.append(f"<td{span}>{html.escape(text) or '&nbsp;'}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table></body></html>")
    return "\r\n".join(lines).encode(encoding)


def text_file(grid: Grid, *, encoding: str, delimiter: str) -> bytes:
    """A sheet saved as text the way Excel saves it: every row as wide as the widest, dates as dd.mm.yyyy."""
    width = max(len(row) for row in grid.rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid.rows:
        cells = ["" if v is None else v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else str(v) for v in row]
        writer.writerow(cells + [""] * (width - len(cells)))
    return buffer.getvalue().encode(encoding)


# --------------------------------------------------------------------------------------------------------------
# A sheet from its persons


@dataclass
class Column:
    header: str | tuple[str, str]  # a header, or (upper, lower) for a header over two rows
    cell: Callable[[Truth, random.Random], Any]
    field: str = ""  # the person-file column it fills ("" when not imported)


class Builder:
    """Collects the persons' rows of a sheet with what is expected of each, and the unknown values used."""

    def __init__(self, name: str, *, lang: str, covered: list[str]) -> None:
        self.rng = random.Random(name)
        self.lang = lang
        self.covered = covered
        self.people: list[Truth] = []
        self.local: dict[str, dict[str, str]] = {}  # column -> value -> code: what the user maps
        self.used: Counter[tuple[str, str]] = Counter()

    # Values as written ------------------------------------------------------------------------------------------
    def sex(self, p: Truth, _rng: random.Random | None = None) -> str:
        return self.rng.choice(SEX_WORDS[self.lang][p.sex])

    def region(self, p: Truth, _rng: random.Random | None = None) -> str:
        words = REGION_WORDS[p.region]
        return self.rng.choice(words.get(self.lang) or words["ru"])

    def citizenship(self, p: Truth, _rng: random.Random | None = None) -> str:
        return self.rng.choice(CITIZENSHIP_WORDS[p.citizenship][self.lang])

    def status(self, p: Truth, _rng: random.Random | None = None) -> str:
        return self.rng.choice(STATUS_WORDS[p.population][self.lang])

    def local_value(self, column: str, text: str, code: str) -> str:
        """A value no word list knows (a local abbreviation): the user maps it to `code`."""
        self.local.setdefault(column, {})[text] = code
        self.used[(column, text)] += 1
        return text

    # Persons ----------------------------------------------------------------------------------------------------
    def add(self, p: Truth, region: str, population: str, status_date: dt.date | None = None) -> Truth:
        p.region, p.population = region, population
        if status_date is not None:
            p.status_date = status_date
        self.people.append(p)
        return p

    def namesake(self, p: Truth, *, before: dt.date) -> Truth:
        """Another person of the same name, born on another day."""
        other = Truth(**{**p.__dict__})
        while other.birth == p.birth or other.birth is None:
            born = _birth(self.rng, before)
            other.birth = born.replace(month=1, day=1) if p.precision == "year" else born
        self.people.append(other)
        return other

    def shuffle(self) -> None:
        self.rng.shuffle(self.people)

    # The outcome ------------------------------------------------------------------------------------------------
    def expected(
        self, *, file_date: dt.date | None, has: set[str], split: Callable[[Truth], tuple[str, str, str]] | None = None
    ) -> tuple[list[ExpectedPerson], dict[str, int]]:
        persons, outside = [], Counter()
        for p in self.people:
            if p.region not in self.covered:
                outside[p.region] += 1
                continue
            status_date = p.status_date or file_date
            assert status_date is not None, p
            family, given, patronymic = split(p) if split else (p.family, p.given, p.patronymic)
            if not split and "patronymic" not in has:
                patronymic = ""
            if "citizenship" not in has:
                citizenship_status, citizenship = "unknown", None
            elif p.citizenship == STATELESS:
                citizenship_status, citizenship = "stateless", None
            elif p.citizenship == UNDETERMINED:
                citizenship_status, citizenship = "undetermined", None
            else:
                citizenship_status, citizenship = "country", p.citizenship
            persons.append(
                ExpectedPerson(
                    family_name=family,
                    given_name=given,
                    patronymic=patronymic,
                    sex=p.sex if "sex" in has else "",
                    birth_date=p.birth,
                    birth_precision=p.precision,
                    region=p.region,
                    population_type=p.population,
                    status_date=status_date,
                    citizenship_status=citizenship_status,
                    citizenship=citizenship,
                    country_of_origin=p.origin if "country_of_origin" in has else None,
                )
            )
        return persons, dict(outside)

    def unknown(self) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for (column, text), n in self.used.items():
            result.setdefault(column, {})[text] = n
        return result


def full_name(p: Truth) -> str:
    return " ".join(part for part in (p.family, p.given, p.patronymic) if part)


def table_rows(
    b: Builder,
    columns: list[Column],
    *,
    numbered: bool = True,
    blank_after: tuple[int, ...] = (),
    before: dict[int, list[list[Any]]] | None = None,
    totals: str = "",
    totals_column: int = 1,
    trailing: int = 0,
    trailing_text: str | None = None,
    footer: list[list[Any]] | None = None,
) -> list[list[Any]]:
    """The persons' rows (numbered in the first column when `numbered`), with the rows `before` a person (by
    its 1-based position), blank rows after the given positions, a totals row and the `footer` rows at the
    end. `trailing` empty columns follow the table (written as `trailing_text`, a space, in some rows, as
    spreadsheets keep cells someone once typed in)."""
    rows: list[list[Any]] = []
    width = len(columns) + trailing
    for index, p in enumerate(b.people, start=1):
        rows += [row + [None] * (width - len(row)) for row in (before or {}).get(index, [])]
        row = [column.cell(p, b.rng) for column in columns]
        if numbered:
            row[0] = index
        tail = [trailing_text if trailing_text is not None and b.rng.random() < 0.3 else None for _ in range(trailing)]
        rows.append(row + tail)
        if index in blank_after:
            rows.append([None] * width)
    if totals:
        row: list[Any] = [None] * width
        row[totals_column] = totals.format(n=len(b.people))
        rows.append(row)
    rows += [row + [None] * (width - len(row)) for row in footer or []]
    return rows


def ditto(value: Callable[[Truth], Any], text: Callable[[Truth, random.Random], str]):
    """A cell written "-//-" (or "〃") half the times it is as in the row above, else as `text` writes it."""
    previous: list[Any] = []

    def cell(p: Truth, rng: random.Random) -> str:
        same = bool(previous) and previous[-1] == (p.population, value(p))
        previous.append((p.population, value(p)))
        return rng.choice(["-//-", "-//-", "〃"]) if same and rng.random() < 0.6 else text(p, rng)

    return cell


def header_rows(columns: list[Column], trailing: int = 0) -> tuple[list[list[Any]], list[tuple[int, int, int]]]:
    """One header row, or two when a column's header is (upper, lower): the upper cell written once over the
    lower ones it spans (merged), a one-row header written in the upper row."""
    if not any(isinstance(c.header, tuple) for c in columns):
        return [[c.header for c in columns] + [None] * trailing], []
    upper: list[Any] = []
    lower: list[Any] = []
    merges = []
    previous = None
    for index, column in enumerate(columns):
        if isinstance(column.header, tuple):
            top, bottom = column.header
            if top == previous:
                upper.append(None)
                merges[-1] = (merges[-1][0], merges[-1][1], index)
            else:
                upper.append(top)
                merges.append((0, index, index))
            previous = top
            lower.append(bottom)
        else:
            previous = None
            upper.append(column.header)
            lower.append(None)
    return [upper + [None] * trailing, lower + [None] * trailing], [m for m in merges if m[2] > m[1]]


def grid_for(
    name: str,
    titles: list[str],
    columns: list[Column],
    body: list[list[Any]],
    *,
    trailing: int = 0,
) -> Grid:
    """Title rows merged over the table's width, the header, the body."""
    width = len(columns) + trailing
    rows: list[list[Any]] = [[t] + [None] * (width - 1) for t in titles]
    merges = [(i, 0, len(columns) - 1) for i in range(len(titles))]
    header, header_merges = header_rows(columns, trailing)
    vertical = []
    if len(header) == 2:
        vertical = [(len(titles), i) for i, c in enumerate(columns) if not isinstance(c.header, tuple)]
    merges += [(len(titles) + r, first, last) for r, first, last in header_merges]
    return Grid(name, rows + header + body, merges, vertical)


# --------------------------------------------------------------------------------------------------------------
# The sheets


def _sheet(
    b: Builder,
    *,
    name: str,
    file_name: str,
    data: bytes,
    columns: list[Column],
    title_date: dt.date | None,
    status_date: dt.date | None = None,
    sheet: str = "",
    split: Callable[[Truth], tuple[str, str, str]] | None = None,
    register: str = "",
    exercises: str = "",
) -> Sheet:
    has = {c.field for c in columns if c.field}
    persons, outside = b.expected(file_date=status_date or title_date, has=has, split=split)
    return Sheet(
        name=name,
        file_name=file_name,
        data=data,
        sheet=sheet,
        covered_regions=list(b.covered),
        status_date=status_date,
        title_date=title_date,
        values={column: dict(m) for column, m in b.local.items()},
        rows=len(b.people),
        outside=outside,
        persons=persons,
        unknown=b.unknown(),
        undated=sum(p.status_date is None for p in b.people) if status_date else 0,
        register=register,
        exercises=exercises,
    )


def _split_full(p: Truth) -> tuple[str, str, str]:
    return p.family, p.given, p.patronymic


def almaty_2017() -> Sheet:
    """XLSX, Russian; merged title with the date, a subtitle; one-row header with "№ п/п" and "Примечание";
    no status column (the title says refugees); date cells, "1985 г." and dd.mm.yyyy; a blank row, a totals row,
    trailing columns with a stray space in some cells; the signatures below; namesakes; rows for Astana and
    Zhambyl outside the regions covered."""
    day = dt.date(2017, 1, 1)
    b = Builder("almaty-2017", lang="ru", covered=["KZ-75", "KZ-19"])
    r = b.rng
    regions = ["KZ-75"] * 9 + ["KZ-19"] * 5 + ["KZ-71"] * 2 + ["KZ-31"]
    for region in regions:
        background = r.choice(["afghan"] * 6 + ["syrian", "uzbek"])
        citizenship = {"afghan": "AFG", "syrian": "SYR", "uzbek": "UZB"}[background]
        precision = "year" if r.random() < 0.3 else "day"
        b.add(make_person(r, background, before=day, citizenship=citizenship, precision=precision), region, "REF")
    b.shuffle()
    first = next(p for p in b.people if p.region == "KZ-75")
    b.namesake(first, before=day)
    notes = ["", "", "", "", "выехал?", "продлен", "", "сверка 2016"]
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Отчество", lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Дата рождения",
            lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "dmy", "year_g", "year_cell")),
            "birth_date",
        ),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Область", b.region, "region"),
        Column("Примечание", lambda p, rng: rng.choice(notes), ""),
    ]
    footer = [
        [],
        [None, "Исполнитель: Ахметова Г.С., тел. 8 (727) 279-12-34"],
        [None, "Начальник отдела", None, "____________", None, "Б. Сейткали"],
    ]
    body = table_rows(
        b, columns, blank_after=(7,), totals="Итого: {n} чел.", trailing=2, trailing_text=" ", footer=footer
    )
    titles = ["Список беженцев по состоянию на 01.01.2017 г.", "(г. Алматы и Алматинская область)"]
    grid = grid_for("Лист1", titles, columns, body, trailing=2)
    return _sheet(
        b,
        name="almaty_2017",
        file_name="Беженцы_Алматы_01.01.2017.xlsx",
        data=xlsx([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=almaty_2017.__doc__ or "",
    )


def vko_2018() -> Sheet:
    """XLS (Excel 97-2003), Russian; title "Сведения о лицах без гражданства … на 01.07.2018"; a header over two
    rows ("ФИО" over Фамилия | Имя | Отчество, "Дата" over рождения | статуса) with "Р/с №"; each row's own status
    date; the row of column numbers under the header; the status from the title; dd.mm.yy and year-only birth
    dates, date cells; ВКО; "б/г", a local abbreviation the user maps; rows for Pavlodar and Karaganda outside."""
    day = dt.date(2018, 7, 1)
    b = Builder("vko-2018", lang="ru", covered=["KZ-63", "KZ-10"])
    r = b.rng
    for region in ["KZ-63"] * 14 + ["KZ-55"] + ["KZ-35"] * 2:
        background = r.choice(["slavic", "slavic", "kazakh", "uzbek"])
        precision = "year" if r.random() < 0.25 else "day"
        p = make_person(r, background, before=dt.date(2012, 1, 1), citizenship=STATELESS, precision=precision)
        granted = dt.date(2012, 1, 1) + dt.timedelta(days=r.randrange(6 * 365))
        b.add(p, region, "STA", granted)
    b.shuffle()

    def citizenship(p: Truth, rng: random.Random) -> str:
        if rng.random() < 0.3:
            return b.local_value("citizenship", "б/г", "STATELESS")
        return b.citizenship(p)

    columns = [
        Column("Р/с №", lambda p, rng: None, "row_number"),
        Column(("ФИО", "Фамилия"), lambda p, rng: p.family, "family_name"),
        Column(("ФИО", "Имя"), lambda p, rng: p.given, "given_name"),
        Column(("ФИО", "Отчество"), lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column(
            ("Дата", "рождения"),
            lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "dmy_short", "dmy", "year")),
            "birth_date",
        ),
        Column(
            ("Дата", "статуса"), lambda p, rng: spell_date(rng, p.status_date, "day", ("cell", "dmy")), "status_date"
        ),
        Column("Гражданство", citizenship, "citizenship"),
        Column("Регион", b.region, "region"),
        Column("Примечание", lambda p, rng: rng.choice(["", "", "уд. ЛБГ", "документирован"]), ""),
    ]
    body = table_rows(b, columns, before={1: [list(range(1, len(columns) + 1))]}, totals="Всего:", totals_column=1)
    titles = [
        "Сведения о лицах без гражданства, проживающих на территории Восточно-Казахстанской области, на 01.07.2018"
    ]
    grid = grid_for("ЛБГ", titles, columns, body)
    return _sheet(
        b,
        name="vko_2018",
        file_name="ЛБГ ВКО на 01.07.2018.xls",
        data=xls([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=vko_2018.__doc__ or "",
    )


def turkistan_2019_kk() -> Sheet:
    """XLSX, Kazakh; two title rows, the second "2019 жылғы 1 қаңтардағы жағдай бойынша"; Kazakh headers (Тегі, Аты,
    Әкесінің аты, Жынысы, Туған күні, Азаматтығы, Мәртебесі, Тұратын облысы, Ескерту) with "Р/с №"; a status
    column in Kazakh words (босқын, баспана іздеуші); sex ер/әйел; "1988 ж."; Түркістан облысы, Шымкент қ.;
    "Барлығы" totals and the signatures in Kazakh below; rows for Zhambyl outside."""
    day = dt.date(2019, 1, 1)
    b = Builder("turkistan-2019", lang="kk", covered=["KZ-61", "KZ-79"])
    r = b.rng
    for region in ["KZ-61"] * 8 + ["KZ-79"] * 6 + ["KZ-31"] * 2:
        background = r.choice(["afghan", "afghan", "uzbek", "kazakh"])
        citizenship = {"afghan": "AFG", "uzbek": r.choice(["UZB", "TJK"]), "kazakh": "CHN"}[background]
        population = "REF" if background == "afghan" or r.random() < 0.4 else "ASY"
        precision = "year" if r.random() < 0.3 else "day"
        p = make_person(r, background, before=day, citizenship=citizenship, patronymics="kk", precision=precision)
        b.add(p, region, population)
    b.shuffle()
    columns = [
        Column("Р/с №", lambda p, rng: None, "row_number"),
        Column("Тегі", lambda p, rng: p.family, "family_name"),
        Column("Аты", lambda p, rng: p.given, "given_name"),
        Column("Әкесінің аты", lambda p, rng: p.patronymic, "patronymic"),
        Column("Жынысы", b.sex, "sex"),
        Column(
            "Туған күні", lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "dmy", "year_kk")), "birth_date"
        ),
        Column("Азаматтығы", b.citizenship, "citizenship"),
        Column("Мәртебесі", b.status, "population_type"),
        Column("Тұратын облысы", b.region, "region"),
        Column("Ескерту", lambda p, rng: rng.choice(["", "", "", "мерзімі ұзартылды"]), ""),
    ]
    footer = [
        [None, "Орындаған: Сейтқали А.Б., тел. 8 (72533) 5-12-40"],
        [None, "Бөлім басшысы", None, None, "____________", None, "Ж. Нұрланов"],
    ]
    body = table_rows(b, columns, blank_after=(5, 11), totals="Барлығы:", footer=footer)
    titles = [
        "Түркістан облысы және Шымкент қаласы бойынша босқындар мен баспана іздеушілер тізімі",
        "2019 жылғы 1 қаңтардағы жағдай бойынша",
    ]
    grid = grid_for("Тізім", titles, columns, body)
    return _sheet(
        b,
        name="turkistan_2019_kk",
        file_name="Тізім_Түркістан_2019.xlsx",
        data=xlsx([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=turkistan_2019_kk.__doc__ or "",
    )


def karaganda_cp1251() -> Sheet:
    """CSV in Windows-1251 with semicolons, Russian; a title without a date (the user gives the date for the
    file) that says the persons are stateless; "Ф.И.О." in one cell with Kazakh patronymics as a Russian file
    writes them ("Аскар улы", "Серик кызы"); "15 марта 1990"; муж./жен.; an address column; empty columns after
    the table (";;" at each line's end); a note below; a row outside."""
    given_date = dt.date(2018, 12, 31)
    b = Builder("karaganda-cp1251", lang="ru", covered=["KZ-35", "KZ-62"])
    r = b.rng
    for region in ["KZ-35"] * 13 + ["KZ-11"]:
        background = r.choice(["slavic", "kazakh", "kazakh"])
        p = make_person(r, background, before=given_date, citizenship=STATELESS, patronymics=r.choice(["ru", "kk"]))
        for attr in ("family", "given", "patronymic"):
            setattr(p, attr, getattr(p, attr).translate(_CP1251))
        b.add(p, region, "STA")
    b.shuffle()
    streets = ["ул. Ерубаева", "пр. Бухар-Жырау", "ул. Гоголя", "мкр. Степной-2", "ул. Абая"]
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Ф.И.О.", lambda p, rng: full_name(p) + rng.choice(["", "", " "]), "full_name"),
        Column("Пол", lambda p, rng: rng.choice({"M": ("муж.", "м"), "F": ("жен.", "ж")}[p.sex]), "sex"),
        Column(
            "Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("ru_words", "dmy")), "birth_date"
        ),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Адрес", lambda p, rng: f"{rng.choice(streets)}, д. {rng.randrange(1, 90)}", "address"),
        Column("Область", b.region, "region"),
    ]
    footer = [["Примечание: сведения уточняются по данным ДП Карагандинской области"]]
    body = table_rows(b, columns, blank_after=(9,), totals="Итого: {n}", trailing=2, footer=footer)
    grid = grid_for("", ["Список лиц без гражданства, проживающих в Карагандинской области"], columns, body, trailing=2)
    data = text_file(grid, encoding="cp1251", delimiter=";")
    return _sheet(
        b,
        name="karaganda_cp1251",
        file_name="lbg_karaganda.csv",
        data=data,
        columns=columns,
        title_date=None,
        status_date=given_date,
        split=_split_full,
        exercises=karaganda_cp1251.__doc__ or "",
    )


def astana_2020_ids() -> Sheet:
    """CSV in UTF-8 with commas, Russian; a title with "по состоянию на 01.01.2020"; a "№ дела" identifier
    column; year of birth; country of origin and citizenship; "№ удостоверения" (the refugee certificate); a
    status column with "лицо, ищущее убежище", "беженец" and "мандатный беженец" (which the user maps); each
    row's status date; Нур-Султан and Астана; a row for Akmola outside."""
    day = dt.date(2020, 1, 1)
    b = Builder("astana-2020", lang="ru", covered=["KZ-71"])
    r = b.rng
    for region in ["KZ-71"] * 15 + ["KZ-11"]:
        background = r.choice(["afghan", "afghan", "syrian", "syrian", "uzbek"])
        origin = {"afghan": "AFG", "syrian": "SYR", "uzbek": "UZB"}[background]
        citizenship = STATELESS if background == "syrian" and r.random() < 0.4 else origin
        if background == "syrian" and citizenship == STATELESS:
            origin = "PSE" if r.random() < 0.5 else "SYR"
        population = r.choice(["REF", "REF", "ASY"])
        precision = "year" if r.random() < 0.5 else "day"
        p = make_person(
            r, background, before=dt.date(2016, 1, 1), citizenship=citizenship, origin=origin, precision=precision
        )
        b.add(p, region, population, dt.date(2016, 1, 1) + dt.timedelta(days=r.randrange(4 * 365 - 1)))
    b.shuffle()

    def status(p: Truth, rng: random.Random) -> str:
        if p.population == "REF" and rng.random() < 0.3:
            return b.local_value("population_type", "мандатный беженец", "REF")
        return b.status(p)

    def region(p: Truth, rng: random.Random) -> str:
        if p.region == "KZ-71":
            return rng.choice(["г. Нур-Султан", "Нур-Султан", "г. Астана"])
        return b.region(p)

    numbers = iter(range(101, 200))
    certificates = iter(range(1207, 9999, 37))
    columns = [
        Column("№ дела", lambda p, rng: f"{p.status_date.year}/{next(numbers):03d}", "person_id"),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Отчество", lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column("Год рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy", "year")), "birth_date"),
        Column("Страна происхождения", lambda p, rng: CITIZENSHIP_WORDS[p.origin]["ru"][0], "country_of_origin"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Статус", status, "population_type"),
        Column("Дата статуса", lambda p, rng: spell_date(rng, p.status_date, "day", ("dmy",)), "status_date"),
        Column("Регион", region, "region"),
        Column(
            "№ удостоверения",
            lambda p, rng: f"{next(certificates):06d}" if p.population == "REF" else "",
            "document_number",
        ),
    ]
    body = table_rows(b, columns, numbered=False)
    titles = ["Реестр лиц, ищущих убежище, и беженцев по г. Нур-Султан по состоянию на 01.01.2020"]
    grid = grid_for("", titles, columns, body)
    return _sheet(
        b,
        name="astana_2020_ids",
        file_name="reestr_nur-sultan_2020.csv",
        data=text_file(grid, encoding="utf-8", delimiter=","),
        columns=columns,
        title_date=day,
        exercises=astana_2020_ids.__doc__ or "",
    )


def jetisu_2023_kk() -> Sheet:
    """ODS, Kazakh; title "… азаматтығы жоқ адамдар тізімі" and "01.07.2023 жағдай бойынша" (the status from
    the title); "№" and "Аты-жөні" (the full name in one cell, with "Асқар ұлы"/"Серік қызы"); year of birth as a
    number, as "1979 ж." and date cells; Жетісу облысы (since 2022) and Алматы облысы; "АЖА", a local
    abbreviation the user maps; a footnote below ("* …"); rows for Almaty city (Алматы қ.) and Abai region
    outside."""
    day = dt.date(2023, 7, 1)
    b = Builder("jetisu-2023", lang="kk", covered=["KZ-33", "KZ-19"])
    r = b.rng
    for region in ["KZ-33"] * 9 + ["KZ-19"] * 5 + ["KZ-75"] * 2 + ["KZ-10"]:
        background = r.choice(["kazakh", "kazakh", "kazakh", "slavic"])
        citizenship = STATELESS if r.random() < 0.8 else UNDETERMINED
        precision = "year" if r.random() < 0.5 else "day"
        p = make_person(r, background, before=day, citizenship=citizenship, patronymics="kk", precision=precision)
        b.add(p, region, "STA")
    b.shuffle()

    def citizenship(p: Truth, rng: random.Random) -> str:
        if p.citizenship == STATELESS and rng.random() < 0.35:
            return b.local_value("citizenship", "АЖА", "STATELESS")
        return b.citizenship(p)

    columns = [
        Column("№", lambda p, rng: None, ""),
        Column("Аты-жөні", lambda p, rng: full_name(p), "full_name"),
        Column("Жынысы", b.sex, "sex"),
        Column(
            "Туған жылы",
            lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "year_cell", "year_kk")),
            "birth_date",
        ),
        Column("Азаматтығы", citizenship, "citizenship"),
        Column("Облыс", b.region, "region"),
        Column("Ескерту", lambda p, rng: rng.choice(["", "", "куәлік алды"]), ""),
    ]
    body = table_rows(b, columns, blank_after=(4,), totals="Барлығы", footer=[["* мәліметтер нақтылануда"]])
    titles = ["Жетісу облысы бойынша азаматтығы жоқ адамдар тізімі", "01.07.2023 жағдай бойынша"]
    grid = grid_for("Парақ1", titles, columns, body)
    return _sheet(
        b,
        name="jetisu_2023_kk",
        file_name="АЖА_Жетісу_2023.ods",
        data=ods([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        split=_split_full,
        exercises=jetisu_2023_kk.__doc__ or "",
    )


def pavlodar_2021_summary() -> Sheet:
    """XLSX with two sheets: "Свод" (a summary by region and category) first, "Реестр" the register second,
    which must be found without the user saying so; "Фамилия, имя, отчество" in one cell; a status column and
    "Дата присвоения статуса" (each row's date, as date cells); "ИРА" for Afghanistan; the town or district after
    the region ("Павлодарская обл., г. Экибастуз"); СКО rows outside."""
    day = dt.date(2021, 1, 1)
    b = Builder("pavlodar-2021", lang="ru", covered=["KZ-55"])
    r = b.rng
    for region in ["KZ-55"] * 13 + ["KZ-59"] * 2:
        background = r.choice(["afghan", "afghan", "uzbek", "slavic"])
        citizenship = {"afghan": "AFG", "uzbek": "UZB", "slavic": "RUS"}[background]
        population = r.choice(["REF", "ASY"])
        p = make_person(r, background, before=dt.date(2015, 1, 1), citizenship=citizenship)
        b.add(p, region, population, dt.date(2015, 1, 1) + dt.timedelta(days=r.randrange(6 * 365)))
    b.shuffle()
    towns = {"KZ-55": ("г. Экибастуз", "г. Аксу", "Павлодарский р-н"), "KZ-59": ("г. Петропавловск",)}

    def region(p: Truth, rng: random.Random) -> str:
        return b.region(p) + (f", {rng.choice(towns[p.region])}" if rng.random() < 0.4 else "")

    def citizenship(p: Truth, rng: random.Random) -> str:
        return "ИРА" if p.citizenship == "AFG" and rng.random() < 0.5 else b.citizenship(p)

    columns = [
        Column("№", lambda p, rng: None, ""),
        Column("Фамилия, имя, отчество", lambda p, rng: full_name(p), "full_name"),
        Column("Пол", b.sex, "sex"),
        Column("Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "dmy")), "birth_date"),
        Column("Гражданство", citizenship, "citizenship"),
        Column("Статус", b.status, "population_type"),
        Column("Дата присвоения статуса", lambda p, rng: p.status_date, "status_date"),
        Column("Область", region, "region"),
    ]
    body = table_rows(b, columns, totals="Итого")
    titles = ["Список беженцев и лиц, ищущих убежище, по Павлодарской области на 01.01.2021"]
    register = grid_for("Реестр", titles, columns, body)
    counts = Counter((p.region, p.population) for p in b.people)
    summary_rows: list[list[Any]] = [
        ["Свод по состоянию на 01.01.2021", None, None],
        ["Область", "Категория", "Количество"],
    ]
    for (region, population), n in sorted(counts.items()):
        summary_rows.append([REGION_WORDS[region]["ru"][0], {"REF": "беженцы", "ASY": "ЛИУ"}[population], n])
    summary_rows.append(["Всего", None, len(b.people)])
    summary = Grid("Свод", summary_rows, [(0, 0, 2)])
    return _sheet(
        b,
        name="pavlodar_2021_summary",
        file_name="Павлодар_2021.xlsx",
        data=xlsx([summary, register]),
        register=register.name,
        columns=columns,
        title_date=day,
        split=_split_full,
        exercises=pavlodar_2021_summary.__doc__ or "",
    )


def almaty_region_2022() -> Sheet:
    """XLSX with two registers ("01.01.2022" and "01.07.2022"); the user chooses the second; title with two
    statuses (stateless and undetermined) and a status column "Категория" (ЛБГ, ЛНГ, …, and "ЛБГ без док.",
    which the user maps); Жетысуская обл. (since 8 June 2022) and Алматинская обл.; Almaty city outside."""
    b = Builder("almaty-region-2022", lang="ru", covered=["KZ-19", "KZ-33"])
    r = b.rng
    day = dt.date(2022, 7, 1)
    for region in ["KZ-19"] * 7 + ["KZ-33"] * 6 + ["KZ-75"] * 2:
        background = r.choice(["kazakh", "slavic", "uzbek"])
        population = "STA" if r.random() < 0.65 else "UND"
        citizenship = STATELESS if population == "STA" else UNDETERMINED
        p = make_person(
            r, background, before=day, citizenship=citizenship, precision="year" if r.random() < 0.2 else "day"
        )
        b.add(p, region, population)
    b.shuffle()

    def status(p: Truth, rng: random.Random) -> str:
        if p.population == "STA" and rng.random() < 0.25:
            return b.local_value("population_type", "ЛБГ без док.", "STA")
        return b.status(p)

    def columns_of(builder: Builder, status: Callable[[Truth, random.Random], str]) -> list[Column]:
        return [
            Column("№ п/п", lambda p, rng: None, "row_number"),
            Column("Фамилия", lambda p, rng: p.family, "family_name"),
            Column("Имя", lambda p, rng: p.given, "given_name"),
            Column("Отчество", lambda p, rng: p.patronymic, "patronymic"),
            Column("Пол", builder.sex, "sex"),
            Column(
                "Дата рождения",
                lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy", "cell", "year")),
                "birth_date",
            ),
            Column("Гражданство", builder.citizenship, "citizenship"),
            Column("Категория", status, "population_type"),
            Column("Область", builder.region, "region"),
        ]

    columns = columns_of(b, status)
    body = table_rows(b, columns, totals="Итого по области: {n}")
    titles = ["Список лиц без гражданства и лиц с неопределенным гражданством на 01.07.2022"]
    current = grid_for("01.07.2022", titles, columns, body)
    # The earlier register, kept beside the new one in the same workbook: not the one to import.
    old = Builder("almaty-region-2022-old", lang="ru", covered=[])
    for _ in range(6):
        p = make_person(old.rng, "slavic", before=dt.date(2022, 1, 1), citizenship=STATELESS)
        old.add(p, "KZ-19", "STA")
    old_columns = columns_of(old, old.status)
    earlier = grid_for(
        "01.01.2022", ["Список лиц без гражданства на 01.01.2022"], old_columns, table_rows(old, old_columns)
    )
    return _sheet(
        b,
        name="almaty_region_2022",
        file_name="ЛБГ_ЛНГ_Алматинская_2022.xlsx",
        data=xlsx([earlier, current]),
        register=current.name,
        columns=columns,
        title_date=day,
        sheet="01.07.2022",
        exercises=almaty_region_2022.__doc__ or "",
    )


def mangystau_2016() -> Sheet:
    """ODS, Russian, of a department covering one region: no region column (every row is that region's);
    asylum-seekers by the title "по состоянию на 01.10.2016 г."; "Страна исхода"; date cells and years; blank
    rows, numbered empty rows at the end of the form; "Всего"."""
    day = dt.date(2016, 10, 1)
    b = Builder("mangystau-2016", lang="ru", covered=["KZ-47"])
    r = b.rng
    for _ in range(12):
        background = r.choice(["afghan", "syrian", "uzbek"])
        citizenship = {"afghan": "AFG", "syrian": "SYR", "uzbek": "UZB"}[background]
        precision = "year" if r.random() < 0.3 else "day"
        p = make_person(r, background, before=day, citizenship=citizenship, patronymics="none", precision=precision)
        b.add(p, "KZ-47", "ASY")
    b.shuffle()
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell", "year_cell")), "birth_date"
        ),
        Column("Страна исхода", lambda p, rng: CITIZENSHIP_WORDS[p.origin]["ru"][0], "country_of_origin"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Примечание", lambda p, rng: "", ""),
    ]
    body = table_rows(b, columns, blank_after=(3, 8))
    width = len(columns)
    body += [[n] + [None] * (width - 1) for n in range(len(b.people) + 1, len(b.people) + 4)]
    body.append([None, "Всего:", len(b.people)] + [None] * (width - 3))
    titles = ["Список лиц, ищущих убежище, по Мангистауской области по состоянию на 01.10.2016 г."]
    grid = grid_for("Лист1", titles, columns, body)
    return _sheet(
        b,
        name="mangystau_2016",
        file_name="ЛИУ Мангистау 2016.ods",
        data=ods([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=mangystau_2016.__doc__ or "",
    )


def yuko_2017_bom() -> Sheet:
    """CSV in UTF-8 with a BOM and semicolons, Russian; refugees in South Kazakhstan region before its renaming
    (2018): "ЮКО" and "Южно-Казахстанская обл." (divided in 2018: the user says the persons live in Turkistan
    region now) and "г. Шымкент" (a city of republican significance since); dd.mm.yy; a row for Zhambyl
    outside."""
    day = dt.date(2017, 1, 1)
    b = Builder("yuko-2017", lang="ru", covered=["KZ-61", "KZ-79"])
    r = b.rng
    for region in ["KZ-61"] * 8 + ["KZ-79"] * 5 + ["KZ-31"]:
        background = r.choice(["afghan", "uzbek", "uzbek"])
        citizenship = {"afghan": "AFG", "uzbek": r.choice(["UZB", "TJK"])}[background]
        b.add(make_person(r, background, before=day, citizenship=citizenship), region, "REF")
    b.shuffle()

    def region(p: Truth, rng: random.Random) -> str:
        if p.region == "KZ-61":
            text = rng.choice(["ЮКО", "ЮКО", "Южно-Казахстанская обл."])
            return b.local_value("region", text, "KZ-61")
        return b.region(p)

    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Отчество", lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy", "dmy_short")), "birth_date"
        ),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Область", region, "region"),
    ]
    body = table_rows(b, columns, totals="Итого")
    titles = ["Список беженцев по Южно-Казахстанской области по состоянию на 01.01.2017 г."]
    grid = grid_for("", titles, columns, body)
    return _sheet(
        b,
        name="yuko_2017_bom",
        file_name="bezhentsy_yuko_2017.csv",
        data=text_file(grid, encoding="utf-8-sig", delimiter=";"),
        columns=columns,
        title_date=day,
        exercises=yuko_2017_bom.__doc__ or "",
    )


def zko_2019_tab() -> Sheet:
    """Text with tabs in Windows-1251, Russian; title "Сведения о лицах, ищущих убежище, и беженцах … на
    01.04.2019" (a table printed over two pages and pasted back: the header and the row of column numbers again
    in the middle); the row of column numbers; "ФИО" in one cell; year of birth ("1985 г.", "1985 г.р."); a status
    column; ЗКО; namesakes; rows for Aktobe and Atyrau outside; a "Примечание" column."""
    day = dt.date(2019, 4, 1)
    b = Builder("zko-2019", lang="ru", covered=["KZ-27"])
    r = b.rng
    for region in ["KZ-27"] * 12 + ["KZ-15"] * 2 + ["KZ-23"]:
        background = r.choice(["afghan", "afghan", "uzbek", "syrian"])
        citizenship = {"afghan": "AFG", "uzbek": "UZB", "syrian": "SYR"}[background]
        p = make_person(r, background, before=day, citizenship=citizenship, precision="year")
        b.add(p, region, r.choice(["REF", "ASY"]))
    b.shuffle()
    b.namesake(next(p for p in b.people if p.region == "KZ-27"), before=day)
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("ФИО", lambda p, rng: full_name(p), "full_name"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Год рождения", lambda p, rng: spell_date(rng, p.birth, "year", ("year", "year_g", "year_gr")), "birth_date"
        ),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Статус", b.status, "population_type"),
        Column("Область", b.region, "region"),
        Column("Примечание", lambda p, rng: rng.choice(["", "", "семья"]), ""),
    ]
    numbers = list(range(1, len(columns) + 1))
    page_two = [[c.header for c in columns], numbers]  # the header printed again on the next page
    body = table_rows(b, columns, before={1: [numbers], 10: page_two}, totals="Всего {n}")
    titles = ["Сведения о лицах, ищущих убежище, и беженцах по Западно-Казахстанской области на 01.04.2019"]
    grid = grid_for("", titles, columns, body)
    return _sheet(
        b,
        name="zko_2019_tab",
        file_name="zko_01.04.2019.txt",
        data=text_file(grid, encoding="cp1251", delimiter="\t"),
        columns=columns,
        title_date=day,
        split=_split_full,
        exercises=zko_2019_tab.__doc__ or "",
    )


def abai_vko_2023() -> Sheet:
    """XLSX, Russian; 2023, after Abai region was split from East Kazakhstan: Абайская обл., область Абай, ВКО;
    a header over two rows with merged cells ("ФИО" over three columns, the others merged down); the status from
    the title; a row for Pavlodar outside."""
    day = dt.date(2023, 1, 1)
    b = Builder("abai-vko-2023", lang="ru", covered=["KZ-10", "KZ-63"])
    r = b.rng
    for region in ["KZ-10"] * 7 + ["KZ-63"] * 7 + ["KZ-55"]:
        background = r.choice(["slavic", "kazakh", "kazakh"])
        p = make_person(r, background, before=day, citizenship=STATELESS, patronymics=r.choice(["ru", "kk"]))
        b.add(p, region, "STA")
    b.shuffle()
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column(("Ф.И.О.", "Фамилия"), lambda p, rng: p.family, "family_name"),
        Column(("Ф.И.О.", "Имя"), lambda p, rng: p.given, "given_name"),
        Column(("Ф.И.О.", "Отчество"), lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column("Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("cell",)), "birth_date"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Область", b.region, "region"),
    ]
    body = table_rows(b, columns, blank_after=(6,), totals="Итого:")
    titles = ["Список лиц без гражданства по Абайской и Восточно-Казахстанской областям на 01.01.2023 г."]
    grid = grid_for("Лист1", titles, columns, body)
    return _sheet(
        b,
        name="abai_vko_2023",
        file_name="ЛБГ_Абай_ВКО_2023.xlsx",
        data=xlsx([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=abai_vko_2023.__doc__ or "",
    )


def ulytau_2024() -> Sheet:
    """CSV in UTF-8 with commas, Russian; a title without a date, but each row its status date (some a year
    only: the status then dates from 1 January of that year); birth dates as Excel saves date cells to CSV
    ("15.03.1990 0:00:00"); ЛБГ and ЛНГ; Улытауская обл. (since 2022) and
    Карагандинская обл.; a row for Kostanay outside; a "Примечание" column."""
    b = Builder("ulytau-2024", lang="ru", covered=["KZ-62", "KZ-35"])
    r = b.rng
    for region in ["KZ-62"] * 6 + ["KZ-35"] * 6 + ["KZ-39"]:
        population = "STA" if r.random() < 0.6 else "UND"
        citizenship = STATELESS if population == "STA" else UNDETERMINED
        p = make_person(r, r.choice(["kazakh", "slavic"]), before=dt.date(2018, 1, 1), citizenship=citizenship)
        granted = dt.date(2018, 1, 1) + dt.timedelta(days=r.randrange(6 * 365))
        if r.random() < 0.3:
            p.status_precision, granted = "year", granted.replace(month=1, day=1)
        b.add(p, region, population, granted)
    b.shuffle()
    columns = [
        Column("№", lambda p, rng: None, ""),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Отчество", lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy", "dmy_time")), "birth_date"
        ),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Статус", b.status, "population_type"),
        Column(
            "Дата статуса",
            lambda p, rng: spell_date(rng, p.status_date, p.status_precision, ("dmy", "year")),
            "status_date",
        ),
        Column("Область", b.region, "region"),
        Column("Примечание", lambda p, rng: "", ""),
    ]
    body = table_rows(b, columns, numbered=False)
    for index, row in enumerate(body, start=1):
        row[0] = f"{index}."
    grid = grid_for("", ["Реестр лиц без гражданства и лиц с неопределенным гражданством"], columns, body)
    return _sheet(
        b,
        name="ulytau_2024",
        file_name="реестр_улытау.csv",
        data=text_file(grid, encoding="utf-8", delimiter=","),
        columns=columns,
        title_date=None,
        exercises=ulytau_2024.__doc__ or "",
    )


def nur_sultan_2019_kk() -> Sheet:
    """CSV in UTF-8 with a BOM and commas, Kazakh; title "Нұр-Сұлтан қаласы бойынша босқындар тізімі" and
    "01.07.2019 жағдай бойынша" (the status from the title); "Р/с №"; Kazakh headers with "Қала/облыс"; dates
    as "1990 ж. 15 наурыз" and dd.mm.yyyy; Нұр-Сұлтан, Астана қаласы; rows for Akmola outside."""
    day = dt.date(2019, 7, 1)
    b = Builder("nur-sultan-2019", lang="kk", covered=["KZ-71"])
    r = b.rng
    for region in ["KZ-71"] * 12 + ["KZ-11"] * 2:
        background = r.choice(["afghan", "afghan", "syrian", "kazakh"])
        citizenship = {"afghan": "AFG", "syrian": "SYR", "kazakh": "CHN"}[background]
        b.add(make_person(r, background, before=day, citizenship=citizenship, patronymics="kk"), region, "REF")
    b.shuffle()

    def region(p: Truth, rng: random.Random) -> str:
        if p.region == "KZ-71":
            return rng.choice(["Нұр-Сұлтан қ.", "Нұр-Сұлтан", "Астана қаласы"])
        return b.region(p)

    columns = [
        Column("Р/с №", lambda p, rng: None, "row_number"),
        Column("Тегі", lambda p, rng: p.family, "family_name"),
        Column("Аты", lambda p, rng: p.given, "given_name"),
        Column("Әкесінің аты", lambda p, rng: p.patronymic, "patronymic"),
        Column("Жынысы", b.sex, "sex"),
        Column("Туған күні", lambda p, rng: spell_date(rng, p.birth, p.precision, ("kk_words", "dmy")), "birth_date"),
        Column("Азаматтығы", b.citizenship, "citizenship"),
        Column("Қала/облыс", region, "region"),
    ]
    body = table_rows(b, columns, totals="Барлығы: {n}")
    titles = ["Нұр-Сұлтан қаласы бойынша босқындар тізімі", "01.07.2019 жағдай бойынша"]
    grid = grid_for("", titles, columns, body)
    return _sheet(
        b,
        name="nur_sultan_2019_kk",
        file_name="босқындар_2019.csv",
        data=text_file(grid, encoding="utf-8-sig", delimiter=","),
        columns=columns,
        title_date=day,
        exercises=nur_sultan_2019_kk.__doc__ or "",
    )


def kostanay_2020_xls() -> Sheet:
    """XLS, Russian; a title with no date that names no status (the user gives the date; the status column
    says); "Ф.И.О." (the family name in capitals: "ХУСЕЙНИ Парвана") with "Дата" over "рождения | статуса"
    (two-row header); each row's status date except a few the file date covers; "15 марта 1990"; ЛБГ, беженец,
    лицо ищущее убежище; a row for North Kazakhstan outside."""
    given_date = dt.date(2020, 12, 31)
    b = Builder("kostanay-2020", lang="ru", covered=["KZ-39"])
    r = b.rng
    for region in ["KZ-39"] * 12 + ["KZ-59"]:
        population = r.choice(["REF", "ASY", "STA", "STA"])
        background = "afghan" if population != "STA" else r.choice(["slavic", "kazakh"])
        citizenship = "AFG" if population != "STA" else STATELESS
        p = make_person(r, background, before=dt.date(2014, 1, 1), citizenship=citizenship)
        p.family = p.family.upper()  # the family name in capitals, as official lists write it
        granted = dt.date(2014, 1, 1) + dt.timedelta(days=r.randrange(6 * 365)) if r.random() < 0.75 else None
        b.add(p, region, population, granted)
    b.shuffle()
    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Ф.И.О.", lambda p, rng: full_name(p), "full_name"),
        Column("Пол", b.sex, "sex"),
        Column(
            ("Дата", "рождения"),
            lambda p, rng: spell_date(rng, p.birth, p.precision, ("ru_words", "cell")),
            "birth_date",
        ),
        Column(("Дата", "статуса"), lambda p, rng: p.status_date, "status_date"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Статус", b.status, "population_type"),
        Column("Область", b.region, "region"),
    ]
    body = table_rows(b, columns, totals="Итого")
    grid = grid_for("Лист1", ["Реестр Управления координации занятости и социальных программ"], columns, body)
    return _sheet(
        b,
        name="kostanay_2020_xls",
        file_name="Реестр Костанай.xls",
        data=xls([grid]),
        register=grid.name,
        columns=columns,
        title_date=None,
        status_date=given_date,
        split=_split_full,
        exercises=kostanay_2020_xls.__doc__ or "",
    )


def akmola_2018_sections() -> Sheet:
    """XLSX, Russian; no status column and a title naming two statuses: the statuses are in section rows
    ("I. Беженцы", "II. Лица, ищущие убежище", typed in the "№" column and merged across), each closed by a
    subtotal; "Число, месяц, год рождения" and "Область (город)"; "-//-" and "〃" for "as above" in the
    citizenship and region columns, "-" for no patronymic, an unknown birth date; "гр. Афганистана"; a row for
    Karaganda outside."""
    day = dt.date(2018, 1, 1)
    b = Builder("akmola-2018", lang="ru", covered=["KZ-11", "KZ-71"])
    r = b.rng
    groups = {"REF": ["KZ-11"] * 5 + ["KZ-71"] * 3, "ASY": ["KZ-11"] * 3 + ["KZ-71"] * 2 + ["KZ-35"]}
    for population, regions in groups.items():
        people = []
        for region in regions:
            background = r.choice(["afghan", "afghan", "afghan", "syrian"])
            citizenship = {"afghan": "AFG", "syrian": "SYR"}[background]
            people.append((citizenship, region, make_person(r, background, before=day, citizenship=citizenship)))
        for _citizenship, region, p in sorted(people, key=lambda item: (item[0], item[1])):
            b.add(p, region, population)
    b.people[4].birth = None  # "-": not known
    refugees = len(groups["REF"])

    def citizenship(p: Truth, rng: random.Random) -> str:
        if p.citizenship == "AFG" and rng.random() < 0.4:
            return rng.choice(["гр. Афганистана", "гражданин Афганистана"])
        return b.citizenship(p)

    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column("Фамилия", lambda p, rng: p.family, "family_name"),
        Column("Имя", lambda p, rng: p.given, "given_name"),
        Column("Отчество", lambda p, rng: p.patronymic or rng.choice(["-", "—", ""]), "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column(
            "Число, месяц, год рождения",
            lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy", "cell")),
            "birth_date",
        ),
        Column("Гражданство", ditto(lambda p: p.citizenship, citizenship), "citizenship"),
        Column("Область (город)", ditto(lambda p: p.region, b.region), "region"),
        Column("Примечание", lambda p, rng: "", ""),
    ]
    width = len(columns)
    section = [["I. Беженцы"]]
    subtotal = [[None, f"Итого беженцев: {refugees}"], ["II. Лица, ищущие убежище"]]
    body = table_rows(
        b, columns, before={1: section, refugees + 1: subtotal}, totals="Итого ЛИУ: " + str(len(b.people) - refugees)
    )
    body.append([None, f"Всего: {len(b.people)}"] + [None] * (width - 2))
    titles = ["Список беженцев и лиц, ищущих убежище, по Акмолинской области и г. Астана на 01.01.2018"]
    grid = grid_for("Лист1", titles, columns, body)
    for index, row in enumerate(grid.rows):
        if isinstance(row[0], str) and row[0].startswith(("I.", "II.")):
            grid.merges.append((index, 0, width - 1))
    return _sheet(
        b,
        name="akmola_2018_sections",
        file_name="Акмолинская_2018.xlsx",
        data=xlsx([grid]),
        register=grid.name,
        columns=columns,
        title_date=day,
        exercises=akmola_2018_sections.__doc__ or "",
    )


def almaty_2019_regions() -> Sheet:
    """CSV in UTF-8 with semicolons, Russian; no region column: the persons are grouped under section rows
    naming the region ("г. Алматы", "Алматинская область", "Жамбылская область", the last outside the regions
    covered), each closed by "Итого по …"; the status and date from the title ("по состоянию на 1 октября 2019
    года"); "ФИО" in one cell."""
    day = dt.date(2019, 10, 1)
    b = Builder("almaty-2019-regions", lang="ru", covered=["KZ-75", "KZ-19"])
    r = b.rng
    starts: dict[int, list[list[Any]]] = {}
    labels = {"KZ-75": "г. Алматы", "KZ-19": "Алматинская область", "KZ-31": "Жамбылская область"}
    previous, previous_first = "", 1
    for region, n in (("KZ-75", 6), ("KZ-19", 5), ("KZ-31", 2)):
        first = len(b.people) + 1
        if first > 1:
            starts.setdefault(first, []).append([None, f"Итого по {previous}: {first - previous_first}"])
        starts.setdefault(first, []).append([labels[region]])
        for _ in range(n):
            background = r.choice(["afghan", "afghan", "uzbek"])
            citizenship = {"afghan": "AFG", "uzbek": "UZB"}[background]
            b.add(make_person(r, background, before=day, citizenship=citizenship), region, "REF")
        previous, previous_first = labels[region], first
    columns = [
        Column("№", lambda p, rng: None, "row_number"),
        Column("ФИО", lambda p, rng: full_name(p), "full_name"),
        Column("Пол", b.sex, "sex"),
        Column("Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy",)), "birth_date"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Примечание", lambda p, rng: "", ""),
    ]
    body = table_rows(b, columns, before=starts, totals="Итого по Жамбылской области: 2")
    grid = grid_for("", ["Список беженцев по состоянию на 1 октября 2019 года"], columns, body)
    return _sheet(
        b,
        name="almaty_2019_regions",
        file_name="bezhentsy_almaty_2019.csv",
        data=text_file(grid, encoding="utf-8", delimiter=";"),
        columns=columns,
        title_date=day,
        split=_split_full,
        exercises=almaty_2019_regions.__doc__ or "",
    )


def semey_2021_html() -> Sheet:
    """An HTML table in Windows-1251 named .xls, as a web information system exports "Excel"; Russian; title
    "… на 01.07.2021"; a header over two rows with colspan and rowspan ("Ф.И.О." over Фамилия | Имя | Отчество);
    "Область, город" with the town after the region ("ВКО, г. Семей", the region before Abai was split from it);
    the status from the title; the person who drew it up below; a row for Pavlodar outside."""
    day = dt.date(2021, 7, 1)
    b = Builder("semey-2021", lang="ru", covered=["KZ-63", "KZ-10"])
    r = b.rng
    for region in ["KZ-63"] * 11 + ["KZ-55"]:
        p = make_person(r, r.choice(["slavic", "kazakh"]), before=day, citizenship=r.choice([STATELESS, UNDETERMINED]))
        b.add(p, region, "STA")
    b.shuffle()
    towns = {"KZ-63": ("г. Семей", "г. Усть-Каменогорск", "г. Курчатов"), "KZ-55": ("г. Павлодар",)}

    def region(p: Truth, rng: random.Random) -> str:
        return f"{b.region(p)}, {rng.choice(towns[p.region])}" if rng.random() < 0.7 else b.region(p)

    columns = [
        Column("№ п/п", lambda p, rng: None, "row_number"),
        Column(("Ф.И.О.", "Фамилия"), lambda p, rng: p.family, "family_name"),
        Column(("Ф.И.О.", "Имя"), lambda p, rng: p.given, "given_name"),
        Column(("Ф.И.О.", "Отчество"), lambda p, rng: p.patronymic, "patronymic"),
        Column("Пол", b.sex, "sex"),
        Column("Дата рождения", lambda p, rng: spell_date(rng, p.birth, p.precision, ("dmy",)), "birth_date"),
        Column("Гражданство", b.citizenship, "citizenship"),
        Column("Область, город", region, "region"),
    ]
    footer = [[None, "Исп.: Жумабекова А., тел. 8 (7222) 52-14-90"]]
    body = table_rows(b, columns, totals="Итого: {n}", footer=footer)
    titles = ["Сведения о лицах без гражданства, проживающих в Восточно-Казахстанской области, на 01.07.2021"]
    grid = grid_for("", titles, columns, body)
    return _sheet(
        b,
        name="semey_2021_html",
        file_name="Выгрузка_ЛБГ_ВКО.xls",
        data=html_table(grid, encoding="windows-1251"),
        columns=columns,
        title_date=day,
        exercises=semey_2021_html.__doc__ or "",
    )


SHEETS: tuple[Callable[[], Sheet], ...] = (
    almaty_2017,
    vko_2018,
    turkistan_2019_kk,
    karaganda_cp1251,
    astana_2020_ids,
    jetisu_2023_kk,
    pavlodar_2021_summary,
    almaty_region_2022,
    mangystau_2016,
    yuko_2017_bom,
    zko_2019_tab,
    abai_vko_2023,
    ulytau_2024,
    nur_sultan_2019_kk,
    kostanay_2020_xls,
    akmola_2018_sections,
    almaty_2019_regions,
    semey_2021_html,
)


@functools.cache
def _corpus() -> tuple[Sheet, ...]:
    return tuple(make() for make in SHEETS)


def corpus() -> list[Sheet]:
    """The sheets, the same on every call and every run."""
    return list(_corpus())


def write_corpus(directory: str | Path) -> list[Path]:
    """Write every sheet's file into `directory`; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in corpus():
        path = directory / sheet.file_name
        path.write_bytes(sheet.data)
        paths.append(path)
    return paths
