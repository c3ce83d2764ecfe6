"""The production profile (PANAH_DEBUG off): Django's deployment checks pass, the security headers and
a strict Content-Security-Policy are sent, and collected static files are served under hashed names
with a long cache lifetime. The production process runs in a subprocess with its own environment."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.ops.conftest import run

PANAH_DIR = Path(__file__).resolve().parents[2] / "panah"

# Requests through the whole production stack (WSGI handler and every middleware), printed as JSON.
PROBE = """
import json
import django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

client = Client(HTTP_HOST="localhost")
css = staticfiles_storage.url("panah/panah.css")
answers = {"css_url": css}
for name, path, secure in [("css", css, True), ("login", "/accounts/login/", True),
                           ("login_http", "/accounts/login/", False), ("healthz_http", "/healthz", False),
                           ("readyz_http", "/readyz", False)]:
    response = client.get(path, secure=secure)
    answers[name] = {"status": response.status_code, "headers": dict(response.headers)}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A production environment: its own var directory, database and a long random secret key."""
    var = tmp_path_factory.mktemp("production")
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "panah.settings",
        "DATABASE_URL": f"sqlite:///{var / 'panah.sqlite3'}",
        "PANAH_SECRET_KEY": secrets.token_urlsafe(64),
        "PANAH_VAR_DIR": str(var),
        "PANAH_DEBUG": "0",
    }
    run(["migrate", "--no-input", "-v0"], env)
    run(["collectstatic", "--no-input", "-v0"], env)
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert probe.returncode == 0, probe.stderr
    return {"env": env, "var": var, "answers": json.loads(probe.stdout.splitlines()[-1])}


def test_deployment_checks_pass_with_debug_off(production):
    done = run(["check", "--deploy", "--fail-level", "WARNING"], production["env"])

    assert "System check identified no issues" in done.stdout


def test_collectstatic_serves_hashed_files_with_a_long_cache_lifetime(production):
    answers = production["answers"]

    assert re.fullmatch(r"/static/panah/panah\.[0-9a-f]{12}\.css", answers["css_url"])
    assert answers["css"]["status"] == 200
    cache = answers["css"]["headers"]["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
    assert (production["var"] / "static" / "staticfiles.json").is_file()


def test_production_pages_carry_the_security_headers(production):
    login = production["answers"]["login"]

    assert login["status"] == 200
    headers = login["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https_except_the_health_probes(production):
    answers = production["answers"]

    assert answers["login_http"]["status"] == 301
    assert answers["login_http"]["headers"]["Location"].startswith("https://")
    assert answers["healthz_http"]["status"] == 200
    assert answers["readyz_http"]["status"] == 200


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {directive[0]: directive[1:] for directive in directives}


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get(reverse("login"))

    policy = _policy(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert "'unsafe-eval'" not in policy.get("script-src", [])
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE),
        "inline script",
    ),
    (re.compile(r"<style\b", re.IGNORECASE), "style element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"\shx-on", re.IGNORECASE), "htmx inline handler (needs eval)"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def test_no_template_holds_inline_script_style_or_event_handler():
    # Each would be blocked by the policy above: the page would silently lose it.
    found = [
        f"{template.relative_to(PANAH_DIR)}: {what}"
        for template in sorted(PANAH_DIR.rglob("templates/**/*.html"))
        for pattern, what in INLINE
        if pattern.search(template.read_text())
    ]

    assert found == []


SIGNED_READ = """
import django
django.setup()
from django.core import signing
try:
    print(signing.loads({value!r}))
except signing.BadSignature:
    print("refused")
"""


def test_a_rotated_secret_key_still_accepts_values_signed_with_the_former_one_while_it_is_a_fallback(tmp_path):
    from django.core import signing

    old, new = secrets.token_urlsafe(64), secrets.token_urlsafe(64)
    value = signing.dumps("signed before the rotation", key=old)
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "panah.settings", "PANAH_VAR_DIR": str(tmp_path)}

    def read(**env: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SIGNED_READ.format(value=value)],
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    assert read(PANAH_SECRET_KEY=new, PANAH_SECRET_KEY_FALLBACKS=old) == "signed before the rotation"
    assert read(PANAH_SECRET_KEY=new) == "refused"
