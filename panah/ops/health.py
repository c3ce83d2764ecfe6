"""Readiness: may this process take traffic? The database answers and every migration is applied."""

from functools import cache
from typing import Any

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def _migrations_on_disk() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration the code holds (read once per process: files do not change under a running server),
    each with the migrations it replaces if it is a squash."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(migration.replaces) for key, migration in loader.disk_migrations.items()}


def readiness() -> dict[str, Any]:
    """{"ready": bool, "checks": {...}}: names of checks and what failed, never personal data or secrets."""
    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as error:
        # The error's class only: its message may name the host, the role or the database.
        checks["database"] = f"unavailable ({type(error).__name__})"
        checks["migrations"] = "unknown"
        return {"ready": False, "checks": checks}
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError as error:
        checks["migrations"] = f"cannot be read ({type(error).__name__})"
        return {"ready": False, "checks": checks}
    on_disk = _migrations_on_disk()
    # A squashed migration counts as applied when everything it replaces is.
    replaced = {key for replaces in on_disk.values() for key in replaces}
    pending = sorted(
        f"{app}.{name}"
        for (app, name), replaces in on_disk.items()
        if (app, name) not in applied
        and (app, name) not in replaced
        and not (replaces and all(key in applied for key in replaces))
    )
    if pending:
        checks["migrations"] = {"pending": pending}
        return {"ready": False, "checks": checks}
    checks["migrations"] = "ok"
    return {"ready": True, "checks": checks}
