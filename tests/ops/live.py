"""`panah serve` as an operator runs it, started by a test: production settings (no debug, no test
mode), a database of its own, on a free loopback port, stopped with SIGTERM at the end."""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.ops.conftest import PANAH, run

PASSWORD = "live-server-" + "p" * 20  # a scratch database's user


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def production_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "panah.settings",
        "DATABASE_URL": database_url,
        "PANAH_SECRET_KEY": "live-" + secrets.token_urlsafe(48),
        "PANAH_VAR_DIR": str(var_dir),
        "PANAH_DEBUG": "0",
        "PANAH_LOG_FORMAT": "json",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    env.update(extra)
    return env


def shell(env: dict[str, str], code: str) -> str:
    return run(["shell", "-c", code], env).stdout.strip()


@contextmanager
def serving(env: dict[str, str], log: Path, *, workers: int = 2, host: str = "127.0.0.1") -> Iterator[str]:
    """Runs `panah serve --workers N --no-worker` until the block ends; yields its base URL."""
    port = free_port(host)
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            [*PANAH, "serve", "--host", host, "--port", str(port), "--workers", str(workers), "--no-worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://{host}:{port}"
        try:
            for _attempt in range(240):
                if server.poll() is not None:
                    raise AssertionError(f"panah serve stopped:\n{log.read_text()[-4000:]}")
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise AssertionError(f"panah serve did not answer:\n{log.read_text()[-4000:]}")
            yield url
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
