#!/usr/bin/env python
"""Digest generation at registry scale: load N synthetic persons (one document each, an open asylum case
with a deadline for one in ten) and U officers (registrars, one region each, with an e-mail address) into a
database of the benchmark's own, then time `panah.alerts.services.send_digests` for one day with Django's
in-memory mail backend: every user's digest read through that user's scope and rendered, as the task does.

    .venv/bin/python bench/digest.py --persons 1000000 --users 500 [--database sqlite|postgresql] [--reuse]

Target (issue 22): under 5 minutes for 1,000,000 persons and 500 users. Prints its figures; asserts nothing.

Databases it creates and uses, and no other:
  SQLite      /tmp/panah-digest-bench.sqlite3 (deleted first unless --reuse; --sqlite-path to move it)
  PostgreSQL  the database `panah_digest_bench` on --pg-server, dropped and re-created unless --reuse
Not loaded: names, households (so the birth-registration list is computed but empty), referrals."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = Path("/tmp/panah-digest-bench.sqlite3")  # noqa: S108 - a scratch database of its own
PG_DATABASE = "panah_digest_bench"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PANAH_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(persons: int, users: int, today: dt.date, seed: int) -> None:
    from django.db import transaction

    from panah.accounts.models import Membership, Organisation, User
    from panah.accounts.scope import unscoped
    from panah.cases.models import Case
    from panah.geo.models import Region
    from panah.registry.models import Document, Person

    rng = random.Random(seed)
    regions = list(Region.objects.valid_on(today).order_by("code").values_list("code", flat=True))
    state = Organisation.objects.create(code="bench-state", name="Bench state body", kind="state")
    state.regions.set(regions)
    officers: dict[str, list[int]] = {code: [] for code in regions}
    for n in range(users):
        user = User.objects.create(username=f"bench{n:04d}", email=f"bench{n:04d}@example.org")
        membership = Membership.objects.create(
            user=user, organisation=state, role="registrar", valid_from=dt.date(2000, 1, 1)
        )
        code = regions[n % len(regions)]
        membership.regions.set([code])
        officers[code].append(user.pk)
    batch = 20_000
    started = time.perf_counter()
    with unscoped("the benchmark's loader"):
        for first in range(0, persons, batch):
            rows = []
            for i in range(first, min(first + batch, persons)):
                rows.append(
                    Person(
                        registration_number=f"PN-{i:07d}-0",
                        organisation=state,
                        region_id=rng.choice(regions),
                        sex=rng.choice("FM"),
                        birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25_000)),
                        population_type=rng.choice(["REF", "ASY", "STA", "UND"]),
                    )
                )
            with transaction.atomic():
                made = Person.objects.bulk_create(rows, batch_size=5_000)
                if made[0].pk is None:  # SQLite before returning ids: read them back
                    made = list(Person.objects.filter(registration_number__in=[p.registration_number for p in rows]))
                documents, cases = [], []
                for person in made:
                    documents.append(
                        Document(
                            person=person, type=rng.choice(["passport", "refugee_certificate"]),
                            number=f"D{person.pk:08d}", number_key=f"D{person.pk:08d}",
                            valid_to=today + dt.timedelta(days=rng.randrange(-365, 730)),
                        )
                    )  # fmt: skip
                    if rng.random() < 0.1:
                        assigned = officers[person.region_id]
                        cases.append(
                            Case(
                                person=person, kind="asylum", state="registered", organisation=state,
                                region_id=person.region_id, opened_on=today - dt.timedelta(days=60),
                                state_since=today - dt.timedelta(days=60),
                                due_on=today + dt.timedelta(days=rng.randrange(-30, 60)), due_rule="asylum.decision",
                                assigned_to_id=rng.choice(assigned) if assigned and rng.random() < 0.7 else None,
                            )
                        )  # fmt: skip
                Document.objects.bulk_create(documents, batch_size=5_000)
                Case.objects.bulk_create(cases, batch_size=5_000)
            print(
                f"  loaded {min(first + batch, persons):>9,} persons ({time.perf_counter() - started:6.1f} s)",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE)
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded with these counts")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--sample", type=int, default=0, help="time only the first N users (projects the total)")
    args = parser.parse_args()

    if args.database == "sqlite":
        if not args.reuse and args.sqlite_path.exists():
            args.sqlite_path.unlink()
        url = f"sqlite:///{args.sqlite_path}"
    else:
        if not args.reuse:
            for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}"):
                subprocess.run(["psql", f"{args.pg_server}/postgres", "-qc", sql], check=True)  # noqa: S603, S607
        url = f"{args.pg_server}/{PG_DATABASE}"
    _setup(url)

    from django.conf import settings
    from django.core import mail
    from django.utils import timezone

    from panah.accounts.models import User
    from panah.accounts.scope import unscoped
    from panah.alerts import services
    from panah.alerts.selectors import recipients_due
    from panah.cases.deadlines import next_working_day
    from panah.registry.models import Person

    today = next_working_day(timezone.localdate())
    with unscoped("the benchmark counts what it loaded"):
        loaded = Person.objects.count()
    if loaded != args.persons or User.objects.filter(username__startswith="bench").count() != args.users:
        if loaded:
            print(f"database holds {loaded:,} persons, not {args.persons:,}: load it again without --reuse")
            return 2
        started = time.perf_counter()
        _load(args.persons, args.users, today, args.seed)
        print(f"load: {time.perf_counter() - started:.1f} s")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    users = recipients_due(today)
    if args.sample:
        users = users[: args.sample]
    times = []
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for user_id in users:
        one = time.perf_counter()
        entry = services.send_digest(user_id=user_id, today=today, force=True)
        times.append(time.perf_counter() - one)
        statuses[entry.status] = statuses.get(entry.status, 0) + 1
    total = time.perf_counter() - started
    times.sort()
    print(f"database: {args.database}; persons: {args.persons:,}; users: {len(users)}; day: {today}")
    print(f"digests: {statuses}; messages in the outbox: {len(mail.outbox)}")
    if args.sample:
        print(f"projected for {args.users} users: {total / len(users) * args.users:.0f} s")
    print(
        f"generation and sending: {total:.1f} s in all (target < 300 s); per user: median "
        f"{statistics.median(times) * 1000:.0f} ms, p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
