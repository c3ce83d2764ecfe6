"""Schemathesis fuzzes the API of a live server holding the demo registry, and finds no server error
and no response that breaks the OpenAPI schema, for three roles: a regional registrar, a national role
(UNHCR's protection officer, every region through the agreements) and the statistician, for whom a
release is published so that the releases list answers with data.

The server is the real thing (gunicorn, production settings) on a database of its own, so nothing it
writes reaches the test database, and the test does not depend on the order the suite runs in. The
demo's first person (PN-0000001-8) is in the schema as the example number, so the explicit phase
reads a full record, not only 404s."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.ops.live import serving

BIN = Path(sys.executable).parent
DEMO_PERSONS = "400"
# Every check Schemathesis has, with its configuration (tests/api/schemathesis.toml: the operations whose
# own rules answer schema-valid data with a 422) and hooks (dates within the documented range).
# PANAH_SCHEMATHESIS_CHECKS narrows the checks while working on one.
CHECKS = os.environ.get("PANAH_SCHEMATHESIS_CHECKS", "all")
HERE = Path(__file__).parent
ROLES = {"regional registrar": "officer.pavlodar", "national role": "unhcr.protection", "statistician": "statistician"}
# A release of the demo's seed figures, so the statistician's releases list has one to answer with.
PUBLISH = """
import datetime as dt
from django.utils import timezone
from panah.accounts.models import User
from panah.stats.disclosure import PUBLIC
from panah.stats.services import publish_release
from panah.stats.tables import Parameters, default_period
as_of = dt.date(2017, 1, 1)
start, end = default_period(as_of)
publish_release(by=User.objects.get(username="statistician"), title="Seed figures",
                parameters=Parameters(as_of=as_of, known_on=timezone.now(), period_start=start, period_end=end,
                                      policy=PUBLIC))
"""


def _maintenance(url: str) -> str:
    # The suite's own database may not exist yet (pytest-django creates test_<name>): use "postgres".
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _database(tmp_path: Path) -> str:
    """A database of the server's own, on the engine the suite runs on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'api-fuzz.sqlite3'}"
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'test'}_api_fuzz"
    with psycopg.connect(_maintenance(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], str]]:
    tmp_path = tmp_path_factory.mktemp("api-fuzz")
    database = _database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PANAH_DEBUG": "0",
        "PANAH_TESTING": "0",
        "PANAH_SECRET_KEY": "api-fuzz-only",
        "PANAH_HTTPS": "0",  # plain HTTP on loopback: no redirect to https
        "PANAH_API_RATE": "1000000/min",  # the fuzzer is one client sending thousands of requests
        "PANAH_VAR_DIR": str(tmp_path),
    }
    panah = [sys.executable, "-m", "panah.cli"]
    _run([*panah, "migrate", "--no-input", "-v0"], env)
    _run([*panah, "collectstatic", "--no-input", "-v0"], env)  # as a deployment does
    _run([*panah, "demo", "--persons", DEMO_PERSONS], env)
    _run([*panah, "shell", "-c", PUBLISH], env)
    tokens = {
        role: _run([*panah, "api_token", username, "--name", "schemathesis", "--days", "1"], env).strip()
        for role, username in ROLES.items()
    }
    log = tmp_path / "server.log"
    try:
        with serving(env, log, workers=2) as url:  # `panah serve` as an operator runs it
            yield url, tokens, str(log)
    finally:
        if database.startswith("postgres"):
            with psycopg.connect(_maintenance(database), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{urlsplit(database).path.lstrip("/")}" WITH (FORCE)')


@pytest.mark.parametrize("role", list(ROLES))
def test_schemathesis_finds_no_server_error_and_no_response_outside_the_schema(demo_server, tmp_path, role):
    url, tokens, server_log = demo_server
    token = tokens[role]
    command = [
        str(shutil.which("schemathesis", path=str(BIN)) or BIN / "schemathesis"),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("PANAH_SCHEMATHESIS_EXAMPLES", "40"),  # bench/api_fuzz.py runs longer
        "--seed",
        "20261125",
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    hooks = {**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "schemathesis_hooks.py")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path, env=hooks)  # noqa: S603
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{output}\n--- server log ---\n{Path(server_log).read_text()[-5000:]}"
    print(output)  # the run summary, for the log of the suite
    assert "No issues found" in output or "passed" in output.lower(), output
