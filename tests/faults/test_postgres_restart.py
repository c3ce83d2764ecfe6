"""PostgreSQL restarted under load: a real server (gunicorn, production settings) on a database of
its own answers readers through the API and the pages while a writer registers persons; the
PostgreSQL server is restarted in the middle. Requests fail while it is down; afterwards the
application recovers by itself (every request succeeds again, without restarting anything of
Panah), and every person written is whole (names, search tokens, audit entry), none half-written.

This restarts the machine's PostgreSQL, so it runs last (after the browser tests) and only on the
PostgreSQL leg; the suite's own connections are closed afterwards so that nothing reuses a dead one.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import requests
from django.db import connections

from tests.faults.scratch import Scratch

pytestmark = pytest.mark.last

WRITER = """
import datetime as dt, sys, time
from django.db import connection, OperationalError, InterfaceError
from panah.accounts.models import Organisation, User
from panah.accounts.scope import unscoped
from panah.geo.models import Region
from panah.registry.services import register_person
admin = User.objects.get(username="admin")
org = Organisation.objects.get(code="mlsp")
almaty = Region.objects.get(code="KZ-75")
written = failed = 0
stop = time.time() + {seconds}
with unscoped("fault test"):
    while time.time() < stop:
        try:
            register_person(
                by=admin, organisation=org,
                person={{"sex": "F", "birth_date": dt.date(1990, 1, 1) + dt.timedelta(days=written)}},
                names=[{{"given_name": "Restart{{}}".format(written), "family_name": "Writer", "script": "latn"}}],
                address={{"region": almaty, "valid_from": dt.date(2020, 1, 1), "locality": "Almaty"}},
            )
            written += 1
        except (OperationalError, InterfaceError):
            failed += 1
            connection.close()  # the next try opens a new connection
            time.sleep(0.2)
print("WRITTEN", written, "FAILED", failed, flush=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(  # noqa: S603
        [shutil.which("pg_ctlcluster") or "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_the_application_recovers_by_itself_after_postgresql_restarts_under_load(tmp_path):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("a PostgreSQL fault: the SQLite leg has no server to restart")
    if not (Path("/etc/postgresql").is_dir() and shutil.which("pg_ctlcluster")):
        pytest.fail("PostgreSQL is not managed by pg_ctlcluster here: cannot restart it")
    connections.close_all()
    scratch = Scratch(tmp_path)
    # Production settings for every command and the server alike: one secret key, from which the
    # keys that encrypt phones are derived (data loaded under another key would not be readable).
    scratch.env.update(
        {"PANAH_TESTING": "0", "PANAH_DEBUG": "0", "PANAH_SECRET_KEY": "restart-test-" + "x" * 40,
         "PANAH_HTTPS": "0", "PANAH_SECURE_COOKIES": "0", "PANAH_API_RATE": "1000000/min"}
    )  # fmt: skip
    try:
        scratch.run("migrate", "--no-input", "-v0")
        scratch.run("collectstatic", "--no-input", "-v0")
        scratch.run("demo", "--persons", "200")
        token = scratch.run("api_token", "admin", "--name", "restart", "--days", "1").stdout.strip()
        port = _free_port()
        env = scratch.env
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "panah.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4"],
            env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("w"),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        results: list[tuple[float, bool]] = []
        stop = time.time() + 40

        def reader() -> None:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            while time.time() < stop:
                try:
                    ok = session.get(f"{base}/api/v1/persons?limit=20", timeout=10).status_code == 200
                    ok = ok and session.get(f"{base}/api/v1/persons/PN-0000001-8", timeout=10).status_code == 200
                except requests.RequestException:
                    ok = False
                results.append((time.time(), ok))
                time.sleep(0.05)

        writer = subprocess.Popen(  # noqa: S603
            scratch.command("shell", "-c", WRITER.format(seconds=35)),
            env=scratch.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        readers = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
        for thread in readers:
            thread.start()
        time.sleep(8)
        restarted_at = time.time()
        _restart_postgres()
        back_at = time.time()
        for thread in readers:
            thread.join(timeout=60)
        out, _err = writer.communicate(timeout=120)
        server.terminate()
        server.wait(timeout=30)

        before = [ok for t, ok in results if t < restarted_at]
        after = [ok for t, ok in results if t > back_at + 5]  # five seconds to notice and reconnect
        during = [ok for t, ok in results if restarted_at <= t <= back_at + 5]
        assert before and all(before), (
            f"requests failed before the restart: {(tmp_path / 'server.log').read_text()[-3000:]}"
        )
        assert during, "no request was made while PostgreSQL restarted: the test proved nothing"
        assert len(after) > 20 and all(after), f"the application did not recover: {after.count(False)} failures"
        written = int(out.split("WRITTEN")[1].split()[0])
        assert written > 0
        # Every person written is whole: names, search tokens, address and audit entry; none half-written.
        persons = scratch.scalar(
            "SELECT count(*) FROM registry_person p JOIN registry_personname n ON n.person_id = p.id WHERE n.family_name = 'Writer'"
        )
        assert persons == written
        for table in ("registry_nametoken", "registry_address"):
            query = (
                "SELECT count(*) FROM registry_person p JOIN registry_personname n ON n.person_id = p.id "
                "WHERE n.family_name = 'Writer' AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.person_id = p.id)"
            )
            missing = scratch.scalar(query.format(table=table))
            assert missing == 0, table
        audited = scratch.scalar(
            "SELECT count(DISTINCT a.person_id) FROM audit_auditentry a JOIN registry_personname n "
            "ON n.person_id = a.person_id WHERE n.family_name = 'Writer' AND a.action = 'create'"
        )
        assert audited == written
    finally:
        scratch.drop()
        connections.close_all()  # the suite's connections died with the server: open new ones
