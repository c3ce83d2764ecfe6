#!/usr/bin/env python
"""Load test: 50 concurrent users doing realistic journeys for 5 minutes against a real server
(gunicorn, production settings) on PostgreSQL with the 1,000,000 persons that bench/registry.py
(or bench/api.py) loaded into `panah_bench`. Loopback only, bounded in time and users.

    .venv/bin/python bench/registry.py --persons 1000000 --database postgresql --queries 10 --online 0
    .venv/bin/python bench/load.py --users 50 --seconds 300

Targets (issue 9): no errors; p95 <= 300 ms for pages, <= 100 ms for API reads.

The journeys, after JOURNEYS.md, each user repeating its own with a think time of 1-3 s between
requests (as people read a page before the next click):
- regional registrar (60 % of the users, in Almaty city or Pavlodar region): the home page, a
  search for a name as a colleague would type it, the person found, the worklist of cases;
  sometimes a search by document number, sometimes the list of persons;
- national system administrator (UNHCR-like national scope, 20 %): search, a person anywhere,
  the regional overview of cases;
- another system reading the API with a token (20 %): a page of 50 persons from a random place,
  then one person of the page.
Each user signs in through the login form first (not timed). The server runs with 3 workers of 4
threads on the same 2 cores as the users: the figures include that contention.

The registry loaded by bench/registry.py has persons, names, documents and addresses but no status
timelines, so the statistics pages are left out here (bench/stats.py measures them at scale).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registry as loader  # bench/registry.py: the same database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-" + secrets.token_hex(8)
PAGE_TARGET_MS, API_TARGET_MS = 300, 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args: argparse.Namespace) -> dict:
    """Users with a password (and one API token), and what the users will look for: run in a child
    process so this one stays free of Django."""
    script = f"""
import datetime as dt, json, random, sys
from panah.accounts.models import Membership, Organisation, User
from panah.accounts.scope import unscoped
from panah.api.tokens import issue_token
from panah.registry.models import Document, Person, PersonName
rng = random.Random({args.seed})
mlsp = Organisation.objects.get(code="mlsp")
for region in ("KZ-75", "KZ-55"):  # the regional registrars (bench/registry.py makes those of --regions)
    officer, _new = User.objects.get_or_create(username="bench-officer-" + region.lower())
    membership, _new = Membership.objects.get_or_create(
        user=officer, organisation=mlsp, role="registrar", defaults={{"valid_from": dt.date(2000, 1, 1)}})
    membership.regions.set([region])
users = {{}}
for username in ("bench-officer-kz-75", "bench-officer-kz-55", "bench-sysadmin"):
    user = User.objects.get(username=username)
    user.set_password({PASSWORD!r})
    user.save()
    users[username] = username
_t, token = issue_token(by=None, user=User.objects.get(username="bench-sysadmin"), name="load test", days=1)
with unscoped("load test sampling"):
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    def sample(region=None, n=400):
        ids = [rng.randrange(1, top + 1) for _ in range(n * 3)]
        q = Person.objects.filter(pk__in=ids)
        if region:
            q = q.filter(region_id=region, organisation__code="mlsp")
        return list(q.values_list("pk", "registration_number")[:n])
    out = {{"token": token, "top": top}}
    for key, region in (("kz-75", "KZ-75"), ("kz-55", "KZ-55"), ("all", None)):
        persons = sample(region)
        ids = [pk for pk, _n in persons]
        names = {{}}
        for pid, given, family in PersonName.objects.filter(person_id__in=ids, script="latn").values_list("person_id", "given_name", "family_name"):
            names.setdefault(pid, f"{{given}} {{family}}".strip())
        documents = dict(Document.objects.filter(person_id__in=ids).values_list("person_id", "number"))
        out[key] = [{{"number": n, "name": names.get(pk, ""), "document": documents.get(pk, "")}} for pk, n in persons]
print("JSON" + json.dumps(out))
"""
    env = {**os.environ, **server_env(args)}
    done = subprocess.run([sys.executable, "-m", "panah.cli", "shell", "-c", script], env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode:
        sys.exit(f"preparing the users failed:\n{done.stderr[-3000:]}")
    import json

    return json.loads(done.stdout.split("JSON", 1)[1])


def server_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        "DATABASE_URL": f"{args.pg_server.rstrip('/')}/{loader.PG_DATABASE}",
        # The key of testing mode, in which bench/registry.py and bench/api.py load and read the same
        # database: the keys that encrypt phones are derived from it (panah/common/encryption.py).
        "PANAH_SECRET_KEY": "insecure-development-key-never-use-in-production",
        "PANAH_DEBUG": "0",
        "PANAH_TESTING": "0",
        "PANAH_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "PANAH_REQUIRE_OTP": "0",  # the users sign in with a password only here
        "PANAH_API_RATE": "1000000/min",
        "PANAH_VAR_DIR": args.var_dir,
        "PANAH_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


class Stats:
    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []  # what the first errors were
        self.lock = threading.Lock()

    def add(self, step: str, ms: float, ok: bool, why: str = "") -> None:
        with self.lock:
            self.ms[step].append(ms)
            if not ok:
                self.errors[step] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{step}: {why}")


def user(kind: str, base: str, data: dict, stats: Stats, stop: float, seed: int) -> None:
    rng = random.Random(seed)
    session = requests.Session()

    def get(step: str, path: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        why = ""
        try:
            response = session.get(base + path, timeout=30, **kwargs)
            ok = response.status_code == 200
            why = f"{response.status_code} {path} {response.text[:200]!r}"
        except requests.RequestException as error:
            response, ok, why = None, False, f"{path} {type(error).__name__}: {error}"
        stats.add(step, (time.perf_counter() - started) * 1000, ok, why)
        return response

    def think() -> None:
        time.sleep(rng.uniform(1.0, 3.0))

    if kind == "api":
        session.headers["Authorization"] = f"Bearer {data['token']}"
    else:
        username = {"kz-75": "bench-officer-kz-75", "kz-55": "bench-officer-kz-55", "all": "bench-sysadmin"}[kind]
        page = session.get(base + "/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        signed = session.post(base + "/accounts/login/", data={"username": username, "password": PASSWORD,
                              "csrfmiddlewaretoken": token}, headers={"Referer": base + "/accounts/login/"}, timeout=30)  # fmt: skip
        if "/accounts/login/" in signed.url:
            stats.add("sign in", 0.0, False)
            return
    people = data["all" if kind == "api" else kind]
    time.sleep(rng.uniform(0, 3))  # users do not all start at once
    while time.time() < stop:
        person = rng.choice(people)
        if kind == "api":
            page = get("API GET /persons?limit=50", f"/api/v1/persons?limit=50&after={person['number']}")
            think()
            items = page.json()["items"] if page is not None and page.status_code == 200 else []
            number = rng.choice(items)["registration_number"] if items else person["number"]
            get("API GET /persons/{number}", f"/api/v1/persons/{number}")
            think()
            continue
        get("home page", "/")
        think()
        if person["document"] and rng.random() < 0.3:
            get("search by document number", "/persons/search/", params={"q": person["document"]})
        else:
            get("search by name", "/persons/search/", params={"q": person["name"] or person["number"]})
        think()
        get("person page", f"/persons/{person['number']}/")
        think()
        if kind == "all":
            get("cases: regional overview", "/cases/regions/")
        elif rng.random() < 0.5:
            get("cases: worklist", "/cases/")
        else:
            get("list of persons", "/persons/")
        think()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (4 threads each)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--pg-server", default=loader.DEFAULT_PG_SERVER)
    args = parser.parse_args(argv)
    args.var_dir = tempfile.mkdtemp(prefix="panah-load-")
    env = {**os.environ, **server_env(args)}
    print(f"== load test: {args.users} users for {args.seconds} s against {env['DATABASE_URL']}", flush=True)
    subprocess.run([sys.executable, "-m", "panah.cli", "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "panah.cli", "collectstatic", "--no-input", "-v0"], env=env, check=True)
    data = prepare(args)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "panah.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", "4", "--limit-request-line", "8190", "--keep-alive", "5"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(Path(args.var_dir) / "server.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        kinds = (["kz-75", "kz-55"] * 3 + ["all"] * 2 + ["api"] * 2) * (args.users // 10 + 1)
        stats = Stats()
        stop = time.time() + args.seconds
        threads = [
            threading.Thread(target=user, args=(kinds[i], base, data, stats, stop, args.seed + i), daemon=True)
            for i in range(args.users)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests_total = sum(len(v) for v in stats.ms.values())
    errors_total = sum(stats.errors.values())
    print(f"\n{requests_total:,} requests in {elapsed:.0f} s ({requests_total / elapsed:.1f}/s), {errors_total} errors")
    print(f"  {'step':<30} {'n':>6} {'errors':>6} {'p50':>7} {'p95':>7} {'max':>7}  target")
    worst = {"page": 0.0, "api": 0.0}
    for step in sorted(stats.ms):
        ms = stats.ms[step]
        api = step.startswith("API")
        p95 = loader.percentile(ms, 0.95)
        target = API_TARGET_MS if api else PAGE_TARGET_MS
        worst["api" if api else "page"] = max(worst["api" if api else "page"], p95)
        print(f"  {step:<30} {len(ms):>6} {stats.errors.get(step, 0):>6} {loader.percentile(ms, 0.5):7.1f} "
              f"{p95:7.1f} {max(ms):7.1f}  {'met' if p95 <= target else 'MISSED'} (p95 <= {target} ms)")  # fmt: skip
    for example in stats.examples:
        print(f"  error: {example}")
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}; server log: {args.var_dir}/server.log")
    print(f"load users={args.users} seconds={args.seconds} requests={requests_total} errors={errors_total} "
          f"page_p95_ms={worst['page']:.1f} api_p95_ms={worst['api']:.1f}")  # fmt: skip
    return 0 if errors_total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
