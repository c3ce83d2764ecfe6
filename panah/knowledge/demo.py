"""Demo content of the knowledge app, loaded by `panah demo` after the registry (`load`).

Trainings of officials from 2016 on, among them the national training of February 2017 in Astana
with social-protection officers from every region; knowledge-base articles with their versions in
Kazakh, Russian and English (one left without Kazakh, to show the language fallback); partner
projects; leaflets in Dari, Pashto, Arabic, Russian, Kazakh and English; a few records of leaflets
given to persons in Almaty. The articles summarise the law for the demo: they are illustrations,
not legal advice, and their references name the acts without quoting them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation, User
from panah.accounts.permissions import may
from panah.accounts.roles import Action
from panah.accounts.scope import unscoped
from panah.geo.models import Region
from panah.knowledge import services
from panah.knowledge.models import (
    Article,
    ArticleVersion,
    Leaflet,
    LeafletTranslation,
    PartnerProject,
    Training,
)

EDITOR = "admin"  # the demo's system administrator publishes and records
NATIONAL_TRAINING = dt.date(2017, 2, 14)

# slug, topic, [(effective_from, published_on, references, {language: (title, what changed, body)})]
ARTICLES: tuple[tuple[str, str, list[tuple[dt.date, dt.date, str, dict[str, tuple[str, str, str]]]]], ...] = (
    (
        "refugee-convention",
        "convention",
        [
            (
                dt.date(1999, 4, 15),
                dt.date(2016, 11, 1),
                "Convention relating to the Status of Refugees, 28 July 1951\nProtocol relating to the Status of Refugees, 31 January 1967",
                {
                    "ru": (
                        "Конвенция 1951 года и Протокол 1967 года о статусе беженцев",
                        "",
                        "Казахстан присоединился к Конвенции о статусе беженцев 1951 года и Протоколу 1967 года в 1999 году.\n\n"
                        "Беженец — лицо, которое находится вне страны своей гражданской принадлежности вследствие вполне "
                        "обоснованных опасений стать жертвой преследований по признаку расы, вероисповедания, гражданства, "
                        "принадлежности к определённой социальной группе или политических убеждений.\n\n"
                        "Принцип невысылки: ни одно государство не высылает беженца на границу страны, где его жизни или "
                        "свободе угрожает опасность.",
                    ),
                    "kk": (
                        "Босқындар мәртебесі туралы 1951 жылғы Конвенция және 1967 жылғы Хаттама",
                        "",
                        "Қазақстан 1951 жылғы Босқындар мәртебесі туралы конвенцияға және 1967 жылғы Хаттамаға 1999 жылы қосылды.\n\n"
                        "Босқын — нәсіліне, дініне, азаматтығына, белгілі бір әлеуметтік топқа жататындығына немесе саяси "
                        "көзқарасына байланысты қуғынға ұшыраудан негізді қорқатын, азаматтығы бар елден тыс жүрген адам.\n\n"
                        "Кері қайтармау қағидаты: мемлекет босқынды өмірі мен бостандығына қауіп төнетін елге шығармайды.",
                    ),
                    "en": (
                        "1951 Convention and 1967 Protocol relating to the Status of Refugees",
                        "",
                        "Kazakhstan acceded to the 1951 Convention relating to the Status of Refugees and its 1967 Protocol in 1999.\n\n"
                        "A refugee is a person who is outside their country of nationality owing to a well-founded fear of "
                        "being persecuted for reasons of race, religion, nationality, membership of a particular social group "
                        "or political opinion.\n\n"
                        "Non-refoulement: no State shall return a refugee to the frontiers of territories where their life or "
                        "freedom would be threatened.",
                    ),
                },
            ),
        ],
    ),
    (
        "law-on-refugees-2009",
        "refugee_law",
        [
            (
                dt.date(2010, 1, 1),
                dt.date(2016, 11, 1),
                "Law of the Republic of Kazakhstan of 4 December 2009 No. 216-IV “On Refugees”",
                {
                    "ru": (
                        "Закон «О беженцах» 2009 года",
                        "",
                        "Закон Республики Казахстан от 4 декабря 2009 года № 216-IV «О беженцах» определяет порядок подачи ходатайства о присвоении статуса беженца, его рассмотрения и "
                        "принятия решения, права и обязанности лиц, ищущих убежища, и беженцев.\n\n"
                        "Ходатайство подаётся в территориальное подразделение уполномоченного органа. Лицу, ищущему "
                        "убежища, выдаётся свидетельство на время рассмотрения ходатайства.\n\n"
                        "Решение о присвоении статуса беженца принимается комиссией; статус присваивается на один год и "
                        "продлевается ежегодно, пока сохраняются основания.",
                    ),
                    "kk": (
                        "2009 жылғы «Босқындар туралы» Заң",
                        "",
                        "Қазақстан Республикасының 2009 жылғы 4 желтоқсандағы № 216-IV «Босқындар туралы» Заңы босқын мәртебесін беру туралы өтінішті беру, қарау және шешім қабылдау тәртібін, пана "
                        "іздеуші адамдар мен босқындардың құқықтары мен міндеттерін айқындайды.\n\n"
                        "Өтініш уәкілетті органның аумақтық бөлімшесіне беріледі. Пана іздеуші адамға өтініш қаралып "
                        "жатқан кезеңге куәлік беріледі.\n\n"
                        "Босқын мәртебесі бір жылға беріледі және негіздер сақталған кезде жыл сайын ұзартылады.",
                    ),
                    "en": (
                        "Law on Refugees (2009)",
                        "",
                        "The Law sets out how a claim for refugee status is lodged, examined and decided, and the rights "
                        "and duties of asylum-seekers and refugees.\n\n"
                        "The claim is lodged with the territorial office of the authorised body. The asylum-seeker "
                        "receives a certificate for the time the claim is examined.\n\n"
                        "A commission decides on refugee status; the status is granted for one year and extended every "
                        "year while the grounds remain.",
                    ),
                },
            ),
            (
                dt.date(2022, 4, 7),
                dt.date(2022, 3, 25),
                "Law of the Republic of Kazakhstan of 4 December 2009 No. 216-IV “On Refugees”\n"
                "Order of the Minister of Labour and Social Protection of Population No. 118 (2022)",
                {
                    "ru": (
                        "Закон «О беженцах» (редакция от 7 апреля 2022 года)",
                        "Рассмотрение ходатайств о статусе беженца передано от органов внутренних дел органам "
                        "социальной защиты населения.",
                        "Закон определяет порядок подачи ходатайства о присвоении статуса беженца, его рассмотрения и "
                        "принятия решения, права и обязанности лиц, ищущих убежища, и беженцев.\n\n"
                        "С 7 апреля 2022 года ходатайство подаётся в отдел занятости и социальных программ по месту "
                        "пребывания. Лицу, ищущему убежища, выдаётся свидетельство на время рассмотрения ходатайства.\n\n"
                        "Решение о присвоении статуса беженца принимается комиссией; статус присваивается на один год и "
                        "продлевается ежегодно, пока сохраняются основания.",
                    ),
                    "kk": (
                        "«Босқындар туралы» Заң (2022 жылғы 7 сәуірдегі редакция)",
                        "Босқын мәртебесі туралы өтініштерді қарау ішкі істер органдарынан халықты әлеуметтік қорғау "
                        "органдарына берілді.",
                        "Заң босқын мәртебесін беру туралы өтінішті беру, қарау және шешім қабылдау тәртібін айқындайды.\n\n"
                        "2022 жылғы 7 сәуірден бастап өтініш тұрған жері бойынша жұмыспен қамту және әлеуметтік "
                        "бағдарламалар бөліміне беріледі.\n\n"
                        "Босқын мәртебесі бір жылға беріледі және жыл сайын ұзартылады.",
                    ),
                    "en": (
                        "Law on Refugees (as amended on 7 April 2022)",
                        "Refugee status claims moved from the internal affairs bodies to the social-protection bodies.",
                        "The Law sets out how a claim for refugee status is lodged, examined and decided, and the rights "
                        "and duties of asylum-seekers and refugees.\n\n"
                        "From 7 April 2022 the claim is lodged with the department of employment and social programmes "
                        "where the person stays. The asylum-seeker receives a certificate for the time the claim is examined.\n\n"
                        "A commission decides on refugee status; the status is granted for one year and extended every "
                        "year while the grounds remain.",
                    ),
                },
            ),
        ],
    ),
    (
        "statelessness-determination",
        "statelessness",
        [
            (
                dt.date(2020, 9, 1),
                dt.date(2020, 8, 20),
                "Rules for determining the status of a stateless person (Order of the Minister of Internal Affairs No. 607, 2020)",
                {
                    "ru": (
                        "Определение статуса лица без гражданства",
                        "Введена процедура определения статуса лица без гражданства.",
                        "Лицо, не имеющее доказательств гражданства какого-либо государства, может подать заявление об "
                        "определении статуса лица без гражданства в миграционную службу по месту проживания.\n\n"
                        "На время рассмотрения заявления выдаётся справка. По итогам рассмотрения лицу, признанному лицом "
                        "без гражданства, выдаётся вид на жительство и удостоверение лица без гражданства.",
                    ),
                    "kk": (
                        "Азаматтығы жоқ адам мәртебесін айқындау",
                        "Азаматтығы жоқ адам мәртебесін айқындау рәсімі енгізілді.",
                        "Қандай да бір мемлекеттің азаматтығының дәлелі жоқ адам тұрғылықты жері бойынша көші-қон "
                        "қызметіне азаматтығы жоқ адам мәртебесін айқындау туралы өтініш бере алады.\n\n"
                        "Өтініш қаралып жатқанда анықтама беріледі. Азаматтығы жоқ адам деп танылған адамға тұруға "
                        "ықтиярхат және азаматтығы жоқ адамның куәлігі беріледі.",
                    ),
                    "en": (
                        "Statelessness determination",
                        "A procedure to determine statelessness was introduced.",
                        "A person without proof of the nationality of any State may apply to the migration service where "
                        "they live to have their statelessness determined.\n\n"
                        "A certificate is issued while the application is examined. A person recognised as stateless "
                        "receives a residence permit and a stateless person's identity card.",
                    ),
                },
            ),
        ],
    ),
    (
        "birth-registration",
        "birth_registration",
        [
            (
                dt.date(2012, 1, 1),
                dt.date(2016, 11, 1),
                "Code of the Republic of Kazakhstan “On Marriage (Matrimony) and Family” of 26 December 2011",
                {
                    "ru": (
                        "Регистрация рождения ребёнка",
                        "",
                        "Рождение каждого ребёнка, родившегося на территории Казахстана, подлежит государственной "
                        "регистрации независимо от гражданства и документов родителей.\n\n"
                        "Свидетельство о рождении нужно для школы, медицинской помощи и определения гражданства ребёнка.",
                    ),
                    "en": (
                        "Birth registration",
                        "",
                        "The birth of every child born in Kazakhstan is registered by the State, whatever the nationality "
                        "and documents of the parents.\n\n"
                        "A birth certificate is needed for school, health care and to determine the child's nationality.",
                    ),
                },
            ),
        ],
    ),
    (
        "naturalisation",
        "naturalisation",
        [
            (
                dt.date(2016, 1, 1),
                dt.date(2016, 11, 1),
                "Law of the Republic of Kazakhstan of 20 December 1991 No. 1017-XII “On Citizenship of the Republic of Kazakhstan”",
                {
                    "ru": (
                        "Закон «О гражданстве Республики Казахстан»: приём в гражданство",
                        "",
                        "Закон Республики Казахстан от 20 декабря 1991 года № 1017-XII «О гражданстве Республики "
                        "Казахстан» определяет, кто является гражданином Казахстана и как приобретается гражданство.\n\n"
                        "Беженцы и лица без гражданства, постоянно проживающие в Казахстане, могут ходатайствовать о "
                        "приёме в гражданство Республики Казахстан.\n\n"
                        "Ходатайство подаётся через миграционную службу по месту постоянного проживания.",
                    ),
                    "kk": (
                        "«Қазақстан Республикасының азаматтығы туралы» Заң: азаматтыққа қабылдау",
                        "",
                        "Қазақстан Республикасының 1991 жылғы 20 желтоқсандағы № 1017-XII «Қазақстан Республикасының "
                        "азаматтығы туралы» Заңы Қазақстан азаматын және азаматтықты алу тәртібін айқындайды.\n\n"
                        "Қазақстанда тұрақты тұратын босқындар мен азаматтығы жоқ адамдар Қазақстан Республикасының "
                        "азаматтығына қабылдау туралы өтініш бере алады.\n\n"
                        "Өтініш тұрақты тұрғылықты жері бойынша көші-қон қызметі арқылы беріледі.",
                    ),
                    "en": (
                        "Law on Citizenship: naturalisation",
                        "",
                        "The Law of the Republic of Kazakhstan of 20 December 1991 No. 1017-XII “On Citizenship of the "
                        "Republic of Kazakhstan” says who is a citizen of Kazakhstan and how citizenship is acquired.\n\n"
                        "Refugees and stateless persons who live permanently in Kazakhstan may apply for citizenship of "
                        "the Republic of Kazakhstan.\n\n"
                        "The application is lodged through the migration service where the person lives permanently.",
                    ),
                },
            ),
        ],
    ),
)

# The code of the partner's organisation in Panah (which receives referrals), or None; partner, title,
# services (one a line) and who can apply, each in Kazakh, Russian and English; regions, from, until,
# contact, capacity, topic. Projects are named by their English title in this module.
PROJECTS: tuple[tuple[Any, ...], ...] = (
    (
        "kibhr",
        {
            "kk": "Адам құқықтары және заңдылықты сақтау жөніндегі Қазақстан халықаралық бюросы",
            "ru": "Казахстанское международное бюро по правам человека и соблюдению законности",
            "en": "Kazakhstan International Bureau for Human Rights and the Rule of Law",
        },
        {
            "kk": "Босқындар мен азаматтығы жоқ адамдарға тегін заң көмегі",
            "ru": "Бесплатная юридическая помощь беженцам и лицам без гражданства",
            "en": "Free legal aid to refugees and stateless persons",
        },
        {
            "kk": "Заң кеңесі\nБосқын мәртебесін беру және азаматтығы жоқ адам мәртебесін айқындау туралы "
            "өтініштерге көмек\nСотта өкілдік ету",
            "ru": "Юридические консультации\nПомощь с ходатайствами о статусе беженца и об определении статуса "
            "лица без гражданства\nПредставительство в суде",
            "en": "Legal counselling\nHelp with applications for refugee status and statelessness determination\n"
            "Representation in court",
        },
        {
            "kk": "Пана іздеушілер, босқындар, азаматтығы жоқ адамдар және азаматтығы анықталмаған адамдар",
            "ru": "Лица, ищущие убежища, беженцы, лица без гражданства и лица с неопределённым гражданством",
            "en": "Asylum-seekers, refugees, stateless persons and persons of undetermined nationality",
        },
        ("KZ-75", "KZ-19", "KZ-71", "KZ-79", "KZ-61", "KZ-63", "KZ-55", "KZ-35", "KZ-31"),
        dt.date(2015, 1, 1),
        None,
        "+7 727 000 00 01 · legal-aid@kibhr.example",
        600,
        "statelessness",
    ),
    (
        "sana-sezim",
        {
            "kk": "«Сана Сезім» әйелдер бастамаларының құқықтық орталығы",
            "ru": "Правовой центр женских инициатив «Сана Сезим»",
            "en": "Legal Centre of Women Initiatives Sana Sezim",
        },
        {
            "kk": "Құжаты жоқ әйелдер мен балаларға қолдау",
            "ru": "Поддержка женщин и детей без документов",
            "en": "Support to women and children without documents",
        },
        {
            "kk": "Заң кеңесі\nБалалардың тууын тіркеуге көмек\nПсихологиялық-әлеуметтік қолдау",
            "ru": "Юридические консультации\nПомощь в регистрации рождения детей\nПсихосоциальная поддержка",
            "en": "Legal counselling\nHelp with birth registration of children\nPsychosocial support",
        },
        {
            "kk": "Босқын, азаматтығы жоқ немесе құжаты жоқ әйелдер мен балалар",
            "ru": "Женщины и дети — беженцы, лица без гражданства или без документов",
            "en": "Women and children who are refugees, stateless or without documents",
        },
        ("KZ-75", "KZ-19", "KZ-79", "KZ-61"),
        dt.date(2016, 1, 1),
        None,
        "+7 725 000 00 02 · help@sanasezim.example",
        250,
        "birth_registration",
    ),
    (
        None,
        {
            "kk": "Қазақстан Қызыл Жарты Ай қоғамы",
            "ru": "Общество Красного Полумесяца Казахстана",
            "en": "Kazakhstan Red Crescent Society",
        },
        {
            "kk": "Мұқтаж отбасыларға шұғыл көмек",
            "ru": "Экстренная помощь нуждающимся семьям",
            "en": "Emergency assistance to families in need",
        },
        {
            "kk": "Азық-түлік және гигиена жиынтықтары\nҚысқы киім\nМедициналық көмекке жолдама",
            "ru": "Продуктовые и гигиенические наборы\nЗимняя одежда\nНаправление за медицинской помощью",
            "en": "Food and hygiene kits\nWinter clothing\nReferral to health care",
        },
        {
            "kk": "Ерекше қажеттіліктері бар босқындар мен пана іздеушілердің отбасылары",
            "ru": "Семьи беженцев и лиц, ищущих убежища, с особыми потребностями",
            "en": "Refugee and asylum-seeking families with specific needs",
        },
        ("KZ-75", "KZ-71"),
        dt.date(2019, 1, 1),
        dt.date(2030, 12, 31),
        "+7 717 000 00 03 · aid@redcrescent.example",
        150,
        "assistance",
    ),
)


def _in_languages(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{language}": text for language, text in texts.items()}


LEAFLETS: dict[str, tuple[str, str | None, dict[str, tuple[str, str]]]] = {
    "free-legal-aid": (
        "statelessness",
        "Free legal aid to refugees and stateless persons",
        {
            "prs": (
                "کمک حقوقی رایگان",
                "اگر پناهجو، پناهنده یا شخص بدون تابعیت هستید، می‌توانید مشوره حقوقی رایگان دریافت کنید.\n\n"
                "همکاران ما در درخواست پناهندگی، تعیین وضعیت بی‌تابعیتی و در محکمه به شما کمک می‌کنند.",
            ),
            "ps": (
                "وړیا حقوقي مرسته",
                "که تاسو پناه غوښتونکی، کډوال یا بې تابعیته شخص یاست، کولای شئ وړیا حقوقي مشوره ترلاسه کړئ.\n\n"
                "زموږ همکاران ستاسو سره د پناه غوښتنې او د بې تابعیتۍ د حالت په ټاکلو کې مرسته کوي.",
            ),
            "ar": (
                "مساعدة قانونية مجانية",
                "إذا كنت طالب لجوء أو لاجئاً أو شخصاً عديم الجنسية، يمكنك الحصول على استشارة قانونية مجانية.\n\n"
                "يساعدك شركاؤنا في طلب اللجوء وتحديد حالة انعدام الجنسية وأمام المحكمة.",
            ),
            "ru": (
                "Бесплатная юридическая помощь",
                "Если вы ищете убежище, являетесь беженцем или лицом без гражданства, вы можете получить бесплатную "
                "юридическую консультацию.\n\nНаши партнёры помогут с ходатайством о статусе беженца, определением "
                "статуса лица без гражданства и в суде.",
            ),
            "kk": (
                "Тегін заң көмегі",
                "Егер сіз пана іздеуші, босқын немесе азаматтығы жоқ адам болсаңыз, тегін заң кеңесін ала аласыз.\n\n"
                "Серіктестеріміз босқын мәртебесі туралы өтініш беруге, азаматтығы жоқ адам мәртебесін айқындауға "
                "және сотта көмектеседі.",
            ),
            "en": (
                "Free legal aid",
                "If you are an asylum-seeker, a refugee or a stateless person, you can get free legal advice.\n\n"
                "Our partners help with claims for refugee status, statelessness determination and in court.",
            ),
        },
    ),
    "birth-registration": (
        "birth_registration",
        "Support to women and children without documents",
        {
            "prs": (
                "ثبت تولد طفل",
                "هر طفلی که در قزاقستان به دنیا می‌آید باید ثبت شود، حتی اگر والدین اسناد نداشته باشند.\n\n"
                "تصدیق تولد برای مکتب، خدمات صحی و تابعیت طفل لازم است.",
            ),
            "ps": (
                "د ماشوم د زیږون ثبت",
                "هر ماشوم چې په قزاقستان کې زیږیږي باید ثبت شي، حتی که مور او پلار اسناد ونه لري.\n\n"
                "د زیږون سند د ښوونځي، روغتیا او د ماشوم د تابعیت لپاره اړین دی.",
            ),
            "ar": (
                "تسجيل المواليد",
                "يجب تسجيل كل طفل يولد في كازاخستان، حتى إذا لم يكن لدى الوالدين وثائق.\n\n"
                "شهادة الميلاد ضرورية للمدرسة والرعاية الصحية وجنسية الطفل.",
            ),
            "ru": (
                "Регистрация рождения ребёнка",
                "Каждый ребёнок, родившийся в Казахстане, должен быть зарегистрирован, даже если у родителей нет "
                "документов.\n\nСвидетельство о рождении нужно для школы, медицинской помощи и гражданства ребёнка.",
            ),
            "kk": (
                "Баланың тууын тіркеу",
                "Қазақстанда туған әрбір бала, ата-анасының құжаттары болмаса да, тіркелуі тиіс.\n\n"
                "Туу туралы куәлік мектепке, медициналық көмекке және баланың азаматтығына қажет.",
            ),
            "en": (
                "Registering a child's birth",
                "Every child born in Kazakhstan must be registered, even if the parents have no documents.\n\n"
                "A birth certificate is needed for school, health care and the child's nationality.",
            ),
        },
    ),
    "refugee-status-extension": (
        "refugee_law",
        None,
        {
            "prs": (
                "تمدید وضعیت پناهندگی",
                "وضعیت پناهندگی برای یک سال داده می‌شود.\n\n"
                "یک ماه پیش از ختم آن به اداره کار و برنامه‌های اجتماعی مراجعه کنید تا تمدید شود.",
            ),
            "ru": (
                "Продление статуса беженца",
                "Статус беженца присваивается на один год.\n\n"
                "За месяц до окончания срока обратитесь в отдел занятости и социальных программ для продления.",
            ),
            "kk": (
                "Босқын мәртебесін ұзарту",
                "Босқын мәртебесі бір жылға беріледі.\n\n"
                "Мерзімі аяқталардан бір ай бұрын ұзарту үшін жұмыспен қамту және әлеуметтік бағдарламалар бөліміне "
                "жүгініңіз.",
            ),
            "en": (
                "Extending refugee status",
                "Refugee status is granted for one year.\n\n"
                "A month before it ends, go to the department of employment and social programmes to extend it.",
            ),
        },
    ),
}

KAZAKH_MALE = ("Ерлан", "Нурлан", "Асхат", "Бауыржан", "Данияр", "Марат", "Серик", "Тимур", "Ержан", "Айдос")
KAZAKH_FEMALE = ("Айгуль", "Гульнара", "Динара", "Жанар", "Сауле", "Асель", "Меруерт", "Айгерим", "Дана", "Камила")
FAMILY = (
    "Ахметов",
    "Жумабаев",
    "Касымов",
    "Нурланов",
    "Сейтказин",
    "Оспанов",
    "Абенов",
    "Исмаилов",
    "Кенжебаев",
    "Мухамеджанов",
    "Тулегенов",
    "Байжанов",
)
RUSSIAN_MALE = ("Сергей", "Андрей", "Дмитрий", "Алексей")
RUSSIAN_FEMALE = ("Елена", "Ольга", "Наталья", "Ирина")
RUSSIAN_FAMILY = ("Иванов", "Петров", "Ким", "Соколов")
POSITIONS = ("Главный специалист", "Ведущий специалист", "Руководитель отдела", "Специалист")
# (organisation, department) of the officials, by kind
AGENCIES = (
    ("Управление занятости и социальных программ", "Отдел социальной защиты"),
    ("Департамент полиции", "Управление миграционной службы"),
    ("Управление юстиции", "Отдел регистрации актов гражданского состояния"),
)

# Regional seminars after the national training: (start, region held, topics, how many regions invited)
SEMINARS: tuple[tuple[dt.date, str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        dt.date(2016, 10, 12),
        "KZ-75",
        ("refugee_law", "asylum_procedure"),
        ("KZ-75", "KZ-19"),
        "Семинар по процедуре определения статуса беженца",
    ),
    (
        dt.date(2018, 5, 22),
        "KZ-79",
        ("statelessness", "documentation"),
        ("KZ-79", "KZ-61", "KZ-31"),
        "Выявление лиц без гражданства и лиц с неопределённым гражданством",
    ),
    (
        dt.date(2019, 11, 5),
        "KZ-55",
        ("birth_registration",),
        ("KZ-55", "KZ-59", "KZ-11"),
        "Регистрация рождения детей без документов",
    ),
    (
        dt.date(2020, 10, 14),
        "KZ-71",
        ("statelessness",),
        ("KZ-71", "KZ-11", "KZ-35", "KZ-39"),
        "Новая процедура определения статуса лица без гражданства (онлайн)",
    ),
    (
        dt.date(2022, 6, 21),
        "KZ-75",
        ("refugee_law", "asylum_procedure", "data_protection"),
        ("KZ-75", "KZ-19", "KZ-33"),
        "Передача процедуры предоставления убежища органам социальной защиты",
    ),
    (
        dt.date(2024, 3, 13),
        "KZ-63",
        ("naturalisation", "statelessness"),
        ("KZ-63", "KZ-10"),
        "Приём в гражданство лиц без гражданства",
    ),
)


def _name(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.6  # most social-protection officers are women
    if rng.random() < 0.8:
        given = rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
        family = rng.choice(FAMILY) + ("а" if female else "")
    else:
        given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)
        family = rng.choice(RUSSIAN_FAMILY)
        family = family + ("а" if female and family != "Ким" else "")
    return f"{family} {given}", "F" if female else "M"


def _scores(rng: random.Random) -> tuple[int | None, int | None]:
    if rng.random() < 0.1:
        return None, None  # did not take the tests
    before = rng.randint(30, 75)
    return before, min(100, before + rng.randint(-5, 35))


def load(*, seed: int = 2017, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo content once: does nothing when articles or trainings exist already.

    Side effects: articles and versions (published through the services, so indexed and audited),
    trainings with officials and participations, partner projects, leaflets, and a few records of
    leaflets given to persons in Almaty (audited). Returns counts of what was created."""
    today = today or timezone.localdate()
    if Article.objects.exists() or Training.objects.exists():
        return {}
    rng = random.Random(seed)
    editor = User.objects.get(username=EDITOR)
    organisations = {o.code: o for o in Organisation.objects.all()}
    counts = {
        "articles": 0,
        "versions": 0,
        "trainings": 0,
        "participants": 0,
        "projects": 0,
        "leaflets": 0,
        "shared": 0,
    }
    with transaction.atomic():
        counts["articles"], counts["versions"] = load_articles(editor)
        projects = {}
        for (
            code,
            partner,
            title,
            service_list,
            eligibility,
            regions,
            starts,
            ends,
            contact,
            capacity,
            topic,
        ) in PROJECTS:
            project = PartnerProject.objects.create(
                # A partner with an organisation in Panah receives the referrals to its projects there.
                organisation=organisations.get(code) if code else None,
                **_in_languages("partner", partner),
                **_in_languages("title", title),
                **_in_languages("services", service_list),
                **_in_languages("eligibility", eligibility),
                starts_on=starts,
                ends_on=ends,
                contact=contact,
                capacity=capacity,
                topic=topic,
            )
            project.regions.set(regions)
            projects[title["en"]] = project
            counts["projects"] += 1
        leaflets = {}
        for slug, (topic, project_title, texts) in LEAFLETS.items():
            leaflet = Leaflet.objects.create(slug=slug, topic=topic, project=projects.get(project_title or ""))
            LeafletTranslation.objects.bulk_create(
                [LeafletTranslation(leaflet=leaflet, language=lang, title=t, body=b) for lang, (t, b) in texts.items()]
            )
            leaflets[slug] = leaflet
            counts["leaflets"] += 1

        organisers = [organisations[c] for c in ("unhcr-kz", "mlsp") if c in organisations]
        national = services.record_training(
            by=editor,
            title="Национальный тренинг: статус беженца, безгражданство и регистрация рождения",
            start_date=NATIONAL_TRAINING,
            end_date=NATIONAL_TRAINING + dt.timedelta(days=1),
            region=Region.objects.get(code="KZ-71"),
            location="Астана",
            format="in_person",
            organisers=organisers,
            topics=["refugee_law", "asylum_procedure", "statelessness", "birth_registration"],
            materials="Закон «О беженцах» (2009)\nРуководство УВКБ ООН по процедурам и критериям определения статуса беженцев\n"
            "Справочник по защите лиц без гражданства (УВКБ ООН, 2014)",
        )
        # Two social-protection officers from every region that existed then, and one migration officer.
        for region in Region.objects.valid_on(NATIONAL_TRAINING).order_by("code"):
            for agency in (AGENCIES[0], AGENCIES[0], AGENCIES[1]):
                counts["participants"] += _participant(rng, editor, national, region, agency)
        counts["trainings"] += 1
        for start, held_in, topics, invited, title in SEMINARS:
            if start > today:
                continue
            training = services.record_training(
                by=editor,
                title=title,
                start_date=start,
                end_date=start,
                region=Region.objects.get(code=held_in),
                location="",
                format="online" if "онлайн" in title else "in_person",
                organisers=organisers,
                topics=list(topics),
                materials="",
            )
            counts["trainings"] += 1
            for code in invited:
                region = Region.objects.get(code=code)
                for _n in range(rng.randint(2, 4)):
                    counts["participants"] += _participant(rng, editor, training, region, rng.choice(AGENCIES))

        counts["shared"] = _shared_with_persons(leaflets, projects, today)
    return counts


def load_articles(editor: User) -> tuple[int, int]:
    """Publish the demo's articles and their versions through the services (indexed and audited), each
    version dated as published on its day. Returns how many articles and versions."""
    articles = versions_published = 0
    for slug, topic, versions in ARTICLES:
        for number, (effective, published_on, references, texts) in enumerate(versions, start=1):
            translations = {lang: {"title": t, "what_changed": w, "body": b} for lang, (t, w, b) in texts.items()}
            kwargs: dict[str, Any] = {
                "by": editor,
                "effective_from": effective,
                "legal_references": references,
                "translations": translations,
            }
            if number == 1:
                version = services.publish_article(slug=slug, topic=topic, **kwargs)
                articles += 1
            else:
                version = services.publish_version(article=Article.objects.get(slug=slug), **kwargs)
            published = timezone.make_aware(dt.datetime.combine(published_on, dt.time(10, 0)))
            ArticleVersion.objects.filter(pk=version.pk).update(published_at=published)
            versions_published += 1
    return articles, versions_published


def _participant(rng: random.Random, editor: Any, training: Training, region: Region, agency: tuple[str, str]) -> int:
    name, sex = _name(rng)
    before, after = _scores(rng)
    try:
        services.add_participant(
            by=editor,
            training=training,
            official={
                "full_name": name,
                "organisation": f"{agency[0]} ({region.name_ru})",
                "department": agency[1],
                "position": rng.choice(POSITIONS),
                "region": region,
                "sex": sex,
            },
            attended=rng.random() > 0.05,
            pre_test=before,
            post_test=after,
            feedback_rating=rng.choice((3, 4, 4, 5, 5, None)),
            feedback="",
        )
    except ValidationError:  # a namesake already on the list: the demo skips them
        return 0
    return 1


def _shared_with_persons(leaflets: dict[str, Leaflet], projects: dict[str, PartnerProject], today: dt.date) -> int:
    """Leaflets in Dari given to a few Afghan refugees in Almaty by the Almaty officer."""
    from panah.registry.models import Person

    officer = User.objects.filter(username="officer.almaty").first()
    if officer is None:
        return 0
    with unscoped("demo: pick persons to give leaflets to"):
        persons = list(
            Person.objects.filter(region_id="KZ-75", country_of_origin_id="AFG", merged_into__isnull=True).order_by(
                "pk"
            )[:3]
        )
    shared = 0
    with unscoped("demo: the Almaty officer records the leaflets given (each allowed by the policy)"):
        for number, person in enumerate(persons):
            if not may(officer, Action.CHANGE_PERSON, person):
                continue
            services.record_shared_information(
                by=officer,
                person=person,
                leaflet=leaflets["free-legal-aid"] if number % 2 == 0 else leaflets["refugee-status-extension"],
                project=projects.get("Free legal aid to refugees and stateless persons") if number % 2 == 0 else None,
                language="prs",
                shared_on=today - dt.timedelta(days=7 * (number + 1)),
            )
            shared += 1
    return shared
