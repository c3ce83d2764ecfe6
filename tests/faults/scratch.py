"""A database of a fault test's own, on the engine the suite runs on, and a way to run `panah`
against it and to query it from outside with plain SQL."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg


class Scratch:
    """A database of the test's own and a way to run `panah` against it and to query it."""

    def __init__(self, tmp_path: Path) -> None:
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith("postgres")
        if self.postgres:
            parts = urlsplit(url)
            self.name = f"{parts.path.lstrip('/') or 'test'}_faults"
            self.maintenance = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(self.maintenance, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.path = tmp_path / "faults.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "PANAH_TESTING": "1",
            "PANAH_VAR_DIR": str(tmp_path),
            "PANAH_LOG_LEVEL": "WARNING",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "panah.cli", *args]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True, timeout=600)  # noqa: S603
        if check:
            assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            self.command(*args),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """`sql` with %s placeholders, on either engine."""
        if self.postgres:
            with psycopg.connect(self.url) as connection:
                return list(connection.execute(sql, params).fetchall())
        with sqlite3.connect(self.path, timeout=30) as connection:
            return list(connection.execute(sql.replace("%s", "?"), params).fetchall())

    def settle(self, timeout: float = 30) -> None:
        """Wait until no other connection to the database is left. A process killed just after it sent
        COMMIT leaves a PostgreSQL backend that still completes that commit, and exits only when it
        finds the client gone: read the state before, and a whole import can look absent. (SQLite has
        no server: a killed process's writes are in the file or not.)"""
        if not self.postgres:
            return
        import time

        deadline = time.monotonic() + timeout
        others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        while self.scalar(others) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.scalar(others), "a killed process's connection is still open"

    def scalar(self, sql: str, *params: Any) -> Any:
        return self.query(sql, *params)[0][0]

    def drop(self) -> None:
        if self.postgres:
            with psycopg.connect(self.maintenance, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
