"""Administrative-territorial units of Kazakhstan as a dated list (ISO 3166-2:KZ).

The list changed twice in the period Panah covers:
- 19 June 2018: South Kazakhstan region (ISO KZ-YUZ) was renamed Turkistan region (KZ-61) and
  Shymkent became a city of republican significance (KZ-79) separate from it.
- 8 June 2022: Abai (KZ-10) split from East Kazakhstan, Jetisu (KZ-33) from Almaty region and
  Ulytau (KZ-62) from Karaganda region.
ISO moved from alpha codes (AKM, PAV, ...) to the numeric KATO-based codes in 2020; the alpha codes
are kept as aliases so files written before then still read. South Kazakhstan never had a numeric
code, so it keeps its alpha one.
"""

import datetime as dt
from typing import NamedTuple


class RegionRow(NamedTuple):
    code: str
    name_en: str
    name_ru: str
    name_kk: str
    is_city: bool
    valid_from: dt.date | None
    valid_to: dt.date | None  # the first day on which the region no longer exists
    old_alpha: str
    successors: tuple[str, ...] = ()


SPLIT_2018 = dt.date(2018, 6, 19)
SPLIT_2022 = dt.date(2022, 6, 8)

REGIONS: tuple[RegionRow, ...] = (
    RegionRow("KZ-10", "Abai Region", "Абайская область", "Абай облысы", False, SPLIT_2022, None, ""),
    RegionRow("KZ-11", "Akmola Region", "Акмолинская область", "Ақмола облысы", False, None, None, "AKM"),
    RegionRow("KZ-15", "Aktobe Region", "Актюбинская область", "Ақтөбе облысы", False, None, None, "AKT"),
    RegionRow("KZ-19", "Almaty Region", "Алматинская область", "Алматы облысы", False, None, None, "ALM"),
    RegionRow("KZ-23", "Atyrau Region", "Атырауская область", "Атырау облысы", False, None, None, "ATY"),
    RegionRow(
        "KZ-27",
        "West Kazakhstan Region",
        "Западно-Казахстанская область",
        "Батыс Қазақстан облысы",
        False,
        None,
        None,
        "ZAP",
    ),
    RegionRow("KZ-31", "Zhambyl Region", "Жамбылская область", "Жамбыл облысы", False, None, None, "ZHA"),
    RegionRow("KZ-33", "Jetisu Region", "Жетысуская область", "Жетісу облысы", False, SPLIT_2022, None, ""),
    RegionRow("KZ-35", "Karaganda Region", "Карагандинская область", "Қарағанды облысы", False, None, None, "KAR"),
    RegionRow("KZ-39", "Kostanay Region", "Костанайская область", "Қостанай облысы", False, None, None, "KUS"),
    RegionRow("KZ-43", "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы", False, None, None, "KZY"),
    RegionRow("KZ-47", "Mangystau Region", "Мангистауская область", "Маңғыстау облысы", False, None, None, "MAN"),
    RegionRow("KZ-55", "Pavlodar Region", "Павлодарская область", "Павлодар облысы", False, None, None, "PAV"),
    RegionRow(
        "KZ-59",
        "North Kazakhstan Region",
        "Северо-Казахстанская область",
        "Солтүстік Қазақстан облысы",
        False,
        None,
        None,
        "SEV",
    ),
    RegionRow("KZ-61", "Turkistan Region", "Туркестанская область", "Түркістан облысы", False, SPLIT_2018, None, ""),
    RegionRow("KZ-62", "Ulytau Region", "Улытауская область", "Ұлытау облысы", False, SPLIT_2022, None, ""),
    RegionRow(
        "KZ-63",
        "East Kazakhstan Region",
        "Восточно-Казахстанская область",
        "Шығыс Қазақстан облысы",
        False,
        None,
        None,
        "VOS",
    ),
    RegionRow("KZ-71", "Astana", "Астана", "Астана", True, None, None, "AST"),
    RegionRow("KZ-75", "Almaty", "Алматы", "Алматы", True, None, None, "ALA"),
    RegionRow("KZ-79", "Shymkent", "Шымкент", "Шымкент", True, SPLIT_2018, None, "SHY"),
    RegionRow(
        "KZ-YUZ",
        "South Kazakhstan Region",
        "Южно-Казахстанская область",
        "Оңтүстік Қазақстан облысы",
        False,
        None,
        SPLIT_2018,
        "YUZ",
        successors=("KZ-61", "KZ-79"),
    ),
)
