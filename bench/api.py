#!/usr/bin/env python
"""The JSON API at registry scale: GET of a person (and of a page of persons) through the whole
Django stack, at N persons, on SQLite and on PostgreSQL.

    .venv/bin/python bench/api.py --persons 1000000 --database both --requests 300
    .venv/bin/python bench/api.py --persons 1000000 --database both --reuse   # the database bench/registry.py loaded

The target (issue 7): API GET of a person p95 <= 50 ms at 1,000,000 persons.

The registry is loaded by bench/registry.py's loader (same persons, same databases:
var/bench/registry.sqlite3 and `panah_bench`), so `--reuse` measures a database either script
loaded. Each request goes through every middleware (the bearer token is checked against its
digest, the caller's scope opened, the person read within it, one audit entry written per person
read) to the JSON response, in this process with Django's test client (no network: loopback HTTP
adds well under a millisecond). Timed after a warm-up, with the database in the OS page cache.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registry as loader  # bench/registry.py: the same loader and databases


def timed(client, paths: list[str]) -> tuple[list[float], dict[int, int]]:
    ms: list[float] = []
    statuses: dict[int, int] = {}
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        ms.append((time.perf_counter() - started) * 1000)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return ms, statuses


def run_one(args: argparse.Namespace) -> None:
    def report(line: str = "") -> None:
        print(line, flush=True)

    os.environ["PANAH_API_RATE"] = "1000000/min"  # one client measuring, not a client to slow down
    url = loader.prepare_database(args)
    loader.setup_django(url)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s measured are expected

    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from panah.accounts.scope import unscoped
    from panah.api.tokens import issue_token
    from panah.geo.models import Region
    from panah.registry.models import Person

    db = args.database
    report(f"== {db}: {args.persons:,} persons → {url} ({'reused' if args.reuse else 'fresh'})")
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    regions = sorted(Region.objects.valid_on(today).values_list("code", flat=True))
    officer_regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    cast = loader.ensure_cast(regions, officer_regions)
    if not args.reuse:
        gen = loader.Generator(
            rng=random.Random(args.seed), today=today, regions=regions,
            org_ids={c: o.pk for c, o in cast["orgs"].items()}, registrar_ids=cast["registrars"],
        )  # fmt: skip
        load_s, _counts = loader.load(args, gen, report)
        report(f"  load: {load_s:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if db == "sqlite" else "VACUUM (ANALYZE)")
    connections.close_all()

    with unscoped("benchmark sampling"):
        persons = Person.objects.count()
        state = cast["orgs"]["mlsp"].pk
        region = officer_regions[0]
        everyone = list(Person.objects.values_list("registration_number", flat=True))
        regional = list(
            Person.objects.filter(region_id=region, organisation_id=state).values_list("registration_number", flat=True)
        )
    rng = random.Random(args.seed + 3)
    callers = [
        ("national (system admin)", cast["sysadmin"], everyone),
        (f"registrar {region}", cast["officers"][region], regional),
    ]
    results = []
    for label, user, numbers in callers:
        _token, secret = issue_token(by=None, user=user, name="benchmark", days=1)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="localhost")
        warm = [f"/api/v1/persons/{rng.choice(numbers)}" for _ in range(args.warmup)]
        timed(client, warm)
        detail = [f"/api/v1/persons/{rng.choice(numbers)}" for _ in range(args.requests)]
        ms, statuses = timed(client, detail)
        results.append((label, "GET /persons/{number}", ms, statuses))
        # A page of 50 from a random place in the registry (how a synchronising system reads it).
        pages = [f"/api/v1/persons?limit=50&after={rng.choice(numbers)}" for _ in range(max(20, args.requests // 5))]
        ms, statuses = timed(client, pages)
        results.append((label, "GET /persons?limit=50", ms, statuses))
        # Out of scope (the registrar) or not there at all: the 404 must cost no more.
        missing = [f"/api/v1/persons/PN-9{rng.randrange(10**6):06d}-0" for _ in range(max(20, args.requests // 5))]
        ms, statuses = timed(client, missing)
        results.append((label, "GET /persons/{unknown}", ms, statuses))

    report()
    report(f"{db}: API latency in ms, {persons:,} persons (warm; in-process client, audit written per person read)")
    header = f"  {'caller':<26} {'request':<24} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7}  statuses"
    report(header)
    report("  " + "-" * (len(header) - 2))
    for label, kind, ms, statuses in results:
        report(f"  {label:<26} {kind:<24} {len(ms):>4} {loader.percentile(ms, .5):7.1f} "
               f"{loader.percentile(ms, .95):7.1f} {max(ms):7.1f}  {dict(sorted(statuses.items()))}")  # fmt: skip
    detail_p95 = max(loader.percentile(ms, 0.95) for _l, kind, ms, _s in results if kind == "GET /persons/{number}")
    report(f"  load average after measuring: {os.getloadavg()[0]:.2f}")
    report(f"  target: GET of a person p95 <= 50 ms: {'met' if detail_p95 <= 50 else 'MISSED'} ({detail_p95:.1f} ms)")
    report(f"{db} persons={persons} api_person_p95_ms={detail_p95:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=300, help="timed GETs of a person per caller (default 300)")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--regions", default="KZ-75", help="region of the regional registrar measured")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--sqlite-path", default=str(loader.DEFAULT_SQLITE))
    parser.add_argument("--pg-server", default=loader.DEFAULT_PG_SERVER)
    parser.add_argument("--reuse", action="store_true", help="measure the database already loaded")
    args = parser.parse_args(argv)
    if args.database != "both":
        run_one(args)
        return 0
    for database in ("sqlite", "postgresql"):
        # One process per database: Django is configured once per process, before setup().
        command = [sys.executable, str(Path(__file__).resolve()), "--database", database]
        for option in (
            "persons",
            "requests",
            "warmup",
            "regions",
            "seed",
            "chunk",
            "batch",
            "sqlite_path",
            "pg_server",
        ):
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
        command += ["--reuse"] if args.reuse else []
        if subprocess.run(command, check=False).returncode:  # noqa: S603
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
