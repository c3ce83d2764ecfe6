"""The restore drill: the demo registry is backed up, restored into an empty database, and comes back
with the same tables, row counts and checksums; a damaged backup and a non-empty target are refused.

Every step is a real `panah` command in a subprocess, on the engine the suite runs on (SQLite or
PostgreSQL), against scratch databases of the tests' own."""

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from panah.ops.backup import read_manifest
from tests.ops.conftest import Databases, execute, on_postgresql, run

DEMO_PERSONS = "300"


@pytest.fixture(scope="module")
def source(scratch_databases: Databases, panah_env: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo registry in a database of its own, and a verified backup of it."""
    url = scratch_databases.new("ops_source")
    env = panah_env(url)
    run(["migrate", "--no-input", "-v0"], env)
    run(["demo", "--persons", DEMO_PERSONS], env)
    archive = tmp_path_factory.mktemp("ops-backups") / "panah.tar"
    done = run(["backup", "--output", str(archive), "--verify"], env)
    return {"url": url, "archive": archive, "backup_output": done.stdout}


def _rewrite(archive: Path, target: Path, *, manifest: dict[str, Any] | None = None, data: bytes | None = None) -> None:
    """A copy of `archive` with its manifest or its database file replaced."""
    with tarfile.open(archive, "r:*") as original, tarfile.open(target, "w") as copy:
        for member in original.getmembers():
            content = original.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json" and manifest is not None:
                content = json.dumps(manifest).encode()
            elif member.name != "manifest.json" and data is not None:
                content = data
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))


def _data(archive: Path) -> bytes:
    manifest = read_manifest(archive)
    with tarfile.open(archive, "r:*") as opened:
        return opened.extractfile(manifest["data"]["member"]).read()  # type: ignore[union-attr]


def test_backup_manifest_describes_the_registry(source):
    manifest = read_manifest(source["archive"])

    assert manifest["vendor"] == ("postgresql" if on_postgresql() else "sqlite")
    assert manifest["panah_version"]
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["registry"]
    assert manifest["tables"]["registry_person"]["rows"] >= int(DEMO_PERSONS)
    assert all(len(table["sha256"]) == 64 for table in manifest["tables"].values())
    assert "Verified" in source["backup_output"]


def test_restore_drill_gives_identical_counts_and_checksums(source, scratch_databases, panah_env, tmp_path):
    target = scratch_databases.new("ops_restore")

    restored = run(["restore", str(source["archive"])], panah_env(target))
    # Read the restored database back independently: a fresh backup of it has the same manifest.
    again = tmp_path / "again.tar"
    run(["backup", "--output", str(again)], panah_env(target))

    assert "every count and checksum matches" in restored.stdout
    original, copy = read_manifest(source["archive"]), read_manifest(again)
    assert copy["tables"] == original["tables"]
    assert copy["migrations"] == original["migrations"]


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(source, scratch_databases, panah_env):
    target = scratch_databases.new("ops_nonempty")
    run(["migrate", "--no-input", "-v0"], panah_env(target))

    refused = run(["restore", str(source["archive"])], panah_env(target), check=False)
    forced = run(["restore", "--force", str(source["archive"])], panah_env(target))

    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert "every count and checksum matches" in forced.stdout


def test_a_corrupted_backup_file_is_refused_before_anything_is_restored(source, scratch_databases, panah_env, tmp_path):
    data = bytearray(_data(source["archive"]))
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the database file
    damaged = tmp_path / "damaged.tar"
    _rewrite(source["archive"], damaged, data=bytes(data))
    target = scratch_databases.new("ops_damaged")

    refused = run(["restore", str(damaged)], panah_env(target), check=False)
    verified = run(["backup", "--output", str(tmp_path / "fresh.tar"), "--verify"], panah_env(target), check=False)

    assert refused.returncode != 0
    assert "SHA-256 differs from the manifest" in refused.stderr
    assert "Nothing was restored" in refused.stderr
    assert "Backed up 0 tables" in verified.stdout  # the target is still empty


def test_a_manifest_that_does_not_match_the_data_fails_restore_naming_the_table(
    source, scratch_databases, panah_env, tmp_path
):
    manifest = read_manifest(source["archive"])
    persons = manifest["tables"]["registry_person"]["rows"]
    manifest["tables"]["registry_person"]["rows"] = persons + 1
    tampered = tmp_path / "tampered.tar"
    _rewrite(source["archive"], tampered, manifest=manifest)
    target = scratch_databases.new("ops_tampered")

    failed = run(["restore", str(tampered)], panah_env(target), check=False)

    assert failed.returncode != 0
    assert "does not match the backup's manifest" in failed.stderr
    assert f"registry_person: {persons + 1} rows in the backup, {persons} restored" in failed.stderr


def test_data_altered_inside_the_backup_is_caught_by_the_table_checksums(
    source, scratch_databases, panah_env, tmp_path
):
    # Forge a backup whose database file was altered and whose file digest was brought up to date:
    # only the per-table checksums can tell. The altered file is a backup of a copy with one changed row.
    copy = scratch_databases.new("ops_altered")
    run(["restore", str(source["archive"])], panah_env(copy))
    execute(
        copy,
        "UPDATE registry_person SET sex = CASE WHEN sex = 'F' THEN 'M' ELSE 'F' END WHERE id = (SELECT min(id) FROM registry_person)",
    )
    altered = tmp_path / "altered.tar"
    run(["backup", "--output", str(altered)], panah_env(copy))
    manifest = read_manifest(source["archive"])
    manifest["data"] = read_manifest(altered)["data"]
    forged = tmp_path / "forged.tar"
    _rewrite(altered, forged, manifest=manifest)
    target = scratch_databases.new("ops_forged")

    failed = run(["restore", str(forged)], panah_env(target), check=False)

    assert failed.returncode != 0
    assert "registry_person: same row count, different content (checksum differs)" in failed.stderr
    assert "registry_personname" not in failed.stderr  # only the altered table is named


def _statistics_rows(database_url: str, table: str) -> int:
    """Rows of planner statistics about `table` in the database at `database_url`."""
    if database_url.startswith("sqlite"):
        import sqlite3
        from urllib.parse import urlsplit

        connection = sqlite3.connect(urlsplit(database_url).path)
        try:
            return connection.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = ?", [table]).fetchone()[0]
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table]).fetchone()[0]


def test_a_restored_registry_is_planned_with_statistics_of_its_rows(source, scratch_databases, panah_env):
    target = scratch_databases.new("ops_restore_statistics")

    run(["restore", str(source["archive"])], panah_env(target))

    # pg_restore leaves none behind (restore_backup analyses); a SQLite copy keeps those the demo made.
    assert _statistics_rows(target, "registry_nametoken") > 0
    assert _statistics_rows(target, "registry_person") > 0


def test_evidence_files_are_in_the_backup_as_stored_and_come_back_on_restore(
    source, scratch_databases, panah_env, tmp_path
):
    """The demo attaches the documents its refusals require: the backup holds each file the database
    names, encrypted as stored, and a restore into another database and files directory brings them back
    byte for byte, and readable."""
    manifest = read_manifest(source["archive"])
    with tarfile.open(source["archive"], "r:*") as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.name.startswith("files/")}  # type: ignore[union-attr]
    assert manifest["files"] and manifest["files_missing"] == []
    assert sorted(members) == sorted(f"files/{name}" for name in manifest["files"])
    assert not any(blob.startswith((b"%PDF", b"\xff\xd8", b"\x89PNG")) for blob in members.values())
    assert "evidence files" in source["backup_output"]

    target, files_dir = scratch_databases.new("ops_files"), tmp_path / "evidence"
    restored = run(["restore", str(source["archive"])], panah_env(target, PANAH_FILES_DIR=str(files_dir)))

    assert f"{len(manifest['files'])} evidence files" in restored.stdout
    assert {path.name: path.read_bytes() for path in files_dir.iterdir()} == {
        name.removeprefix("files/"): blob for name, blob in members.items()
    }
    read_back = run(
        ["shell", "-c", "from panah.accounts.scope import unscoped\n"
         "from panah.evidence.models import EvidenceFile\nfrom panah.evidence.services import read_blob\n"
         "with unscoped('test'):\n    print(read_blob(EvidenceFile.objects.first())[:5])"],
        panah_env(target, PANAH_FILES_DIR=str(files_dir)),
    )  # fmt: skip
    assert "%PDF-" in read_back.stdout


def test_an_altered_evidence_file_in_the_backup_is_refused_before_anything_is_restored(
    source, scratch_databases, panah_env, tmp_path
):
    altered = tmp_path / "altered.tar"
    with tarfile.open(source["archive"], "r:*") as original, tarfile.open(altered, "w") as copy:
        first = True
        for member in original.getmembers():
            content = original.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("files/") and first:
                content, first = content[:-1] + bytes([content[-1] ^ 1]), False
            copy.addfile(member, io.BytesIO(content))
    target = scratch_databases.new("ops_files_altered")

    refused = run(["restore", str(altered)], panah_env(target), check=False)

    assert refused.returncode != 0
    assert "evidence file files/" in refused.stderr and "Nothing was restored" in refused.stderr
