"""Liveness (/healthz) and readiness (/readyz): no sign-in, no personal data, 503 saying what is wrong."""

import json
import subprocess
import sys

from django.db import connection
from django.urls import reverse

PROBE = """
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/readyz")
print(response.status_code, response.content.decode())
"""


def test_liveness_answers_without_sign_in(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_readiness_answers_ready_without_sign_in_when_database_and_migrations_are_in_place(client, cast):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}
    assert response["Cache-Control"] == "no-store"
    assert cast.person_a.registration_number not in response.content.decode()


def test_readiness_is_503_naming_an_unapplied_migration(client, db):
    with connection.cursor() as cursor:
        # Undone inside the test's transaction: as if the code were deployed before `panah migrate`.
        cursor.execute("DELETE FROM django_migrations WHERE app = 'registry' AND name = '0001_initial'")

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "registry.0001_initial" in body["checks"]["migrations"]["pending"]


def test_readiness_is_503_when_the_database_cannot_be_reached(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "panah.settings",
        "PANAH_TESTING": "1",
        "PANAH_VAR_DIR": str(tmp_path),
        # A database file in a directory that does not exist: SQLite cannot open it.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'panah.sqlite3'}",
    }

    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)  # noqa: S603

    assert done.returncode == 0, done.stderr
    status, body = done.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"database": "unavailable (OperationalError)", "migrations": "unknown"},
    }
    assert str(tmp_path) not in body  # no path, host or role in the answer
