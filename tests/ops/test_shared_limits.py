"""The API rate limit holds across every process of `panah serve`: two gunicorn workers, many client
threads at once, one token; of N + 100 requests within the window exactly N pass, with the Redis
cache (PANAH_CACHE_URL) and with the database cache (the default)."""

import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.ops.conftest import run
from tests.ops.live import free_port, production_env, serving

N = 25  # PANAH_API_RATE in these tests: small, so the test is quick; the window is an hour, so it never closes
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server of the test's own on a free loopback port, keeping nothing on disk."""
    if not os.access(REDIS_SERVER, os.X_OK):
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (make proxy installs it): CI must test the Redis cache")
        pytest.skip("redis-server is not installed (make proxy installs it)")
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(  # noqa: S603
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def database(scratch_databases: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    var = tmp_path_factory.mktemp("limits")
    url = scratch_databases.new("limits")
    run(["migrate", "--no-input", "-v0"], production_env(url, var))
    run(
        ["createsuperuser", "--no-input", "--username", "admin", "--email", "admin@example.org"],
        production_env(url, var),
    )
    return url, var


def _count_answers(url: str, token: str, total: int) -> Counter[int]:
    def ask(_: int) -> int:
        with requests.Session() as session:
            response = session.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=60)
            return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(pool.map(ask, range(total)))


@pytest.mark.parametrize("cache", ["redis", "database"])
def test_exactly_n_requests_pass_on_one_token_across_two_workers(database, cache, tmp_path, request):
    url, var = database
    extra = {"PANAH_API_RATE": f"{N}/hour", "PANAH_HTTPS": "0", "PANAH_SECURE_COOKIES": "0", "PANAH_REQUIRE_OTP": "0"}
    if cache == "redis":
        extra["PANAH_CACHE_URL"] = request.getfixturevalue("redis_url")
    env = production_env(url, var, **extra)
    token = run(["api_token", "admin", "--name", f"limits-{cache}", "--days", "1"], env).stdout.strip()

    with serving(env, tmp_path / "serve.log", workers=2) as base:
        answers = _count_answers(base, token, N + 100)

    assert answers == Counter({200: N, 429: 100}), (tmp_path / "serve.log").read_text()[-3000:]
