#!/usr/bin/env python
"""Official statistics at registry scale: load N synthetic persons with their status-event histories
into a database of the benchmark's own, build the StockFact index, then time the full stock table
(`panah.stats.selectors.stock_cube`), one year of flows (`flow_cube`) and the definitional fold
(`panah.status.selectors.stock`), and check the stock table cell for cell against DuckDB computing the
same cube with a straightforward window-function query over a CSV export of the same rows.

    .venv/bin/python bench/stats.py --persons 1000000 --events 5000000 --database both

Targets (issue): the stock table <= 1 s on PostgreSQL and <= 2 s on SQLite at 1,000,000 persons and
5,000,000 status events, and within 3x of DuckDB.

Databases it creates and uses, and no other:
  SQLite      /tmp/panah-stats-bench.sqlite3 (deleted first; --sqlite-path to move it)
  PostgreSQL  the database `panah_stats_bench` on --pg-server, dropped and re-created
With --reuse the loaded database is kept if it holds the right counts (persons exactly, events within
1 %) and only migrated, re-indexed if the index is empty (or with --rebuild-index), and measured again.

What is loaded is what the services would write, row for row, through fast bulk inserts (executemany
on SQLite, COPY on PostgreSQL): organisations, persons (origin, sex, birth date with day/month/year
precision, region, the current population type), addresses (some with the KZ-YUZ -> KZ-61/KZ-79
change of 19 June 2018 and the 2022 splits), and status events whose sequence follows the transition
rules of panah/status/transitions.py (ALLOWED_FROM, REQUIRES_PREVIOUS; nothing after a death), each
recorded a few days (sometimes months) after it took effect, plus corrections recorded later: restated
dates (a few corrected again), a changed last decision, and retractions. StatusEvent.population_type
is RESULTING_POPULATION[kind], as save() would set it. Not written: audit entries, names, documents.

Timings are wall-clock times of one whole selector call (the query and building the Cube), warm: one
untimed call first, then --repeat timed calls (median and best). DuckDB's time is its query alone
over tables already in memory (the export and the CSV load are timed separately).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = Path("/tmp/panah-stats-bench.sqlite3")  # noqa: S108 - the brief asks for /tmp
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "panah_stats_bench"
NEVER_TOUCH = {"test", "postgres", "root", "panah_bench", "template0", "template1"}
EXPORT_DIR = Path("/tmp/panah-stats-bench-export")  # noqa: S108
ALMATY = ZoneInfo("Asia/Almaty")
UTC = dt.UTC

# Share of the caseload by region valid today (the same shape as bench/registry.py).
REGION_SHARE = {
    "KZ-75": 0.30, "KZ-71": 0.12, "KZ-19": 0.09, "KZ-79": 0.08, "KZ-61": 0.07, "KZ-31": 0.05,
    "KZ-35": 0.04, "KZ-33": 0.03, "KZ-47": 0.03, "KZ-15": 0.025, "KZ-43": 0.02, "KZ-23": 0.02,
    "KZ-55": 0.02, "KZ-63": 0.02, "KZ-39": 0.02, "KZ-11": 0.02, "KZ-27": 0.015, "KZ-10": 0.015,
    "KZ-59": 0.01, "KZ-62": 0.005,
}  # fmt: skip
# Regions created by a change of the territorial division, with what they were before it.
PREDECESSOR = {
    "KZ-61": ("KZ-YUZ", dt.date(2018, 6, 19)),
    "KZ-79": ("KZ-YUZ", dt.date(2018, 6, 19)),
    "KZ-10": ("KZ-63", dt.date(2022, 6, 8)),
    "KZ-33": ("KZ-19", dt.date(2022, 6, 8)),
    "KZ-62": ("KZ-35", dt.date(2022, 6, 8)),
}
ORGANISATIONS = [
    ("mlsp", "Ministry of Labour — migration and social protection", "state", 0.55),
    ("unhcr-kz", "UNHCR Kazakhstan", "unhcr", 0.25),
    ("kibhr", "Kazakhstan Bureau for Human Rights", "partner", 0.12),
    ("sana-sezim", "Sana Sezim", "partner", 0.08),
]
# Tracks: who the person is, what origin they have, how their timeline starts.
TRACKS = {"asylum": 0.52, "stateless": 0.42, "other": 0.06}
ASYLUM_ORIGINS = {"AFG": 0.45, "SYR": 0.15, "UZB": 0.10, "PSE": 0.08, "IRQ": 0.05, "YEM": 0.04, "TJK": 0.04,
                  "CHN": 0.04, "IRN": 0.03, "SOM": 0.02}  # fmt: skip
STATELESS_ORIGINS = {None: 0.40, "UZB": 0.14, "RUS": 0.12, "TJK": 0.07, "KGZ": 0.07, "UKR": 0.05, "TKM": 0.04,
                     "AZE": 0.03, "ARM": 0.02, "GEO": 0.02, "BLR": 0.02, "MDA": 0.02}  # fmt: skip
OTHER_ORIGINS = {"AFG": 0.3, "UZB": 0.2, None: 0.2, "RUS": 0.1, "SYR": 0.1, "CHN": 0.1}
FIRST_DAY = dt.date(2003, 1, 1)  # timelines start between this day and today


def weighted(weights: dict[Any, float]) -> tuple[list[Any], list[float]]:
    keys, cumulative, total = list(weights), [], 0.0
    for key in keys:
        total += weights[key]
        cumulative.append(total)
    return keys, cumulative


# ---------------------------------------------------------------------------------------------
# Generation of one person: plain tuples, written by the loader.
# ---------------------------------------------------------------------------------------------


class Generator:
    """Persons and their timelines. Events are (id, kind, effective, recorded_at, supersedes_id,
    application_type); the histories are walked by a small state machine that only takes transitions
    ALLOWED_FROM allows (checked again by `check_history` while debugging)."""

    def __init__(self, rng: random.Random, now: dt.datetime, org_ids: dict[str, int], events_per_person: float):
        from panah.status.models import RESULTING_POPULATION
        from panah.status.models import EventKind as K

        self.K = K
        self.resulting = RESULTING_POPULATION
        self.rng = rng
        self.now = now
        self.today = now.astimezone(ALMATY).date()
        self.last_day = (self.today - dt.timedelta(days=2)).toordinal()
        self.first_day = FIRST_DAY.toordinal()
        self.org_pool = weighted({org_ids[code]: share for code, _n, _k, share in ORGANISATIONS})
        self.region_pool = weighted(REGION_SHARE)
        self.track_pool = weighted(TRACKS)
        self.origin_pools = {
            "asylum": weighted(ASYLUM_ORIGINS),
            "stateless": weighted(STATELESS_ORIGINS),
            "other": weighted(OTHER_ORIGINS),
        }
        self.target = events_per_person
        # The one knob steered to the target events per person: the chance that a refugee's yearly
        # extension, or a stateless person's permit renewal, is recorded as an event that year.
        self.p_extension = 0.8
        self.event_id = 0
        self.address_id = 0
        self.persons_made = 0
        self.events_made = 0

    def pick(self, pool: tuple[list[Any], list[float]]) -> Any:
        keys, cumulative = pool
        return keys[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def steer(self) -> None:
        """Move the extension knob so the running mean of events per person meets the target."""
        if self.persons_made:
            mean = self.events_made / self.persons_made
            self.p_extension = min(1.0, max(0.0, self.p_extension + 0.5 * (self.target - mean) / self.target))

    # Timelines -----------------------------------------------------------------------------------

    def walk(self, track: str, start: int) -> list[tuple[str, int, str]]:
        """(kind, effective day ordinal, application type) in effective order, legal transition by
        transition, ending at an exit with nothing after it, a death, or today."""
        K, rng, last_day = self.K, self.rng, self.last_day
        events: list[tuple[str, int, str]] = []
        state, last = "", None  # population type ("" = in no stock) and the last population-changing kind
        day = start
        permit = False
        years = 0

        def add(kind: str, on: int, application: str = "") -> bool:
            nonlocal state, last, day
            if on > last_day:
                return False
            events.append((kind, on, application))
            day = on
            resulting = self.resulting[kind]
            if resulting is not None:
                state, last = resulting, kind
            return True

        if track == "asylum":
            add(K.ASYLUM_APPLICATION, day, "first")
        elif track == "stateless":
            add(K.UNDETERMINED_IDENTIFIED if rng.random() < 0.5 else K.STATELESS_DETERMINED, day)
        else:
            add(K.OTHER_OF_CONCERN, day)
        for _step in range(80):
            if last == K.DIED or not events:
                break
            if state == "ASY":
                on = day + rng.randint(45, 500)
                roll = rng.random()
                if roll < 0.02:
                    kind = K.DEPARTED
                elif roll < 0.023:
                    kind = K.DIED
                elif last == K.APPEAL_LODGED:
                    kind = K.REFUGEE_GRANTED if roll < 0.25 else K.APPEAL_REJECTED
                else:
                    kind = K.REFUGEE_GRANTED if roll < 0.5 else K.ASYLUM_REJECTED if roll < 0.85 else K.CLAIM_CLOSED
                if not add(kind, on):
                    break
                years = 0
                permit = False
            elif state == "":
                roll = rng.random()
                if last in (K.ASYLUM_REJECTED, K.APPEAL_REJECTED) and roll < (
                    0.5 if last == K.ASYLUM_REJECTED else 0.15
                ):
                    ok = add(K.APPEAL_LODGED, day + rng.randint(5, 60))
                elif last not in (K.NATURALISED, K.DIED) and roll < 0.62:
                    if rng.random() < 0.25:  # back after years: a repeat claim, or recorded as of concern
                        if rng.random() < 0.85:
                            ok = add(K.ASYLUM_APPLICATION, day + rng.randint(300, 1500), "repeat")
                        else:
                            ok = add(K.OTHER_OF_CONCERN, day + rng.randint(100, 900))
                    else:
                        ok = False
                else:
                    ok = False
                if not ok:
                    break
            else:
                # In a stock: one step a year, on the anniversary.
                on = day + rng.randint(330, 400)
                years += 1
                roll = rng.random()
                if state == "REF":
                    table = ((K.NATURALISED, 0.09 if years >= 4 else 0.0), (K.DEPARTED, 0.04),
                             (K.REFUGEE_CEASED, 0.015), (K.REFUGEE_REVOKED, 0.005), (K.DIED, 0.005))  # fmt: skip
                elif state == "STA":
                    table = ((K.NATURALISED, 0.08 if years >= 3 else 0.0), (K.NATIONALITY_CONFIRMED, 0.01),
                             (K.DEPARTED, 0.02), (K.DIED, 0.007), (K.ASYLUM_APPLICATION, 0.004))  # fmt: skip
                elif state == "UND":
                    table = ((K.STATELESS_DETERMINED, 0.30), (K.NATIONALITY_CONFIRMED, 0.12), (K.NATURALISED, 0.02),
                             (K.DEPARTED, 0.02), (K.DIED, 0.005), (K.ASYLUM_APPLICATION, 0.01))  # fmt: skip
                else:  # OOC
                    table = ((K.DEPARTED, 0.08), (K.NATURALISED, 0.03), (K.UNDETERMINED_IDENTIFIED, 0.05),
                             (K.STATELESS_DETERMINED, 0.05), (K.ASYLUM_APPLICATION, 0.05), (K.DIED, 0.005))  # fmt: skip
                kind = None
                for candidate, p in table:
                    if roll < p:
                        kind = candidate
                        break
                    roll -= p
                if kind is not None:
                    application = "repeat" if kind == K.ASYLUM_APPLICATION else ""
                    if not add(kind, on, application):
                        break
                    years = 0
                    permit = False
                elif state == "REF" and not permit and rng.random() < 0.08:
                    permit = True
                    if not add(K.RESIDENCE_PERMIT, on):
                        break
                elif state == "REF" and rng.random() < self.p_extension:
                    if not add(K.REFUGEE_EXTENDED, on):
                        break
                elif state != "REF" and rng.random() < (0.25 if not permit else self.p_extension):
                    permit = True  # a residence permit, then its renewals
                    if not add(K.RESIDENCE_PERMIT, on):
                        break
                elif on > last_day:
                    break
                else:
                    day = on
        return events

    def recorded(self, effective: int, late: bool = False) -> dt.datetime:
        """When an event effective on `effective` reached the system: days later, in office hours."""
        rng = self.rng
        roll = rng.random()
        delay = rng.randint(0, 7) if roll < 0.86 else rng.randint(8, 60) if roll < 0.97 else rng.randint(61, 720)
        if late:
            delay = rng.randint(5, 700)
        day = dt.date.fromordinal(effective + delay)
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=ALMATY) + dt.timedelta(
            seconds=rng.randrange(9 * 3600), microseconds=rng.randrange(1_000_000)
        )
        return min(moment, self.now - dt.timedelta(hours=1, microseconds=rng.randrange(1_000_000)))

    def corrections(self, events: list[list[Any]]) -> None:
        """Corrections recorded later, each superseding one event (or an earlier correction), keeping
        the corrected timeline legal: a restated date stays between its neighbours, a changed kind is
        the last decision and leaves from the same state, a retraction voids the last event or one
        that does not change the population type."""
        from panah.status.models import RESULTING_POPULATION

        K, rng = self.K, self.rng
        roll = rng.random()
        if roll >= 0.10 or not events:
            return
        base = list(events)  # effective order
        if roll < 0.05 and len(base) >= 1:  # restate a date
            i = rng.randrange(len(base))
            low = base[i - 1][2] + 1 if i else base[i][2] - 200
            high = base[i + 1][2] - 1 if i + 1 < len(base) else min(base[i][2] + 200, self.last_day)
            if high <= low:
                return
            original = base[i]
            first = self.correction(original, original[1], rng.randint(low, high))
            if first is not None and rng.random() < 0.15:
                self.correction(first, first[1], rng.randint(low, high), to=events)
            if first is not None:
                events.append(first)
        elif roll < 0.065:  # the last decision was another one
            original = base[-1]
            swap = {
                K.REFUGEE_GRANTED: K.ASYLUM_REJECTED,
                K.ASYLUM_REJECTED: K.REFUGEE_GRANTED,
                K.CLAIM_CLOSED: K.ASYLUM_REJECTED,
                K.DEPARTED: K.DIED,
                K.DIED: K.DEPARTED,
                K.APPEAL_REJECTED: K.REFUGEE_GRANTED,
            }.get(original[1])
            if swap is not None:
                self.correction(original, swap, original[2], to=events)
        else:  # a retraction
            unchanged = [e for e in base[:-1] if RESULTING_POPULATION[e[1]] is None]
            original = rng.choice(unchanged) if unchanged and rng.random() < 0.5 else base[-1]
            self.correction(original, K.RETRACTION, original[2], to=events)

    def correction(
        self, original: list[Any], kind: str, effective: int, to: list[list[Any]] | None = None
    ) -> list[Any] | None:
        recorded_at = original[3] + dt.timedelta(days=self.rng.randint(3, 700), seconds=self.rng.randrange(86400))
        if recorded_at >= self.now - dt.timedelta(hours=1):
            return None
        self.event_id += 1
        application = original[5] if kind == self.K.ASYLUM_APPLICATION else ""
        row = [self.event_id, kind, effective, recorded_at, original[0], application]
        if to is not None:
            to.append(row)
        return row

    # Persons --------------------------------------------------------------------------------------

    def birth(self, start: int) -> tuple[dt.date | None, str, bool]:
        rng = self.rng
        if rng.random() < 0.015:
            return None, "day", False
        roll = rng.random()
        age = rng.randrange(0, 18) if roll < 0.38 else rng.randrange(18, 60) if roll < 0.93 else rng.randrange(60, 92)
        born = dt.date.fromordinal(start - age * 365 - rng.randrange(365))
        if born > self.today:
            born = self.today - dt.timedelta(days=rng.randrange(1, 300))
        roll = rng.random()
        if roll < 0.12:
            return born.replace(month=1, day=1), "year", True
        if roll < 0.18:
            return born.replace(day=1), "month", False
        return born, "day", False

    def sex(self) -> str:
        roll = self.rng.random()
        return "M" if roll < 0.515 else "F" if roll < 0.993 else "X" if roll < 0.995 else ""

    def addresses(self, pid: int, region: str, start: int, first_event: int) -> list[tuple[Any, ...]]:
        """(id, person, region, valid_from, valid_to): none, one, a move, or a renamed region."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return []  # only the person's region
        since = start + rng.randint(-30, 90) if rng.random() < 0.3 else start - rng.randint(0, 400)
        since = min(since, self.last_day)
        rows: list[tuple[Any, ...]] = []
        before = PREDECESSOR.get(region)
        if before and since < before[1].toordinal():
            old, change = before
            rows.append((old, since, change.toordinal()))
            rows.append((region, change.toordinal(), None))
        elif roll < 0.25 and since + 400 < self.last_day:
            moved = rng.randint(since + 200, self.last_day)
            previous = self.pick(self.region_pool)
            prev_change = PREDECESSOR.get(previous)
            if previous != region and not (prev_change and since < prev_change[1].toordinal()):
                rows.append((previous, since, moved))
                rows.append((region, moved, None))
        if not rows:
            rows.append((region, since, None))
        result = []
        for code, valid_from, valid_to in rows:
            self.address_id += 1
            result.append(
                (
                    self.address_id,
                    pid,
                    code,
                    dt.date.fromordinal(valid_from),
                    dt.date.fromordinal(valid_to) if valid_to else None,
                )
            )
        return result

    def person(self, pid: int) -> tuple[dict[str, Any], list[tuple[Any, ...]], list[list[Any]]]:
        from panah.status.timeline import Fact, population_on

        rng = self.rng
        track = self.pick(self.track_pool)
        origin = self.pick(self.origin_pools[track])
        start = rng.randint(self.first_day, self.last_day - 10)
        region = self.pick(self.region_pool)
        walked = [] if rng.random() < 0.01 else self.walk(track, start)
        events: list[list[Any]] = []
        for kind, on, application in walked:
            self.event_id += 1
            events.append([self.event_id, kind, on, self.recorded(on), None, application])
        self.corrections(events)
        self.events_made += len(events)
        self.persons_made += 1
        birth, precision, estimated = self.birth(start)
        if track == "asylum" and origin:
            citizenship_status, citizenship = "country", origin
        else:
            citizenship_status, citizenship = rng.choice(["stateless", "undetermined", "unknown"]), None
        facts = [
            Fact(e[0], e[1], dt.date.fromordinal(e[2]), e[3], e[4])  # the population type as of today, known now
            for e in events
        ]
        population = population_on(facts, self.today, self.now) if facts else ""
        person = {
            "id": pid,
            "organisation_id": self.pick(self.org_pool),
            "region_id": region,
            "sex": self.sex(),
            "birth_date": birth,
            "birth_date_precision": precision,
            "birth_date_estimated": estimated,
            "country_of_origin_id": origin,
            "birth_country_id": origin if rng.random() < 0.8 else None,
            "birth_place": "",
            "iin": "",
            "registration_number": None,
            "citizenship_status": citizenship_status,
            "citizenship_id": citizenship,
            "population_type": population,
        }
        first_event = walked[0][1] if walked else start
        return person, self.addresses(pid, region, start, first_event), events


def check_history(events: Sequence[Sequence[Any]]) -> str | None:
    """Whether a generated timeline passes the services' rules as finally known (debugging aid)."""
    from panah.status.timeline import Fact
    from panah.status.transitions import replay

    facts = [Fact(e[0], e[1], dt.date.fromordinal(e[2]), e[3], e[4]) for e in events]
    now = max(f.recorded_at for f in facts) + dt.timedelta(seconds=1)
    faults = replay(facts, now)
    return f"{faults[0].fact.kind}: {faults[0].problem} from {faults[0].state!r}" if faults else None


# ---------------------------------------------------------------------------------------------
# Database preparation (before Django is set up) and Django configuration.
# ---------------------------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, fresh: bool) -> str:
    """Delete/re-create the benchmark database when `fresh`; return its DATABASE_URL."""
    if args.database == "sqlite":
        path = Path(args.sqlite_path).resolve()
        if fresh:
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"

    import psycopg

    assert PG_DATABASE not in NEVER_TOUCH
    server = args.pg_server.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone()
        if fresh or not exists:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return f"{server}/{PG_DATABASE}"


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "panah.settings"
    os.environ["PANAH_TESTING"] = "1"  # no secret key needed; DEBUG stays off (no query log)
    os.environ.pop("PANAH_DEBUG", None)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PANAH_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Loading.
# ---------------------------------------------------------------------------------------------


class BulkWriter:
    """INSERT many rows fast: executemany on SQLite, COPY on PostgreSQL, on Django's connection."""

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection

        self.connection = connection
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = [fields[c].column for c in columns]
        self.datetimes = [fields[c].get_internal_type() == "DateTimeField" for c in columns]
        self.dates = [fields[c].get_internal_type() == "DateField" for c in columns]

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        raw = self.connection.connection
        cols = ", ".join(f'"{c}"' for c in self.columns)
        if self.connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        ops = self.connection.ops
        convert = [
            (i, ops.adapt_datetimefield_value if is_dt else ops.adapt_datefield_value)
            for i, (is_dt, is_d) in enumerate(zip(self.datetimes, self.dates, strict=True))
            if is_dt or is_d
        ]

        def adapted(row: Sequence[Any]) -> list[Any]:
            values = list(row)
            for i, fn in convert:
                if values[i] is not None:
                    values[i] = fn(values[i])
            return values

        marks = ", ".join("?" for _ in self.columns)
        raw.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', (adapted(r) for r in rows))


def ensure_organisations() -> dict[str, int]:
    from panah.accounts.models import Organisation
    from panah.geo.models import Region

    regions = list(Region.objects.all())
    ids = {}
    for code, name, kind, _share in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
        org.regions.set(regions)
        ids[code] = org.pk
    return ids


def load(args: argparse.Namespace, report: Callable[[str], None]) -> tuple[float, dict[str, int]]:
    from django.db import connection, transaction
    from django.utils import timezone

    from panah.accounts.scope import unscoped
    from panah.registry.models import Address, Person
    from panah.status.models import RESULTING_POPULATION, StatusEvent

    now = timezone.now()
    gen = Generator(random.Random(args.seed), now, ensure_organisations(), args.events / args.persons)
    person_cols = ["id", "organisation_id", "region_id", "sex", "birth_date", "birth_date_precision",
                   "birth_date_estimated", "birth_place", "birth_country_id", "country_of_origin_id",
                   "citizenship_status", "citizenship_id", "iin", "population_type", "created_at", "updated_at",
                   "registration_number"]  # fmt: skip
    persons_out = BulkWriter(Person, person_cols)
    address_cols = ["id", "person_id", "region_id", "locality", "line", "phone", "valid_from", "valid_to"]
    addresses_out = BulkWriter(Address, address_cols)
    event_cols = ["id", "person_id", "kind", "population_type", "effective", "recorded_at", "organisation_id",
                  "application_type", "decision_reference", "evidence", "supersedes_id"]  # fmt: skip
    events_out = BulkWriter(StatusEvent, event_cols)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")

    counts = dict.fromkeys(["persons", "addresses", "events", "corrections"], 0)
    started = last = time.perf_counter()
    gc.disable()
    try:
        with unscoped("benchmark load"):
            for first in range(1, args.persons + 1, args.chunk):
                stop = min(args.persons, first + args.chunk - 1)
                persons, addresses, events = [], [], []
                for pid in range(first, stop + 1):
                    if pid % 1000 == 0:
                        gen.steer()
                    person, person_addresses, person_events = gen.person(pid)
                    if args.check and person_events:
                        problem = check_history(person_events)
                        assert problem is None, (pid, problem, person_events)
                    person["created_at"] = person["updated_at"] = now
                    persons.append([person[c] for c in person_cols])
                    addresses.extend((*a[:3], "", "", "", *a[3:]) for a in person_addresses)
                    org = person["organisation_id"]
                    for eid, kind, on, recorded_at, supersedes, application in person_events:
                        events.append(
                            (eid, pid, kind, RESULTING_POPULATION[kind], dt.date.fromordinal(on), recorded_at, org,
                             application, "", "correction" if supersedes else "", supersedes)
                        )  # fmt: skip
                        counts["corrections"] += supersedes is not None
                # Corrections reference earlier ids of the same person: insert in id order.
                events.sort(key=lambda e: e[0])
                with transaction.atomic():
                    persons_out.write(persons)
                    addresses_out.write(addresses)
                    events_out.write(events)
                counts["persons"] += len(persons)
                counts["addresses"] += len(addresses)
                counts["events"] += len(events)
                now_t = time.perf_counter()
                if now_t - last > 30 or stop == args.persons:
                    report(
                        f"  loaded {counts['persons']:>9,} persons {counts['events']:>10,} events"
                        f"  {now_t - started:7.1f} s  (events/person {counts['events'] / counts['persons']:.2f},"
                        f" extension knob {gen.p_extension:.2f})"
                    )
                    last = now_t
                gc.collect(0)
    finally:
        gc.enable()
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Address, StatusEvent]):
                cursor.execute(sql)
    return time.perf_counter() - started, counts


def analyse(report: Callable[[str], None]) -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            report(f"  ANALYZE + WAL checkpoint: {time.perf_counter() - started:.1f} s")
        else:
            cursor.execute("VACUUM (ANALYZE)")
            report(
                f"  VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s "
                "(sets the visibility map for index-only scans, as autovacuum would)"
            )


# ---------------------------------------------------------------------------------------------
# Timing.
# ---------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    result = fn()  # warm-up, untimed
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, times


def definitional_stock(as_of: dt.date, known_on: Any, cap_s: float) -> tuple[dict[str, int] | None, float]:
    """panah.status.selectors.stock once, stopped after `cap_s` seconds (None then)."""
    from django.db import connection, transaction
    from django.db.utils import DatabaseError, OperationalError

    from panah.accounts.scope import unscoped
    from panah.status.selectors import stock

    started = time.perf_counter()
    try:
        with unscoped("benchmark: definitional stock"):
            if connection.vendor == "postgresql":
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(cap_s * 1000)}")
                    result = stock(as_of=as_of, known_on=known_on)
            else:
                connection.ensure_connection()
                deadline = started + cap_s
                connection.connection.set_progress_handler(lambda: int(time.perf_counter() > deadline), 100_000)
                try:
                    result = stock(as_of=as_of, known_on=known_on)
                finally:
                    connection.connection.set_progress_handler(None, 0)
    except (OperationalError, DatabaseError):
        return None, time.perf_counter() - started
    return result, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# DuckDB: the same stock cube by a straightforward window-function query over an export.
# ---------------------------------------------------------------------------------------------

EXPORTS = {
    "persons": (
        "SELECT id, country_of_origin_id, sex, birth_date, birth_date_precision, region_id FROM registry_person",
        {"id": "BIGINT", "country_of_origin_id": "VARCHAR", "sex": "VARCHAR", "birth_date": "DATE",
         "birth_date_precision": "VARCHAR", "region_id": "VARCHAR"},
    ),
    "addresses": (
        "SELECT id, person_id, region_id, valid_from FROM registry_address",
        {"id": "BIGINT", "person_id": "BIGINT", "region_id": "VARCHAR", "valid_from": "DATE"},
    ),
    "events": (
        "SELECT id, person_id, kind, population_type, effective, {recorded_at}, supersedes_id FROM status_statusevent",
        {"id": "BIGINT", "person_id": "BIGINT", "kind": "VARCHAR", "population_type": "VARCHAR", "effective": "DATE",
         "recorded_at": "TIMESTAMP", "supersedes_id": "BIGINT"},
    ),
}  # fmt: skip

DUCKDB_STOCK = """
WITH known AS (
    SELECT e.id, e.person_id, e.population_type, e.effective, e.recorded_at
    FROM events e
    WHERE e.recorded_at <= $known_on
      AND e.effective <= $as_of
      AND e.population_type IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM events c WHERE c.supersedes_id = e.id AND c.recorded_at <= $known_on)
),
latest AS (
    SELECT person_id, population_type
    FROM known
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY effective DESC, recorded_at DESC, id DESC) = 1
),
address AS (
    -- the address in force on the date (the latest begun by then), else the first one
    SELECT person_id, region_id
    FROM addresses
    QUALIFY row_number() OVER (
        PARTITION BY person_id
        ORDER BY valid_from <= $as_of DESC,
                 CASE WHEN valid_from <= $as_of THEN valid_from END DESC,
                 CASE WHEN valid_from <= $as_of THEN id END DESC,
                 valid_from, id
    ) = 1
),
counted AS (
    SELECT l.population_type,
           coalesce(p.country_of_origin_id, '') AS origin,
           p.sex,
           CASE p.birth_date_precision
               WHEN 'year' THEN make_date(year(p.birth_date), 7, 1)
               WHEN 'month' THEN make_date(year(p.birth_date), month(p.birth_date), 15)
               ELSE p.birth_date
           END AS birth_ref,
           coalesce(a.region_id, p.region_id) AS region
    FROM latest l
    JOIN persons p ON p.id = l.person_id
    LEFT JOIN address a ON a.person_id = l.person_id
    WHERE l.population_type <> ''
)
SELECT population_type, origin, sex,
       CASE WHEN birth_ref IS NULL THEN 'unknown'
            WHEN birth_ref > $as_of - INTERVAL 5 YEAR THEN '0-4'
            WHEN birth_ref > $as_of - INTERVAL 12 YEAR THEN '5-11'
            WHEN birth_ref > $as_of - INTERVAL 18 YEAR THEN '12-17'
            WHEN birth_ref > $as_of - INTERVAL 60 YEAR THEN '18-59'
            ELSE '60+' END AS age_group,
       region, count(*) AS n
FROM counted
GROUP BY ALL
"""


def export_for_duckdb(report: Callable[[str], None]) -> float:
    """Write persons, addresses and events as CSV under EXPORT_DIR (NULL written as \\N)."""
    from django.db import connection

    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for name, (sql, _types) in EXPORTS.items():
        path = EXPORT_DIR / f"{connection.vendor}-{name}.csv"
        if connection.vendor == "postgresql":
            query = sql.format(recorded_at="recorded_at AT TIME ZONE 'UTC'")
            with (
                connection.connection.cursor() as cursor,
                path.open("wb") as out,
                cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N')") as copy,
            ):
                for block in copy:
                    out.write(block)
        else:
            # SQLite stores datetimes as UTC text: exported as they are.
            query = sql.format(recorded_at="recorded_at")
            cursor = connection.connection.execute(query)
            with path.open("w", newline="") as out:
                writer = csv.writer(out)
                while block := cursor.fetchmany(50_000):
                    writer.writerows(["\\N" if v is None else v for v in row] for row in block)
    took = time.perf_counter() - started
    report(f"  export for DuckDB: {took:.1f} s -> {EXPORT_DIR}/{connection.vendor}-*.csv")
    return took


def duckdb_connect(report: Callable[[str], None]) -> Any:
    import duckdb
    from django.db import connection

    db = duckdb.connect()
    started = time.perf_counter()
    for name, (_sql, types) in EXPORTS.items():
        path = EXPORT_DIR / f"{connection.vendor}-{name}.csv"
        columns = ", ".join(f"'{column}': '{kind}'" for column, kind in types.items())
        db.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = false, columns = {{{columns}}}, "
            "nullstr = '\\N', allow_quoted_nulls = false, auto_detect = false)"
        )
    report(
        f"  DuckDB {duckdb.__version__}: CSV loaded into memory in {time.perf_counter() - started:.1f} s "
        f"(threads {db.execute('SELECT current_setting(?)', ['threads']).fetchone()[0]})"
    )
    return db


def duckdb_cube(db: Any, as_of: dt.date, known_on: Any) -> Counter:
    from panah.status.selectors import known_on_bound

    bound = known_on_bound(known_on).astimezone(UTC).replace(tzinfo=None)
    rows = db.execute(DUCKDB_STOCK, {"as_of": as_of, "known_on": bound}).fetchall()
    return Counter({tuple(row[:5]): row[5] for row in rows})


def compare(ours: Counter, theirs: Counter) -> list[str]:
    differences = []
    for key in sorted(set(ours) | set(theirs)):
        if ours.get(key, 0) != theirs.get(key, 0):
            differences.append(f"{key}: stock_cube {ours.get(key, 0)} vs DuckDB {theirs.get(key, 0)}")
    return differences


# ---------------------------------------------------------------------------------------------
# One database, start to end.
# ---------------------------------------------------------------------------------------------


def wait_for_quiet(args: argparse.Namespace, report: Callable[[str], None]) -> None:
    """Before timing: wait until bench/registry.py is not running (at most --registry-wait seconds),
    then until the 1-minute load average is below --quiet-load (at most --quiet-wait seconds), so the
    timings are not another process's."""
    started = time.perf_counter()

    def registry_running() -> bool:
        found = subprocess.run(["pgrep", "-f", "bench/registry.py"], capture_output=True, check=False)  # noqa: S607
        return bool(found.stdout.strip())

    while registry_running() and time.perf_counter() - started < args.registry_wait:
        time.sleep(15)
    waited_registry = time.perf_counter() - started
    while os.getloadavg()[0] >= args.quiet_load and time.perf_counter() - started - waited_registry < args.quiet_wait:
        time.sleep(15)
    report(
        f"  timing starts: load average {os.getloadavg()[0]:.2f} (waited {time.perf_counter() - started:.0f} s;"
        f" bench/registry.py {'RUNNING' if registry_running() else 'not running'})"
    )


def parse_day(text: str, today: dt.date) -> dt.date:
    return today if text == "today" else dt.date.fromisoformat(text)


def existing_counts() -> tuple[int, int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        result = []
        for table in ("registry_person", "status_statusevent", "stats_stockfact"):
            try:
                cursor.execute(f"SELECT count(*) FROM {table}")
                result.append(cursor.fetchone()[0])
            except Exception:  # no such table yet: nothing loaded
                return 0, 0, 0
        return result[0], result[1], result[2]


def run_one(args: argparse.Namespace) -> int:
    def report(line: str = "") -> None:
        print(line, flush=True)

    db = args.database
    url = prepare_database(args, fresh=not args.reuse)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from panah.stats import facts as facts_module
    from panah.stats.selectors import flow_cube, flow_totals, stock_cube, stock_totals, years_before

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    report(f"== {db}: {url}  (migrations {time.perf_counter() - started:.1f} s)")

    persons, events, fact_rows = existing_counts()
    reuse = args.reuse and persons == args.persons and abs(events - args.events) <= 0.01 * args.events
    if args.reuse and not reuse:
        report(f"  --reuse: the database holds {persons:,} persons and {events:,} events: loading afresh")
        connections.close_all()
        prepare_database(args, fresh=True)
        call_command("migrate", verbosity=0, interactive=False)
    load_s = None
    if not reuse:
        load_s, counts = load(args, report)
        report(f"  load: {load_s:.1f} s; rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        analyse(report)
        fact_rows = 0
    else:
        report(f"  reused: {persons:,} persons, {events:,} events, {fact_rows:,} StockFact rows")

    index_s = None
    if fact_rows == 0 or args.rebuild_index:
        if fact_rows:  # start from an empty index, as a first build does (not timed)
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE stats_stockfact" if connection.vendor == "postgresql" else "DELETE FROM stats_stockfact"
                )
        last = [time.perf_counter()]
        build_started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            now_t = time.perf_counter()
            if now_t - last[0] > 30 or done == total:
                report(f"  index: {done:>9,}/{total:,} persons  {now_t - build_started:7.1f} s")
                last[0] = now_t

        fact_rows = facts_module.rebuild_all(progress=progress)
        index_s = time.perf_counter() - build_started
        report(f"  StockFact index built by facts.rebuild_all(): {index_s:.1f} s, {fact_rows:,} rows")
        analyse(report)
    persons, events, fact_rows = existing_counts()
    if db == "sqlite":
        path = Path(args.sqlite_path).resolve()
        size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    report(f"  database: {size / 2**20:,.0f} MB; {persons:,} persons, {events:,} events, {fact_rows:,} index rows")

    export_s = export_for_duckdb(report)
    duck = duckdb_connect(report)
    wait_for_quiet(args, report)
    # Timings run on a new connection with exactly the app's connection settings.
    connections.close_all()

    today = timezone.localdate()
    known_ons = [parse_day(k, today) for k in args.known_on]
    points = [(parse_day(a, today), k) for a in args.as_of for k in known_ons]
    rows = []
    mismatch = False
    for as_of, known_on in points:
        cube, stock_times = timed(lambda a=as_of, k=known_on: stock_cube(as_of=a, known_on=k), args.repeat)
        start = years_before(as_of, 1)
        end = as_of - dt.timedelta(days=1)
        flows, flow_times = timed(
            lambda s=start, e=end, k=known_on: flow_cube(start=s, end=e, known_on=k), max(1, args.flow_repeat)
        )
        theirs, duck_times = timed(lambda a=as_of, k=known_on: duckdb_cube(duck, a, k), args.repeat)
        differences = compare(cube.cells, theirs)
        mismatch |= bool(differences)
        definition, definition_s = (None, None)
        if args.definitional_cap > 0:
            definition, definition_s = definitional_stock(as_of, known_on, args.definitional_cap)
        totals = stock_totals(cube)
        rows.append(
            {
                "as_of": as_of, "known_on": known_on, "stock": stock_times, "flows": flow_times, "duck": duck_times,
                "cells": len(cube.cells), "duck_cells": len(theirs), "differences": differences, "totals": totals,
                "flow_totals": flow_totals(flows), "flow_period": (start, end), "definition": definition,
                "definition_s": definition_s,
            }
        )  # fmt: skip
        report(
            f"  as of {as_of} known on {known_on}: stock {statistics.median(stock_times):.3f} s, flows"
            f" {statistics.median(flow_times):.3f} s, DuckDB {statistics.median(duck_times):.3f} s,"
            f" {'MATCH' if not differences else f'{len(differences)} DIFFERENCES'}"
        )

    report()
    report(f"{db}: {persons:,} persons, {events:,} status events, {fact_rows:,} StockFact rows"
           f" (index build {f'{index_s:.1f} s' if index_s is not None else 'reused'})")  # fmt: skip
    header = (
        f"  {'as of':<10} {'known on':<10} {'stock med':>9} {'best':>6} {'flows med':>9} {'best':>6}"
        f" {'duckdb med':>10} {'best':>6} {'ratio':>5} {'definition':>10} {'cells':>6}  match"
    )
    report(header)
    report("  " + "-" * (len(header) - 2))
    for r in rows:
        ratio = statistics.median(r["stock"]) / statistics.median(r["duck"])
        definition = f"{r['definition_s']:.1f}" if r["definition"] is not None else (
            f">{args.definitional_cap:.0f}" if r["definition_s"] is not None else "-")  # fmt: skip
        report(
            f"  {r['as_of']!s:<10} {r['known_on']!s:<10} {statistics.median(r['stock']):9.3f} {min(r['stock']):6.3f}"
            f" {statistics.median(r['flows']):9.3f} {min(r['flows']):6.3f} {statistics.median(r['duck']):10.3f}"
            f" {min(r['duck']):6.3f} {ratio:5.2f} {definition:>10} {r['cells']:6,}  "
            + ("MATCH" if not r["differences"] else "MISMATCH")
        )
    report("  seconds; ratio = stock median / DuckDB median; definition = panah.status.selectors.stock (once)")
    for r in rows:
        report(f"\n  {r['as_of']} as known on {r['known_on']}:")
        report(
            "    stock:  "
            + ", ".join(f"{p} {n:,}" for p, n in r["totals"].items())
            + f"  (total {sum(r['totals'].values()):,})"
        )
        if r["definition"] is not None:
            agrees = {p: r["definition"].get(p, 0) for p in r["totals"]} == r["totals"]
            report(f"    definitional fold: {'agrees' if agrees else 'DISAGREES: ' + str(r['definition'])}")
            mismatch |= not agrees
        start, end = r["flow_period"]
        report(f"    flows {start}..{end}: " + ", ".join(f"{f} {n:,}" for f, n in r["flow_totals"].items() if n))
        report(f"    DuckDB: {r['duck_cells']:,} cells, stock_cube {r['cells']:,} cells: "
               + ("MATCH" if not r["differences"] else f"{len(r['differences'])} differ, first:"))  # fmt: skip
        for line in r["differences"][:10]:
            report(f"      {line}")

    stock_s = max(statistics.median(r["stock"]) for r in rows)
    flows_s = max(statistics.median(r["flows"]) for r in rows)
    duck_s = max(statistics.median(r["duck"]) for r in rows)
    ratio = max(statistics.median(r["stock"]) / statistics.median(r["duck"]) for r in rows)
    target = 1.0 if db == "postgresql" else 2.0
    report()
    report(
        f"  targets: stock <= {target:.0f} s: {'met' if stock_s <= target else 'MISSED'};"
        f" within 3x of DuckDB: {'met' if ratio <= 3 else 'MISSED'}  (worst as-of date below)"
    )
    load_field = f" load_s={load_s:.1f}" if load_s is not None else ""
    index_field = f"{index_s:.1f}" if index_s is not None else "reused"
    report(
        f"{db} persons={persons} events={events} stock_s={stock_s:.3f} flows_s={flows_s:.3f} duckdb_s={duck_s:.3f}"
        f" ratio={ratio:.2f} index_build_s={index_field}{load_field} export_s={export_s:.1f}"
        f" match={'no' if mismatch else 'yes'}"
    )
    return 1 if mismatch else 0


def child_command(args: argparse.Namespace, database: str) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--database", database]
    for option in ("persons", "events", "repeat", "flow_repeat", "seed", "chunk", "sqlite_path", "pg_server",
                   "definitional_cap", "quiet_load", "quiet_wait", "registry_wait"):  # fmt: skip
        command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    command += ["--as-of", *args.as_of, "--known-on", *args.known_on]
    return command + [f"--{f.replace('_', '-')}" for f in ("reuse", "rebuild_index", "check") if getattr(args, f)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons to load (default 1,000,000)")
    parser.add_argument("--events", type=int, default=5_000_000, help="status events, about (default 5,000,000)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--as-of", nargs="+", default=["2017-01-01", "today"], help="dates D (ISO or 'today')")
    parser.add_argument("--known-on", nargs="+", default=["today"], help="knowledge dates K (ISO or 'today')")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of the stock table (default 5)")
    parser.add_argument("--flow-repeat", type=int, default=3, help="timed repetitions of the flows (default 3)")
    parser.add_argument("--definitional-cap", type=float, default=300,
                        help="stop the definitional fold after this many seconds (0: skip it)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--chunk", type=int, default=20_000, help="persons per transaction while loading")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER,
                        help=f"PostgreSQL server URL without a database; the database is always {PG_DATABASE}")  # fmt: skip
    parser.add_argument("--reuse", action="store_true",
                        help="keep the loaded database if it holds the right counts; migrate and measure again")  # fmt: skip
    parser.add_argument("--rebuild-index", action="store_true", help="with --reuse: rebuild (and time) the index")
    parser.add_argument("--quiet-load", type=float, default=1.0,
                        help="wait for the 1-minute load average to fall below this before timing (default 1.0)")  # fmt: skip
    parser.add_argument("--quiet-wait", type=float, default=600, help="but wait no longer than this (default 600 s)")
    parser.add_argument("--registry-wait", type=float, default=3600,
                        help="wait at most this long for bench/registry.py to end before timing (default 3600 s)")  # fmt: skip
    parser.add_argument("--check", action="store_true", help="check every generated timeline against the rules")
    args = parser.parse_args(argv)

    if args.database != "both":
        return run_one(args)
    summaries, failed = [], 0
    for database in ("sqlite", "postgresql"):
        # One process per database: Django is configured once per process, before setup().
        with subprocess.Popen(child_command(args, database), stdout=subprocess.PIPE, text=True) as child:  # noqa: S603
            assert child.stdout is not None
            for line in child.stdout:
                print(line, end="", flush=True)
                if line.startswith(f"{database} persons="):
                    summaries.append(line.rstrip())
        if child.returncode:
            print(f"{database} run exited with code {child.returncode}", file=sys.stderr)
            failed = child.returncode
    print("\n" + "\n".join(summaries))
    return failed


if __name__ == "__main__":
    sys.exit(main())
