"""The synthetic demo registry behind `panah demo` (ARCHITECTURE.md section 3.2).

`plan_demo` draws the whole registry in memory from one `random.Random(seed)`: households of
persons with names in the scripts they are written in, addresses on the dated list of regions,
documents, specific needs, consent, and a legal-status timeline per person that obeys the
transition rules of the status services (each step is checked with `status.transitions.check_step`
while it is drawn). `load_plan` writes a plan with bulk inserts, and
`build_demo` does both in one transaction. The same seed on the same day gives the same registry.

With the default size the timeline reproduces the figures published for 1 January 2017
(shared/seed/unhcr-kazakhstan-2017-02-14.txt): 626 refugees, 595 of them (95%) from Afghanistan,
6,706 stateless persons and 1,781 persons of undetermined nationality, as known today and as
known on 15 January 2017. It then continues to yesterday: new claims and decisions, children born
to persons of concern, naturalisations, confirmations of nationality, departures and deaths.
With `--persons N` every group is scaled by N / 12,000, so those figures are exact only at the
default size.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from panah.geo.regions import REGIONS, SPLIT_2018, SPLIT_2022
from panah.registry.iin import make_iin
from panah.status.models import RESULTING_POPULATION, EventKind
from panah.status.transitions import check_step

K = EventKind

# fmt: off
# (data tables: kept compact, one row a line)

# --------------------------------------------------------------------------------------------
# The figures and the cast
# --------------------------------------------------------------------------------------------

DEFAULT_PERSONS = 12_000
DEFAULT_SEED = 2017
DEMO_PASSWORD = "panah-demo-2017"  # noqa: S105  (the published password of the demo logins)
REFERENCE_DAY = dt.date(2017, 1, 1)
PUBLISHED_ON = dt.date(2017, 1, 15)
SDP_START = dt.date(2020, 9, 1)  # statelessness determination procedure (MVD Order No. 607)
MLSP_TAKEOVER = dt.date(2022, 4, 7)  # refugee procedure moved from the police to MLSP (Order No. 118)
MEMBERSHIP_FROM = dt.date(2015, 1, 1)
BATCH_SIZE = 2000

# Stock on the reference day, by population type: what the seed publishes (ASY and OOC are ours).
STOCK_2017: dict[str, int] = {"REF": 626, "ASY": 41, "STA": 6706, "UND": 1781, "OOC": 7}
# "Almost 95% of refugees originate from Afghanistan; others come from Syria, Uzbekistan, Palestine
# and some other countries."
REFUGEE_ORIGINS_2017: tuple[tuple[str, int], ...] = (
    ("AFG", 595), ("SYR", 13), ("UZB", 9), ("PSE", 5), ("IRQ", 2), ("CHN", 2),
)
# Persons who had left every stock before the reference day (rejected claims, former refugees,
# naturalised stateless persons, confirmed nationals).
PAST_EXITS: dict[str, int] = {"asylum": 180, "refugee": 120, "stateless": 300, "undetermined": 150}
# Households registered after the reference day fill the registry up to the size asked for.
NEW_HOUSEHOLD_KINDS: dict[str, int] = {"asylum": 35, "stateless": 45, "undetermined": 20}

ALL_REGIONS = "*"  # every region that exists today
ORG_REGIONS = "org"  # the regions of the member's organisation

# code, kind, name in Kazakh, Russian and English (as each writes its own), regions covered
ORGANISATIONS: tuple[tuple[str, str, dict[str, str], str | tuple[str, ...]], ...] = (
    ("mlsp", "state", {
        "kk": "Еңбек және халықты әлеуметтік қорғау министрлігі — әлеуметтік қорғау бөлімшелері",
        "ru": "Министерство труда и социальной защиты населения — подразделения социальной защиты",
        "en": "Ministry of Labour and Social Protection of Population — social protection departments",
    }, ALL_REGIONS),
    ("unhcr-kz", "unhcr", {
        "kk": "БҰҰ Босқындар ісі жөніндегі Жоғарғы комиссарының Қазақстандағы кеңсесі",
        "ru": "Представительство УВКБ ООН в Казахстане",
        "en": "UNHCR Kazakhstan",
    }, ALL_REGIONS),
    ("kibhr", "partner", {
        "kk": "Адам құқықтары және заңдылықты сақтау жөніндегі Қазақстан халықаралық бюросы",
        "ru": "Казахстанское международное бюро по правам человека и соблюдению законности",
        "en": "Kazakhstan International Bureau for Human Rights and the Rule of Law",
    }, ("KZ-75", "KZ-19", "KZ-71", "KZ-79", "KZ-61", "KZ-63", "KZ-55", "KZ-35", "KZ-31")),
    ("sana-sezim", "partner", {
        "kk": "«Сана Сезім» әйелдер бастамаларының құқықтық орталығы",
        "ru": "Правовой центр женских инициатив «Сана Сезим»",
        "en": "Legal Centre of Women Initiatives Sana Sezim",
    }, ("KZ-75", "KZ-19", "KZ-79", "KZ-61")),
)
NGOS = ("kibhr", "sana-sezim")

# provider, recipient, purpose, reference, regions, actions granted (accounts.permissions.GRANTABLE)
FOLLOW = ("view_person", "view_cases", "refer_persons")
AGREEMENTS: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    ("mlsp", "unhcr-kz", "Protection monitoring and official statistics", "MLSP-UNHCR-2015/01", ALL_REGIONS, FOLLOW),
    ("kibhr", "unhcr-kz", "Identification of stateless persons and persons of undetermined nationality, "
     "legal aid and reporting under the UNHCR partnership agreement", "KIBHR-UNHCR-2015/02", ORG_REGIONS, FOLLOW),
    ("sana-sezim", "unhcr-kz", "Identification of stateless persons and persons of undetermined nationality, "
     "legal aid and reporting under the UNHCR partnership agreement", "SANASEZIM-UNHCR-2015/03", ORG_REGIONS, FOLLOW),
    # The state body sees the persons the partners identified, to determine their status (Order No. 607);
    # the partners follow the determination of their clients (the state's cases), and decide nothing in it.
    ("kibhr", "mlsp", "Referral of persons of undetermined nationality to the statelessness determination "
     "procedure", "KIBHR-MLSP-2020/01", ORG_REGIONS, ("view_person",)),
    ("sana-sezim", "mlsp", "Referral of persons of undetermined nationality to the statelessness determination "
     "procedure", "SANASEZIM-MLSP-2020/01", ORG_REGIONS, ("view_person",)),
    ("mlsp", "kibhr", "Partners follow the determination procedures of the persons they identified",
     "MLSP-KIBHR-2020/02", ORG_REGIONS, ("view_cases",)),
    ("mlsp", "sana-sezim", "Partners follow the determination procedures of the persons they identified",
     "MLSP-SANASEZIM-2020/02", ORG_REGIONS, ("view_cases",)),
)

# username, role, organisation, regions, first name, last name
DEMO_USERS: tuple[tuple[str, str, str, str | tuple[str, ...], str, str], ...] = (
    ("admin", "system_admin", "mlsp", ALL_REGIONS, "Айгерим", "Садыкова"),
    ("officer.pavlodar", "registrar", "mlsp", ("KZ-55",), "Ерлан", "Жумабаев"),
    ("officer.almaty", "registrar", "mlsp", ("KZ-75",), "Динара", "Касымова"),
    ("decider.almaty", "decision_officer", "mlsp", ("KZ-75", "KZ-19"), "Марат", "Ибраев"),
    ("caseworker.astana", "caseworker", "mlsp", ("KZ-71",), "Гульнара", "Ахметова"),
    ("unhcr.protection", "caseworker", "unhcr-kz", ALL_REGIONS, "Асель", "Нурланова"),
    ("lawyer.kibhr", "caseworker", "kibhr", ORG_REGIONS, "Тимур", "Алиев"),
    ("statistician", "statistician", "mlsp", ALL_REGIONS, "Сауле", "Оспанова"),
    ("viewer.almaty", "viewer", "mlsp", ("KZ-75",), "Ольга", "Ким"),
    ("orgadmin.mlsp", "org_admin", "mlsp", ALL_REGIONS, "Бауыржан", "Мукашев"),
)

# Who records status events in the demo (events from 2015, in these regions); others were entered
# by staff without a demo login and have no `recorded_by`.
INTAKE_KINDS = frozenset({K.ASYLUM_APPLICATION, K.APPEAL_LODGED})
DECISION_KINDS = frozenset({K.REFUGEE_GRANTED, K.ASYLUM_REJECTED, K.APPEAL_REJECTED, K.CLAIM_CLOSED,
                            K.REFUGEE_EXTENDED, K.REFUGEE_CEASED, K.REFUGEE_REVOKED})
RECORDERS: dict[tuple[str, str], str] = {
    ("KZ-75", "intake"): "officer.almaty",
    ("KZ-55", "intake"): "officer.pavlodar",
    ("KZ-75", "decision"): "decider.almaty",
    ("KZ-19", "decision"): "decider.almaty",
}
CONSENT_TAKERS: dict[str, str] = {"KZ-75": "officer.almaty", "KZ-55": "officer.pavlodar", "KZ-71": "caseworker.astana"}

EVIDENCE: dict[str, str] = {
    K.ASYLUM_APPLICATION: "Заявление о предоставлении статуса беженца, анкета, дактилоскопическая регистрация",
    K.REFUGEE_GRANTED: "Решение о присвоении статуса беженца",
    K.ASYLUM_REJECTED: "Решение об отказе в присвоении статуса беженца",
    K.APPEAL_LODGED: "Жалоба на решение об отказе",
    K.APPEAL_REJECTED: "Решение по жалобе: отказ оставлен в силе",
    K.CLAIM_CLOSED: "Заявление отозвано или заявитель не явился",
    K.REFUGEE_EXTENDED: "Продление статуса беженца на один год",
    K.REFUGEE_CEASED: "Прекращение статуса беженца",
    K.REFUGEE_REVOKED: "Лишение статуса беженца",
    K.UNDETERMINED_IDENTIFIED: "Выявлен юристом партнёра УВКБ ООН; документов, подтверждающих гражданство, нет",
    K.STATELESS_DETERMINED: "Признан лицом без гражданства; выдано удостоверение лица без гражданства",
    K.NATIONALITY_CONFIRMED: "Гражданство подтверждено документом страны гражданства",
    K.RESIDENCE_PERMIT: "Разрешение на постоянное проживание",
    K.NATURALISED: "Принят в гражданство Республики Казахстан",
    K.OTHER_OF_CONCERN: "Взят на учёт как иное лицо, представляющее интерес для УВКБ ООН",
    K.DEPARTED: "Выехал из Республики Казахстан",
    K.DIED: "Свидетельство о смерти",
    K.RETRACTION: "Запись внесена ошибочно (повторная запись о продлении)",
}
REFERENCE_PREFIX: dict[str, str] = {
    K.ASYLUM_APPLICATION: "AS", K.APPEAL_LODGED: "AP", K.REFUGEE_GRANTED: "RD", K.ASYLUM_REJECTED: "RD",
    K.APPEAL_REJECTED: "AD", K.CLAIM_CLOSED: "RD", K.REFUGEE_EXTENDED: "EX", K.REFUGEE_CEASED: "RD",
    K.REFUGEE_REVOKED: "RD", K.STATELESS_DETERMINED: "SL", K.NATURALISED: "NAT", K.RESIDENCE_PERMIT: "RP",
    K.UNDETERMINED_IDENTIFIED: "UN", K.NATIONALITY_CONFIRMED: "NC", K.OTHER_OF_CONCERN: "OC",
}

# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------

# locality, region it belongs to today, region it belonged to before the 2018 or 2022 change ("" if
# none), weight within its region. Addresses follow the locality: an address in Shymkent from 2010
# is in KZ-YUZ until 19.06.2018 and in KZ-79 from then.
LOCALITIES: tuple[tuple[str, str, str, int], ...] = (
    ("Алматы", "KZ-75", "", 1),
    ("Астана", "KZ-71", "", 1),
    ("Каскелен", "KZ-19", "", 3), ("Талгар", "KZ-19", "", 3), ("Есик", "KZ-19", "", 2), ("Конаев", "KZ-19", "", 2),
    ("Талдыкорган", "KZ-33", "KZ-19", 4), ("Жаркент", "KZ-33", "KZ-19", 2), ("Текели", "KZ-33", "KZ-19", 1),
    ("Шымкент", "KZ-79", "KZ-YUZ", 1),
    ("Туркестан", "KZ-61", "KZ-YUZ", 3), ("Сарыагаш", "KZ-61", "KZ-YUZ", 3), ("Кентау", "KZ-61", "KZ-YUZ", 2),
    ("Жетысай", "KZ-61", "KZ-YUZ", 2), ("Ленгер", "KZ-61", "KZ-YUZ", 1),
    ("Усть-Каменогорск", "KZ-63", "", 5), ("Риддер", "KZ-63", "", 2), ("Зайсан", "KZ-63", "", 1),
    ("Семей", "KZ-10", "KZ-63", 5), ("Аягоз", "KZ-10", "KZ-63", 1), ("Курчатов", "KZ-10", "KZ-63", 1),
    ("Караганда", "KZ-35", "", 6), ("Темиртау", "KZ-35", "", 3), ("Балхаш", "KZ-35", "", 1),
    ("Жезказган", "KZ-62", "KZ-35", 2), ("Сатпаев", "KZ-62", "KZ-35", 1),
    ("Павлодар", "KZ-55", "", 6), ("Экибастуз", "KZ-55", "", 3), ("Аксу", "KZ-55", "", 1),
    ("Тараз", "KZ-31", "", 6), ("Шу", "KZ-31", "", 2), ("Каратау", "KZ-31", "", 1),
    ("Кызылорда", "KZ-43", "", 4), ("Аральск", "KZ-43", "", 1),
    ("Актау", "KZ-47", "", 3), ("Жанаозен", "KZ-47", "", 2),
    ("Атырау", "KZ-23", "", 3), ("Кульсары", "KZ-23", "", 1),
    ("Уральск", "KZ-27", "", 3), ("Аксай", "KZ-27", "", 1),
    ("Кокшетау", "KZ-11", "", 3), ("Степногорск", "KZ-11", "", 1),
    ("Актобе", "KZ-15", "", 4), ("Хромтау", "KZ-15", "", 1),
    ("Костанай", "KZ-39", "", 3), ("Рудный", "KZ-39", "", 2),
    ("Петропавловск", "KZ-59", "", 3),
)
# Where persons live today, by region (weights). Refugees are concentrated in Almaty, its region
# and Astana; stateless persons live everywhere, more in the south and the east.
REFUGEE_REGIONS: dict[str, int] = {
    "KZ-75": 60, "KZ-19": 12, "KZ-33": 2, "KZ-71": 12, "KZ-79": 3, "KZ-61": 1, "KZ-35": 2, "KZ-31": 2,
    "KZ-55": 1, "KZ-63": 2, "KZ-10": 1, "KZ-47": 1, "KZ-15": 1,
}
STATELESS_REGIONS: dict[str, int] = {
    "KZ-79": 8, "KZ-61": 10, "KZ-31": 9, "KZ-75": 10, "KZ-19": 8, "KZ-33": 3, "KZ-63": 7, "KZ-10": 4,
    "KZ-55": 5, "KZ-35": 5, "KZ-62": 1, "KZ-43": 4, "KZ-47": 3, "KZ-23": 2, "KZ-27": 2, "KZ-11": 3,
    "KZ-15": 3, "KZ-39": 3, "KZ-59": 3, "KZ-71": 6,
}
STREETS = (
    "Абая", "Толе би", "Сейфуллина", "Гагарина", "Жибек жолы", "Байтурсынова", "Кунаева", "Мира",
    "Пушкина", "Ауэзова", "Жамбыла", "Победы", "Сатпаева", "Торайгырова", "Кабанбай батыра", "Чокина",
    "Момышулы", "Бухар жырау", "Абылай хана", "Достык", "Республики", "Независимости",
)
BIRTH_PLACES: dict[str, tuple[str, ...]] = {
    "AFG": ("Кабул", "Мазари-Шариф", "Герат", "Кундуз", "Джелалабад", "Кандагар", "Газни", "Баглан", "Пули-Хумри"),
    "SYR": ("Дамаск", "Алеппо", "Хомс", "Латакия", "Хама"),
    "PSE": ("Дамаск (лагерь Ярмук)", "Алеппо", "Газа"),
    "IRQ": ("Багдад", "Мосул", "Эрбиль"),
    "YEM": ("Сана", "Таиз"),
    "IRN": ("Мешхед", "Тегеран"),
    "PAK": ("Пешавар", "Кветта"),
    "UZB": ("Ташкент", "Андижан", "Наманган", "Фергана", "Самарканд", "Бухара", "Карши"),
    "TJK": ("Душанбе", "Худжанд", "Куляб", "Курган-Тюбе"),
    "KGZ": ("Ош", "Бишкек", "Джалал-Абад", "Каракол"),
    "RUS": ("Омск", "Новосибирск", "Оренбург", "Барнаул", "Грозный", "Челябинск", "Москва", "Астрахань"),
    "UKR": ("Харьков", "Днепропетровск", "Донецк", "Одесса"),
    "CHN": ("Урумчи", "Кульджа", "Чугучак", "Алтай"),
    "MNG": ("Баян-Улгий", "Улан-Батор"),
    "TKM": ("Ашхабад", "Дашогуз"),
    "AZE": ("Баку", "Гянджа"),
    "GEO": ("Тбилиси", "Марнеули"),
    "KAZ": ("Алматы", "Шымкент", "Караганда", "Павлодар", "Тараз", "Семипалатинск", "Усть-Каменогорск", "Кызылорда"),
}
FORMER_USSR = frozenset({"RUS", "UZB", "KGZ", "TJK", "TKM", "UKR", "AZE", "GEO", "KAZ"})
# Passport number shapes by issuing country: prefix, number of digits, years valid.
PASSPORTS: dict[str, tuple[str, int, int]] = {
    "AFG": ("P", 7, 5), "SYR": ("N", 9, 6), "IRQ": ("A", 8, 8), "YEM": ("0", 8, 6), "IRN": ("K", 8, 5),
    "PAK": ("AB", 7, 5), "UZB": ("AA", 7, 10), "TJK": ("40", 7, 10), "KGZ": ("AC", 7, 10),
    "CHN": ("E", 8, 10), "RUS": ("75 ", 7, 10), "UKR": ("FA", 6, 10),
}

# --------------------------------------------------------------------------------------------
# Names. Dari and Arabic names are (Russian spellings, passport spellings, original script);
# the others are written in Cyrillic, one word a name.
# --------------------------------------------------------------------------------------------

NameEntry = tuple[tuple[str, ...], tuple[str, ...], str]

DARI_MALE: tuple[NameEntry, ...] = (
    (("Мухаммад", "Мохаммад", "Мухаммед"), ("Mohammad", "Mohammed", "Muhammad"), "محمد"),
    (("Ахмад",), ("Ahmad", "Ahmed"), "احمد"),
    (("Али",), ("Ali",), "علی"),
    (("Хамид",), ("Hamid",), "حمید"),
    (("Карим",), ("Karim", "Kareem"), "کریم"),
    (("Рахим",), ("Rahim",), "رحیم"),
    (("Насир",), ("Nasir", "Naser"), "ناصر"),
    (("Фарид",), ("Farid",), "فرید"),
    (("Джавад",), ("Jawad", "Javad"), "جواد"),
    (("Махмуд",), ("Mahmood", "Mahmud"), "محمود"),
    (("Хусейн", "Хусайн"), ("Hussain", "Hussein"), "حسین"),
    (("Наджиб",), ("Najib", "Najeeb"), "نجیب"),
    (("Вахид",), ("Wahid", "Vahid"), "وحید"),
    (("Забихулла",), ("Zabihullah",), "ذبیح\u200cالله"),
    (("Сайед", "Саид"), ("Sayed", "Sayyed"), "سید"),
    (("Хабиб",), ("Habib",), "حبیب"),
    (("Рашид",), ("Rashid",), "رشید"),
    (("Омид",), ("Omid",), "امید"),
    (("Джамшид",), ("Jamshid",), "جمشید"),
    (("Халид",), ("Khalid", "Khaled"), "خالد"),
    (("Юсуф",), ("Yusuf", "Yousuf"), "یوسف"),
    (("Масуд",), ("Masoud", "Massoud"), "مسعود"),
    (("Мустафа",), ("Mustafa",), "مصطفی"),
    (("Касым", "Касим"), ("Qasim", "Qasem"), "قاسم"),
    (("Башир",), ("Bashir",), "بشیر"),
    (("Абдулла",), ("Abdullah",), "عبدالله"),
    (("Шафик",), ("Shafiq",), "شفیق"),
    (("Азиз",), ("Aziz",), "عزیز"),
    (("Навид",), ("Navid", "Naveed"), "نوید"),
    (("Султан",), ("Sultan",), "سلطان"),
    (("Самиулла",), ("Samiullah",), "سمیع\u200cالله"),
    (("Гулям", "Гулам"), ("Ghulam",), "غلام"),
)
DARI_FEMALE: tuple[NameEntry, ...] = (
    (("Фатима",), ("Fatima", "Fatema"), "فاطمه"),
    (("Марьям", "Мариам"), ("Maryam", "Mariam"), "مریم"),
    (("Захра",), ("Zahra",), "زهرا"),
    (("Наргис",), ("Nargis",), "نرگس"),
    (("Шабнам",), ("Shabnam",), "شبنم"),
    (("Фарзана",), ("Farzana",), "فرزانه"),
    (("Парвин",), ("Parwin", "Parveen"), "پروین"),
    (("Насрин",), ("Nasrin",), "نسرین"),
    (("Лейла", "Лайла"), ("Laila", "Leila"), "لیلا"),
    (("Сорая",), ("Soraya",), "ثریا"),
    (("Малалай",), ("Malalai",), "ملالی"),
    (("Хабиба",), ("Habiba",), "حبیبه"),
    (("Нилуфар",), ("Nilofar", "Nilufar"), "نیلوفر"),
    (("Махбуба",), ("Mahbooba", "Mahbuba"), "محبوبه"),
    (("Роя",), ("Roya",), "رویا"),
    (("Гулалай",), ("Gulalai",), "گلالی"),
    (("Хамида",), ("Hamida",), "حمیده"),
    (("Сима",), ("Sima",), "سیما"),
    (("Фереште", "Фришта"), ("Freshta", "Fereshta"), "فرشته"),
    (("Марзия",), ("Marzia", "Marziya"), "مرضیه"),
    (("Сакина",), ("Sakina",), "سکینه"),
    (("Зарина",), ("Zarina",), "زرینه"),
    (("Мадина",), ("Madina",), "مدینه"),
    (("Нафиса",), ("Nafisa",), "نفیسه"),
)
DARI_FAMILY: tuple[NameEntry, ...] = (
    (("Ахмади",), ("Ahmadi",), "احمدی"),
    (("Рахими",), ("Rahimi",), "رحیمی"),
    (("Карими",), ("Karimi",), "کریمی"),
    (("Хакими",), ("Hakimi",), "حکیمی"),
    (("Мохаммади", "Мухаммади"), ("Mohammadi",), "محمدی"),
    (("Хусейни", "Хуссаини"), ("Hussaini", "Husseini"), "حسینی"),
    (("Нури",), ("Noori", "Nouri"), "نوری"),
    (("Попал",), ("Popal",), "پوپل"),
    (("Станикзай",), ("Stanikzai",), "ستانکزی"),
    (("Султани",), ("Sultani",), "سلطانی"),
    (("Рахмани",), ("Rahmani",), "رحمانی"),
    (("Хайдари",), ("Haidari", "Haydari"), "حیدری"),
    (("Джалали",), ("Jalali",), "جلالی"),
    (("Амири",), ("Amiri",), "امیری"),
    (("Шарифи",), ("Sharifi",), "شریفی"),
    (("Сафи",), ("Safi",), "صافی"),
    (("Вардак",), ("Wardak",), "وردک"),
    (("Какар",), ("Kakar",), "کاکر"),
    (("Азизи",), ("Azizi",), "عزیزی"),
    (("Кадери", "Кадыри"), ("Qaderi", "Qadiri"), "قادری"),
    (("Назари",), ("Nazari",), "نظری"),
    (("Хабиби",), ("Habibi",), "حبیبی"),
    (("Садат",), ("Sadat",), "سادات"),
    (("Самади",), ("Samadi",), "صمدی"),
    (("Юсуфзай",), ("Yousufzai", "Yusufzai"), "یوسفزی"),
    (("Файзи",), ("Faizi",), "فیضی"),
    (("Акбари",), ("Akbari",), "اکبری"),
    (("Расули",), ("Rasuli", "Rasooli"), "رسولی"),
    (("Ахмадзай",), ("Ahmadzai",), "احمدزی"),
    (("Насери", "Носири"), ("Naseri", "Nasiri"), "ناصری"),
    (("Тахери",), ("Taheri",), "طاهری"),
    (("Баракзай",), ("Barakzai",), "بارکزی"),
)
ARAB_MALE: tuple[NameEntry, ...] = (
    (("Мухаммад", "Мохаммед"), ("Mohammad", "Mohamad", "Mohammed"), "محمد"),
    (("Ахмад", "Ахмед"), ("Ahmad", "Ahmed"), "أحمد"),
    (("Омар",), ("Omar",), "عمر"),
    (("Халед", "Халид"), ("Khaled", "Khalid"), "خالد"),
    (("Махмуд",), ("Mahmoud",), "محمود"),
    (("Юсеф", "Юсуф"), ("Youssef", "Yousef"), "يوسف"),
    (("Ибрагим",), ("Ibrahim",), "إبراهيم"),
    (("Хасан", "Хассан"), ("Hassan", "Hasan"), "حسن"),
    (("Али",), ("Ali",), "علي"),
    (("Самер",), ("Samer",), "سامر"),
    (("Басель",), ("Bassel", "Basel"), "باسل"),
    (("Тарек", "Тарик"), ("Tarek", "Tariq"), "طارق"),
    (("Фади",), ("Fadi",), "فادي"),
    (("Рами",), ("Rami",), "رامي"),
    (("Абдулла",), ("Abdullah", "Abdallah"), "عبد الله"),
    (("Мустафа",), ("Mustafa", "Moustafa"), "مصطفى"),
    (("Зияд", "Зиад"), ("Ziad", "Ziyad"), "زياد"),
)
ARAB_FEMALE: tuple[NameEntry, ...] = (
    (("Фатима",), ("Fatima", "Fatma"), "فاطمة"),
    (("Марьям",), ("Mariam", "Maryam"), "مريم"),
    (("Рания",), ("Rania",), "رانيا"),
    (("Лина",), ("Lina",), "لينا"),
    (("Хала",), ("Hala",), "هالة"),
    (("Нур",), ("Nour", "Noor"), "نور"),
    (("Ая",), ("Aya",), "آية"),
    (("Рим",), ("Reem", "Rim"), "ريم"),
    (("Сальма",), ("Salma",), "سلمى"),
    (("Дима",), ("Dima",), "ديمة"),
    (("Худа",), ("Huda", "Hoda"), "هدى"),
    (("Амаль",), ("Amal",), "أمل"),
    (("Раша",), ("Rasha",), "رشا"),
    (("Зейнаб",), ("Zeinab", "Zainab"), "زينب"),
)
ARAB_FAMILY: tuple[NameEntry, ...] = (
    (("Аль-Хасан",), ("Al-Hassan", "Alhassan"), "الحسن"),
    (("Хаддад",), ("Haddad",), "حداد"),
    (("Аль-Хатиб", "Хатиб"), ("Al-Khatib", "Alkhatib"), "الخطيب"),
    (("Наджар",), ("Najjar", "Al-Najjar"), "النجار"),
    (("Аль-Масри",), ("Al-Masri", "Masri"), "المصري"),
    (("Халаби",), ("Halabi", "Al-Halabi"), "الحلبي"),
    (("Дарвиш",), ("Darwish",), "درويش"),
    (("Салех",), ("Saleh",), "صالح"),
    (("Аббуд",), ("Abboud",), "عبود"),
    (("Касем",), ("Kassem", "Qassem"), "قاسم"),
    (("Аш-Шами", "Шами"), ("Al-Shami", "Shami"), "الشامي"),
    (("Хамдан",), ("Hamdan",), "حمدان"),
    (("Авад",), ("Awad",), "عوض"),
    (("Баргути",), ("Barghouti",), "البرغوثي"),
    (("Халиль",), ("Khalil",), "خليل"),
    (("Оде", "Ода"), ("Odeh", "Awda"), "عودة"),
    (("Насер",), ("Nasser",), "ناصر"),
    (("Аль-Ахмад",), ("Al-Ahmad",), "الأحمد"),
    (("Юнис",), ("Younis", "Yunis"), "يونس"),
    (("Шахин",), ("Shahin", "Shaheen"), "شاهين"),
)

RUSSIAN_MALE = ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Николай", "Владимир", "Иван",
                "Михаил", "Евгений", "Виктор", "Юрий", "Олег", "Павел", "Игорь", "Геннадий", "Василий",
                "Анатолий", "Валерий", "Константин")
RUSSIAN_FEMALE = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Людмила", "Галина",
                  "Марина", "Анна", "Валентина", "Нина", "Любовь", "Надежда", "Екатерина", "Юлия",
                  "Оксана", "Лариса")
# culture: (male given names, female given names, family names in the masculine form)
CULTURE_DATA: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "russian": (RUSSIAN_MALE, RUSSIAN_FEMALE, (
        "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
        "Фёдоров", "Морозов", "Волков", "Лебедев", "Козлов", "Павлов", "Семёнов", "Голубев", "Виноградов",
        "Богданов", "Воробьёв", "Зайцев", "Никитин", "Орлов", "Макаров", "Белов")),
    "ukrainian": (
        ("Тарас", "Богдан", "Николай", "Василий", "Пётр", "Степан", "Юрий", "Виктор", "Александр", "Иван"),
        ("Оксана", "Олеся", "Галина", "Мария", "Наталья", "Лилия", "Валентина", "Ирина"),
        ("Бондаренко", "Шевченко", "Коваленко", "Ткаченко", "Кравченко", "Мельник", "Бойко", "Ковальчук",
         "Олейник", "Лысенко", "Савченко", "Руденко")),
    "german": (
        ("Андрей", "Виктор", "Александр", "Владимир", "Фёдор", "Яков", "Генрих", "Давид", "Роберт", "Эдуард"),
        ("Ирина", "Елена", "Мария", "Эльвира", "Лидия", "Ольга", "Эмма", "Наталья"),
        ("Шмидт", "Вебер", "Мюллер", "Шнайдер", "Майер", "Фишер", "Вагнер", "Беккер", "Герман", "Классен",
         "Дик", "Реймер")),
    "korean": (RUSSIAN_MALE, RUSSIAN_FEMALE, ("Ким", "Ли", "Пак", "Цой", "Хан", "Тен", "Югай", "Пай", "Шин", "Ни")),
    "uzbek": (
        ("Алишер", "Рустам", "Бахтиёр", "Улугбек", "Шухрат", "Фаррух", "Жасур", "Тимур", "Азиз", "Дилшод",
         "Санжар", "Отабек", "Ильхом", "Хуршид", "Бобур", "Равшан", "Шерзод", "Зафар", "Абдулла", "Нодир"),
        ("Дильноза", "Гульноза", "Нилуфар", "Мадина", "Шахноза", "Феруза", "Зарина", "Мохира", "Дилфуза",
         "Нодира", "Севара", "Гулчехра", "Малика", "Умида", "Саида"),
        ("Каримов", "Юсупов", "Рахимов", "Абдуллаев", "Турсунов", "Усманов", "Мирзаев", "Алиев", "Хакимов",
         "Исмоилов", "Эргашев", "Назаров", "Султанов", "Ахмедов", "Салиев", "Кадыров", "Юлдашев", "Рашидов",
         "Холматов", "Тошпулатов")),
    "kazakh": (
        ("Нұрлан", "Ерлан", "Серік", "Асқар", "Дәурен", "Бауыржан", "Ержан", "Қайрат", "Мұрат", "Ғалым",
         "Жандос", "Азамат", "Бекзат", "Әлібек", "Дәулет", "Талғат", "Ерболат", "Мақсат", "Болат", "Арман"),
        ("Айгүл", "Гүлнар", "Әсел", "Жанар", "Сәуле", "Динара", "Мөлдір", "Ақмарал", "Салтанат", "Жұлдыз",
         "Гүлмира", "Айжан", "Ұлжан", "Арайлым", "Меруерт", "Жанель", "Назгүл"),
        ("Ахметов", "Сәрсенбаев", "Жақсылықов", "Нұрланов", "Серікбаев", "Омаров", "Қасымов", "Тоқтаров",
         "Әбдірахманов", "Бекмағамбетов", "Исаев", "Жұмабаев", "Оспанов", "Мұқанов", "Байжанов", "Сейітов",
         "Әлиев", "Құдайбергенов", "Есенов", "Төлеуов")),
    "tajik": (
        ("Фаридун", "Шерзод", "Манучехр", "Сухроб", "Джамшед", "Комрон", "Фирдавс", "Далер", "Парвиз", "Умед",
         "Бахтовар", "Рустам", "Исмоил", "Хуршед"),
        ("Мадина", "Зарина", "Шабнам", "Нигина", "Тахмина", "Гулчехра", "Мехрангез", "Фарангис", "Манижа",
         "Сабрина", "Дилноза"),
        ("Рахмонов", "Саидов", "Шарипов", "Назаров", "Каримов", "Холов", "Давлатов", "Мирзоев", "Сафаров",
         "Джураев", "Рахмонзода", "Саидзода", "Шарифзода", "Азимов", "Бобоев")),
    "kyrgyz": (
        ("Азамат", "Бакыт", "Нурбек", "Эрлан", "Канат", "Улан", "Айбек", "Марат", "Темир", "Жыргалбек", "Эрмек",
         "Талант", "Мирлан"),
        ("Айпери", "Жылдыз", "Гульнара", "Айгерим", "Бермет", "Нургуль", "Чолпон", "Асель", "Назира", "Айзада",
         "Динара"),
        ("Асанов", "Токтогулов", "Осмонов", "Мамытов", "Абдыкадыров", "Жээнбеков", "Бакиев", "Садыров",
         "Турдубаев", "Сыдыков", "Касымалиев", "Омурбеков")),
    "chechen": (
        ("Ахмед", "Руслан", "Магомед", "Ислам", "Хасан", "Умар", "Шамиль", "Адам", "Аслан", "Рамзан", "Муса",
         "Иса", "Хамзат", "Зелимхан"),
        ("Малика", "Зарема", "Хава", "Айшат", "Луиза", "Марьям", "Седа", "Милана", "Петимат", "Зулихан"),
        ("Мусаев", "Исаев", "Умаров", "Хасанов", "Алиев", "Магомедов", "Абдулаев", "Эльмурзаев", "Гериев",
         "Садулаев", "Байсултанов", "Ахмадов")),
    "uyghur": (
        ("Ахмет", "Абдурашит", "Нурмамат", "Тохти", "Ильхам", "Камил", "Рахман", "Адил", "Алим", "Эркин",
         "Турсун"),
        ("Гульнара", "Рахиля", "Патигуль", "Мадина", "Зульфия", "Назугум", "Гулистан", "Мунира", "Айнур"),
        ("Нурахунов", "Исмаилов", "Тохтиев", "Розахунов", "Мамутов", "Абдуллаев", "Кадыров", "Масимов",
         "Турсунов", "Ниязов", "Аюпов", "Хамраев")),
    "azeri": (
        ("Эльдар", "Рашад", "Самир", "Вугар", "Эльчин", "Фуад", "Анар", "Рауф", "Ильхам", "Тофик"),
        ("Севиль", "Айтен", "Гюнель", "Лейла", "Нигяр", "Гюльнара", "Самира", "Эльмира"),
        ("Мамедов", "Гусейнов", "Алиев", "Гасанов", "Исмаилов", "Кулиев", "Бабаев", "Джафаров", "Ахмедов",
         "Велиев")),
    "tatar": (
        ("Ринат", "Ильдар", "Марат", "Рамиль", "Айдар", "Рустем", "Фарид", "Ильшат", "Радик", "Наиль"),
        ("Гульнара", "Альфия", "Венера", "Резеда", "Эльмира", "Лилия", "Гузель", "Алсу", "Наиля"),
        ("Галиев", "Хабибуллин", "Сафин", "Валиев", "Зарипов", "Гарипов", "Ахметзянов", "Шарафутдинов",
         "Мухаметшин", "Гилязов")),
}


@dataclass(frozen=True)
class Culture:
    """How a group writes its names, and where its members come from."""

    code: str
    kind: str  # "dari" or "arab" (three scripts) or "cyrl"
    patronymics: tuple[tuple[str, int], ...] = (("ru", 1),)  # styles: ru, kk (-ұлы), kg (уулу), az (оглы)
    latin_share: float = 0.3
    original_share: float = 0.0
    origins: tuple[tuple[str, int], ...] = ()  # country of origin of stateless persons of this group
    language: str = "ru"


CULTURES: dict[str, Culture] = {c.code: c for c in (
    Culture("dari", "dari", latin_share=0.85, original_share=0.75, language="prs"),
    Culture("arab", "arab", latin_share=0.9, original_share=0.9, language="ar"),
    Culture("russian", "cyrl", latin_share=0.25, origins=(("RUS", 5), ("KAZ", 3), ("UZB", 1), ("KGZ", 1))),
    Culture("ukrainian", "cyrl", latin_share=0.3, origins=(("UKR", 6), ("KAZ", 2), ("RUS", 1))),
    Culture("german", "cyrl", latin_share=0.3, origins=(("KAZ", 3), ("RUS", 2), ("KGZ", 1))),
    Culture("korean", "cyrl", latin_share=0.3, origins=(("UZB", 4), ("KAZ", 3))),
    Culture("uzbek", "cyrl", latin_share=0.4, origins=(("UZB", 1),)),
    Culture("kazakh", "cyrl", patronymics=(("kk", 6), ("ru", 4)), latin_share=0.35, language="kk",
            origins=(("UZB", 4), ("CHN", 2), ("MNG", 2), ("TKM", 1), ("RUS", 1), ("KAZ", 2))),
    Culture("tajik", "cyrl", latin_share=0.35, origins=(("TJK", 1),)),
    Culture("kyrgyz", "cyrl", patronymics=(("ru", 7), ("kg", 3)), latin_share=0.3, origins=(("KGZ", 1),)),
    Culture("chechen", "cyrl", latin_share=0.2, origins=(("RUS", 1),)),
    Culture("uyghur", "cyrl", latin_share=0.25, origins=(("CHN", 2), ("KAZ", 3), ("UZB", 1))),
    Culture("azeri", "cyrl", patronymics=(("ru", 7), ("az", 3)), latin_share=0.3,
            origins=(("AZE", 3), ("GEO", 1), ("RUS", 1))),
    Culture("tatar", "cyrl", latin_share=0.2, origins=(("RUS", 2), ("UZB", 1), ("KAZ", 1))),
)}
# Culture of asylum-seekers and refugees by country of origin.
ORIGIN_CULTURES: dict[str, tuple[tuple[str, int], ...]] = {
    "AFG": (("dari", 1),), "PAK": (("dari", 1),), "IRN": (("dari", 1),),
    "SYR": (("arab", 1),), "PSE": (("arab", 1),), "IRQ": (("arab", 1),), "YEM": (("arab", 1),),
    "UZB": (("uzbek", 1),), "TJK": (("tajik", 1),), "KGZ": (("kyrgyz", 1),),
    "CHN": (("uyghur", 1), ("kazakh", 1)), "RUS": (("russian", 3), ("chechen", 1)), "UKR": (("ukrainian", 1),),
}
STATELESS_CULTURES: dict[str, int] = {
    "russian": 20, "uzbek": 18, "kazakh": 18, "tajik": 7, "kyrgyz": 6, "chechen": 5, "ukrainian": 5,
    "uyghur": 4, "azeri": 4, "tatar": 4, "german": 4, "korean": 3,
}
UNDETERMINED_CULTURES: dict[str, int] = {
    "uzbek": 24, "kazakh": 20, "russian": 14, "tajik": 12, "kyrgyz": 10, "uyghur": 6, "chechen": 4,
    "azeri": 4, "tatar": 3, "ukrainian": 3,
}

_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}
_RUSSIFY = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
_IRREGULAR_PATRONYMICS = {"Илья": ("Ильич", "Ильинична"), "Пётр": ("Петрович", "Петровна"),
                          "Лев": ("Львович", "Львовна")}

# fmt: on


def latin(text: str) -> str:
    """A Cyrillic name as Kazakh documents write it in Latin letters (ICAO-style transliteration)."""
    out = []
    for char in text:
        mapped = _LATIN.get(char.lower())
        if mapped is None:
            out.append(char)
        else:
            out.append(mapped.capitalize() if char.isupper() else mapped)
    return "".join(out)


def russian_patronymic(father: str, female: bool) -> str:
    """The Russian-style patronymic (-ович/-овна, -евич/-евна) made from a father's given name."""
    name = father.translate(_RUSSIFY)
    if name in _IRREGULAR_PATRONYMICS:
        return _IRREGULAR_PATRONYMICS[name][female]
    if name.endswith("ий"):
        stem, ending = name[:-2] + "ь", "ев"
    elif name.endswith(("й", "ь")):
        stem, ending = name[:-1], "ев"
    elif name[-1] in "аяиоуеэыюжшчщц":
        stem, ending = name, "ев"
    else:
        stem, ending = name, "ов"
    return stem + ending + ("на" if female else "ич")


def patronymic(style: str, father: str, female: bool) -> str:
    if style == "kk":
        return father + ("қызы" if female else "ұлы")
    if style == "kg":
        return f"{father.translate(_RUSSIFY)} {'кызы' if female else 'уулу'}"
    if style == "az":
        return f"{father} {'кызы' if female else 'оглы'}"
    return russian_patronymic(father, female)


def female_family_name(name: str) -> str:
    """Russian-style family names take the feminine form; others (Ким, Шевченко, -зода) do not change."""
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    if name.endswith("ский"):
        return name[:-2] + "ая"
    return name


# --------------------------------------------------------------------------------------------
# The plan: plain data, compared by value (the same seed and day give equal plans)
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedName:
    kind: str
    script: str
    given_name: str
    family_name: str
    patronymic: str = ""


@dataclass(slots=True)
class PlannedAddress:
    region: str
    locality: str
    line: str
    phone: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(slots=True)
class PlannedDocument:
    type: str
    number: str
    issuing_country: str | None
    issuer: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(slots=True)
class PlannedEvent:
    kind: str
    effective: dt.date
    organisation: str
    application_type: str = ""
    reference: str = ""
    recorded_at: dt.datetime | None = None
    recorded_by: str | None = None
    supersedes: int | None = None  # index, in the person's events, of the event a retraction voids
    country: str = ""  # the nationality confirmed by a nationality_confirmed event


@dataclass(slots=True)
class PlannedNeed:
    code: str
    identified_on: dt.date
    identified_by: str
    closed_on: dt.date | None = None


@dataclass(slots=True)
class PlannedConsent:
    purpose: str
    legal_basis: str
    given_on: dt.date
    language: str
    taken_by: str
    withdrawn_on: dt.date | None = None


@dataclass(slots=True)
class PlannedPerson:
    organisation: str
    region: str
    sex: str
    birth_date: dt.date
    birth_date_precision: str
    birth_date_estimated: bool
    birth_place: str
    birth_country: str | None
    country_of_origin: str | None
    citizenship_status: str
    citizenship: str | None
    iin: str
    population_type: str
    registered_at: dt.datetime
    household: int
    relationship: str
    member_from: dt.date
    names: list[PlannedName]
    addresses: list[PlannedAddress]
    documents: list[PlannedDocument]
    events: list[PlannedEvent]
    needs: list[PlannedNeed]
    consents: list[PlannedConsent]


@dataclass(slots=True)
class PlannedHousehold:
    reference: str
    organisation: str


@dataclass
class DemoPlan:
    seed: int
    persons_requested: int
    today: dt.date
    households: list[PlannedHousehold]
    persons: list[PlannedPerson]

    def stock(self, as_of: dt.date) -> dict[str, int]:
        """The plan's own fold of the timeline (the database must agree)."""
        counts = Counter(population_on(p.events, as_of) for p in self.persons)
        return {code: counts.get(code, 0) for code in STOCK_2017}


def population_on(events: Sequence[PlannedEvent], day: dt.date) -> str:
    """Population type on `day` from a person's planned events (all known; retractions only void
    duplicated extensions, which change nothing)."""
    state = ""
    for event in events:
        if event.effective > day:
            break
        result = RESULTING_POPULATION[event.kind]
        if result is not None:
            state = result
    return state


# --------------------------------------------------------------------------------------------
# Small date helpers
# --------------------------------------------------------------------------------------------


def years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def months_later(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _current_region_codes(today: dt.date) -> tuple[str, ...]:
    return tuple(
        r.code
        for r in REGIONS
        if (r.valid_from is None or r.valid_from <= today) and (r.valid_to is None or today < r.valid_to)
    )


def organisation_regions(code: str, today: dt.date) -> tuple[str, ...]:
    regions = next(row[3] for row in ORGANISATIONS if row[0] == code)
    return _current_region_codes(today) if regions == ALL_REGIONS else tuple(regions)


MORTALITY = ((1, 0.008), (15, 0.0004), (40, 0.002), (50, 0.004), (60, 0.009), (70, 0.02), (80, 0.05), (200, 0.12))

# What may happen to a household after its status is settled: (kind, yearly rate, years in the
# status before it can happen, not before).
TRACKS: dict[str, tuple[tuple[str, float, int, dt.date | None], ...]] = {
    "REF": ((K.NATURALISED, 0.045, 5, None), (K.DEPARTED, 0.012, 0, None), (K.REFUGEE_CEASED, 0.003, 0, None)),
    "STA": ((K.NATURALISED, 0.008, 5, None), (K.NATIONALITY_CONFIRMED, 0.003, 0, None), (K.DEPARTED, 0.003, 0, None)),
    "UND": (
        (K.NATIONALITY_CONFIRMED, 0.13, 0, None),
        (K.STATELESS_DETERMINED, 0.14, 0, SDP_START),
        (K.NATURALISED, 0.008, 0, None),
        (K.DEPARTED, 0.008, 0, None),
    ),
    "OOC": ((K.DEPARTED, 0.05, 0, None), (K.NATURALISED, 0.02, 0, None)),
}
BIRTH_RATES = {"REF": 0.09, "STA": 0.03, "UND": 0.06, "OOC": 0.03}


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Member:
    relationship: str
    sex: str
    birth: dt.date
    precision: str
    estimated: bool
    given: Any  # a NameEntry (dari, arab) or a string
    family: Any  # (russian, latin, original) spellings, or a string (masculine form)
    father: Any
    born_here: bool = False  # born in Kazakhstan (birth place, birth certificate)
    own_path: bool = False  # a refugee child born here applies on its own
    path: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)
    start: dt.date | None = None  # member of the household from
    stays: bool = False  # no exit, no death (the persons a journey needs)
    birth_certificate: bool = False


@dataclass(slots=True)
class _House:
    culture: Culture
    origin: str
    nationality: str | None  # the citizenship held before any change (None: stateless/undetermined)
    citizenship_status: str
    owner: str
    index: int
    segments: list[tuple[str, str, dt.date, dt.date | None, str, str]]
    members: list[_Member]
    latin_share: float
    original_share: float
    group: str
    stays: bool = False
    births_room: int = 3


class _Planner:
    def __init__(self, persons: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.target = persons
        self.scale = persons / DEFAULT_PERSONS
        self.today = today
        self.horizon = today - _days(1)  # nothing is effective later than yesterday
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.cap_2017 = dt.datetime(2017, 1, 13, 17, 0, tzinfo=self.tz)
        self.cap_now = dt.datetime.combine(self.horizon, dt.time(18, 0), tzinfo=self.tz)
        self.households: list[PlannedHousehold] = []
        self.persons: list[PlannedPerson] = []
        self.counters: Counter[str] = Counter()
        self.localities_by_region: dict[str, list[tuple[str, str, str, int]]] = {}
        for row in LOCALITIES:
            self.localities_by_region.setdefault(row[1], []).append(row)

    # -- random helpers ---------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, weights: Mapping[Any, float] | Sequence[tuple[Any, float]]) -> Any:
        pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        return self.rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + _days(self.rng.randint(0, (end - start).days))

    def after(self, day: dt.date, low: int, high: int) -> dt.date:
        return day + _days(self.rng.randint(low, high))

    def in_years(self, weights: Mapping[int, float], low: dt.date, high: dt.date) -> dt.date:
        # The years after the last one listed continue at its rate, so a demo loaded in a later year still
        # has recent arrivals (and open claims) whatever the day it is loaded.
        last = max(weights)
        weights = {**weights, **dict.fromkeys(range(last + 1, high.year + 1), weights[last])}
        usable = {y: w for y, w in weights.items() if low.year <= y <= high.year}
        year = self.pick(usable)
        return self.between(max(low, dt.date(year, 1, 1)), min(high, dt.date(year, 12, 31)))

    def n(self, figure: int) -> int:
        return round(figure * self.scale)

    def serial(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    # -- the whole registry -----------------------------------------------------------------

    def plan(self) -> DemoPlan:
        self.refugees_2017()
        self.fill(self.n(STOCK_2017["ASY"]), self.asylum_2017)
        self.fill(self.n(STOCK_2017["STA"]), self.stateless_2017)
        self.fill(self.n(STOCK_2017["UND"]), self.undetermined_2017)
        self.fill(self.n(STOCK_2017["OOC"]), self.other_2017)
        self.fill(self.n(PAST_EXITS["asylum"]), self.past_asylum)
        self.fill(self.n(PAST_EXITS["refugee"]), self.past_refugee)
        self.fill(self.n(PAST_EXITS["stateless"]), self.past_stateless)
        self.fill(self.n(PAST_EXITS["undetermined"]), self.past_undetermined)
        new = {"asylum": self.new_asylum, "stateless": self.new_stateless, "undetermined": self.new_undetermined}
        while len(self.persons) < self.target:
            kind = self.pick(NEW_HOUSEHOLD_KINDS)
            new[kind](self.target - len(self.persons))
        plan = DemoPlan(self.seed, self.target, self.today, self.households, self.persons)
        if self.target == DEFAULT_PERSONS:
            figures = plan.stock(REFERENCE_DAY)
            if figures != STOCK_2017:  # a bug in this module, never a property of the seed
                raise AssertionError(f"demo plan gives {figures} on {REFERENCE_DAY}, not {STOCK_2017}")
        return plan

    def fill(self, target: int, make: Callable[[int], int]) -> None:
        made = 0
        while made < target:
            made += make(target - made)

    # -- groups in stock on the reference day -----------------------------------------------

    def refugees_2017(self) -> None:
        total = self.n(STOCK_2017["REF"])
        origins = [(country, self.n(count)) for country, count in REFUGEE_ORIGINS_2017]
        origins[0] = ("AFG", total - sum(c for _, c in origins[1:]))
        for country, count in origins:
            made = self.pavlodar_ahmadi(count) if country == "AFG" else 0
            while made < count:
                made += self.refugee_2017(country, count - made)

    def refugee_2017(self, origin: str, limit: int, forced: dict[str, Any] | None = None) -> int:
        forced = forced or {}
        years = {
            2003: 1,
            2004: 1,
            2005: 3,
            2006: 3,
            2007: 2,
            2008: 2,
            2009: 3,
            2010: 6,
            2011: 7,
            2012: 8,
            2013: 9,
            2014: 10,
            2015: 10,
            2016: 6,
        }
        application = forced.get("application") or self.in_years(years, dt.date(2003, 1, 1), dt.date(2016, 8, 31))
        variant = self.rng.random() if not forced else 1.0
        path: list[tuple[str, dt.date, dict[str, Any]]] = []
        if variant < 0.08 and application <= dt.date(2015, 6, 30):
            rejected = self.after(application, 90, 240)
            appeal = self.after(rejected, 10, 30)
            granted = min(self.after(appeal, 60, 240), dt.date(2016, 12, 20))
            path = [
                (K.ASYLUM_APPLICATION, application, {"application_type": "first"}),
                (K.ASYLUM_REJECTED, rejected, {}),
                (K.APPEAL_LODGED, appeal, {}),
                (K.REFUGEE_GRANTED, granted, {}),
            ]
        elif variant < 0.12 and application >= dt.date(2006, 1, 1):
            first = application - _days(self.rng.randint(400, 1400))
            closed = self.after(first, 30, 200)
            granted = min(self.after(application, 60, 330), dt.date(2016, 12, 20))
            path = [
                (K.ASYLUM_APPLICATION, first, {"application_type": "first"}),
                (K.CLAIM_CLOSED, closed, {}),
                (K.ASYLUM_APPLICATION, application, {"application_type": "repeat"}),
                (K.REFUGEE_GRANTED, granted, {}),
            ]
        else:
            granted = forced.get("granted") or min(self.after(application, 60, 330), dt.date(2016, 12, 20))
            path = [
                (K.ASYLUM_APPLICATION, application, {"application_type": "first"}),
                (K.REFUGEE_GRANTED, granted, {}),
            ]

        def born_here_path(birth: dt.date) -> list[tuple[str, dt.date, dict[str, Any]]]:
            applied = self.after(birth, 20, 90)
            return [
                (K.ASYLUM_APPLICATION, applied, {"application_type": "first"}),
                (K.REFUGEE_GRANTED, min(self.after(applied, 30, 120), dt.date(2016, 12, 20)), {}),
            ]

        return self.household(
            group="REF",
            origin=origin,
            limit=limit,
            anchor=path[0][1],
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 22, 2: 10, 3: 14, 4: 17, 5: 15, 6: 11, 7: 7, 8: 4},
            born_here_until=dt.date(2016, 6, 30),
            born_here_path=born_here_path,
            forced=forced,
        )

    def pavlodar_ahmadi(self, limit: int) -> int:
        """Namesakes in Pavlodar for the search journey: three Afghan refugee households named Ахмади;
        the first head's refugee certificate expires ten days from today."""
        if limit < 8:
            return 0
        expiry = self.today + _days(10)
        last_extension = years_later(expiry + _days(1), -1)
        granted = dt.date(2014, last_extension.month, min(last_extension.day, 28))
        specs = (
            ("Мухаммад", "Абдулла", dt.date(1986, 3, 12), "day", 4, granted),
            ("Мухаммад", "Наджиб", dt.date(1979, 1, 1), "year", 3, dt.date(2013, 9, 24)),
            ("Ахмад", "Мухаммад", dt.date(1992, 8, 1), "month", 1, dt.date(2015, 4, 8)),
        )
        made = 0
        for given, father, birth, precision, size, grant in specs:
            made += self.refugee_2017(
                "AFG",
                limit - made,
                forced={
                    "given": _entry(DARI_MALE, given),
                    "father": _entry(DARI_MALE, father),
                    "family": _entry(DARI_FAMILY, "Ахмади"),
                    "birth": birth,
                    "precision": precision,
                    "size": size,
                    "locality": "Павлодар",
                    "application": grant - _days(self.rng.randint(120, 200)),
                    "granted": grant,
                },
            )
        return made

    def asylum_2017(self, limit: int) -> int:
        origin = self.pick({"AFG": 55, "SYR": 8, "UZB": 10, "PAK": 4, "IRQ": 4, "CHN": 8, "TJK": 6, "YEM": 5})
        if self.chance(0.75):
            applied = self.between(dt.date(2016, 3, 1), dt.date(2016, 12, 20))
            path = [(K.ASYLUM_APPLICATION, applied, {"application_type": "first"})]
            decided = max(self.after(applied, 90, 365), self.after(dt.date(2017, 1, 2), 0, 90))
            path += self.decision(decided, grant_rate=0.55)
        else:
            applied = self.between(dt.date(2015, 1, 1), dt.date(2016, 4, 30))
            rejected = min(self.after(applied, 90, 240), dt.date(2016, 11, 30))
            appeal = min(self.after(rejected, 10, 30), dt.date(2016, 12, 20))
            path = [
                (K.ASYLUM_APPLICATION, applied, {"application_type": "first"}),
                (K.ASYLUM_REJECTED, rejected, {}),
                (K.APPEAL_LODGED, appeal, {}),
            ]
            outcome = self.after(max(appeal, dt.date(2017, 1, 2)), 30, 200)
            path.append((K.REFUGEE_GRANTED if self.chance(0.3) else K.APPEAL_REJECTED, outcome, {}))
        return self.household(
            group="ASY",
            origin=origin,
            limit=limit,
            anchor=path[0][1],
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 45, 2: 15, 3: 15, 4: 12, 5: 8, 6: 5},
        )

    def decision(self, decided: dt.date, grant_rate: float) -> list[tuple[str, dt.date, dict[str, Any]]]:
        """First-instance decision on `decided`, and an appeal after a rejection."""
        roll = self.rng.random()
        if roll < grant_rate:
            return [(K.REFUGEE_GRANTED, decided, {})]
        if roll < grant_rate + (1 - grant_rate) * 0.25:
            return [(K.CLAIM_CLOSED, decided, {})]
        path = [(K.ASYLUM_REJECTED, decided, {})]
        if self.chance(0.4):
            appeal = self.after(decided, 10, 30)
            path.append((K.APPEAL_LODGED, appeal, {}))
            path.append((K.REFUGEE_GRANTED if self.chance(0.2) else K.APPEAL_REJECTED, self.after(appeal, 60, 200), {}))
        return path

    def stateless_2017(self, limit: int) -> int:
        years = {y: (3 if y <= 2000 else 5 if y <= 2008 else 6) for y in range(1996, 2017)}
        determined = self.in_years(years, dt.date(1996, 1, 1), dt.date(2016, 12, 15))
        path = []
        if self.chance(0.2) and determined >= dt.date(2012, 1, 1):
            identified = determined - _days(self.rng.randint(200, 1500))
            if identified >= dt.date(2011, 1, 1):
                path.append((K.UNDETERMINED_IDENTIFIED, identified, {"organisation": "ngo"}))
        path.append((K.STATELESS_DETERMINED, determined, {}))
        if self.chance(0.25):
            permit = self.after(determined, 30, 2000)
            if permit <= dt.date(2016, 12, 20):
                path.append((K.RESIDENCE_PERMIT, permit, {}))
        return self.household(
            group="STA",
            culture=self.pick(STATELESS_CULTURES),
            limit=limit,
            anchor=path[0][1],
            path=path,
            owner="mlsp",
            regions=STATELESS_REGIONS,
            sizes={1: 42, 2: 24, 3: 18, 4: 11, 5: 5},
            head_age=(20, 62),
            since_years=8,
        )

    def undetermined_2017(self, limit: int) -> int:
        owner = "kibhr" if self.chance(0.6) else "sana-sezim"
        years = {2011: 3, 2012: 5, 2013: 8, 2014: 10, 2015: 12, 2016: 12}
        identified = self.in_years(years, dt.date(2011, 1, 1), dt.date(2016, 12, 15))
        path = [(K.UNDETERMINED_IDENTIFIED, identified, {})]
        return self.household(
            group="UND",
            culture=self.pick(UNDETERMINED_CULTURES),
            limit=limit,
            anchor=identified,
            path=path,
            owner=owner,
            regions=STATELESS_REGIONS,
            sizes={1: 38, 2: 20, 3: 20, 4: 14, 5: 8},
            head_age=(18, 70),
            since_years=10,
            female_head=0.75 if owner == "sana-sezim" else 0.3,
        )

    def other_2017(self, limit: int) -> int:
        origin = self.pick({"AFG": 3, "UZB": 1})
        recorded = self.between(dt.date(2014, 1, 1), dt.date(2016, 11, 30))
        path = [(K.OTHER_OF_CONCERN, recorded, {})]
        return self.household(
            group="OOC",
            origin=origin,
            limit=limit,
            anchor=recorded,
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 2, 2: 1},
        )

    # -- persons who had left every stock before the reference day --------------------------

    def past_asylum(self, limit: int) -> int:
        origin = self.pick(
            {"AFG": 40, "UZB": 15, "TJK": 10, "KGZ": 5, "SYR": 8, "PAK": 6, "IRN": 4, "CHN": 6, "IRQ": 6}
        )
        applied = self.between(dt.date(2005, 1, 1), dt.date(2015, 6, 30))
        path = [(K.ASYLUM_APPLICATION, applied, {"application_type": "first"})]
        decided = self.after(applied, 60, 300)
        if self.chance(0.5):
            path.append((K.CLAIM_CLOSED, decided, {}))
        else:
            path.append((K.ASYLUM_REJECTED, decided, {}))
            if self.chance(0.4):
                appeal = self.after(decided, 10, 30)
                path += [(K.APPEAL_LODGED, appeal, {}), (K.APPEAL_REJECTED, self.after(appeal, 60, 200), {})]
        if self.chance(0.12):  # a repeat application after the reference day
            again = self.between(dt.date(2017, 3, 1), dt.date(2023, 12, 31))
            path.append((K.ASYLUM_APPLICATION, again, {"application_type": "repeat"}))
            path += self.decision(self.after(again, 90, 365), grant_rate=0.4)
        return self.household(
            group="EXIT",
            origin=origin,
            limit=limit,
            anchor=applied,
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 50, 2: 15, 3: 15, 4: 12, 5: 8},
        )

    def past_refugee(self, limit: int) -> int:
        origin = self.pick({"AFG": 85, "UZB": 10, "IRQ": 5})
        applied = self.between(dt.date(2003, 1, 1), dt.date(2011, 12, 31))
        granted = self.after(applied, 60, 330)
        exit_on = self.between(years_later(granted, 2), dt.date(2016, 12, 15))
        kind = self.pick({K.NATURALISED: 55, K.DEPARTED: 35, K.REFUGEE_CEASED: 10})
        path = [(K.ASYLUM_APPLICATION, applied, {"application_type": "first"}), (K.REFUGEE_GRANTED, granted, {})]
        path += [(K.REFUGEE_EXTENDED, day, {}) for day in _anniversaries(granted, exit_on - _days(1))]
        if kind == K.NATURALISED:
            permit = exit_on - _days(self.rng.randint(200, 700))
            if permit > path[-1][1]:
                path.append((K.RESIDENCE_PERMIT, permit, {}))
        path.append((kind, exit_on, {}))
        return self.household(
            group="EXIT",
            origin=origin,
            limit=limit,
            anchor=applied,
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 25, 2: 10, 3: 15, 4: 20, 5: 15, 6: 10},
        )

    def past_stateless(self, limit: int) -> int:
        determined = self.between(dt.date(1996, 1, 1), dt.date(2010, 12, 31))
        exit_on = self.between(years_later(determined, 3), dt.date(2016, 12, 15))
        kind = self.pick({K.NATURALISED: 85, K.DEPARTED: 15})
        path = [(K.STATELESS_DETERMINED, determined, {}), (kind, exit_on, {})]
        return self.household(
            group="EXIT",
            culture=self.pick(STATELESS_CULTURES),
            limit=limit,
            anchor=determined,
            path=path,
            owner="mlsp",
            regions=STATELESS_REGIONS,
            sizes={1: 45, 2: 25, 3: 20, 4: 10},
            head_age=(20, 70),
            since_years=8,
        )

    def past_undetermined(self, limit: int) -> int:
        owner = "kibhr" if self.chance(0.6) else "sana-sezim"
        identified = self.between(dt.date(2011, 1, 1), dt.date(2015, 12, 31))
        exit_on = self.between(identified + _days(90), dt.date(2016, 12, 15))
        kind = self.pick({K.NATIONALITY_CONFIRMED: 85, K.DEPARTED: 15})
        path = [(K.UNDETERMINED_IDENTIFIED, identified, {}), (kind, exit_on, {})]
        return self.household(
            group="EXIT",
            culture=self.pick(UNDETERMINED_CULTURES),
            limit=limit,
            anchor=identified,
            path=path,
            owner=owner,
            regions=STATELESS_REGIONS,
            sizes={1: 50, 2: 25, 3: 15, 4: 10},
            head_age=(18, 65),
            since_years=10,
        )

    # -- households registered after the reference day -------------------------------------

    def new_asylum(self, limit: int) -> int:
        years = {2017: 8, 2018: 11, 2019: 9, 2020: 4, 2021: 13, 2022: 16, 2023: 10, 2024: 8, 2025: 7, 2026: 6}
        applied = self.in_years(years, dt.date(2017, 1, 2), self.horizon)
        if applied.year <= 2020:
            origin = self.pick(
                {"AFG": 45, "CHN": 18, "SYR": 8, "UZB": 8, "TJK": 5, "YEM": 4, "IRQ": 4, "PAK": 4, "IRN": 4}
            )
        else:
            origin = self.pick(
                {"AFG": 70, "RUS": 10, "UKR": 3, "SYR": 4, "CHN": 3, "UZB": 3, "TJK": 3, "PAK": 2, "IRN": 2}
            )
        grant_rate = {"AFG": 0.7, "SYR": 0.8, "YEM": 0.6, "IRQ": 0.5, "CHN": 0.3, "RUS": 0.1, "UKR": 0.4}.get(
            origin, 0.35
        )
        path = [(K.ASYLUM_APPLICATION, applied, {"application_type": "first"})]
        path += self.decision(self.after(applied, 90, 365), grant_rate)
        return self.household(
            group="NEW",
            origin=origin,
            limit=limit,
            anchor=applied,
            path=path,
            owner="mlsp",
            regions=REFUGEE_REGIONS,
            sizes={1: 40, 2: 14, 3: 14, 4: 14, 5: 10, 6: 8},
        )

    def new_stateless(self, limit: int) -> int:
        years = {2017: 3, 2018: 3, 2019: 3, 2020: 6, 2021: 12, 2022: 12, 2023: 11, 2024: 10, 2025: 9, 2026: 7}
        determined = self.in_years(years, dt.date(2017, 3, 1), self.horizon)
        owner, path = "mlsp", []
        if self.chance(0.3):
            identified = determined - _days(self.rng.randint(150, 900))
            if identified > dt.date(2017, 1, 2):
                owner = "kibhr" if self.chance(0.6) else "sana-sezim"
                path.append((K.UNDETERMINED_IDENTIFIED, identified, {}))
        path.append((K.STATELESS_DETERMINED, determined, {}))
        return self.household(
            group="NEW",
            culture=self.pick(STATELESS_CULTURES),
            limit=limit,
            anchor=path[0][1],
            path=path,
            owner=owner,
            regions=STATELESS_REGIONS,
            sizes={1: 45, 2: 25, 3: 18, 4: 12},
            head_age=(18, 70),
            since_years=10,
        )

    def new_undetermined(self, limit: int) -> int:
        owner = "kibhr" if self.chance(0.6) else "sana-sezim"
        years = {2017: 10, 2018: 10, 2019: 9, 2020: 5, 2021: 7, 2022: 7, 2023: 7, 2024: 6, 2025: 5, 2026: 4}
        identified = self.in_years(years, dt.date(2017, 1, 2), self.horizon)
        path = [(K.UNDETERMINED_IDENTIFIED, identified, {})]
        return self.household(
            group="NEW",
            culture=self.pick(UNDETERMINED_CULTURES),
            limit=limit,
            anchor=identified,
            path=path,
            owner=owner,
            regions=STATELESS_REGIONS,
            sizes={1: 40, 2: 20, 3: 20, 4: 12, 5: 8},
            head_age=(18, 65),
            since_years=10,
            female_head=0.75 if owner == "sana-sezim" else 0.3,
        )

    # -- one household ----------------------------------------------------------------------

    def household(
        self,
        *,
        group: str,
        limit: int,
        anchor: dt.date,
        path: list[tuple[str, dt.date, dict[str, Any]]],
        owner: str,
        regions: Mapping[str, int],
        sizes: Mapping[int, int],
        origin: str = "",
        culture: str = "",
        head_age: tuple[int, int] = (20, 55),
        since_years: int = 0,
        female_head: float = 0.12,
        born_here_until: dt.date | None = None,
        born_here_path: Callable[[dt.date], list[tuple[str, dt.date, dict[str, Any]]]] | None = None,
        forced: dict[str, Any] | None = None,
    ) -> int:
        """Plan one household whose members present at `anchor` share `path`; return how many persons
        it adds to the group (children born after the reference day are not counted)."""
        forced = forced or {}
        rng = self.rng
        if not culture:
            culture = self.pick(ORIGIN_CULTURES[origin])
        kind = CULTURES[culture]
        if not origin:
            origin = self.pick(kind.origins)
        if path[0][0] in (K.ASYLUM_APPLICATION, K.OTHER_OF_CONCERN):
            nationality: str | None = None if origin == "PSE" else origin
            citizenship_status = "stateless" if origin == "PSE" else "country"
        elif path[0][0] == K.UNDETERMINED_IDENTIFIED:
            nationality, citizenship_status = None, "undetermined"
        else:
            nationality, citizenship_status = None, "stateless"
        size = min(forced.get("size") or self.pick(sizes), limit)

        # Address history: where the household lives, from when.
        if owner in NGOS:
            covered = set(organisation_regions(owner, self.today))
            regions = {code: w for code, w in regions.items() if code in covered}
        since = anchor - _days(rng.randint(0, 60))
        if since_years:
            since = anchor - _days(rng.randint(0, since_years * 365))
        since = max(since, dt.date(1992, 1, 1))

        members = self.compose(kind, size, anchor, head_age, female_head, born_here_until, forced)
        head = members[0]
        since = max(since, years_later(head.birth, 16))
        if since > anchor:
            since = anchor
        segments = self.address_history(since, regions, forced.get("locality"), moves=not forced)
        for ngo_event in (i for i, (k, _, extra) in enumerate(path) if extra.get("organisation") == "ngo"):
            final = segments[-1][0]
            ngo = (
                "sana-sezim"
                if final in organisation_regions("sana-sezim", self.today) and self.chance(0.4)
                else "kibhr"
            )
            k, day, extra = path[ngo_event]
            path[ngo_event] = (k, day, {**extra, "organisation": ngo})

        for member in members:
            member.start = max(since, member.birth)
            member.born_here = member.born_here or (member.relationship == "child" and member.birth > since)
            if member.own_path and born_here_path is not None:
                member.path = born_here_path(member.birth)
            else:
                member.path = list(path)
        house = _House(
            culture=kind,
            origin=origin,
            nationality=nationality,
            citizenship_status=citizenship_status,
            owner=owner,
            index=len(self.households),
            segments=segments,
            members=members,
            latin_share=1.0 if forced else kind.latin_share,
            original_share=1.0 if forced else kind.original_share,
            group=group,
            stays=bool(forced),
            births_room=limit - len(members) if group == "NEW" else 3,
        )
        self.households.append(PlannedHousehold(f"HH-{anchor.year}-{len(self.households) + 1:05d}", owner))
        founders = len(members)
        self.finish(house)  # appends the children born after the reference day
        return founders

    def compose(
        self,
        culture: Culture,
        size: int,
        anchor: dt.date,
        head_age: tuple[int, int],
        female_head: float,
        born_here_until: dt.date | None,
        forced: dict[str, Any],
    ) -> list[_Member]:
        rng = self.rng
        head_sex = "M" if forced or not self.chance(female_head) else "F"
        if forced.get("birth"):
            head_birth = forced["birth"]
        else:
            head_birth = anchor - _days(rng.randint(head_age[0] * 365 + 30, head_age[1] * 365 + 300))
        family = forced.get("family") or self.family_name(culture)
        head = self.member(
            culture,
            "head",
            head_sex,
            head_birth,
            family,
            forced.get("father"),
            forced.get("given"),
            forced.get("precision"),
        )
        members = [head]
        spouse = None
        if size >= 2 and (forced or self.chance(0.8)):
            if head_sex == "M":
                birth = head_birth + _days(rng.randint(0, 10 * 365))
                birth = min(birth, anchor - _days(18 * 365 + 30))
            else:
                birth = head_birth - _days(rng.randint(0, 8 * 365))
            spouse_family = family if culture.kind == "cyrl" or self.chance(0.7) else self.family_name(culture)
            spouse = self.member(culture, "spouse", "F" if head_sex == "M" else "M", birth, spouse_family, None)
            members.append(spouse)
        mother = head if head_sex == "F" else spouse
        father = head if head_sex == "M" else spouse
        base = (mother or head).birth
        birth = years_later(base, rng.randint(18, 24)) + _days(rng.randint(0, 300))
        limit = anchor - _days(90)
        while len(members) < size:
            born_here = False
            if birth > limit:
                if born_here_until is None or birth > born_here_until or birth < anchor + _days(100):
                    break
                born_here = True
            sex = "M" if self.chance(0.51) else "F"
            father_given = father.given if father else None
            child = self.member(culture, "child", sex, birth, family, father_given, born_here=born_here)
            child.own_path = born_here
            members.append(child)
            birth = birth + _days(rng.randint(400, 1500))
        if len(members) < size and spouse is None and head.birth < anchor - _days(40 * 365) and self.chance(0.3):
            parent_birth = head.birth - _days(rng.randint(20 * 365, 30 * 365))
            if parent_birth > dt.date(1925, 1, 1):
                members.append(self.member(culture, "parent", "F", parent_birth, family, None))
        return members

    def family_name(self, culture: Culture) -> Any:
        if culture.kind == "dari":
            return self.rng.choice(DARI_FAMILY)
        if culture.kind == "arab":
            return self.rng.choice(ARAB_FAMILY)
        return self.rng.choice(CULTURE_DATA[culture.code][2])

    def member(
        self,
        culture: Culture,
        relationship: str,
        sex: str,
        birth: dt.date,
        family: Any,
        father: Any,
        given: Any = None,
        precision: str | None = None,
        born_here: bool = False,
    ) -> _Member:
        if culture.kind in ("dari", "arab"):
            males, females = (DARI_MALE, DARI_FEMALE) if culture.kind == "dari" else (ARAB_MALE, ARAB_FEMALE)
        else:
            males, females = CULTURE_DATA[culture.code][0], CULTURE_DATA[culture.code][1]
        given = given or self.rng.choice(males if sex == "M" else females)
        father = father or self.rng.choice(males)
        if precision is None:
            if born_here:
                precision = "day"
            else:
                uncertain = {"dari": 0.3, "arab": 0.1}.get(culture.kind, 0.08)
                roll = self.rng.random()
                precision = "year" if roll < uncertain else "month" if roll < uncertain + 0.08 else "day"
        estimated = precision == "year"
        if precision == "year":
            birth = dt.date(birth.year, 1, 1)
        elif precision == "month":
            birth = dt.date(birth.year, birth.month, 1)
        return _Member(relationship, sex, birth, precision, estimated, given, family, father, born_here=born_here)

    def address_history(
        self,
        since: dt.date,
        regions: Mapping[str, int],
        locality: str | None,
        moves: bool = True,
    ) -> list[tuple[str, str, dt.date, dt.date | None, str, str]]:
        first = _locality(locality) if locality else self.locality(regions)
        pieces: list[tuple[tuple[str, str, str, int], dt.date, dt.date | None]] = [(first, since, None)]
        if moves and self.chance(0.06) and since < self.horizon - _days(800):
            moved = self.between(since + _days(365), self.horizon - _days(30))
            second = self.locality(regions)
            if second[0] != first[0]:
                pieces = [(first, since, moved), (second, moved, None)]
        segments = []
        for (name, final, before, _weight), start, end in pieces:
            line = self.street_line(name)
            phone = self.phone() if self.chance(0.6) else ""
            if before:
                change = SPLIT_2018 if before == "KZ-YUZ" else SPLIT_2022
                if start < change:
                    if change > self.today:  # (a demo dated before the change)
                        segments.append((before, name, start, end, line, phone))
                        continue
                    segments.append((before, name, start, change if end is None or end > change else end, line, phone))
                    if end is None or end > change:
                        segments.append((final, name, change, end, line, phone))
                    continue
            segments.append((final, name, start, end, line, phone))
        return segments

    def locality(self, regions: Mapping[str, int]) -> tuple[str, str, str, int]:
        region = self.pick(regions)
        rows = self.localities_by_region[region]
        return self.pick([(row, row[3]) for row in rows])

    def street_line(self, locality: str) -> str:
        line = f"ул. {self.rng.choice(STREETS)}, д. {self.rng.randint(1, 180)}"
        if self.chance(0.6):
            line += f", кв. {self.rng.randint(1, 120)}"
        return line

    def phone(self) -> str:
        operator = self.rng.choice(("701", "702", "705", "707", "747", "771", "775", "777", "778"))
        return f"+7 {operator} {self.rng.randint(100, 999)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}"

    # -- timelines --------------------------------------------------------------------------

    def finish(self, house: _House) -> None:
        """Timelines after the shared path: what happened to the household later, deaths, births."""
        members = house.members
        path_end = max(m.path[-1][1] for m in members)
        head_state = _fold_path(members[0].path)
        entry = next((day for kind, day, _ in reversed(members[0].path) if RESULTING_POPULATION[kind]), path_end)
        track = [] if house.stays else self.track(head_state, max(path_end, REFERENCE_DAY) + _days(1), entry)
        timelines = []
        for member in members:
            timelines.append(self.timeline(house, member, track))
        # Children born to persons of concern after the reference day.
        mother_index = next(
            (i for i, m in enumerate(members) if m.sex == "F" and m.relationship in ("head", "spouse")), None
        )
        has_couple = sum(1 for m in members if m.relationship in ("head", "spouse")) == 2
        if mother_index is not None and has_couple and not house.stays:
            mother = members[mother_index]
            last_birth = max((m.birth for m in members if m.relationship == "child"), default=dt.date(1900, 1, 1))
            births = 0
            for year in range(2017, self.horizon.year + 1):
                if births >= min(3, house.births_room) or not 19 <= year - mother.birth.year <= 42:
                    continue
                state = population_on(timelines[mother_index], dt.date(year, 7, 1))
                if state not in BIRTH_RATES or not self.chance(BIRTH_RATES[state]):
                    continue
                low = max(dt.date(year, 1, 2), last_birth + _days(300))
                high = min(dt.date(year, 12, 31), self.horizon - _days(1))
                if low > high:
                    continue
                born = self.between(low, high)
                later = min(born + _days(300), self.horizon)
                state = population_on(timelines[mother_index], born)
                if state not in BIRTH_RATES or population_on(timelines[mother_index], later) != state:
                    continue
                child = self.newborn(house, members, born, state)
                members.append(child)
                timelines.append(self.timeline(house, child, track))
                last_birth, births = born, births + 1
        for member, events in zip(members, timelines, strict=True):
            self.emit(house, member, events)

    def newborn(self, house: _House, members: list[_Member], born: dt.date, state: str) -> _Member:
        father = next((m for m in members if m.sex == "M" and m.relationship in ("head", "spouse")), members[0])
        sex = "M" if self.chance(0.51) else "F"
        child = self.member(house.culture, "child", sex, born, members[0].family, father.given, born_here=True)
        child.start = born
        if state == "REF":
            applied = self.after(born, 20, 120)
            child.path = [
                (K.ASYLUM_APPLICATION, applied, {"application_type": "first"}),
                (K.REFUGEE_GRANTED, self.after(applied, 30, 150), {}),
            ]
            child.birth_certificate = self.chance(0.9)
        elif state == "STA":
            if self.chance(0.45):
                child.path = [(K.STATELESS_DETERMINED, self.after(born, 60, 280), {})]
            child.birth_certificate = self.chance(0.8)
        elif state == "UND":
            child.path = [(K.UNDETERMINED_IDENTIFIED, self.after(born, 30, 280), {})]
            child.birth_certificate = self.chance(0.55)
        else:
            child.birth_certificate = self.chance(0.8)
        return child

    def track(self, state: str, start: dt.date, entry: dt.date) -> list[tuple[str, dt.date]]:
        """What happens to a household in `state` from `start`: competing yearly risks."""
        events: list[tuple[str, dt.date]] = []
        while state in TRACKS:
            best: tuple[str, dt.date] | None = None
            for kind, rate, min_years, not_before in TRACKS[state]:
                earliest = max(start, years_later(entry, min_years), not_before or start)
                day = earliest + _days(int(self.rng.expovariate(rate) * 365.25))
                if best is None or day < best[1]:
                    best = (kind, day)
            assert best is not None
            kind, day = best
            if day > self.horizon:
                break
            if kind == K.NATURALISED:
                permit = day - _days(self.rng.randint(200, 900))
                if permit > start:
                    events.append((K.RESIDENCE_PERMIT, permit))
            events.append((kind, day))
            state = RESULTING_POPULATION[kind] or ""
            start = entry = day + _days(1)
        return events

    def timeline(self, house: _House, member: _Member, track: list[tuple[str, dt.date]]) -> list[PlannedEvent]:
        """The member's own path, then yearly extensions, the household's track and a death, each kept
        only where the transition rules allow it (an extension after naturalisation is dropped)."""
        events: list[PlannedEvent] = []
        state, last_kind, last_day = "", None, None
        for kind, day, extra in member.path:
            if day > self.horizon:
                break
            _check(kind, state, last_kind, last_day, day)
            organisation = extra.get("organisation") or self.event_organisation(house, kind)
            events.append(PlannedEvent(kind, day, organisation, application_type=extra.get("application_type", "")))
            if RESULTING_POPULATION[kind] is not None:
                state, last_kind = RESULTING_POPULATION[kind] or "", kind
            last_day = day
        if last_day is None:
            return events
        later: list[tuple[str, dt.date, int]] = []
        grant = next((e.effective for e in reversed(events) if e.kind == K.REFUGEE_GRANTED), None)
        if state == "REF" and grant is not None:
            later += [(K.REFUGEE_EXTENDED, day, 1) for day in _anniversaries(grant, self.horizon)]
        later += [(kind, day, 0) for kind, day in track]
        if not member.stays and not house.stays:
            death = self.death(member.birth, max(last_day, REFERENCE_DAY) + _days(1))
            if death is not None:
                later.append((K.DIED, death, 2))
        for kind, day, _order in sorted(later, key=lambda item: (item[1], item[2])):
            if state == "":
                break  # left every stock (naturalised, departed, died): the household's later events are not theirs
            if day <= last_day or day > self.horizon:
                continue
            if check_step(kind, state, last_kind) is not None:
                continue
            events.append(PlannedEvent(kind, day, self.event_organisation(house, kind)))
            if RESULTING_POPULATION[kind] is not None:
                state, last_kind = RESULTING_POPULATION[kind] or "", kind
            last_day = day
        return events

    def death(self, birth: dt.date, start: dt.date) -> dt.date | None:
        for year in range(start.year, self.horizon.year + 1):
            age = year - birth.year
            rate = next(rate for limit, rate in MORTALITY if age < limit)
            if self.chance(rate):
                day = self.between(max(start, dt.date(year, 1, 1)), min(self.horizon, dt.date(year, 12, 31)))
                return day if day >= start else None
        return None

    def event_organisation(self, house: _House, kind: str) -> str:
        if house.owner in NGOS and kind in (K.UNDETERMINED_IDENTIFIED, K.NATIONALITY_CONFIRMED, K.DEPARTED, K.DIED):
            return house.owner
        return "mlsp"

    # -- one person -------------------------------------------------------------------------

    def emit(self, house: _House, member: _Member, events: list[PlannedEvent]) -> None:
        rng = self.rng
        segments = _clip(house.segments, member.start or member.birth)
        self.stamp(events, segments)
        population = population_on(events, self.today)

        citizenship_status, citizenship = house.citizenship_status, house.nationality
        origin = house.origin
        if member.born_here and not events and citizenship_status == "stateless":
            citizenship_status, citizenship = "country", "KAZ"  # child of stateless permanent residents: a citizen
        for event in events:
            if event.kind == K.NATURALISED:
                citizenship_status, citizenship = "country", "KAZ"
            elif event.kind == K.NATIONALITY_CONFIRMED:
                event.country = origin if origin else "KAZ"
                citizenship_status, citizenship = "country", event.country
            elif event.kind == K.STATELESS_DETERMINED:
                citizenship_status, citizenship = "stateless", None
            elif event.kind == K.UNDETERMINED_IDENTIFIED:
                citizenship_status, citizenship = "undetermined", None

        if member.born_here:
            birth_place = _region_at(segments, member.birth)[1]
            birth_country = "KAZ"
        else:
            birth_country = origin or None
            birth_place = rng.choice(BIRTH_PLACES.get(birth_country or "", ("",))) if rng.random() < 0.85 else ""

        documents = self.documents(house, member, events, segments)
        iin = ""
        # An IIN comes with a Kazakh document (most holders of one have it); it encodes the exact birth date.
        wants_iin = {"stateless_cert": 0.85, "refugee_cert": 0.6, "national_id": 1.0, "birth_cert": 1.0}
        with_document = any(d.issuing_country == "KAZ" and rng.random() < wants_iin.get(d.type, 0.0) for d in documents)
        undocumented = citizenship_status == "undetermined" and self.chance(0.03)
        if member.precision == "day" and (with_document or undocumented):
            iin = self.iin(member.birth, member.sex)

        names = self.names(house, member)
        registered_at = (
            events[0].recorded_at
            if events
            else dt.datetime.combine(
                min(member.birth + _days(rng.randint(20, 90)), self.horizon), dt.time(11, 0), tzinfo=self.tz
            )
        )
        self.persons.append(
            PlannedPerson(
                organisation=house.owner,
                region=segments[-1][0],
                sex=member.sex,
                birth_date=member.birth,
                birth_date_precision=member.precision,
                birth_date_estimated=member.estimated,
                birth_place=birth_place,
                birth_country=birth_country,
                country_of_origin=origin or None,
                citizenship_status=citizenship_status,
                citizenship=citizenship if citizenship_status == "country" else None,
                iin=iin,
                population_type=population,
                registered_at=registered_at,
                household=house.index,
                relationship=member.relationship,
                member_from=member.start or member.birth,
                names=names,
                addresses=[
                    PlannedAddress(region, loc, line, phone, start, end)
                    for region, loc, start, end, line, phone in segments
                ],
                documents=documents,
                events=events,
                needs=self.needs(house, member, events, documents),
                consents=self.consents(house, member, events, segments),
            )
        )

    def stamp(
        self, events: list[PlannedEvent], segments: list[tuple[str, str, dt.date, dt.date | None, str, str]]
    ) -> None:
        """Recorded a few days after taking effect; what was in force on 1 January 2017 was recorded
        before the figures were published on 15 January 2017."""
        previous: dt.datetime | None = None
        duplicates: list[int] = []
        for index, event in enumerate(events):
            lag = self.rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 10))
            minutes = self.rng.randint(9 * 60, 18 * 60)
            at = dt.datetime.combine(event.effective + _days(lag), dt.time(minutes // 60, minutes % 60), tzinfo=self.tz)
            if previous is not None and at <= previous:
                at = previous + dt.timedelta(minutes=7)
            at = min(at, self.cap_2017 if event.effective <= REFERENCE_DAY else self.cap_now)
            event.recorded_at, previous = at, at
            region = _region_at(segments, event.effective)[0]
            role = "intake" if event.kind in INTAKE_KINDS else "decision" if event.kind in DECISION_KINDS else ""
            if event.effective >= MEMBERSHIP_FROM:
                if event.organisation == "kibhr" and event.kind in (K.UNDETERMINED_IDENTIFIED, K.NATIONALITY_CONFIRMED):
                    event.recorded_by = "lawyer.kibhr"
                else:
                    event.recorded_by = RECORDERS.get((region, role))
            prefix = REFERENCE_PREFIX.get(event.kind)
            if prefix:
                event.reference = (
                    f"{prefix}-{event.effective.year}-{self.serial(prefix + str(event.effective.year)):05d}"
                )
            if event.kind == K.REFUGEE_EXTENDED and self.chance(0.008):
                duplicates.append(index)
        # A few extensions were entered twice; the second entry was retracted a few days later.
        for index in duplicates:
            original = events[index]
            copy = PlannedEvent(
                original.kind,
                original.effective,
                original.organisation,
                reference=original.reference,
                recorded_at=original.recorded_at + dt.timedelta(minutes=2),
                recorded_by=original.recorded_by,
            )
            cap = self.cap_2017 if original.effective <= REFERENCE_DAY else self.cap_now
            retracted_at = min(copy.recorded_at + dt.timedelta(days=self.rng.randint(1, 6)), cap)
            retracted_at = max(retracted_at, copy.recorded_at + dt.timedelta(minutes=1))
            events.append(copy)
            events.append(
                PlannedEvent(
                    K.RETRACTION,
                    original.effective,
                    original.organisation,
                    recorded_at=retracted_at,
                    recorded_by=original.recorded_by,
                    supersedes=len(events) - 1,
                )
            )
        # Keep the list in the order the timeline reads it.
        if duplicates:
            order = sorted(range(len(events)), key=lambda i: (events[i].effective, events[i].recorded_at, i))
            position = {old: new for new, old in enumerate(order)}
            reordered = [events[i] for i in order]
            for event in reordered:
                if event.supersedes is not None:
                    event.supersedes = position[event.supersedes]
            events[:] = reordered

    def names(self, house: _House, member: _Member) -> list[PlannedName]:
        culture, rng = house.culture, self.rng
        female = member.sex == "F"
        if culture.kind in ("dari", "arab"):
            given, family, father = member.given, member.family, member.father
            # Spellings vary from person to person, except in the fixed households a journey relies on.
            spelling = (lambda variants: variants[0]) if house.stays else rng.choice
            names = [PlannedName("official", "cyrl", spelling(given[0]), family[0][0], father[0][0])]
            if self.chance(house.latin_share):
                names.append(PlannedName("official", "latn", spelling(given[1]), family[1][0]))
            if self.chance(house.original_share):
                names.append(PlannedName("original", "arab", given[2], family[2], father[2]))
            return names
        style = self.pick(culture.patronymics)
        family = female_family_name(member.family) if female else member.family
        names = [PlannedName("official", "cyrl", member.given, family, patronymic(style, member.father, female))]
        if self.chance(house.latin_share):
            names.append(PlannedName("official", "latn", latin(member.given), latin(family)))
        return names

    def iin(self, birth: dt.date, sex: str) -> str:
        while True:
            number = make_iin(birth, sex, self.serial("iin") + 1000)
            if number is not None:
                return number

    def documents(
        self,
        house: _House,
        member: _Member,
        events: list[PlannedEvent],
        segments: list[tuple[str, str, dt.date, dt.date | None, str, str]],
    ) -> list[PlannedDocument]:
        docs: list[PlannedDocument] = []
        rng = self.rng
        end = next(
            (
                e.effective
                for e in events
                if RESULTING_POPULATION[e.kind] == ""
                and e.kind not in (K.ASYLUM_REJECTED, K.APPEAL_REJECTED, K.CLAIM_CLOSED)
            ),
            self.horizon,
        )

        def authority(day: dt.date) -> str:
            return (
                "Министерство труда и социальной защиты населения РК"
                if day >= MLSP_TAKEOVER
                else "Министерство внутренних дел РК"
            )

        # Asylum-seeker certificate: adults, from the last application, reissued every three months.
        applications = [i for i, e in enumerate(events) if e.kind in (K.ASYLUM_APPLICATION, K.APPEAL_LODGED)]
        if applications and age_on(member.birth, events[applications[-1]].effective) >= 18:
            start = events[applications[-1]].effective
            closing = next(
                (e.effective for e in events[applications[-1] + 1 :] if RESULTING_POPULATION[e.kind] is not None), None
            )
            issued = start
            while months_later(issued, 3) <= min(closing or self.horizon, self.horizon):
                issued = months_later(issued, 3)
            docs.append(
                PlannedDocument(
                    "asylum_cert",
                    f"{self.serial('asylum_cert'):06d}",
                    "KAZ",
                    authority(issued),
                    issued,
                    months_later(issued, 3) - _days(1),
                )
            )
        # Refugee certificate: issued on the grant and on each yearly extension.
        grants = [
            e.effective
            for e in events
            if e.kind in (K.REFUGEE_GRANTED, K.REFUGEE_EXTENDED) and e.supersedes is None and e.effective <= end
        ]
        if grants and age_on(member.birth, grants[-1]) >= 16:
            issued = grants[-1]
            docs.append(
                PlannedDocument(
                    "refugee_cert",
                    f"{self.serial('refugee_cert'):07d}",
                    "KAZ",
                    authority(issued),
                    issued,
                    years_later(issued, 1) - _days(1),
                )
            )
        # Stateless person certificate: from 16, valid five years, renewed.
        determined = next((e.effective for e in events if e.kind == K.STATELESS_DETERMINED), None)
        if determined is not None:
            issued = max(determined, years_later(member.birth, 16))
            if issued <= end:
                while years_later(issued, 5) <= end:
                    issued = years_later(issued, 5)
                docs.append(
                    PlannedDocument(
                        "stateless_cert",
                        f"{self.serial('stateless_cert'):09d}",
                        "KAZ",
                        "Министерство внутренних дел РК",
                        issued,
                        years_later(issued, 5) - _days(1),
                    )
                )
        # Identity card of a new citizen.
        naturalised = next((e.effective for e in events if e.kind == K.NATURALISED), None)
        if naturalised is not None and age_on(member.birth, naturalised) >= 16:
            issued = min(self.after(naturalised, 20, 60), self.horizon)
            docs.append(
                PlannedDocument(
                    "national_id",
                    f"{self.serial('national_id'):09d}",
                    "KAZ",
                    "Министерство внутренних дел РК",
                    issued,
                    years_later(issued, 10) - _days(1),
                )
            )
        # Permanent residence permit of a foreign refugee.
        permit = next((e.effective for e in events if e.kind == K.RESIDENCE_PERMIT), None)
        if permit is not None and house.nationality and age_on(member.birth, permit) >= 16:
            docs.append(
                PlannedDocument(
                    "residence_permit",
                    f"{self.serial('residence_permit'):09d}",
                    "KAZ",
                    "Министерство внутренних дел РК",
                    permit,
                    years_later(permit, 10) - _days(1),
                )
            )
        # A passport of the country of origin, often expired.
        first = events[0].effective if events else member.birth
        passport_share = {"AFG": 0.45, "SYR": 0.7, "PSE": 0.5, "RUS": 0.9, "UKR": 0.8, "CHN": 0.5}.get(
            house.origin, 0.6
        )
        if (
            (house.nationality or house.origin == "PSE")
            and not member.born_here
            and age_on(member.birth, first) >= 16
            and self.chance(passport_share)
        ):
            if house.origin == "PSE":
                issued = self.between(max(years_later(member.birth, 16), dt.date(2005, 1, 1)), first)
                docs.append(
                    PlannedDocument(
                        "travel_doc",
                        f"{self.serial('travel_doc'):06d}",
                        "SYR",
                        "Palestinian Arab Refugees Institution (Syria)",
                        issued,
                        years_later(issued, 6),
                    )
                )
            elif house.origin in PASSPORTS:
                prefix, digits, valid = PASSPORTS[house.origin]
                issued = self.between(max(years_later(member.birth, 16), years_later(first, -valid)), first)
                docs.append(
                    PlannedDocument(
                        "passport",
                        f"{prefix}{self.serial('passport') % 10**digits:0{digits}d}",
                        house.origin,
                        "",
                        issued,
                        years_later(issued, valid) - _days(1),
                    )
                )
        # An old Soviet passport, still kept by many stateless persons born in the USSR before 1975.
        if (
            house.citizenship_status in ("stateless", "undetermined")
            and member.birth.year <= 1975
            and not member.born_here
            and house.origin in FORMER_USSR
            and self.chance(0.35 if house.citizenship_status == "stateless" else 0.2)
        ):
            issued = self.between(max(years_later(member.birth, 16), dt.date(1975, 1, 1)), dt.date(1991, 12, 1))
            series = (
                f"{rng.choice(('I', 'II', 'III', 'IV', 'V', 'VI'))}-{rng.choice('АБВГДЕЖКЛМНОПРСТ')}"
                f"{rng.choice('АБВГДЕЖКЛМНОПРСТ')}"
            )
            docs.append(
                PlannedDocument(
                    "passport",
                    f"{series} {self.serial('soviet'):06d}",
                    None,
                    "Паспорт гражданина СССР образца 1974 года",
                    issued,
                    None,
                )
            )
        # Birth certificates: children born here, and some old Soviet ones.
        if member.born_here and (member.birth_certificate or member.birth < REFERENCE_DAY):
            issued = min(self.after(member.birth, 3, 60), self.horizon)
            locality = _region_at(segments, member.birth)[1]
            docs.append(
                PlannedDocument(
                    "birth_cert",
                    f"{self.serial('birth_cert'):07d}",
                    "KAZ",
                    f"Отдел регистрации актов гражданского состояния, {locality}",
                    issued,
                    None,
                )
            )
        elif not member.born_here and house.citizenship_status in ("stateless", "undetermined") and self.chance(0.1):
            issued = self.after(member.birth, 3, 60)
            docs.append(
                PlannedDocument(
                    "birth_cert",
                    f"{self.serial('old_birth_cert'):06d}",
                    None,
                    "Отдел ЗАГС (свидетельство о рождении СССР)" if member.birth.year < 1992 else "Отдел ЗАГС",
                    issued,
                    None,
                )
            )
        return docs

    def needs(
        self,
        house: _House,
        member: _Member,
        events: list[PlannedEvent],
        documents: list[PlannedDocument],
    ) -> list[PlannedNeed]:
        needs: list[PlannedNeed] = []
        registered = events[0].effective if events else member.start or member.birth
        # The day the person left every stock for good (naturalised, departed, died, rejected...).
        exits = [e.effective for e in events if RESULTING_POPULATION[e.kind] == ""]
        end = exits[-1] if exits and population_on(events, self.horizon) == "" else None
        identified_by = house.owner
        if house.group in ("REF", "ASY", "NEW") and house.owner == "mlsp" and self.chance(0.3):
            identified_by = "unhcr-kz"

        def add(code: str, on: dt.date, closed: dt.date | None = None) -> None:
            on = min(max(on, registered), end or self.horizon, self.horizon)  # never after leaving every stock
            if closed is not None and closed < on:
                closed = None
            needs.append(PlannedNeed(code, on, identified_by, closed))

        age_now = age_on(member.birth, self.today)
        solved = next(
            (e.effective for e in events if e.kind in (K.NATIONALITY_CONFIRMED, K.STATELESS_DETERMINED, K.NATURALISED)),
            None,
        )
        if member.born_here and not any(d.type == "birth_cert" for d in documents):
            add("LP-ND", self.after(member.birth, 60, 400), solved)
        elif not documents and house.citizenship_status == "undetermined":
            add("LP-ND", self.after(registered, 0, 120), solved)
        single = len(house.members) == 1
        if age_now >= 60 and single and self.chance(0.5):
            add("ER-NF", max(registered, years_later(member.birth, 60)))
        if age_now >= 45 and self.chance(0.06):
            add("SM-CI", self.between(registered, self.horizon))
        if age_now >= 18 and self.chance(0.025):
            add("DS-PM", self.between(registered, self.horizon))
        if member.sex == "F" and member.relationship == "head" and 18 <= age_now < 60:
            if single and self.chance(0.4):
                add("WR-SF", registered)
            elif not single and self.chance(0.5):
                add("WR-HR", registered)
        if (
            member.relationship == "head"
            and not single
            and not any(m.relationship == "spouse" for m in house.members)
            and any(m.relationship == "child" for m in house.members)
            and self.chance(0.4)
        ):
            add("SP-PT", registered)
        if house.group in ("REF", "ASY", "NEW") and house.culture.kind in ("dari", "arab") and age_now >= 18:
            if self.chance(0.015):
                add("TR-PI", registered)
            if member.sex == "F" and self.chance(0.01):
                add("SV-VO", registered)
        if house.group == "REF" and 6 <= age_now <= 15 and self.chance(0.04):
            add("CR-NE", self.between(registered, self.horizon))
        if end is not None:
            for need in needs:
                if need.closed_on is None and need.identified_on < end and self.chance(0.5):
                    need.closed_on = end
        return needs

    def consents(
        self,
        house: _House,
        member: _Member,
        events: list[PlannedEvent],
        segments: list[tuple[str, str, dt.date, dt.date | None, str, str]],
    ) -> list[PlannedConsent]:
        if not events or age_on(member.birth, events[0].effective) < 18:
            return []
        if house.owner in NGOS:
            purpose = "Юридическая помощь и передача данных УВКБ ООН (проект по сокращению безгражданства)"
            taken_by = "lawyer.kibhr" if house.owner == "kibhr" else "unhcr.protection"
        elif events[0].kind == K.ASYLUM_APPLICATION:
            purpose = "Передача персональных данных УВКБ ООН для защиты и статистики"
            taken_by = ""
        else:
            return []
        exit_day = next(
            (e.effective for e in events if RESULTING_POPULATION[e.kind] == "" and e.kind not in (K.ASYLUM_REJECTED,)),
            None,
        )
        given = max(events[0].effective, self.between(MEMBERSHIP_FROM, MEMBERSHIP_FROM + _days(365)))
        if given > self.horizon or (exit_day is not None and given >= exit_day):
            return []
        if not taken_by:
            taken_by = CONSENT_TAKERS.get(_region_at(segments, given)[0], "unhcr.protection")
        language = house.culture.language if self.chance(0.6) else "ru"
        withdrawn = self.between(given + _days(30), self.horizon) if self.chance(0.01) else None
        basis = "consent"
        return [PlannedConsent(purpose, basis, given, language, taken_by, withdrawn)]


def _entry(entries: Sequence[NameEntry], russian: str) -> NameEntry:
    return next(e for e in entries if e[0][0] == russian)


def _locality(name: str) -> tuple[str, str, str, int]:
    return next(row for row in LOCALITIES if row[0] == name)


def _anniversaries(start: dt.date, until: dt.date) -> list[dt.date]:
    days, years = [], 1
    while (day := years_later(start, years)) <= until:
        days.append(day)
        years += 1
    return days


def _fold_path(path: Sequence[tuple[str, dt.date, dict[str, Any]]]) -> str:
    state = ""
    for kind, _day, _extra in path:
        if RESULTING_POPULATION[kind] is not None:
            state = RESULTING_POPULATION[kind] or ""
    return state


def _check(kind: str, state: str, last_kind: str | None, last_day: dt.date | None, day: dt.date) -> None:
    """A planned path must obey the rules the status services apply to one event at a time."""
    if last_day is not None and day <= last_day:
        raise AssertionError(f"demo plan: {kind} on {day} does not follow the previous event ({last_day})")
    problem = check_step(kind, state, last_kind)
    if problem is not None:
        raise AssertionError(f"demo plan: {kind} from {state!r} after {last_kind}: {problem}")


def _clip(
    segments: list[tuple[str, str, dt.date, dt.date | None, str, str]],
    start: dt.date,
) -> list[tuple[str, str, dt.date, dt.date | None, str, str]]:
    """A member's addresses: the household's from the day the member joined it."""
    clipped = []
    for region, locality, begin, end, line, phone in segments:
        if end is not None and end <= start:
            continue
        clipped.append((region, locality, max(begin, start), end, line, phone))
    return clipped


def _region_at(
    segments: list[tuple[str, str, dt.date, dt.date | None, str, str]],
    day: dt.date,
) -> tuple[str, str]:
    current = segments[0]
    for segment in segments:
        if segment[2] <= day:
            current = segment
    return current[0], current[1]


def plan_demo(*, persons: int = DEFAULT_PERSONS, seed: int = DEFAULT_SEED, today: dt.date | None = None) -> DemoPlan:
    """Draw the demo registry in memory. Pure: reads no database and writes nothing."""
    if persons < 1:
        raise ValueError("The demo needs at least one person.")
    return _Planner(persons, seed, today or timezone.localdate()).plan()


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


class DemoNotEmpty(Exception):
    """The registry already holds persons: the demo loads only into an empty one."""


@dataclass
class DemoSummary:
    persons: int
    households: int
    names: int
    name_tokens: int
    addresses: int
    documents: int
    status_events: int
    specific_needs: int
    consents: int
    stock_2017: dict[str, int]
    seed: int
    users: list[tuple[str, str, str, str]]  # username, role label, organisation code, regions

    def as_dict(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "households": self.households,
            "names": self.names,
            "name_tokens": self.name_tokens,
            "addresses": self.addresses,
            "documents": self.documents,
            "status_events": self.status_events,
            "specific_needs": self.specific_needs,
            "consents": self.consents,
            "stock_2017_01_01": self.stock_2017,
            "seed": self.seed,
        }


def ensure_accounts(today: dt.date) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, str, str]]]:
    """Organisations, sharing agreements and the demo logins (created or brought back to the demo
    state). Returns organisations and users by code and username, and the table of logins."""
    from django.contrib.auth.hashers import make_password

    from panah.accounts.models import Membership, Organisation, SharingAgreement, User
    from panah.accounts.roles import Role
    from panah.geo.models import Region

    current = list(Region.objects.valid_on(today).values_list("code", flat=True))
    organisations = {}
    for code, kind, names, regions in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            code=code,
            defaults={
                **{f"name_{language}": name for language, name in names.items()},
                "kind": kind,
                "is_active": True,
            },
        )
        organisation.regions.set(current if regions == ALL_REGIONS else regions)
        organisations[code] = organisation
    for provider, recipient, purpose, reference, regions, actions in AGREEMENTS:
        agreement, _ = SharingAgreement.objects.update_or_create(
            reference=reference,
            defaults={
                "provider": organisations[provider],
                "recipient": organisations[recipient],
                "purpose": purpose,
                "actions": list(actions),
                "valid_from": MEMBERSHIP_FROM,
                "valid_to": None,
            },
        )
        shared = current if regions == ALL_REGIONS else organisation_regions(provider, today)
        agreement.regions.set(sorted(set(shared) & set(organisation_regions(recipient, today))))
    # One hash for every demo login: they share the published password, and Argon2 takes a while.
    password = make_password(DEMO_PASSWORD)
    users, table = {}, []
    for username, role, code, regions, first, last in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_active = first, last, True
        user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
        user.password = password
        user.save()
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=organisations[code],
            role=role,
            defaults={"valid_from": MEMBERSHIP_FROM, "valid_to": None},
        )
        codes = (
            current
            if regions == ALL_REGIONS
            else organisation_regions(code, today)
            if regions == ORG_REGIONS
            else list(regions)
        )
        membership.regions.set(codes)
        users[username] = user
        shown = "all" if regions == ALL_REGIONS else ", ".join(codes)
        table.append((username, str(Role(role).label), code, shown))
    return organisations, users, table


def load_plan(plan: DemoPlan) -> DemoSummary:
    """Write a plan. Call inside `unscoped(...)` and a transaction (see `build_demo`)."""
    from panah.audit.models import AuditEntry
    from panah.audit.services import record
    from panah.registry.apps import sync_specific_need_codes
    from panah.registry.models import (
        Address,
        Consent,
        Document,
        Household,
        HouseholdMember,
        NameToken,
        Person,
        PersonName,
        SpecificNeed,
        SpecificNeedCode,
        document_key,
    )
    from panah.registry.services import name_tokens, registration_number_for
    from panah.status.models import StatusEvent
    from panah.status.selectors import stock

    organisations, users, table = ensure_accounts(plan.today)
    org_ids = {code: o.pk for code, o in organisations.items()}
    user_ids = {name: u.pk for name, u in users.items()}
    needed = {need.code for p in plan.persons for need in p.needs}
    if needed - set(SpecificNeedCode.objects.values_list("code", flat=True)):
        sync_specific_need_codes()

    households = Household.objects.bulk_create(
        [Household(reference=h.reference, organisation_id=org_ids[h.organisation]) for h in plan.households],
        batch_size=BATCH_SIZE,
    )
    persons = Person.objects.bulk_create(
        [
            Person(
                organisation_id=org_ids[p.organisation],
                region_id=p.region,
                sex=p.sex,
                birth_date=p.birth_date,
                birth_date_precision=p.birth_date_precision,
                birth_date_estimated=p.birth_date_estimated,
                birth_place=p.birth_place,
                birth_country_id=p.birth_country,
                country_of_origin_id=p.country_of_origin,
                citizenship_status=p.citizenship_status,
                citizenship_id=p.citizenship,
                iin=p.iin,
                population_type=p.population_type,
            )
            for p in plan.persons
        ],
        batch_size=BATCH_SIZE,
    )
    for person, planned in zip(persons, plan.persons, strict=True):
        person.registration_number = registration_number_for(person.pk)
        person.created_at = planned.registered_at
    Person.objects.bulk_update(persons, ["registration_number", "created_at"], batch_size=BATCH_SIZE)

    names = PersonName.objects.bulk_create(
        [
            PersonName(
                person_id=person.pk,
                position=position,
                kind=n.kind,
                script=n.script,
                given_name=n.given_name,
                family_name=n.family_name,
                patronymic=n.patronymic,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
            for position, n in enumerate(planned.names)
        ],
        batch_size=BATCH_SIZE,
    )
    births = {person.pk: person.birth_date for person in persons}
    tokens = NameToken.objects.bulk_create(
        [token for name in names for token in name_tokens(name.person_id, name, births[name.person_id])],
        batch_size=BATCH_SIZE,
    )
    addresses = Address.objects.bulk_create(
        [
            Address(
                person_id=person.pk,
                region_id=a.region,
                locality=a.locality,
                line=a.line,
                phone=a.phone,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
            for a in planned.addresses
        ],
        batch_size=BATCH_SIZE,
    )
    documents = Document.objects.bulk_create(
        [
            Document(
                person_id=person.pk,
                type=d.type,
                number=d.number,
                number_key=document_key(d.number),
                issuing_country_id=d.issuing_country,
                issuer=d.issuer,
                valid_from=d.valid_from,
                valid_to=d.valid_to,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
            for d in planned.documents
        ],
        batch_size=BATCH_SIZE,
    )
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(
                household_id=households[planned.household].pk,
                person_id=person.pk,
                relationship=planned.relationship,
                valid_from=planned.member_from,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )

    def event_row(person_id: int, e: PlannedEvent, supersedes_id: int | None = None) -> StatusEvent:
        return StatusEvent(
            person_id=person_id,
            kind=e.kind,
            population_type=RESULTING_POPULATION[e.kind],
            effective=e.effective,
            recorded_at=e.recorded_at,
            recorded_by_id=user_ids.get(e.recorded_by or ""),
            organisation_id=org_ids[e.organisation],
            application_type=e.application_type,
            decision_reference=e.reference,
            evidence=_evidence(e),
            supersedes_id=supersedes_id,
        )

    # Everything but retractions first: a retraction needs the id of the event it voids.
    firsts = [
        (person, planned, i, event_row(person.pk, e))
        for person, planned in zip(persons, plan.persons, strict=True)
        for i, e in enumerate(planned.events)
        if e.supersedes is None
    ]
    StatusEvent.objects.bulk_create([row for *_, row in firsts], batch_size=BATCH_SIZE)
    ids = {(person.pk, i): row.pk for person, _planned, i, row in firsts}
    retractions = StatusEvent.objects.bulk_create(
        [
            event_row(person.pk, e, ids[(person.pk, e.supersedes)])
            for person, planned in zip(persons, plan.persons, strict=True)
            for e in planned.events
            if e.supersedes is not None
        ],
        batch_size=BATCH_SIZE,
    )

    needs = SpecificNeed.objects.bulk_create(
        [
            SpecificNeed(
                person_id=person.pk,
                code_id=n.code,
                identified_on=n.identified_on,
                identified_by_id=org_ids[n.identified_by],
                closed_on=n.closed_on,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
            for n in planned.needs
        ],
        batch_size=BATCH_SIZE,
    )
    consents = Consent.objects.bulk_create(
        [
            Consent(
                person_id=person.pk,
                purpose=c.purpose,
                legal_basis=c.legal_basis,
                given_on=c.given_on,
                language=c.language,
                taken_by_id=user_ids[c.taken_by],
                withdrawn_on=c.withdrawn_on,
            )
            for person, planned in zip(persons, plan.persons, strict=True)
            for c in planned.consents
        ],
        batch_size=BATCH_SIZE,
    )

    from panah.stats.facts import rebuild_all

    rebuild_all()  # the statistics index, from the events just written

    summary = DemoSummary(
        persons=len(persons),
        households=len(households),
        names=len(names),
        name_tokens=len(tokens),
        addresses=len(addresses),
        documents=len(documents),
        status_events=len(firsts) + len(retractions),
        specific_needs=len(needs),
        consents=len(consents),
        stock_2017=stock(as_of=REFERENCE_DAY, known_on=plan.today),  # read back through the selector
        seed=plan.seed,
        users=table,
    )
    record(
        by=None,
        action=AuditEntry.Action.COMMAND,
        organisation=organisations["mlsp"],
        message="demo_loaded",
        params={"persons": summary.persons, "events": summary.status_events, "seed": plan.seed},
        changes=summary.as_dict(),
    )
    return summary


def _evidence(event: PlannedEvent) -> str:
    text = EVIDENCE.get(event.kind, "")
    if event.kind == K.NATIONALITY_CONFIRMED and event.country:
        text = f"{text} ({event.country})"
    return text


def build_demo(
    *, persons: int = DEFAULT_PERSONS, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> DemoSummary:
    """Plan and load the demo registry, all or nothing. Raises DemoNotEmpty if persons exist."""
    from django.db import transaction

    from panah.accounts.scope import unscoped
    from panah.registry.models import Person

    plan = plan_demo(persons=persons, seed=seed, today=today)
    with unscoped("demo registry"), transaction.atomic():
        existing = Person.objects.count()
        if existing:
            raise DemoNotEmpty(f"The registry already holds {existing:,} persons.")
        summary = load_plan(plan)
    from panah.imports.bulk import refresh_statistics, registry_models

    refresh_statistics(registry_models())  # the first searches of a demo plan with the rows just loaded
    return summary
