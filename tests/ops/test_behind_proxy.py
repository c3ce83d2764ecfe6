"""Behind a real reverse proxy (Debian's nginx, configured as docs/operators.md says, started by the test
on loopback ports) in front of `panah serve`: each client is known by its own address. Two clients
connect to nginx from distinct loopback addresses (127.0.0.2 and 127.0.0.3); nginx connects to Panah
from 127.0.0.1, a trusted proxy, and names the client in X-Forwarded-For, as in production.

Wrong tokens from one client do not make another wait; a client cannot escape its wait by writing an
X-Forwarded-For of its own; wrong passwords lock a user name for that client only; the audit log and the
request log hold the client's address, not the proxy's."""

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.ops.conftest import run
from tests.ops.live import PASSWORD, free_port, production_env, serving, shell

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ALICE, BOB = "127.0.0.2", "127.0.0.3"  # two clients, as two machines would be
FAILURES = 3  # PANAH_API_TOKEN_FAILURES and PANAH_LOGIN_FAILURE_LIMIT here

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}
}}
"""


class FromAddress(HTTPAdapter):
    """Connects from a given local address, as a client on another machine would have its own."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def client(source: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(source))
    return session


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    if not os.access(NGINX, os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (make proxy installs Debian's): CI must test behind the proxy")
        pytest.skip("nginx is not installed (make proxy installs Debian's)")
    return NGINX


@pytest.fixture(scope="module")
def behind_nginx(
    nginx_binary: str, scratch_databases: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    var = tmp_path_factory.mktemp("proxy")
    url = scratch_databases.new("proxy")
    env = production_env(
        url,
        var,
        PANAH_HTTPS="0",
        PANAH_SECURE_COOKIES="0",
        PANAH_REQUIRE_OTP="0",
        PANAH_API_TOKEN_FAILURES=str(FAILURES),
        PANAH_LOGIN_FAILURE_LIMIT=str(FAILURES),
        PANAH_TRUSTED_PROXIES="127.0.0.1",
    )
    run(["migrate", "--no-input", "-v0"], env)
    run(["createsuperuser", "--no-input", "--username", "admin", "--email", "admin@example.org"], env)
    shell(env, f"from panah.accounts.models import User; User.objects.create_user('clerk', password='{PASSWORD}')")
    token = run(["api_token", "admin", "--name", "proxy", "--days", "1"], env).stdout.strip()
    log = var / "serve.log"
    with serving(env, log) as upstream:
        port = free_port()
        conf = var / "nginx.conf"
        user = "user root root;" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(dir=var, port=port, upstream=upstream.rsplit(":", 1)[1], user=user))
        nginx = subprocess.Popen(  # noqa: S603
            [nginx_binary, "-p", str(var), "-c", str(conf), "-e", str(var / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=(var / "nginx.out").open("w"),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _attempt in range(60):
                try:
                    if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.25)
            else:
                pytest.fail(f"nginx did not answer: {(var / 'nginx.out').read_text()}")
            yield {"url": base, "env": env, "token": token, "log": log}
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)


def _api(session: requests.Session, base: str, token: str, **headers: str) -> int:
    response = session.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}", **headers}, timeout=30)
    return response.status_code


def test_wrong_tokens_from_one_client_do_not_make_another_wait(behind_nginx):
    base, token = behind_nginx["url"], behind_nginx["token"]
    alice, bob = client(ALICE), client(BOB)

    wrong = [_api(alice, base, "pnh_wrong") for _ in range(FAILURES)]
    after = _api(alice, base, token)
    # Alice cannot pass as someone else by naming another address herself: nginx appends hers.
    spoofed = _api(alice, base, token, **{"X-Forwarded-For": "198.51.100.9"})

    assert wrong == [401] * FAILURES
    assert (after, spoofed) == (429, 429)
    assert _api(bob, base, token) == 200
    assert _api(bob, base, "pnh_wrong") == 401  # Bob's own first wrong token: no wait


def _sign_in(session: requests.Session, base: str, username: str, password: str) -> requests.Response:
    page = session.get(f"{base}/accounts/login/", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf, page.text[:500]
    return session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )


def test_wrong_passwords_lock_the_user_name_for_that_client_only(behind_nginx):
    base = behind_nginx["url"]
    alice, bob = client(ALICE), client(BOB)

    for _ in range(FAILURES):
        _sign_in(alice, base, "clerk", "not-the-password")
    alice_right = _sign_in(alice, base, "clerk", PASSWORD)
    bob_right = _sign_in(bob, base, "clerk", PASSWORD)

    assert alice_right.status_code == 429  # locked for Alice, even with the right password
    assert bob_right.status_code == 302  # Bob signs in

    entries = json.loads(
        shell(
            behind_nginx["env"],
            "import json; from panah.audit.models import AuditEntry; "
            "print(json.dumps(list(AuditEntry.objects.filter(username='clerk')"
            ".values_list('action', 'ip_address'))))",
        ).splitlines()[-1]
    )
    assert ["login", BOB] in entries
    assert ["login_failed", ALICE] in entries
    assert {address for _action, address in entries} == {ALICE, BOB}  # never nginx's 127.0.0.1


def test_the_request_log_names_the_client_not_the_proxy(behind_nginx):
    client(BOB).get(f"{behind_nginx['url']}/healthz", timeout=30)

    lines = [json.loads(line) for line in Path(behind_nginx["log"]).read_text().splitlines() if line.startswith("{")]
    requests_logged = [line for line in lines if line.get("logger") == "panah.request"]
    assert BOB in {line["client"] for line in requests_logged}
    # 127.0.0.1 only for the test's own readiness probes, straight to Panah or through nginx from it.
    assert {line["path"] for line in requests_logged if line["client"] == "127.0.0.1"} <= {"/healthz"}
