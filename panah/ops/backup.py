"""Backups that prove themselves: one archive file holding the database and a manifest of what is in it.

An archive is a tar file with these members:
  manifest.json        Panah version, applied migrations, database vendor, created-at, the data file's
                       SHA-256, for every table its row count and a content checksum, and the SHA-256
                       of every evidence file
  database.sqlite3     SQLite: a page-by-page copy made with SQLite's online backup API (consistent
                       while the server keeps writing; rowids and all kept as they are)
  database.pgdump      PostgreSQL: `pg_dump --format=custom`, taken in the same snapshot as the checksums
  files/<name>         every evidence file the backed-up database names, as stored (encrypted: the
                       archive holds no file in clear, and restoring needs the same PANAH_FILES_KEY)

The evidence files are read from their storage after the database is copied: those the copy names.
A file removed in between (its removal committed after the copy) is listed under "files_missing",
as the restored registry will miss it; a file added in between is not in the copy, nor named by it.

The checksum of a table is the SHA-256 of its rows read in primary-key order, each value in a fixed
text form, through the database driver itself (not the ORM), so a restore on the same vendor gives
the same figures. Restoring checks the data file's digest before touching the database, then every
table's count and checksum after.

PostgreSQL is dumped in pg_dump's custom format rather than a portable logical format (a JSON dump of
the models): it keeps what the ORM does not describe (the knowledge base's search index, sequences,
constraints exactly as migrated), restores with pg_restore in one transaction, and is what an
operator's other PostgreSQL tooling expects. Moving between SQLite and PostgreSQL is not a backup's
job.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from psycopg import sql

FORMAT = 1
MANIFEST = "manifest.json"
DATA_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files/"
# The table and column that name the stored evidence files (panah.evidence.models.EvidenceFile).
FILES_QUERY = "SELECT stored_as FROM evidence_evidencefile ORDER BY stored_as"
CHUNK = 2000


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message an operator can act on."""


@dataclass(frozen=True)
class Database:
    """Where a database is, read from Django's settings dictionary (so from DATABASE_URL)."""

    vendor: str  # "sqlite" or "postgresql"
    name: str  # a file path for SQLite, the database name for PostgreSQL
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> "Database":
        engine = settings_dict["ENGINE"]
        if engine == "django.db.backends.sqlite3":
            return cls(vendor="sqlite", name=str(settings_dict["NAME"]))
        if engine in {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}:
            return cls(
                vendor="postgresql",
                name=settings_dict["NAME"],
                user=settings_dict.get("USER") or "",
                password=settings_dict.get("PASSWORD") or "",
                host=settings_dict.get("HOST") or "",
                port=str(settings_dict.get("PORT") or ""),
                sslmode=(settings_dict.get("OPTIONS") or {}).get("sslmode", ""),
            )
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    def with_name(self, name: str) -> "Database":
        return Database(self.vendor, name, self.user, self.password, self.host, self.port, self.sslmode)

    # PostgreSQL: the same parameters for psycopg and for pg_dump/pg_restore (through PG* variables,
    # so the password never appears in a process list).
    def conninfo(self) -> dict[str, str]:
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        params |= {"port": self.port, "sslmode": self.sslmode}
        return {key: value for key, value in params.items() if value}

    def pg_env(self) -> dict[str, str]:
        names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST"}
        names |= {"port": "PGPORT", "sslmode": "PGSSLMODE"}
        return {**os.environ, **{names[key]: value for key, value in self.conninfo().items()}}


# --- Checksums -------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """One value in a fixed text form; the type is part of it, so 1 and "1" differ."""
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"b{int(value)}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "x" + bytes(value).hex()
    if isinstance(value, float):
        return "f" + repr(value)
    if isinstance(value, (int, Decimal)):
        return f"n{value}"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return "t" + value.isoformat()
    if isinstance(value, (dict, list)):
        return "j" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return "s" + str(value)


def _escape(text: str) -> str:
    # The separators cannot appear inside a value, so two different rows never give the same line.
    return text.replace("\\", "\\\\").replace("\x1e", "\\x1e").replace("\x1f", "\\x1f")


def _digest(rows: Iterator[tuple[Any, ...]]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        line = "\x1f".join(_escape(_text(value)) for value in row) + "\x1e"
        digest.update(line.encode("utf-8", "surrogatepass"))
        count += 1
    return count, digest.hexdigest()


def _fetch(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while rows := cursor.fetchmany(CHUNK):
        yield from rows


def _sqlite_tables(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    names = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    for (name,) in names:
        quoted = '"' + name.replace('"', '""') + '"'
        info = connection.execute(f"PRAGMA table_info({quoted})").fetchall()
        keys = [column[1] for column in sorted(info, key=lambda column: column[5]) if column[5] > 0]
        # A table without a declared key (the FTS index) is ordered by every column: stable across copies.
        order = ", ".join('"' + key.replace('"', '""') + '"' for key in keys) or ", ".join(
            str(position) for position in range(1, len(info) + 1)
        )
        cursor = connection.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608  (names from the catalogue)
        count, checksum = _digest(_fetch(cursor))
        tables[name] = {"rows": count, "sha256": checksum}
    return tables


def _postgresql_tables(connection: psycopg.Connection) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    names = connection.execute(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    ).fetchall()
    for oid, name in names:
        keys = [
            row[0]
            for row in connection.execute(
                "SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = %s AND i.indisprimary ORDER BY k.n",
                [oid],
            )
        ]
        width = connection.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped", [oid]
        )
        order = (
            sql.SQL(", ").join(sql.Identifier(key) for key in keys)
            if keys
            else sql.SQL(", ").join(sql.Literal(position) for position in range(1, width.fetchone()[0] + 1))
        )
        query = sql.SQL("SELECT * FROM {} ORDER BY {}").format(sql.Identifier(name), order)
        # A server-side cursor: a million persons are streamed, not loaded into memory.
        with connection.cursor(name=f"checksum_{uuid.uuid4().hex}") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(query)
            count, checksum = _digest(iter(cursor))
        tables[name] = {"rows": count, "sha256": checksum}
    return tables


def _migrations(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def describe_sqlite(path: Path) -> dict[str, Any]:
    """Tables, counts, checksums and applied migrations of a SQLite file, read-only."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = _sqlite_tables(connection)
        migrations = (
            _migrations(connection.execute("SELECT app, name FROM django_migrations").fetchall())
            if ("django_migrations" in tables)
            else {}
        )
    finally:
        connection.close()
    return {"tables": tables, "migrations": migrations}


def _describe_postgresql(connection: psycopg.Connection) -> dict[str, Any]:
    # Values are read in UTC so a timestamp's text does not depend on the server's time zone.
    connection.execute("SET LOCAL TIME ZONE 'UTC'")
    tables = _postgresql_tables(connection)
    migrations = (
        _migrations(connection.execute("SELECT app, name FROM django_migrations").fetchall())
        if "django_migrations" in tables
        else {}
    )
    return {"tables": tables, "migrations": migrations}


def describe_postgresql(database: Database) -> dict[str, Any]:
    with psycopg.connect(**database.conninfo()) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _describe_postgresql(connection)


def describe(database: Database) -> dict[str, Any]:
    if database.vendor == "sqlite":
        return describe_sqlite(Path(database.name))
    return describe_postgresql(database)


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between a manifest's tables and a database's, one line per table."""
    lines = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            lines.append(f"{name}: in the backup, missing from the database")
        elif name not in expected:
            lines.append(f"{name}: in the database, not in the backup")
        elif expected[name]["rows"] != found[name]["rows"]:
            lines.append(f"{name}: {expected[name]['rows']} rows in the backup, {found[name]['rows']} restored")
        elif expected[name]["sha256"] != found[name]["sha256"]:
            lines.append(f"{name}: same row count, different content (checksum differs)")
    return lines


# --- Backup ----------------------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _panah_version() -> str:
    try:
        return metadata.version("panah")
    except metadata.PackageNotFoundError:
        return "unknown"


def _dump_sqlite(database: Database, target: Path) -> dict[str, Any]:
    source = sqlite3.connect(database.name)
    copy = sqlite3.connect(target)
    try:
        # Online and consistent: SQLite's backup API copies the pages of one read transaction.
        source.backup(copy)
        # One self-contained file: no -wal or -shm beside it (the application turns WAL back on).
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    content = describe_sqlite(target)
    connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        known = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'evidence_evidencefile'").fetchone()
        content["files"] = [row[0] for row in connection.execute(FILES_QUERY)] if known else []
    finally:
        connection.close()
    return content


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}):\n{done.stderr.strip()}")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _dump_postgresql(database: Database, target: Path) -> dict[str, Any]:
    with psycopg.connect(**database.conninfo()) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # pg_dump reads the very snapshot the checksums are computed in, so the two agree to the row.
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(
            [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--file", str(target)],
            database.pg_env(),
        )
        content = _describe_postgresql(connection)
        known = connection.execute("SELECT to_regclass('evidence_evidencefile')").fetchone()[0]
        content["files"] = [row[0] for row in connection.execute(FILES_QUERY)] if known else []
        return content


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def create_backup(database: Database, output: Path, files: Storage | None = None) -> dict[str, Any]:
    """Write the archive at `output` and return its manifest. The database is only read, and `files`
    (the evidence storage; None: the archive holds no files) only read."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="panah-backup-") as scratch:
        data = Path(scratch) / DATA_MEMBER[database.vendor]
        started = dt.datetime.now(dt.UTC)
        content = (_dump_sqlite if database.vendor == "sqlite" else _dump_postgresql)(database, data)
        manifest = {
            "format": FORMAT,
            "panah_version": _panah_version(),
            "vendor": database.vendor,
            "created_at": started.isoformat(timespec="seconds"),
            "data": {"member": data.name, "bytes": data.stat().st_size, "sha256": _file_sha256(data)},
            "migrations": content["migrations"],
            "tables": content["tables"],
            "files": {},
            "files_missing": [],
        }
        stored: dict[str, bytes] = {}
        for name in content["files"] if files is not None else ():
            try:
                with files.open(name, "rb") as handle:
                    stored[name] = handle.read()
            except FileNotFoundError:
                manifest["files_missing"].append(name)
                continue
            manifest["files"][name] = _sha256(stored[name])
        partial = output.with_name(output.name + ".partial")
        # A SQLite file compresses well; pg_dump's custom format is compressed already.
        with tarfile.open(partial, "w:gz" if database.vendor == "sqlite" else "w") as archive:
            encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            info.mtime = int(started.timestamp())
            archive.addfile(info, io.BytesIO(encoded))
            archive.add(data, arcname=data.name)
            for name, blob in stored.items():
                info = tarfile.TarInfo(FILES + name)
                info.size = len(blob)
                info.mtime = int(started.timestamp())
                archive.addfile(info, io.BytesIO(blob))
        partial.replace(output)  # never leave a half-written file under the final name
    return manifest


# --- Restore ---------------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a readable Panah backup: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in DATA_MEMBER:
        raise BackupError(f"{archive_path}: unknown backup format {manifest.get('format')!r}.")
    return manifest


@contextlib.contextmanager
def unpacked(archive_path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """The manifest and the data file, extracted to a scratch directory after its digest is checked."""
    manifest = read_manifest(archive_path)
    with tempfile.TemporaryDirectory(prefix="panah-restore-") as scratch:
        data = Path(scratch) / manifest["data"]["member"]
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                member = archive.extractfile(manifest["data"]["member"])
                if member is None:
                    raise KeyError(manifest["data"]["member"])
                with data.open("wb") as handle:
                    shutil.copyfileobj(member, handle)
        except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as error:
            raise BackupError(f"{archive_path}: the database file cannot be read from the archive: {error}") from error
        if _file_sha256(data) != manifest["data"]["sha256"]:
            raise BackupError(
                f"{archive_path}: the database file's SHA-256 differs from the manifest's: "
                "the backup is corrupted or was altered. Nothing was restored."
            )
        _check_files(archive_path, manifest)
        yield manifest, data


def _stored_files(archive_path: Path, manifest: dict[str, Any]) -> Iterator[tuple[str, bytes]]:
    """Each evidence file of the archive (name, stored bytes), in the manifest's order."""
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for name in manifest.get("files", {}):
                member = archive.extractfile(FILES + name)
                if member is None:
                    raise KeyError(FILES + name)
                yield name, member.read()
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{archive_path}: an evidence file cannot be read from the archive: {error}") from error


def _check_files(archive_path: Path, manifest: dict[str, Any]) -> None:
    for name, blob in _stored_files(archive_path, manifest):
        if _sha256(blob) != manifest["files"][name]:
            raise BackupError(
                f"{archive_path}: the evidence file {FILES}{name} differs from the manifest's SHA-256: "
                "the backup is corrupted or was altered. Nothing was restored."
            )


def _restore_files(archive_path: Path, manifest: dict[str, Any], files: Storage) -> None:
    """Write the archive's evidence files into the storage under their own names (a file already there
    with the same bytes is left; other bytes under that name are replaced)."""
    for name, blob in _stored_files(archive_path, manifest):
        if files.exists(name):
            with files.open(name, "rb") as handle:
                if handle.read() == blob:
                    continue
            files.delete(name)
        if files.save(name, ContentFile(blob)) != name:
            raise BackupError(f"The evidence storage kept {name} under another name; the restore is incomplete.")


def is_empty(database: Database) -> bool:
    if database.vendor == "sqlite":
        path = Path(database.name)
        if not path.exists() or path.stat().st_size == 0:
            return True
        connection = sqlite3.connect(path)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
        finally:
            connection.close()
    with psycopg.connect(**database.conninfo()) as connection:
        found = connection.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        ).fetchone()
        return found[0] == 0


def _load_sqlite(data: Path, database: Database) -> None:
    Path(database.name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
    target = sqlite3.connect(database.name)
    try:
        # Replaces the whole target file's content, pages and all; the target is left in WAL mode as
        # the application opens it.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _clear_postgresql(database: Database) -> None:
    with psycopg.connect(**database.conninfo(), autocommit=True) as connection:
        relations = connection.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
        ).fetchall()
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
        for name, kind in relations:
            connection.execute(
                sql.SQL("DROP {} IF EXISTS {} CASCADE").format(sql.SQL(kinds[kind]), sql.Identifier(name))
            )


def _load_postgresql(data: Path, database: Database) -> None:
    _run(
        [
            _tool("pg_restore"),
            *("--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"),
            "--dbname",
            database.name,
            str(data),
        ],
        database.pg_env(),
    )


def restore_backup(
    archive_path: Path,
    database: Database,
    *,
    force: bool = False,
    analyze: bool = True,
    files: Storage | None = None,
) -> dict[str, Any]:
    """Restore the archive into `database`, then check every table against the manifest, then write
    its evidence files into `files` (the evidence storage; None: a scratch copy, files not written).

    Side effects: with `force`, everything in the target database (or file) is replaced. On
    PostgreSQL, unless `analyze` is false (a scratch copy only checked and dropped), the restored
    tables are vacuumed and analysed. Raises BackupError, naming each table that differs, when the
    restored database does not match; every file's digest is checked before anything is restored.
    """
    with unpacked(archive_path) as (manifest, data):
        if manifest["vendor"] != database.vendor:
            raise BackupError(
                f"This is a {manifest['vendor']} backup; the target database is {database.vendor}. "
                "Restore it into a database of the same kind."
            )
        if not is_empty(database):
            if not force:
                raise BackupError(
                    f"The target database {database.name} is not empty. Restoring would replace its content: "
                    "stop the application, take a backup of it, and run again with --force."
                )
            if database.vendor == "postgresql":
                _clear_postgresql(database)
        (_load_sqlite if database.vendor == "sqlite" else _load_postgresql)(data, database)
    if analyze and database.vendor == "postgresql":
        # pg_restore brings back the rows but not the planner's statistics (PostgreSQL 15 does not
        # dump them), nor the visibility map: until autovacuum came by, the first searches and
        # duplicate checks of a restored registry were planned as if its tables were empty.
        # (A SQLite backup is a copy of the pages, its statistics included.)
        with psycopg.connect(**database.conninfo(), autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
    verify_database(manifest, database)
    if files is not None:
        _restore_files(archive_path, manifest, files)
    return manifest


def verify_database(manifest: dict[str, Any], database: Database) -> None:
    found = describe(database)
    problems = differences(manifest["tables"], found["tables"])
    if problems:
        raise BackupError("The restored database does not match the backup's manifest:\n  " + "\n  ".join(problems))


@contextlib.contextmanager
def scratch_database(database: Database) -> Iterator[Database]:
    """An empty database of the same kind to restore into, removed afterwards.

    PostgreSQL: a database named after the original with a random suffix, created and dropped through
    the maintenance database `postgres`, so the role needs CREATEDB.
    """
    if database.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="panah-verify-") as scratch:
            yield database.with_name(str(Path(scratch) / "verify.sqlite3"))
        return
    name = f"{database.name}_verify_{uuid.uuid4().hex[:8]}"
    maintenance = database.with_name("postgres").conninfo()
    with psycopg.connect(**maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database.with_name(name)
    finally:
        with psycopg.connect(**maintenance, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def verify_backup(archive_path: Path, database: Database) -> dict[str, Any]:
    """Restore the archive into a scratch database next to `database` and compare with its manifest."""
    with scratch_database(database) as scratch:
        return restore_backup(archive_path, scratch, analyze=False)  # checked, then dropped
