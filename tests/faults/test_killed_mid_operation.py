"""The server killed in the middle of an import, a merge and a release publication: afterwards the
database holds the state before or after each operation, never one in between, and the same work
run again completes.

Each fault runs in processes of its own (`python -m panah.cli ...`, killed with SIGKILL, as a crashed
server or an out-of-memory kill would end them) on a scratch database of its own, on the engine the
suite runs on, so a kill never reaches the suite's own connection. The state is read with plain SQL
from outside."""

import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.scratch import Scratch
from tests.imports.files import RU_HEADER, csv_bytes

KILL_ATTEMPTS = 4
FAMILY = ["Ахмади", "Рахими", "Карими", "Хусейни", "Насири", "Юсуфи", "Садати", "Хашими"]
GIVEN = ["Али", "Мариам", "Хамид", "Зарина", "Карим", "Фатима", "Омид", "Лейла", "Джавад", "Сара"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    database = Scratch(tmp_path_factory.mktemp("faults"))
    database.run("migrate", "--no-input", "-v0")
    database.run("demo", "--persons", "200")
    yield database
    database.drop()


def _kill_when(scratch: Scratch, process: subprocess.Popen[str], ready: Any, delay: float) -> bool:
    """SIGKILL `process` `delay` seconds after `ready()` first holds; False if it ended first."""
    deadline = time.monotonic() + 120
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    time.sleep(delay)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    scratch.settle()
    return True


def _person_file(path: Path, prefix: str, count: int) -> Path:
    rows = [
        [f"{prefix}-{i}", FAMILY[i % 8], GIVEN[i % 10], "", "MF"[i % 2], f"{1 + i % 28:02d}.{1 + i % 12:02d}.{1950 + i % 60}",
         "Афганистан", "г. Алматы", f"{prefix}{7000000 + i}", "беженец", "01.02.2020"]
        for i in range(count)
    ]  # fmt: skip
    path.write_bytes(csv_bytes(RU_HEADER, rows, delimiter=";"))
    return path


def test_an_import_killed_midway_leaves_no_person_of_the_file_and_completes_when_run_again(scratch, tmp_path):
    rows = 5000
    killed_midway: list[Path] = []
    # Each attempt a file of its own, killed ever later after its run appears: early in the check,
    # later in the writing; an attempt that finished first proves atomicity of nothing, but harms none.
    for attempt, delay in enumerate((0.05, 0.3, 0.8, 1.5, 2.5)):
        path = _person_file(tmp_path / f"persons-{attempt}.csv", f"K{attempt}", rows)
        before = scratch.scalar("SELECT count(*) FROM registry_person")
        runs = scratch.scalar("SELECT count(*) FROM imports_importrun")
        process = scratch.start("import", str(path), "--org", "mlsp")
        started = lambda runs=runs: scratch.scalar("SELECT count(*) FROM imports_importrun") > runs  # noqa: E731
        killed = _kill_when(scratch, process, started, delay)
        persons = scratch.scalar("SELECT count(*) FROM registry_person")
        assert persons in (before, before + rows), f"half an import: {persons - before} of {rows}"
        for table in ("registry_personname", "registry_document", "status_statusevent", "imports_importedrow"):
            orphans = scratch.scalar(
                f"SELECT count(*) FROM {table} t LEFT JOIN registry_person p ON p.id = t.person_id WHERE p.id IS NULL"  # noqa: S608 (fixed names)
            )
            assert orphans == 0, table
        if killed and persons == before:
            killed_midway.append(path)
    assert killed_midway, "no import was killed midway: the test proved nothing"
    # The killed file, sent again, is imported whole, and once.
    before = scratch.scalar("SELECT count(*) FROM registry_person")
    scratch.run("import", str(killed_midway[-1]), "--org", "mlsp")
    scratch.run("import", str(killed_midway[-1]), "--org", "mlsp")
    assert scratch.scalar("SELECT count(*) FROM registry_person") == before + rows


MERGES = """
import datetime as dt, sys
from panah.accounts.models import Organisation, User
from panah.accounts.scope import unscoped
from panah.registry.services import register_person
from panah.matching.services import merge
from panah.geo.models import Region
admin = User.objects.get(username="admin")
almaty = Region.objects.get(code="KZ-75")
org = Organisation.objects.get(code="mlsp")
with unscoped("fault test"):
    for i in range({count}):
        pair = [
            register_person(
                by=admin, organisation=org,
                person={{"sex": "M", "birth_date": dt.date(1980, 1, 1) + dt.timedelta(days=i)}},
                names=[{{"given_name": "Twin{{}}".format(i), "family_name": "Merge", "script": "latn"}}],
                address={{"region": almaty, "valid_from": dt.date(2020, 1, 1), "locality": "Almaty", "line": "Abai {{}}".format(i)}},
                documents=[{{"type": "passport", "number": "M{{:07d}}{{}}".format(i, side)}} for side in "ab"[:1]],
            )
            for _ in range(2)
        ]
        merge(by=admin, survivor=pair[0], merged=pair[1], reason="fault test")
        print(i, flush=True)
"""


def test_merges_killed_midway_are_each_whole_or_absent(scratch):
    process = scratch.start("shell", "-c", MERGES.format(count=400))
    first = lambda: scratch.scalar("SELECT count(*) FROM matching_merge") >= 5  # noqa: E731
    assert _kill_when(scratch, process, first, random.Random(3).uniform(0.3, 1.5)), (
        process.stderr.read() if process.stderr else ""
    )
    merges = scratch.query("SELECT survivor_id, merged_id FROM matching_merge")
    merged = scratch.query("SELECT id, merged_into_id FROM registry_person WHERE merged_into_id IS NOT NULL")
    assert sorted(merges) == sorted((into, pk) for pk, into in merged), "a merge without its record, or the reverse"
    for survivor, gone in merges:
        left = scratch.scalar("SELECT count(*) FROM registry_personname WHERE person_id = %s", gone)
        kept = scratch.scalar("SELECT count(*) FROM registry_personname WHERE person_id = %s", survivor)
        assert (left, kept) == (0, 2), "names half moved"
        audits = scratch.scalar(
            "SELECT count(*) FROM audit_auditentry WHERE action = 'merge' AND person_id = %s", survivor
        )
        assert audits >= 1
    # Persons registered for a merge that never happened keep their own names.
    lonely = scratch.scalar(
        "SELECT count(*) FROM registry_person p WHERE merged_into_id IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM registry_personname n WHERE n.person_id = p.id)"
    )
    assert lonely == 0


RELEASES = """
import datetime as dt
from django.utils import timezone
from panah.accounts.models import User
from panah.stats.disclosure import PUBLIC
from panah.stats.services import publish_release
from panah.stats.tables import Parameters
admin = User.objects.get(username="admin")
for i in range({count}):
    publish_release(by=admin, title="Fault test {{}}".format(i), parameters=Parameters(
        as_of=dt.date(2017, 1, 1), known_on=timezone.now(), period_start=dt.date(2016, 1, 1),
        period_end=dt.date(2016, 12, 31), policy=PUBLIC))
    print(i, flush=True)
"""


def test_release_publications_killed_midway_are_each_whole_or_absent(scratch):
    process = scratch.start("shell", "-c", RELEASES.format(count=300))
    first = lambda: scratch.scalar("SELECT count(*) FROM stats_release") >= 3  # noqa: E731
    assert _kill_when(scratch, process, first, random.Random(5).uniform(0.3, 1.5))
    releases = scratch.query("SELECT id, content_hash FROM stats_release")
    assert releases
    for pk, digest in releases:
        assert len(digest) == 64
        audited = scratch.scalar(
            "SELECT count(*) FROM audit_auditentry WHERE object_type = 'stats.Release' AND object_id = %s", str(pk)
        )
        assert audited == 1, f"release {pk} published without its audit entry"
    # The application recovers by itself: the next publication works, and the releases reproduce.
    scratch.run("shell", "-c", RELEASES.format(count=1))
    check = scratch.run(
        "shell", "-c",
        "from panah.stats.models import Release\nfrom panah.stats.services import rerun\n"
        "print(all(rerun(r)[1] == r.content_hash for r in Release.objects.all()))",
    )  # fmt: skip
    assert check.stdout.strip().endswith("True")
