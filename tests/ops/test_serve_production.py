"""`panah serve` as an operator starts it: production settings (no debug, HTTPS behind a proxy that says
so in X-Forwarded-Proto), a fresh database, no `collectstatic` run by hand. The login page, the 404
page and a static file answer; and every command with a setting missing says what to set in one line,
without a traceback."""

import re
import subprocess

import pytest
import requests

from tests.ops.conftest import PANAH, run
from tests.ops.live import production_env, serving

BEHIND_TLS_PROXY = {"X-Forwarded-Proto": "https", "Host": "localhost"}


def test_serve_in_production_answers_the_login_page_the_404_page_and_static_files(scratch_databases, tmp_path):
    env = production_env(scratch_databases.new("serve"), tmp_path)  # PANAH_HTTPS defaults to on
    run(["migrate", "--no-input", "-v0"], env)
    assert not (tmp_path / "static" / "staticfiles.json").exists()

    with serving(env, tmp_path / "serve.log") as base:

        def get(path: str, headers: dict[str, str] = BEHIND_TLS_PROXY) -> requests.Response:
            return requests.get(f"{base}{path}", headers=headers, allow_redirects=False, timeout=30)

        login, missing = get("/accounts/login/"), get("/no-such-page/")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', login.text)
        static = get(stylesheet.group(1)) if stylesheet else None
        plain_http = get("/accounts/login/", {"Host": "localhost"})

    assert login.status_code == 200, (tmp_path / "serve.log").read_text()[-3000:]
    assert "no-store" in login.headers["Cache-Control"]
    assert missing.status_code == 404 and "<html" in missing.text.lower()
    assert static is not None and static.status_code == 200
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))  # collected, with hashed names
    assert plain_http.status_code == 301 and plain_http.headers["Location"].startswith("https://")


@pytest.mark.parametrize(
    ("command", "unset", "bad", "says"),
    [
        (["dedup", "persons.csv", "--output", "pairs.csv"], "PANAH_SECRET_KEY", {}, "PANAH_SECRET_KEY is not set"),
        (["import", "persons.csv", "--org", "x"], "PANAH_SECRET_KEY", {}, "PANAH_SECRET_KEY is not set"),
        (["serve"], None, {"PANAH_CACHE_URL": "memcached://x"}, "PANAH_CACHE_URL must be"),
        (["migrate"], None, {"PANAH_TRUSTED_PROXIES": "nginx.local"}, "PANAH_TRUSTED_PROXIES"),
    ],
)
def test_a_command_with_a_setting_missing_says_what_to_set_in_one_line(command, unset, bad, says, tmp_path):
    env = {**production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path), **bad}
    if unset:
        del env[unset]
    done = subprocess.run([*PANAH, *command], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)  # noqa: S603

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and says in lines[0], done.stderr
