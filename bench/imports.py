#!/usr/bin/env python
"""Bulk import of a person file: generate N rows, then time the check (dry run) and the import.

    .venv/bin/python bench/imports.py --rows 100000 --database both [--formats csv,csv-cp1251,xls,xlsx]

The target (issues 7 and 18): a 100,000-row person file validated and imported <= 60 s on SQLite and on
PostgreSQL, as CSV in UTF-8, as CSV in Windows-1251 (tab-separated, as Excel's "Text" export saves it) and
as .xls (Excel 97-2003). An .xls sheet holds at most 65,536 rows: the .xls file is measured at that size
(65,535 persons under the header), and its rate is printed so it compares with the others. The file is what a regional office sends: Russian headers, semicolons, dates as
dd.mm.yyyy, mm.yyyy or a year, regions and countries by name or code, "без гражданства", a
household for every few rows, a status with its date on most rows.

Databases it creates and uses, and no other:
  SQLite      var/bench/imports.sqlite3 (deleted first)
  PostgreSQL  the database `panah_bench_imports` (or --pg-database) on --pg-server, dropped and re-created
The online duplicate check is not run above 500 rows (services.ONLINE_CHECK_LIMIT), so it is not in
these figures; the batch duplicate run is measured by bench/matching.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "bench" / "imports.sqlite3"
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "panah_bench_imports"

HEADER = [
    "№ дела",
    "Фамилия",
    "Имя",
    "Отчество",
    "Пол",
    "Дата рождения",
    "Страна происхождения",
    "Гражданство",
    "Область",
    "Населенный пункт",
    "Адрес",
    "Тип документа",
    "Номер документа",
    "Телефон",
    "Номер семьи",
    "Родство",
    "Статус",
    "Дата статуса",
]
FAMILY = [
    "Ахмади",
    "Хусейни",
    "Рахими",
    "Юсупов",
    "Каримов",
    "Нурланова",
    "Ahmadi",
    "Hosseini",
    "Rahimi",
    "Sultani",
    "Mohammadi",
    "Азизи",
    "Хайдари",
    "Qasemi",
    "Омаров",
    "Ismoilov",
    "Tursunova",
]
GIVEN_M = ["Мухаммад", "Али", "Ахмад", "Карим", "Рашид", "Mohammad", "Hamid", "Farid", "Omid", "Jawad"]
GIVEN_F = ["Айгуль", "Зарина", "Фатима", "Марьям", "Zahra", "Maryam", "Aisha", "Nargis", "Madina"]
REGIONS = ["KZ-55", "Павлодарская область", "Pavlodar Region", "KZ-75", "Алматы", "г. Алматы"]
ORIGINS = ["Афганистан", "AFG", "Сирия", "SYR", "Узбекистан", "UZB", "Palestine"]
CITIZENSHIP = ["без гражданства", "Афганистан", "AFG", "undetermined", "азаматтығы жоқ", ""]
STATUS = [("беженец", 0.2), ("лбг", 0.5), ("UND", 0.2), ("ASY", 0.05), ("", 0.05)]


XLS_MAX_ROWS = 65_535  # under the header: an .xls sheet has 65,536 rows


def generate(rows: int, seed: int, prefix: str = "BENCH") -> list[list[str]]:
    rng = random.Random(seed)
    table = [HEADER]
    household = 0
    for n in range(rows):
        if n % 4 == 0:
            household += 1
            relationship = "глава семьи"
        else:
            relationship = rng.choice(["супруга", "сын", "дочь", "брат"])
        female = rng.random() < 0.5
        year = rng.randint(1940, 2015)  # before the status dates (2016)
        birth = rng.choice(
            [
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}",
                f"{rng.randint(1, 12):02d}.{year}",
                str(year),
                f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            ]
        )
        status = rng.choices([s for s, _w in STATUS], [w for _s, w in STATUS])[0]
        table.append(
            [
                f"{prefix}-{n:07d}",
                rng.choice(FAMILY),
                rng.choice(GIVEN_F if female else GIVEN_M),
                "",
                "Ж" if female else "М",
                birth,
                rng.choice(ORIGINS),
                rng.choice(CITIZENSHIP),
                rng.choice(REGIONS),
                rng.choice(["Павлодар", "Экибастуз", "Алматы", ""]),
                f"ул. Абая, {rng.randint(1, 200)}",
                rng.choice(["паспорт", "удостоверение беженца", ""]),
                f"N{n:08d}",
                f"+7 701 {rng.randint(0, 9999999):07d}",
                f"F-{household:06d}",
                relationship,
                status,
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2016" if status else "",
            ]
        )
    return table


KAZAKH_IN_CP1251 = str.maketrans("ӘәҒғҚқҢңӨөҰұҮүҺһІі", "АаГгКкНнОоУуУуХхИи")


def encode(table: list[list[str]], form: str) -> tuple[bytes, str]:
    """The table as a file of `form`: (bytes, file name)."""
    if form in ("csv", "csv-cp1251"):
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";" if form == "csv" else "\t").writerows(table)
        text = buffer.getvalue()
        if form == "csv-cp1251":  # Windows-1251 has no Kazakh letters: typed as the nearest Russian ones
            text = text.translate(KAZAKH_IN_CP1251)
        return text.encode("utf-8" if form == "csv" else "cp1251"), f"bench-{form}.csv"
    if form == "xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Лист1")
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if value:
                    sheet.write(r, c, value)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "bench.xls"
    if form == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Лист1")
        for row in table:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "bench.xlsx"
    raise ValueError(form)


def prepare_database(database: str, args: argparse.Namespace) -> str:
    if database == "sqlite":
        path = Path(args.sqlite_path).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    server = args.pg_server.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.pg_database}"')
    return f"{server}/{args.pg_database}"


def run_one(database: str, args: argparse.Namespace) -> None:
    url = prepare_database(database, args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "panah.settings"
    os.environ["PANAH_TESTING"] = "1"
    os.environ.pop("PANAH_DEBUG", None)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PANAH_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from panah.accounts.models import Membership, Organisation, User
    from panah.accounts.scope import unscoped
    from panah.imports.services import import_file
    from panah.imports.validate import Report
    from panah.registry.models import Person

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"{database}: migrated in {time.monotonic() - started:.1f} s", flush=True)
    organisation = Organisation.objects.create(code="bench", name="Bench department", kind="state")
    organisation.regions.set(["KZ-55", "KZ-75"])
    user = User.objects.create(username="bench-registrar")
    membership = Membership.objects.create(user=user, organisation=organisation, role="registrar")
    membership.regions.set(["KZ-55", "KZ-75"])

    for form in args.formats.split(","):
        rows = min(args.rows, XLS_MAX_ROWS) if form == "xls" else args.rows
        # Each file has identifiers of its own: the same identifiers would be "imported before".
        data, name = encode(generate(rows, args.seed, prefix=f"B{form.upper()}"), form)
        print(f"{database} {form}: file of {rows:,} rows, {len(data) / 1e6:.1f} MB", flush=True)
        with unscoped("bench: count"):
            before = Person.objects.count()
        started = time.monotonic()
        checked = import_file(by=user, organisation=organisation, data=data, file_name=name, dry_run=True)
        check_seconds = time.monotonic() - started
        report = Report.from_dict(checked.report)
        assert report.error_count == 0, [i.message for i in report.issues[:5]]
        started = time.monotonic()
        imported = import_file(by=user, organisation=organisation, data=data, file_name=name)
        import_seconds = time.monotonic() - started
        with unscoped("bench: count"):
            persons = Person.objects.count() - before
        assert imported.created == rows == persons, (imported.created, persons)
        print(
            f"{database} {form} rows={rows} check={check_seconds:.1f}s validate+import={import_seconds:.1f}s "
            f"({rows / import_seconds:,.0f} rows/s; target <= 60 s at 100,000 rows, "
            f"{100_000 / (rows / import_seconds):.1f} s at that rate)",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--formats",
        default="csv,csv-cp1251,xls",
        help="comma-separated: csv, csv-cp1251, xls, xlsx (default: the first three)",
    )
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER)
    parser.add_argument("--pg-database", default=PG_DATABASE, help="database created (dropped first) on --pg-server")
    args = parser.parse_args(argv)
    if args.database != "both":
        run_one(args.database, args)
        return 0
    for database in ("sqlite", "postgresql"):  # one process each: Django is configured once per process
        command = [
            sys.executable,
            __file__,
            "--database",
            database,
            "--rows",
            str(args.rows),
            "--seed",
            str(args.seed),
            "--formats",
            args.formats,
            "--sqlite-path",
            args.sqlite_path,
            "--pg-server",
            args.pg_server,
            "--pg-database",
            args.pg_database,
        ]
        if subprocess.call(command):  # noqa: S603
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
