"""The API rate limit holds across every process of `panah serve`: two gunicorn workers, many client
threads at once, one token; of N + 100 requests within the window exactly N pass, with the Redis
cache (PANAH_CACHE_URL) and with the database cache (the default)."""

import os
import socket
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.ops.conftest import run
from tests.ops.live import production_env, serving

N = 25  # PANAH_API_RATE in these tests: small, so the test is quick; the window is an hour, so it never closes
REDIS_URL = os.environ.get("PANAH_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_or_skip() -> None:
    host, _colon, rest = REDIS_URL.removeprefix("redis://").partition(":")
    try:
        socket.create_connection((host, int(rest.split("/")[0] or 6379)), timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}, and CI must test the shared cache")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this database index is the tests' own


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
def test_exactly_n_requests_pass_on_one_token_across_two_workers(database, cache, tmp_path):
    url, var = database
    extra = {"PANAH_API_RATE": f"{N}/hour", "PANAH_HTTPS": "0", "PANAH_SECURE_COOKIES": "0", "PANAH_REQUIRE_OTP": "0"}
    if cache == "redis":
        _redis_or_skip()
        extra["PANAH_CACHE_URL"] = REDIS_URL
    env = production_env(url, var, **extra)
    token = run(["api_token", "admin", "--name", f"limits-{cache}", "--days", "1"], env).stdout.strip()

    with serving(env, tmp_path / "serve.log", workers=2) as base:
        answers = _count_answers(base, token, N + 100)

    assert answers == Counter({200: N, 429: 100}), (tmp_path / "serve.log").read_text()[-3000:]
