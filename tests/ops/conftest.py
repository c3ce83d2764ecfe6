"""Operations tests run `panah` in subprocesses against databases of their own, on the engine the suite
runs on: what a command writes must be visible to the next command, which pytest-django's test
transaction would hide. PostgreSQL scratch databases are named after the suite's database with a
suffix and are created and dropped through the maintenance database `postgres`."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

PANAH = [sys.executable, "-m", "panah.cli"]


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def _maintenance(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _drop(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_maintenance(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*PANAH, *args], env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
    if check:
        assert done.returncode == 0, f"panah {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


class Databases:
    """Creates empty scratch databases (SQLite files or PostgreSQL databases) and removes them at the end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.created: list[str] = []

    def new(self, suffix: str) -> str:
        url = os.environ.get("DATABASE_URL", "")
        if not on_postgresql():
            path = self.directory / f"{suffix}.sqlite3"
            path.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'test'}_{suffix}"
        scratch = urlunsplit(parts._replace(path=f"/{name}"))
        _drop(scratch)
        with psycopg.connect(_maintenance(url), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(scratch)
        return scratch

    def drop_all(self) -> None:
        for url in self.created:
            _drop(url)


def env_for(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PANAH_DEBUG": "0",
        "PANAH_TESTING": "1",
        "PANAH_VAR_DIR": str(var_dir),
        "PANAH_FILES_DIR": str(var_dir / "private" / "evidence"),
        "PANAH_LOG_FORMAT": "plain",
        **extra,
    }


def execute(database_url: str, statement: str) -> None:
    """One SQL statement through the driver, outside Django, as an intruder or a broken disk would."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(urlsplit(database_url).path)
        try:
            connection.execute(statement)
            connection.commit()
        finally:
            connection.close()
    else:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(statement)


@pytest.fixture(scope="session")
def scratch_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    databases = Databases(tmp_path_factory.mktemp("ops-databases"))
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ops-var")


@pytest.fixture(scope="session")
def panah_env(var_dir: Path) -> Callable[..., dict[str, str]]:
    return lambda database_url, **extra: env_for(database_url, var_dir, **extra)


@pytest.fixture
def run_panah() -> Callable[..., Any]:
    return run
