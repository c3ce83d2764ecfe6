"""The retention rules shipped with Panah (data/retention_rules.json), loaded by a data migration.

As with panah/cases/ruledata.py: loading adds the versions that are missing and never edits one
already in the database, so a period an administrator confirmed stays as it is.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def rows() -> list[dict[str, Any]]:
    result = json.loads((DATA / "retention_rules.json").read_text(encoding="utf-8"))
    for row in result:
        row["valid_from"] = dt.date.fromisoformat(row["valid_from"])
    return result


def load_rules(model: Any) -> int:
    """Add the shipped rule versions not yet present. Returns how many were added."""
    fields = {f.name for f in model._meta.get_fields()}
    added = 0
    for row in rows():
        values = {k: v for k, v in row.items() if k in fields}
        _obj, created = model.objects.get_or_create(code=row["code"], valid_from=row["valid_from"], defaults=values)
        added += created
    return added
