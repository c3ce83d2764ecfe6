#!/usr/bin/env python
"""Person search at registry scale: load N synthetic persons into a database of the benchmark's
own, then time `panah.registry.selectors.search_persons`.

    .venv/bin/python bench/registry.py --persons 1000000 --database both --queries 200

The target (issue): search p95 <= 100 ms at 1,000,000 persons on SQLite and on PostgreSQL.

Databases it creates and uses, and no other:
  SQLite      var/bench/registry.sqlite3 (deleted first; --sqlite-path to move it)
  PostgreSQL  the database `panah_bench` on --pg-server (--pg-database to name another), dropped and re-created
With --reuse the loaded database is kept and only migrated (new indexes) and measured again.

What is loaded is what `services.register_person` writes, row for row: Person with
`registration_number_for(pk)`, PersonName, NameToken from `services.name_tokens`, Address and
Document with `number_key = document_key(number)`. Not written: the audit entry per registration.
Names are Afghan, Syrian, Central Asian and Slavic, in Latin, Cyrillic and Arabic script, with a
few very common given names and a long tail of family names (the lists below are made up for the
benchmark, not taken from any registry).

Search latency is one whole `search_persons()` call, which fetches the result rows with their names,
region and country, plus reading what the list page shows; timed after a warm-up, with the
database in the OS page cache (the machine has far more RAM than the database is large).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "bench" / "registry.sqlite3"
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "panah_bench"
NEVER_TOUCH = {"test", "postgres", "root", "template0", "template1"}
SCRIPTS = ("latn", "cyrl", "arab")

# ---------------------------------------------------------------------------------------------
# Name data. One line per name: Latin spellings | Cyrillic spellings | Arabic script.
# Variants are separated by "/", the first is the most usual one. Lines are in order of
# frequency: weights fall off with the rank (Zipf), so the first few names are very common.
# ---------------------------------------------------------------------------------------------

AFGHAN_MALE = """
Mohammad/Muhammad/Mohammed/Mohamad | Мухаммад/Мохаммад/Мухаммед/Магомед | محمد
Ahmad/Ahmed | Ахмад/Ахмед | احمد
Ali | Али | علی
Abdul Rahman/Abdurrahman | Абдул Рахман/Абдурахман | عبدالرحمن
Mahmood/Mahmud | Махмуд | محمود
Hussain/Hussein/Husain | Хусейн/Хуссейн | حسین
Abdullah/Abdulla | Абдулла/Абдуллах | عبدالله
Hamid | Хамид | حمید
Rahim | Рахим | رحیم
Karim | Карим | کریم
Gul Ahmad | Гул Ахмад/Гуль Ахмад | گل احمد
Hassan/Hasan | Хасан/Гасан | حسن
Najib/Najibullah | Наджиб/Наджибулла | نجیب
Rashid | Рашид | رشید
Sayed/Said | Саид/Сайед | سید
Farid | Фарид | فرید
Jawad | Джавад | جواد
Nasir | Насир | ناصر
Omid | Омид | امید
Zabihullah | Забихулла | ذبیح الله
Habibullah | Хабибулла | حبیب الله
Hekmatullah | Хекматулла | حکمت الله
Bashir | Башир | بشیر
Navid/Naveed | Навид | نوید
Wahid | Вахид | وحید
Jamshid | Джамшид | جمشید
Sohrab | Сохраб | سهراب
Mustafa/Mostafa | Мустафа | مصطفی
Yousuf/Yusuf/Yousef | Юсуф | یوسف
Ibrahim/Ebrahim | Ибрагим | ابراهیم
Ismail/Esmail | Исмаил | اسماعیل
Khalid | Халид | خالد
Tariq/Tareq | Тарик | طارق
Farhad | Фархад | فرهاد
Masood/Massoud | Масуд | مسعود
Shafiq | Шафик | شفیق
Rafi | Рафи | رفیع
Zahir/Zaher | Захир | ظاهر
Nabi | Наби | نبی
Qasim/Qasem | Касым/Касим | قاسم
Haroon/Harun | Харун | هارون
Nazir | Назир | نذیر
Sharif | Шариф | شریف
Aziz | Азиз | عزیز
Samir | Самир | سمیر
Fawad | Фавад | فواد
Mujtaba | Муджтаба | مجتبی
Sajjad/Sajad | Саджад | سجاد
Reza | Реза | رضا
Mahdi/Mehdi | Махди/Мехди | مهدی
Abbas | Аббас | عباس
Javid/Javed | Джавид | جاوید
Ajmal | Аджмал | اجمل
Asad | Асад | اسد
Idris | Идрис | ادریس
Amin | Амин | امین
Zia | Зия | ضیا
Ehsan/Ihsan | Эхсан/Ихсан | احسان
Matin | Матин | متین
Obaid | Убайд | عبید
Sami | Сами | سامی
Mirwais | Мирвайс | میرویس
Shir Ali | Шир Али | شیر علی
Dawood/Dawud | Дауд | داوود
Faisal | Файсал | فیصل
Hedayat | Хедаят | هدایت
Kabir | Кабир | کبیر
Latif | Латиф | لطیف
Manan | Манан | منان
Noorullah/Nurullah | Нурулла | نورالله
"""

AFGHAN_FEMALE = """
Fatima/Fatema/Fatemeh | Фатима | فاطمه
Zahra | Захра | زهرا
Maryam/Mariam | Марьям/Мариам | مریم
Zainab/Zaynab | Зайнаб/Зейнаб | زینب
Masooma/Masuma | Масума | معصومه
Nargis/Narges | Наргис | نرگس
Roya | Роя | رویا
Shabnam | Шабнам | شبنم
Farzana | Фарзана | فرزانه
Parwana/Parvana | Парвана | پروانه
Sima | Сима | سیما
Laila/Leila/Layla | Лейла/Лайла | لیلا
Khadija | Хадижа/Хадиджа | خدیجه
Nilofar/Nilufar | Нилуфар | نیلوفر
Gulalai | Гулалай | گلالی
Mursal | Мурсал | مرسل
Tamana | Тамана | تمنا
Sahar | Сахар | سحر
Hadia | Хадия | هدیه
Madina | Мадина | مدینه
Soraya | Сорая | ثریا
Fereshta/Freshta | Фереште/Фрешта | فرشته
Marzia | Марзия | مرضیه
Habiba | Хабиба | حبیبه
Nazanin | Назанин | نازنین
Shakila | Шакила | شکیلا
Zarghuna | Заргуна | زرغونه
Hamida | Хамида | حمیده
Aisha/Ayesha | Айша/Аиша | عایشه
Samira | Самира | سمیرا
Arezo/Arezoo | Арезо | آرزو
Mahbooba | Махбуба | محبوبه
Gulnaz | Гульназ | گلناز
Bibi Gul | Биби Гул | بی بی گل
Nafisa | Нафиса | نفیسه
Razia | Разия | راضیه
Sadia | Садия | سعدیه
Wahida | Вахида | وحیده
"""

AFGHAN_FAMILY = """
Ahmadi | Ахмади | احمدی
Mohammadi | Мухаммади/Мохаммади | محمدی
Hussaini/Hosseini/Husseini | Хуссейни/Хосейни | حسینی
Rahimi | Рахими | رحیمی
Karimi | Карими | کریمی
Sultani | Султани | سلطانی
Noori/Nouri | Нури | نوری
Haidari/Haydari | Хайдари | حیدری
Rasuli/Rasooli | Расули | رسولی
Sharifi | Шарифи | شریفی
Amiri | Амири | امیری
Azimi | Азими | عظیمی
Hakimi | Хакими | حکیمی
Habibi | Хабиби | حبیبی
Jalali | Джалали | جلالی
Rahmani | Рахмани | رحمانی
Rezaei/Rezai | Резаи | رضایی
Sadat | Садат | سادات
Samadi | Самади | صمدی
Qaderi/Qadiri | Кадери/Кадири | قادری
Stanekzai | Станекзай | ستانکزی
Popalzai | Попалзай | پوپلزی
Durrani | Дуррани | درانی
Barakzai | Баракзай | بارکزی
Yousufzai/Yousafzai | Юсуфзай | یوسفزی
Wardak | Вардак | وردک
Safi | Сафи | صافی
Mohmand | Мохманд | مهمند
Niazi | Ниязи | نیازی
Shinwari | Шинвари | شینواری
Hotak | Хотак | هوتک
Noorzai | Нурзай | نورزی
Kakar | Какар | کاکر
Hashimi/Hashemi | Хашими | هاشمی
Faizi | Файзи | فیضی
Nazari | Назари | نظری
Saberi | Сабери | صابری
Akbari | Акбари | اکبری
Ghafoori | Гафури | غفوری
Yaqubi | Якуби | یعقوبی
Omari | Омари | عمری
Alizada/Alizadeh | Ализада/Ализаде | علیزاده
Taheri | Тахери | طاهری
Jafari | Джафари | جعفری
Mirzaei | Мирзаи | میرزایی
Naseri | Насери | ناصری
Siddiqi/Sediqi | Сиддики/Седики | صدیقی
Zahiri | Захири | ظاهری
Nabizada | Набизада | نبیزاده
Tokhi | Тохи | توخی
Andarabi | Андараби | اندرابی
Panjshiri | Панджшири | پنجشیری
Kohistani | Кохистани | کوهستانی
Badakhshi | Бадахши | بدخشی
Heravi | Херави | هروی
Kabuli | Кабули | کابلی
Baloch | Белудж/Балоч | بلوچ
Uzbakzai | Узбакзай | ازبکزی
Sahak | Сахак | ساهک
Zazai | Зазай | ځاځی
"""

SYRIAN_MALE = """
Mohammad/Mohamed/Muhammad | Мухаммад/Мухаммед/Мохаммед | محمد
Ahmad/Ahmed | Ахмад/Ахмед | أحمد
Mahmoud/Mahmud | Махмуд | محمود
Khaled/Khalid | Халед/Халид | خالد
Omar | Омар | عمر
Abdullah | Абдулла | عبد الله
Mustafa | Мустафа | مصطفى
Ali | Али | علي
Hassan | Хасан | حسن
Hussein | Хусейн | حسين
Ibrahim | Ибрагим | إبراهيم
Yousef/Youssef | Юсеф/Юсуф | يوسف
Bilal | Билал | بلال
Tarek | Тарек | طارق
Samer | Самер | سامر
Rami | Рами | رامي
Fadi | Фади | فادي
Ammar | Аммар | عمار
Anas | Анас | أنس
Hamza | Хамза | حمزة
Ayman | Айман | أيمن
Walid | Валид | وليد
Firas | Фирас | فراس
Saleh | Салех | صالح
Jamal | Джамал | جمال
Hani | Хани | هاني
Bashar | Башар | بشار
Maher | Махер | ماهر
Ziad | Зияд | زياد
Osama | Усама | أسامة
"""

SYRIAN_FEMALE = """
Fatima | Фатима | فاطمة
Aisha | Аиша | عائشة
Maryam | Марьям | مريم
Rania | Рания | رانيا
Lina | Лина | لينا
Rasha | Раша | رشا
Hala | Хала | هلا
Noura | Нура | نورة
Amal | Амаль | أمل
Huda | Худа | هدى
Reem | Рим | ريم
Dima | Дима | ديما
Yasmin/Yasmine | Ясмин | ياسمين
Salma | Сальма | سلمى
Ghada | Гада | غادة
Samar | Самар | سمر
Layla | Лейла | ليلى
Zeinab | Зейнаб | زينب
Ruba | Руба | ربى
Hiba | Хиба | هبة
"""

SYRIAN_FAMILY = """
Al-Ahmad | Аль-Ахмад | الأحمد
Al-Hassan | Аль-Хасан | الحسن
Al-Hussein | Аль-Хусейн | الحسين
Al-Ali | Аль-Али | العلي
Al-Khalil | Аль-Халиль | الخليل
Al-Masri | Аль-Масри | المصري
Haddad | Хаддад | حداد
Khoury | Хури | خوري
Hamdan | Хамдан | حمدان
Darwish | Дарвиш | درويش
Nasser | Нассер | ناصر
Othman | Осман | عثمان
Suleiman | Сулейман | سليمان
Kurdi | Курди | كردي
Halabi | Халаби | حلبي
Shami | Шами | شامي
Homsi | Хомси | حمصي
Aboud | Абуд | عبود
Qassem | Кассем | قاسم
Mansour | Мансур | منصور
Najjar | Наджар | نجار
Sabbagh | Саббах | صباغ
Jaber | Джабер | جابر
Hamoud | Хамуд | حمود
Zaidan | Зайдан | زيدان
Al-Rifai | Аль-Рифаи | الرفاعي
Al-Omar | Аль-Омар | العمر
Al-Khatib | Аль-Хатиб | الخطيب
Al-Saleh | Аль-Салех | الصالح
Al-Zoubi | Аль-Зуби | الزعبي
Al-Hamwi | Аль-Хамви | الحموي
Idlibi | Идлиби | إدلبي
Barakat | Баракат | بركات
Shaaban | Шаабан | شعبان
"""

CENTRAL_ASIAN_MALE = """
Muhammad/Mukhammad | Мухаммад/Мухаммед | محمد
Rustam | Рустам
Jamshid/Dzhamshid | Джамшид/Жамшид
Farrukh/Farrukh | Фаррух
Bakhtiyor/Bakhtiyar | Бахтиёр/Бахтияр
Sardor | Сардор
Shokhrukh/Shahrukh | Шохрух
Dilshod | Дилшод
Alisher | Алишер
Bekzod | Бекзод
Ulugbek | Улугбек
Otabek | Отабек
Sherzod | Шерзод
Akmal | Акмал
Anvar | Анвар
Timur | Тимур
Azamat | Азамат
Nurlan | Нурлан
Bakyt/Bakhyt | Бакыт
Yerlan/Erlan | Ерлан
Aibek/Aybek | Айбек
Kanat | Канат
Talgat | Талгат
Daniyar | Данияр
Ruslan | Руслан
Islam | Ислам
Umar | Умар
Abdurakhmon/Abdurahmon | Абдурахмон
Firdavs | Фирдавс
Behruz/Bekhruz | Бехруз
Navruz | Навруз
Parviz | Парвиз
Davron | Даврон
Komil | Комил
Murod | Мурод
Murat | Мурат
Serdar | Сердар
Myrat | Мырат
Akhmet/Ahmet | Ахмет
Ilkham/Ilham | Ильхам
Abdulla | Абдулла
Sultan | Султан
Nodir | Нодир
Khurshed/Hurshed | Хуршед
Suhrob/Sukhrob | Сухроб
Abdurashid | Абдурашид
Ilyos | Ильёс
Adilet | Адилет
Nurbek | Нурбек
Erkin | Эркин
"""

CENTRAL_ASIAN_FEMALE = """
Dilnoza | Дилноза
Gulnara | Гульнара
Nilufar | Нилуфар
Madina | Мадина
Zarina | Зарина
Aigerim/Aygerim | Айгерим
Aizhan/Ayzhan | Айжан
Gulbakhor/Gulbahor | Гулбахор
Shakhnoza/Shahnoza | Шахноза
Malika | Малика
Nodira | Нодира
Feruza | Феруза
Sevara | Севара
Mokhira/Mohira | Мохира
Dildora | Дилдора
Zulfiya | Зульфия
Gulchekhra/Gulchehra | Гульчехра
Nasiba | Насиба
Saodat | Саодат
Takhmina/Tahmina | Тахмина
Aliya | Алия
Aida | Аида
Kamila | Камила
Asel | Асель
Aizhamal/Aijamal | Айжамал
Fatima | Фатима
Mavluda | Мавлюда
Munira | Мунира
Gulmira | Гульмира
Mekhrinisso/Mehrinisso | Мехриниссо
"""

# Roots of Central Asian family names; each becomes Root+ov (Uzbek, Kyrgyz, Turkmen, Kazakh
# spelling) and Root+zoda (Tajik), with the female forms Root+ova.
CENTRAL_ASIAN_ROOTS = """
Karim | Карим
Rakhim/Rahim | Рахим
Yusup | Юсуп
Abdulla | Абдулла
Tursun | Турсун
Nazar | Назар
Ismail | Исмаил
Rashid | Рашид
Usmon/Usman | Усман
Ergash | Эргаш
Sadyk/Sodiq | Садык
Kurban | Курбан
Tokhir/Tahir | Тахир
Yuldash | Юлдаш
Umar | Умар
Khamid/Hamid | Хамид
Salim | Салим
Mirzo | Мирзо
Sharip | Шарип
Akhmed/Ahmed | Ахмед
Mamat | Мамат
Toshmat | Тошмат
Sultan | Султан
Azim | Азим
Khodzha/Khoja | Ходжа
Nurmat | Нурмат
Bakir | Бакир
Sattor | Саттор
Safar | Сафар
Latip | Латип
Sharaf | Шараф
Davlat | Давлат
Murod | Мурод
Zokir | Зокир
Kodir/Qodir | Кодир
Ashur | Ашур
Yakub | Якуб
Rajab | Раджаб
Jurayev/Dzhurayev | Джура
Gafur | Гафур
Khalil | Халил
Kasym | Касым
Ibragim | Ибрагим
Nasrullo | Насрулло
Zaripov | Зарип
Olim | Олим
Rahmon/Rakhmon | Рахмон
Shodi | Шоди
Ali | Али
Valiy/Vali | Вали
"""

SLAVIC_MALE = """
Aleksandr/Alexander | Александр
Sergei/Sergey | Сергей
Vladimir | Владимир
Dmitry/Dmitriy | Дмитрий
Andrei/Andrey | Андрей
Aleksei/Alexey | Алексей
Nikolai/Nikolay | Николай
Ivan | Иван
Viktor | Виктор
Yuri/Yuriy | Юрий
Oleg | Олег
Pavel | Павел
Mikhail | Михаил
Evgeny/Yevgeniy | Евгений
Igor | Игорь
Vitaly/Vitaliy | Виталий
Anatoly/Anatoliy | Анатолий
Valery/Valeriy | Валерий
Gennady/Gennadiy | Геннадий
Konstantin | Константин
Roman | Роман
Maksim/Maxim | Максим
Artem/Artyom | Артём/Артем
Denis | Денис
Vadim | Вадим
Stanislav | Станислав
Bogdan | Богдан
Taras | Тарас
Petr/Pyotr | Пётр/Петр
Grigory/Grigoriy | Григорий
"""

SLAVIC_FEMALE = """
Elena/Yelena | Елена
Olga | Ольга
Natalia/Natalya | Наталья
Tatiana/Tatyana | Татьяна
Irina | Ирина
Svetlana | Светлана
Anna | Анна
Maria/Mariya | Мария
Lyudmila/Ludmila | Людмила
Galina | Галина
Nadezhda | Надежда
Valentina | Валентина
Larisa | Лариса
Oksana | Оксана
Yulia/Yuliya | Юлия
Ekaterina/Yekaterina | Екатерина
Anastasia/Anastasiya | Анастасия
Nina | Нина
Lyubov | Любовь
Vera | Вера
Marina | Марина
Alla | Алла
Zoya | Зоя
Tamara | Тамара
"""

SLAVIC_FAMILY = """
Ivanov | Иванов
Petrov | Петров
Smirnov | Смирнов
Kuznetsov | Кузнецов
Popov | Попов
Vasilyev/Vasiliev | Васильев
Sokolov | Соколов
Mikhailov | Михайлов
Novikov | Новиков
Fedorov/Fyodorov | Федоров/Фёдоров
Morozov | Морозов
Volkov | Волков
Alekseev/Alekseyev | Алексеев
Lebedev | Лебедев
Semenov/Semyonov | Семенов/Семёнов
Egorov/Yegorov | Егоров
Pavlov | Павлов
Kozlov | Козлов
Stepanov | Степанов
Nikolaev/Nikolayev | Николаев
Orlov | Орлов
Andreev/Andreyev | Андреев
Makarov | Макаров
Nikitin | Никитин
Zakharov | Захаров
Zaitsev/Zaytsev | Зайцев
Solovyov/Soloviev | Соловьёв/Соловьев
Borisov | Борисов
Yakovlev | Яковлев
Grigoryev | Григорьев
Romanov | Романов
Vorobyov | Воробьёв
Sergeev/Sergeyev | Сергеев
Kovalev/Kovalyov | Ковалёв/Ковалев
Belov | Белов
Tarasov | Тарасов
Frolov | Фролов
Gusev | Гусев
Kiselev/Kiselyov | Киселёв
Ilyin | Ильин
Maksimov | Максимов
Polyakov | Поляков
Sorokin | Сорокин
Vinogradov | Виноградов
Kovalchuk | Ковальчук
Shevchenko | Шевченко
Kovalenko | Коваленко
Bondarenko | Бондаренко
Tkachenko | Ткаченко
Kravchenko | Кравченко
Boyko/Boiko | Бойко
Melnyk/Melnik | Мельник
Oliynyk/Oleinik | Олейник
Moroz | Мороз
Savchenko | Савченко
Rudenko | Руденко
Lysenko | Лысенко
Marchenko | Марченко
Ponomarenko | Пономаренко
Kovtun | Ковтун
Zhukov | Жуков
Baranov | Баранов
Kulikov | Куликов
Dmitriev | Дмитриев
Gerasimov | Герасимов
Schneider/Shneider | Шнайдер
Miller | Миллер
Weber/Veber | Вебер
Kim | Ким
Pak | Пак
Tsoi/Tsoy | Цой
"""

# Share of persons, origin countries and how names are recorded, by name group.
GROUPS: dict[str, dict[str, Any]] = {
    "afghan": {
        "share": 0.45, "countries": {"AFG": 1.0}, "citizen": 0.85,
        "scripts": {"latn": 0.85, "cyrl": 0.7, "arab": 0.5}, "no_family": 0.15, "patronymic": 0.3,
    },
    "syrian": {
        "share": 0.08, "countries": {"SYR": 0.9, "IRQ": 0.1}, "citizen": 0.85,
        "scripts": {"latn": 0.9, "cyrl": 0.7, "arab": 0.5}, "no_family": 0.02, "patronymic": 0.2,
    },
    "central_asian": {
        "share": 0.27, "countries": {"UZB": 0.35, "TJK": 0.25, "KGZ": 0.15, "TKM": 0.1, "CHN": 0.1, "AFG": 0.05},
        "citizen": 0.4, "scripts": {"latn": 0.5, "cyrl": 0.95, "arab": 0.03}, "no_family": 0.0, "patronymic": 0.8,
    },
    "slavic": {
        "share": 0.20, "countries": {"RUS": 0.6, "UKR": 0.3, "BLR": 0.1}, "citizen": 0.1,
        "scripts": {"latn": 0.3, "cyrl": 1.0, "arab": 0.0}, "no_family": 0.0, "patronymic": 0.9,
    },
}

# Share of the caseload by region (valid today). Almaty, Astana and the south hold most of it.
REGION_SHARE = {
    "KZ-75": 0.30, "KZ-71": 0.12, "KZ-19": 0.09, "KZ-79": 0.08, "KZ-61": 0.07, "KZ-31": 0.05,
    "KZ-35": 0.04, "KZ-33": 0.03, "KZ-47": 0.03, "KZ-15": 0.025, "KZ-43": 0.02, "KZ-23": 0.02,
    "KZ-55": 0.02, "KZ-63": 0.02, "KZ-39": 0.02, "KZ-11": 0.02, "KZ-27": 0.015, "KZ-10": 0.015,
    "KZ-59": 0.01, "KZ-62": 0.005,
}
LOCALITY = {
    "KZ-75": "Алматы", "KZ-71": "Астана", "KZ-19": "Конаев", "KZ-79": "Шымкент", "KZ-61": "Туркестан",
    "KZ-31": "Тараз", "KZ-35": "Караганда", "KZ-33": "Талдыкорган", "KZ-47": "Актау", "KZ-15": "Актобе",
    "KZ-43": "Кызылорда", "KZ-23": "Атырау", "KZ-55": "Павлодар", "KZ-63": "Усть-Каменогорск",
    "KZ-39": "Костанай", "KZ-11": "Кокшетау", "KZ-27": "Уральск", "KZ-10": "Семей", "KZ-59": "Петропавловск",
    "KZ-62": "Жезказган",
}
STREETS = ["ул. Абая", "ул. Толе би", "пр. Назарбаева", "ул. Жибек жолы", "мкр. Самал", "ул. Ленина",
           "ул. Гагарина", "мкр. Аксай", "ул. Сейфуллина", "ул. Байтурсынова"]

# Owners: the state department and UNHCR everywhere, two partner NGOs where they work.
ORGANISATIONS = [
    # code, name, kind, regions (None = all), share of the caseload where present
    ("mlsp", "Ministry of Labour — migration and social protection", "state", None, 0.55),
    ("unhcr-kz", "UNHCR Kazakhstan", "unhcr", None, 0.25),
    ("kibhr", "Kazakhstan Bureau for Human Rights", "partner", ["KZ-75", "KZ-71", "KZ-19", "KZ-79"], 0.25),
    ("sana-sezim", "Sana Sezim", "partner", ["KZ-61", "KZ-31", "KZ-79", "KZ-43", "KZ-75"], 0.15),
]


@dataclass(frozen=True)
class Part:
    """One name (or name part) with its spellings in each script."""

    latn: tuple[str, ...]
    cyrl: tuple[str, ...]
    arab: tuple[str, ...] = ()

    def spell(self, script: str, rng: random.Random | None = None) -> str:
        variants = getattr(self, script)
        if rng is None or len(variants) == 1 or rng.random() < 0.6:
            return variants[0]
        return variants[rng.randrange(len(variants))]

    def has(self, script: str) -> bool:
        return bool(getattr(self, script))


def parse_parts(table: str) -> list[Part]:
    parts = []
    for line in table.strip().splitlines():
        cols = [c.strip() for c in line.split("|")] + ["", ""]
        latn, cyrl, arab = cols[:3]
        parts.append(Part(tuple(latn.split("/")), tuple(cyrl.split("/")), tuple(arab.split("/")) if arab else ()))
    return parts


def _feminine(part: Part) -> Part:
    def latn(word: str) -> str:
        if word.endswith(("ov", "ev", "yov", "in", "yn")):
            return word + "a"
        return word

    def cyrl(word: str) -> str:
        if word.endswith(("ов", "ев", "ёв", "ин", "ын")):
            return word + "а"
        return word

    return Part(tuple(latn(w) for w in part.latn), tuple(cyrl(w) for w in part.cyrl), part.arab)


def _suffixed(root: Part, latn: str, cyrl: str, arab: str = "") -> Part:
    def add(word: str, suffix: str) -> str:
        if suffix in ("ov", "ов") and word[-1].lower() in "aeiouаеиоуыэюяё":
            suffix = "ev" if suffix == "ov" else "ев"
        return word + suffix

    return Part(
        tuple(add(w, latn) for w in root.latn),
        tuple(add(w, cyrl) for w in root.cyrl),
        tuple(w + arab for w in root.arab) if arab else (),
    )


class Pool:
    """Weighted choice by rank: weight 1 / (rank + 1) ** exponent."""

    def __init__(self, items: Sequence[Any], exponent: float) -> None:
        self.items = list(items)
        total = 0.0
        self.cumulative = []
        for rank in range(len(self.items)):
            total += 1.0 / (rank + 1) ** exponent
            self.cumulative.append(total)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _interleave(*lists: Sequence[Any]) -> list[Any]:
    out = []
    for i in range(max(len(x) for x in lists)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def build_name_pools() -> dict[str, dict[str, Pool]]:
    afghan_male = parse_parts(AFGHAN_MALE)
    single_word = [p for p in afghan_male if " " not in p.latn[0] and not p.latn[0].endswith("ullah")]
    # Afghan family names made from given names: Karim -> Karimi, Nabi -> Nabizada. Kept after
    # the listed ones so they form the long tail.
    derived = [_suffixed(p, "i", "и", "ی") for p in single_word if p.latn[0][-1] not in "aeiou"]
    derived += [_suffixed(p, "zada", "зада", "زاده") for p in single_word[5:40]]
    afghan_family = [(p, p) for p in parse_parts(AFGHAN_FAMILY) + derived]

    syrian_male = parse_parts(SYRIAN_MALE)
    syrian_family = parse_parts(SYRIAN_FAMILY)
    syrian_family += [
        Part(tuple("Al-" + w for w in p.latn), tuple("Аль-" + w for w in p.cyrl), tuple("ال" + w for w in p.arab))
        for p in syrian_male[3:25]
    ]

    roots = parse_parts(CENTRAL_ASIAN_ROOTS)
    ov = [_suffixed(r, "ov", "ов") for r in roots]
    zoda = [_suffixed(r, "zoda", "зода") for r in roots]
    central_asian_family = [(p, _feminine(p)) for p in _interleave(ov, ov[10:] + ov[:10], zoda)]
    # The interleave repeats Root+ov a second time on purpose: Uzbek spellings outnumber Tajik ones.
    central_asian_family = list(dict.fromkeys(central_asian_family))

    slavic_family = [(p, _feminine(p)) for p in parse_parts(SLAVIC_FAMILY)]
    return {
        "afghan": {
            "M": Pool(afghan_male, 1.0), "F": Pool(parse_parts(AFGHAN_FEMALE), 0.9),
            "family": Pool(afghan_family, 0.8), "father": Pool(afghan_male, 1.0),
        },
        "syrian": {
            "M": Pool(syrian_male, 1.0), "F": Pool(parse_parts(SYRIAN_FEMALE), 0.9),
            "family": Pool([(p, p) for p in syrian_family], 0.7), "father": Pool(syrian_male, 1.0),
        },
        "central_asian": {
            "M": Pool(parse_parts(CENTRAL_ASIAN_MALE), 0.8), "F": Pool(parse_parts(CENTRAL_ASIAN_FEMALE), 0.8),
            "family": Pool(central_asian_family, 0.7), "father": Pool(parse_parts(CENTRAL_ASIAN_MALE), 0.8),
        },
        "slavic": {
            "M": Pool(parse_parts(SLAVIC_MALE), 0.8), "F": Pool(parse_parts(SLAVIC_FEMALE), 0.8),
            "family": Pool(slavic_family, 0.8), "father": Pool(parse_parts(SLAVIC_MALE), 0.8),
        },
    }


def patronymic(father: Part, sex: str, script: str) -> str:
    """Russian-style patronymic from the father's given name, as Cyrillic records write it."""
    word = father.spell(script).split()[-1]
    if script == "cyrl":
        if word.endswith("й"):
            return word[:-1] + ("евич" if sex == "M" else "евна")
        if word[-1] in "аяо":
            return word[:-1] + ("ович" if sex == "M" else "овна")
        return word + ("ович" if sex == "M" else "овна")
    if word.endswith(("y", "i")) and script == "latn":
        return word[:-1] + ("evich" if sex == "M" else "evna")
    return word + ("ovich" if sex == "M" else "ovna")


# ---------------------------------------------------------------------------------------------
# Generation of one person: plain dicts, turned into model instances by the loader.
# ---------------------------------------------------------------------------------------------


@dataclass
class Generator:
    rng: random.Random
    today: dt.date
    regions: list[str]
    org_ids: dict[str, int]
    registrar_ids: dict[int, int]
    pools: dict[str, dict[str, Pool]] = field(default_factory=build_name_pools)

    def __post_init__(self) -> None:
        self.group_pool = self._weighted({g: spec["share"] for g, spec in GROUPS.items()})
        self.region_pool = self._weighted({r: REGION_SHARE[r] for r in self.regions})
        self.owner_pool: dict[str, tuple[list[int], list[float]]] = {}
        for region in self.regions:
            present = [(self.org_ids[code], share) for code, _n, _k, regions, share in ORGANISATIONS
                       if regions is None or region in regions]
            self.owner_pool[region] = self._weighted(dict(present))
        self.country_pool = {g: self._weighted(spec["countries"]) for g, spec in GROUPS.items()}

    @staticmethod
    def _weighted(weights: dict[Any, float]) -> tuple[list[Any], list[float]]:
        keys = list(weights)
        cumulative, total = [], 0.0
        for key in keys:
            total += weights[key]
            cumulative.append(total)
        return keys, cumulative

    def _pick(self, pool: tuple[list[Any], list[float]]) -> Any:
        keys, cumulative = pool
        return keys[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def birth(self) -> tuple[dt.date, str, bool]:
        rng = self.rng
        roll = rng.random()
        age = rng.randrange(0, 18) if roll < 0.4 else rng.randrange(18, 60) if roll < 0.95 else rng.randrange(60, 90)
        born = self.today - dt.timedelta(days=age * 365 + rng.randrange(365))
        roll = rng.random()
        if roll < 0.15:
            return born.replace(month=1, day=1), "year", True
        if roll < 0.2:
            return born.replace(day=1), "month", False
        return born, "day", False

    def person(self, pid: int) -> dict[str, Any]:
        rng = self.rng
        group = self._pick(self.group_pool)
        spec = GROUPS[group]
        pools = self.pools[group]
        sex = "M" if rng.random() < 0.52 else "F"
        given = pools[sex].pick(rng)
        family_m, family_f = pools["family"].pick(rng) if rng.random() >= spec["no_family"] else (None, None)
        family = family_f if sex == "F" else family_m
        father = pools["father"].pick(rng) if rng.random() < spec["patronymic"] else None

        scripts = [s for s in ("cyrl", "latn", "arab") if rng.random() < spec["scripts"][s] and given.has(s)
                   and (family is None or family.has(s))]
        if not scripts:
            scripts = ["cyrl" if group in ("central_asian", "slavic") else "latn"]
        names = []
        for position, script in enumerate(scripts):
            if group in ("central_asian", "slavic") and father is not None:
                father_name = patronymic(father, sex, script) if script == "cyrl" else ""
            else:
                # Afghan and Arab records keep the father's name itself, in any script.
                father_name = father.spell(script, rng) if father is not None and father.has(script) else ""
            names.append({
                "kind": "official" if position == 0 else "original" if script == "arab" else "alias",
                "script": script,
                "given_name": given.spell(script, rng),
                "family_name": family.spell(script, rng) if family is not None else "",
                "patronymic": father_name,
                "position": position,
            })

        region = self._pick(self.region_pool)
        country = self._pick(self.country_pool[group])
        roll = rng.random()
        if roll < spec["citizen"]:
            status, citizenship = "country", country
        elif roll < spec["citizen"] + (1 - spec["citizen"]) * 0.7:
            status, citizenship = "stateless", None
        else:
            status, citizenship = rng.choice(["undetermined", "unknown"]), None
        birth_date, precision, estimated = self.birth()
        organisation = self._pick(self.owner_pool[region])
        registered = self.today - dt.timedelta(days=rng.randrange(1, 15 * 365))
        return {
            "person": {
                "id": pid, "organisation_id": organisation, "region_id": region, "sex": sex,
                "birth_date": birth_date, "birth_date_precision": precision, "birth_date_estimated": estimated,
                "birth_country_id": country if rng.random() < 0.9 else None, "country_of_origin_id": country,
                "citizenship_status": status, "citizenship_id": citizenship,
                "created_by_id": self.registrar_ids[organisation],
            },
            "names": names,
            "documents": self.documents(pid, group, country, registered),
            "address": {
                "region_id": region, "locality": LOCALITY[region],
                "line": f"{rng.choice(STREETS)}, {rng.randrange(1, 200)}, кв. {rng.randrange(1, 120)}",
                "phone": f"+7 7{rng.randrange(0, 99):02d} {rng.randrange(100, 999)} {rng.randrange(10, 99)} "
                         f"{rng.randrange(10, 99)}",
                "valid_from": registered,
            },
        }

    def documents(self, pid: int, group: str, country: str, registered: dt.date) -> list[dict[str, Any]]:
        """One to two documents. Numbers are unique per type: the id times a constant, modulo 10**k."""
        rng = self.rng
        docs = []
        if group in ("afghan", "syrian") and rng.random() < 0.6:
            if group == "afghan":
                number = f"P{(pid * 7_919 + 1_234_567) % 10**8:08d}"
            else:
                number = f"N{(pid * 6_007 + 20_000_000) % 10**9:09d}"
            issued = registered - dt.timedelta(days=rng.randrange(30, 3000))
            docs.append({"type": "passport", "number": number, "issuing_country_id": country,
                         "valid_from": issued, "valid_to": issued + dt.timedelta(days=3652)})
        elif group == "slavic" and rng.random() < 0.3:
            letters = "АБВГДЕЖИКЛМНПРСТ"
            series = f"{rng.choice(['I', 'II', 'III', 'IV', 'V'])}-{rng.choice(letters)}{rng.choice(letters)}"
            docs.append({"type": "passport", "number": f"{series} {(pid * 4_099 + 77) % 10**6:06d}",
                         "issuing_country_id": None, "issuer": "ОВД",
                         "valid_from": None, "valid_to": None})
        roll = rng.random()
        if group in ("afghan", "syrian"):
            kind = "refugee_cert" if roll < 0.7 else "asylum_cert"
        else:
            kind = "stateless_cert" if roll < 0.6 else "residence_permit"
        if kind == "refugee_cert":
            number = f"RC {(pid * 3_571 + 999) % 10**7:07d}"
        elif kind == "asylum_cert":
            number = f"AS-{registered.year}-{(pid * 2_003 + 5) % 10**7:07d}"
        elif kind == "stateless_cert":
            number = f"ЛБГ {(pid * 5_813 + 11) % 10**7:07d}"
        else:
            number = f"№{(pid * 9_973 + 3) % 10**9:09d}"
        valid_to = registered + dt.timedelta(days=rng.choice([365, 3 * 365, 5 * 365, 10 * 365]))
        docs.append({"type": kind, "number": number, "issuing_country_id": "KAZ", "issuer": "МВД РК",
                     "valid_from": registered, "valid_to": valid_to})
        return docs


# ---------------------------------------------------------------------------------------------
# Database preparation (before Django is set up) and Django configuration.
# ---------------------------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace) -> str:
    """Delete/re-create the benchmark database unless --reuse; return its DATABASE_URL."""
    if args.database == "sqlite":
        path = Path(args.sqlite_path).resolve()
        if not args.reuse:
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"

    import psycopg

    database = args.pg_database
    assert database not in NEVER_TOUCH and database.isidentifier(), database
    server = args.pg_server.rstrip("/")
    if not args.reuse:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
    return f"{server}/{database}"


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "panah.settings"
    os.environ["PANAH_TESTING"] = "1"  # no secret key needed; DEBUG stays off (no query log)
    os.environ.pop("PANAH_DEBUG", None)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PANAH_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Loading.
# ---------------------------------------------------------------------------------------------


def ensure_cast(regions: list[str], officer_regions: list[str]) -> dict[str, Any]:
    """Organisations, a system administrator, registrars (one per organisation for created_by, one
    regional officer per benchmark region) and the state→UNHCR sharing agreement."""
    from panah.accounts.models import Membership, Organisation, SharingAgreement, User

    orgs = {}
    for code, name, kind, org_regions, _share in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        org.regions.set(org_regions or regions)
        orgs[code] = org

    def member(username: str, org: Any, role: str, member_regions: list[str]) -> User:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        membership, _ = Membership.objects.get_or_create(
            user=user, organisation=org, role=role, defaults={"valid_from": dt.date(2000, 1, 1)}
        )
        membership.regions.set(member_regions)
        return user

    registrars = {org.pk: member(f"bench-registrar-{code}", org, "registrar", org_regions or regions).pk
                  for code, org, org_regions in ((c, orgs[c], r) for c, _n, _k, r, _s in ORGANISATIONS)}
    sysadmin = member("bench-sysadmin", orgs["mlsp"], "system_admin", [])
    officers = {r: member(f"bench-officer-{r.lower()}", orgs["mlsp"], "registrar", [r]) for r in officer_regions}
    if not SharingAgreement.objects.filter(reference="BENCH-DSA-1").exists():
        agreement = SharingAgreement.objects.create(
            provider=orgs["mlsp"], recipient=orgs["unhcr-kz"], purpose="Protection", reference="BENCH-DSA-1",
            valid_from=dt.date(2000, 1, 1),
        )
        agreement.regions.set(regions)
    return {"orgs": orgs, "registrars": registrars, "sysadmin": sysadmin, "officers": officers}


def load(args: argparse.Namespace, gen: Generator, report: Any) -> tuple[float, dict[str, int]]:
    from django.db import connection, transaction

    from panah.accounts.scope import unscoped
    from panah.registry.models import Address, Document, NameToken, Person, PersonName, document_key
    from panah.registry.services import name_tokens, registration_number_for

    counts = dict.fromkeys(["persons", "names", "tokens", "documents", "addresses"], 0)
    name_id = doc_id = 0
    started = time.perf_counter()
    last = started
    gc.disable()  # millions of short-lived model instances; the collector only slows them down
    try:
        with unscoped("benchmark load"):
            for start in range(1, args.persons + 1, args.chunk):
                stop = min(args.persons, start + args.chunk - 1)
                persons, names, tokens, documents, addresses = [], [], [], [], []
                for pid in range(start, stop + 1):
                    row = gen.person(pid)
                    persons.append(Person(registration_number=registration_number_for(pid), **row["person"]))
                    for fields in row["names"]:
                        name_id += 1
                        name = PersonName(id=name_id, person_id=pid, **fields)
                        names.append(name)
                        tokens.extend(name_tokens(pid, name, row["person"]["birth_date"]))
                    for fields in row["documents"]:
                        doc_id += 1
                        documents.append(Document(id=doc_id, person_id=pid, number_key=document_key(fields["number"]),
                                                  **fields))
                    addresses.append(Address(id=pid, person_id=pid, **row["address"]))
                with transaction.atomic():
                    Person.objects.bulk_create(persons, batch_size=args.batch)
                    PersonName.objects.bulk_create(names, batch_size=args.batch)
                    NameToken.objects.bulk_create(tokens, batch_size=args.batch)
                    Document.objects.bulk_create(documents, batch_size=args.batch)
                    Address.objects.bulk_create(addresses, batch_size=args.batch)
                counts["persons"] += len(persons)
                counts["names"] += len(names)
                counts["tokens"] += len(tokens)
                counts["documents"] += len(documents)
                counts["addresses"] += len(addresses)
                now = time.perf_counter()
                if now - last > 30 or stop == args.persons:
                    rate = counts["persons"] / (now - started)
                    report(f"  loaded {counts['persons']:>9,} persons  {now - started:7.1f} s  {rate:8,.0f} persons/s")
                    last = now
                gc.collect(0)
    finally:
        gc.enable()
    if connection.vendor == "postgresql":
        # Ids were given explicitly: move the sequences past them, as the app's inserts would.
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, PersonName, Document, Address]):
                cursor.execute(sql)
    return time.perf_counter() - started, counts


# ---------------------------------------------------------------------------------------------
# Queries and timing.
# ---------------------------------------------------------------------------------------------


@dataclass
class Query:
    kind: str  # family, given_family, other_script, regno, document
    text: str
    person_id: int
    script: str = ""


@dataclass
class Timing:
    scope: str
    kind: str
    ms: list[float] = field(default_factory=list)
    found: int = 0
    missed: int = 0  # the target not shown although every match was (no "more")
    rows: int = 0
    scripts: dict[str, list[float]] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")


KIND_LABELS = {
    "family": "name: family name alone",
    "given_family": "name: given + family",
    "other_script": "name: in another script",
    "regno": "registration number",
    "document": "document number",
}


def spelling_index(pools: dict[str, dict[str, Pool]]) -> dict[tuple[str, str], Part]:
    """(script, spelling) -> Part, to write a recorded name in another script."""
    index: dict[tuple[str, str], Part] = {}
    for group in pools.values():
        for key, pool in group.items():
            for item in pool.items:
                for part in item if key == "family" else (item,):
                    for script in SCRIPTS:
                        for spelling in getattr(part, script):
                            index.setdefault((script, spelling), part)
    return index


def typed_registration_number(number: str, rng: random.Random) -> str:
    digits = number.replace("-", "")
    return rng.choice([number, number.lower(), digits, f"{digits[:2]} {digits[2:9]} {digits[9:]}"])


def typed_document_number(number: str, rng: random.Random) -> str:
    from panah.registry.models import document_key

    key = document_key(number)
    spaced = " ".join(key[i:i + 3] for i in range(0, len(key), 3))
    return rng.choice([number, number.lower(), key, spaced])


def make_queries(
    person_ids: list[int], count: int, rng: random.Random, index: dict[tuple[str, str], Part]
) -> list[Query]:
    """`count` queries of each kind for persons drawn from `person_ids` (the scope's persons)."""
    from panah.accounts.scope import unscoped
    from panah.registry.models import Person

    wanted = dict.fromkeys(KIND_LABELS, count)
    queries: list[Query] = []
    round_robin = dict.fromkeys(("family", "given_family", "other_script"), 0)
    with unscoped("benchmark query sampling"):
        for _attempt in range(200):
            if not any(wanted.values()):
                break
            sample = rng.sample(person_ids, min(len(person_ids), 500))
            persons = Person.objects.filter(pk__in=sample).prefetch_related("names", "documents")
            for person in persons:
                names = list(person.names.all())
                by_script = {n.script: n for n in names}
                if wanted["regno"]:
                    wanted["regno"] -= 1
                    typed = typed_registration_number(person.registration_number, rng)
                    queries.append(Query("regno", typed, person.pk))
                documents = list(person.documents.all())
                if wanted["document"] and documents:
                    wanted["document"] -= 1
                    number = rng.choice(documents).number
                    queries.append(Query("document", typed_document_number(number, rng), person.pk))
                for kind in ("family", "given_family"):
                    script = SCRIPTS[round_robin[kind] % 3]
                    name = by_script.get(script)
                    if wanted[kind] and name is not None and name.family_name:
                        wanted[kind] -= 1
                        round_robin[kind] += 1
                        text = name.family_name if kind == "family" else f"{name.given_name} {name.family_name}"
                        queries.append(Query(kind, text, person.pk, script))
                if wanted["other_script"]:
                    script = SCRIPTS[round_robin["other_script"] % 3]  # the script the query is typed in
                    if script in by_script:
                        continue
                    source = next((n for n in names if n.family_name), None)
                    if source is None:
                        continue
                    given = index.get((source.script, source.given_name))
                    family = index.get((source.script, source.family_name))
                    if given and family and given.has(script) and family.has(script):
                        wanted["other_script"] -= 1
                        round_robin["other_script"] += 1
                        text = f"{given.spell(script, rng)} {family.spell(script, rng)}"
                        queries.append(Query("other_script", text, person.pk, script))
    rng.shuffle(queries)
    return queries


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


SELECTORS: list[Any] = []  # the module whose search_persons is timed (--selectors-file to compare)


def load_selectors(path: str | None) -> Any:
    if path is None:
        from panah.registry import selectors

        return selectors
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_selectors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_search(text: str) -> Any:
    """One search as the list page does it: the call, then what the page reads from each row."""
    result = SELECTORS[0].search_persons(text)
    for person in result.persons:
        name = person.primary_name
        _ = (name.display if name else "", person.region.name, person.birth_date, person.registration_number,
             person.country_of_origin.name if person.country_of_origin else "")
    return result


def measure(scope_label: str, scope: Any, queries: list[Query], warmup: list[Query]) -> dict[str, Timing]:
    from panah.accounts.scope import use_scope

    timings: dict[str, Timing] = {}
    with use_scope(scope):
        for query in warmup:
            run_search(query.text)
        for query in queries:
            started = time.perf_counter()
            result = run_search(query.text)
            ms = (time.perf_counter() - started) * 1000
            timing = timings.setdefault(query.kind, Timing(scope_label, query.kind))
            timing.ms.append(ms)
            timing.rows += len(result.persons)
            found = any(p.pk == query.person_id for p in result.persons)
            timing.found += found
            timing.missed += not found and not result.more
            if query.script:
                timing.scripts.setdefault(query.script, []).append(ms)
            if ms > timing.slowest[0]:
                timing.slowest = (ms, query.text)
    return timings


def measure_online_check(user: Any, person_ids: list[int], count: int, rng: random.Random,
                         index: dict[tuple[str, str], Part]) -> tuple[list[float], int, int]:
    """Time the duplicate check at registration (`panah.matching.online.check`) for `count` persons
    of the registry entered again as a registrar would: the name in another script, the birth date
    as written (6 in 10), cut to the year or set to 1 January. Returns (ms per check, found, checks).

    "Found" counts checks whose candidates shown (at most 5) include the registered person; the
    synthetic registry has many namesakes born the same year, whom no check can tell apart.

    Each check is timed as inside a registration request: the request's view scope is already
    computed (by ScopeMiddleware, for every page), so its queries are not the check's."""
    from panah.accounts.scope import scope_for, unscoped
    from panah.matching.online import check, registration_records
    from panah.registry.models import Person

    cases: list[tuple[int, list[dict[str, str]], dict[str, Any]]] = []
    with unscoped("benchmark sampling"):
        while len(cases) < count:
            sample = rng.sample(person_ids, min(len(person_ids), 200))
            for person in Person.objects.filter(pk__in=sample).prefetch_related("names"):
                source = next((n for n in person.names.all() if n.family_name), None)
                if source is None or len(cases) >= count:
                    continue
                script = rng.choice([s for s in SCRIPTS if s != source.script])
                given, family = index.get((source.script, source.given_name)), index.get((source.script, source.family_name))
                if not (given and family and given.has(script) and family.has(script)):
                    continue
                if script == "arab":
                    name = {"full_name": f"{given.spell(script, rng)} {family.spell(script, rng)}"}
                else:
                    name = {"given_name": given.spell(script, rng), "family_name": family.spell(script, rng)}
                birth = person.birth_date
                fields: dict[str, Any] = {"sex": person.sex}
                if birth is not None:
                    # As written on a document (most), cut to the year, or set to 1 January.
                    how = rng.choices(["as is", "year", "1 January"], weights=[6, 2, 2])[0]
                    fields["birth_date"] = birth if how == "as is" else dt.date(birth.year, 1, 1)
                    fields["birth_date_precision"] = {"as is": person.birth_date_precision, "year": "year"}.get(how, "day")
                cases.append((person.pk, [name], fields))
    def request_begins() -> None:
        # As ScopeMiddleware does before the registration view runs: a per-request cache holding the
        # user's view scope, which the check's visibility test then reads instead of asking again.
        user._panah_scope_cache = {}
        scope_for(user)

    for _pk, names, fields in cases[: max(1, count // 10)]:  # warm-up
        request_begins()
        check(registration_records(names, fields, []), by=user)
    timings, found = [], 0
    for pk, names, fields in cases:
        request_begins()
        started = time.perf_counter()
        candidates = check(registration_records(names, fields, []), by=user)
        timings.append((time.perf_counter() - started) * 1000)
        found += any(c.person.pk == pk for c in candidates)
    return timings, found, len(cases)


def explain(scope: Any, text: str, report: Any) -> None:
    """The SQL one search issues, each with its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from panah.accounts.scope import use_scope

    with use_scope(scope), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        run_search(text)
        ms = (time.perf_counter() - started) * 1000
    report(f"\n  -- {text!r}: {len(captured.captured_queries)} queries, {ms:.1f} ms with query capture")
    for item in captured.captured_queries:
        sql = item["sql"]
        # Run again and fetch every row: SQLite does most of its work while rows are fetched, which
        # the captured time (execute only) leaves out.
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql)
            rows = len(cursor.fetchall())
            ms = (time.perf_counter() - started) * 1000
        report(f"  [{ms:7.1f} ms, {rows} rows] {sql[:600]}{' ...' if len(sql) > 600 else ''}")
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                report("      " + " ".join(str(c) for c in (row[-1:] if connection.vendor == "sqlite" else row)))


# ---------------------------------------------------------------------------------------------
# One database, start to end.
# ---------------------------------------------------------------------------------------------


def run_one(args: argparse.Namespace) -> None:
    def report(line: str = "") -> None:
        print(line, flush=True)

    url = prepare_database(args)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from panah.accounts.scope import scope_for, unscoped
    from panah.geo.models import Region
    from panah.registry.models import Person

    db = args.database
    report(f"== {db}: {args.persons:,} persons → {url} ({'reused' if args.reuse else 'fresh'})")
    SELECTORS.append(load_selectors(args.selectors_file))
    report(f"  search_persons from {SELECTORS[0].__file__}")
    started = time.perf_counter()
    if args.no_migrate:
        report("  migrations: not run (--no-migrate): the schema as it was loaded")
    else:
        call_command("migrate", verbosity=0, interactive=False)
        report(f"  migrations: {time.perf_counter() - started:.1f} s")

    today = timezone.localdate()
    regions = sorted(Region.objects.valid_on(today).values_list("code", flat=True))
    missing = set(regions) ^ set(REGION_SHARE)
    assert not missing, f"region shares and today's regions differ: {missing}"
    officer_regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    cast = ensure_cast(regions, officer_regions)
    rng = random.Random(args.seed)

    load_s: float | None = None
    if not args.reuse:
        if db == "sqlite":
            with connection.cursor() as cursor:
                for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                    cursor.execute(f"PRAGMA {pragma}")
            report("  load PRAGMAs: journal_mode=WAL, synchronous=OFF, cache_size=1 GB, temp_store=MEMORY "
                   "(this connection only; searches run on a fresh connection with the app's settings)")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
            report("  load session: synchronous_commit=off (this session only)")
        gen = Generator(rng=rng, today=today, regions=regions, org_ids={c: o.pk for c, o in cast["orgs"].items()},
                        registrar_ids=cast["registrars"])
        load_s, counts = load(args, gen, report)
        report(f"  load: {load_s:.1f} s, {counts['persons'] / load_s:,.0f} persons/s; rows: "
               + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    started = time.perf_counter()
    if not args.reuse:
        from panah.imports.bulk import refresh_statistics, registry_models

        # What the product does after a bulk import: the tables loaded, analysed (and on PostgreSQL
        # vacuumed, for the visibility map) by `refresh_statistics`.
        refresh_statistics(registry_models())
        report(f"  refresh_statistics (the import's own ANALYZE): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
    with connection.cursor() as cursor:
        if db == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            report(f"  ANALYZE + WAL checkpoint: {time.perf_counter() - started:.1f} s")
        else:
            cursor.execute("VACUUM (ANALYZE)")
            report(f"  VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s "
                   "(sets the visibility map for index-only scans, as autovacuum would)")
    if db == "sqlite":
        path = Path(args.sqlite_path).resolve()
        size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    db_mb = size / 2**20
    report(f"  database size: {db_mb:,.1f} MB")
    report(f"  environment: {environment()}")
    # Searches run on a new connection with exactly the app's connection settings.
    connections.close_all()

    with unscoped("benchmark sampling"):
        persons = Person.objects.count()
    index = spelling_index(build_name_pools())
    scopes = [("national (system)", scope_for(cast["sysadmin"]), {})]
    state = cast["orgs"]["mlsp"].pk
    for region, user in cast["officers"].items():
        scopes.append((f"registrar {region}", scope_for(user), {"region_id": region, "organisation_id": state}))

    # Its own generator: a fresh and a --reuse run of the same database time the same searches.
    sampling = random.Random(args.seed + 1)
    results: list[Timing] = []
    slow_examples: list[tuple[Any, Timing]] = []
    for label, scope, where in scopes:
        with unscoped("benchmark sampling"):
            ids = list(Person.objects.filter(**where).values_list("pk", flat=True))
        queries = make_queries(ids, args.queries, sampling, index)
        warmup = make_queries(ids, max(1, args.warmup // len(KIND_LABELS)), sampling, index)
        report(f"  {label}: {len(ids):,} persons in scope, {len(warmup)} warm-up and {len(queries)} timed searches")
        timings = measure(label, scope, queries, warmup)
        for kind in KIND_LABELS:
            if kind in timings:
                results.append(timings[kind])
                slow_examples.append((scope, timings[kind]))

    report()
    report(f"{db}: search latency in ms, {persons:,} persons (warm; p = percentile of single searches)")
    header = (f"  {'scope':<20} {'search by':<26} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} {'found':>6} "
              f"{'missed':>6} {'rows':>5}")
    report(header)
    report("  " + "-" * (len(header) - 2))
    for t in results:
        report(f"  {t.scope:<20} {KIND_LABELS[t.kind]:<26} {len(t.ms):>4} {percentile(t.ms, .5):7.1f} "
               f"{percentile(t.ms, .95):7.1f} {max(t.ms):7.1f} {t.found / len(t.ms):6.0%} "
               f"{t.missed / len(t.ms):6.0%} {t.rows / len(t.ms):5.1f}")
    report("  found = share of searches whose target person is among the rows shown (at most 25); missed = not"
           " found although the search reported no further matches; rows = mean rows shown")
    report()
    report(f"  name searches by the script typed:  {'p50':>7} {'p95':>7} {'n':>5}")
    by_scope_script: dict[tuple[str, str], list[float]] = {}
    for t in results:
        for script, ms in t.scripts.items():
            by_scope_script.setdefault((t.scope, script), []).extend(ms)
    for (scope_label, script), ms in by_scope_script.items():
        report(f"  {scope_label:<20} {script:<14} {percentile(ms, .5):7.1f} {percentile(ms, .95):7.1f} {len(ms):5d}")
    report()
    report("  slowest search of each kind:")
    for _scope, t in slow_examples:
        report(f"  {t.scope:<20} {KIND_LABELS[t.kind]:<26} {t.slowest[0]:7.1f} ms  {t.slowest[1]!r}")
    if args.explain:
        report("\n  plans of the slowest name searches:")
        for scope, t in slow_examples:
            if t.kind in ("family", "given_family", "other_script"):
                explain(scope, t.slowest[1], report)

    report(f"  load average after measuring: {os.getloadavg()[0]:.2f} (other processes on these cores show in the maxima)")

    online_p95 = float("nan")
    if args.online:
        officer = next(iter(cast["officers"].values()))
        with unscoped("benchmark sampling"):
            ids = list(Person.objects.values_list("pk", flat=True))
        ms, found, n = measure_online_check(officer, ids, args.online, random.Random(args.seed + 2), index)
        online_p95 = percentile(ms, .95)
        report()
        report(f"  duplicate check at registration (matching.online.check), {n} persons entered again in another"
               " script, the birth date as written or cut to the year or 1 January, checked by a regional"
               " registrar against the whole registry:")
        report(f"  p50 {percentile(ms, .5):.1f} ms  p95 {online_p95:.1f} ms  max {max(ms):.1f} ms  "
               f"found the registered person {found / n:.0%}  target p95 <= 50 ms: {'met' if online_p95 <= 50 else 'MISSED'}")

    def worst(kinds: tuple[str, ...]) -> float:
        per_scope: dict[str, list[float]] = {}
        for t in results:
            if t.kind in kinds:
                per_scope.setdefault(t.scope, []).extend(t.ms)
        return max(percentile(ms, .95) for ms in per_scope.values())

    name_p95 = worst(("family", "given_family", "other_script"))
    regno_p95, doc_p95 = worst(("regno",)), worst(("document",))
    target = "met" if max(name_p95, regno_p95, doc_p95) <= 100 else "MISSED"
    report()
    report(f"  p95 below is the worst scope's; name = all name searches of that scope. Target p95 <= 100 ms: {target}")
    load_field = f"{load_s:.1f}" if load_s is not None else "reused"
    report(f"{db} persons={persons} load_s={load_field} db_mb={db_mb:.1f} name_p95_ms={name_p95:.1f} "
           f"regno_p95_ms={regno_p95:.1f} doc_p95_ms={doc_p95:.1f} online_check_p95_ms={online_p95:.1f}")


def environment() -> str:
    """Versions and the settings that matter for latency, to read the figures by."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            server = f"SQLite {cursor.fetchone()[0]} (the app's connection settings: WAL, synchronous=NORMAL)"
        else:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                           "('shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'jit')")
            settings = ", ".join(
                f"{n}={int(v) * 8 // 1024}MB" if u == "8kB" else f"{n}={v}{u or ''}" for n, v, u in cursor.fetchall()
            )
            server = f"PostgreSQL {version} ({settings})"
    return (f"{server}; Django {django.get_version()}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
            f"load average {os.getloadavg()[0]:.2f}")


def child_command(args: argparse.Namespace, database: str) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--database", database]
    for option in ("persons", "queries", "warmup", "online", "seed", "chunk", "batch", "regions", "sqlite_path", "pg_server",
                   "pg_database"):
        command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    command += ["--selectors-file", args.selectors_file] if args.selectors_file else []
    flags = [f"--{flag.replace('_', '-')}" for flag in ("reuse", "no_migrate", "explain") if getattr(args, flag)]
    return command + flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons to load (default 1,000,000)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--queries", type=int, default=200, help="timed searches per kind and scope (default 200)")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up searches per scope (default 100)")
    parser.add_argument("--online", type=int, default=200, help="timed duplicate checks at registration (0: skip)")
    parser.add_argument("--regions", default="KZ-75,KZ-55",
                        help="regions of the regional registrars measured, one officer each (default KZ-75,KZ-55)")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--chunk", type=int, default=20_000, help="persons per transaction while loading")
    parser.add_argument("--batch", type=int, default=5_000, help="bulk_create batch size (SQLite caps it lower)")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER,
                        help="PostgreSQL server URL without a database")
    # Several checkouts may share one server: each benchmarks in a database of its own.
    parser.add_argument("--pg-database", default=PG_DATABASE,
                        help=f"the benchmark's database on --pg-server, dropped and re-created (default {PG_DATABASE})")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the loaded database: migrate, ANALYZE and measure again")
    parser.add_argument("--no-migrate", action="store_true",
                        help="with --reuse: measure the schema as loaded, without newer migrations")
    parser.add_argument("--explain", action="store_true", help="print the SQL and plans of the slowest name searches")
    parser.add_argument("--selectors-file", metavar="PATH",
                        help="time search_persons of another copy of selectors.py (e.g. `git show HEAD:...`)")
    args = parser.parse_args(argv)
    if args.no_migrate and not args.reuse:
        parser.error("--no-migrate needs --reuse")

    if args.database != "both":
        run_one(args)
        return 0
    summaries = []
    for database in ("sqlite", "postgresql"):
        # One process per database: Django is configured once per process, before setup().
        with subprocess.Popen(child_command(args, database), stdout=subprocess.PIPE, text=True) as child:  # noqa: S603
            assert child.stdout is not None
            for line in child.stdout:
                print(line, end="", flush=True)
                if line.startswith(f"{database} persons="):
                    summaries.append(line.rstrip())
        if child.returncode:
            print(f"{database} run failed with exit code {child.returncode}", file=sys.stderr)
            return child.returncode
    print("\n" + "\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
