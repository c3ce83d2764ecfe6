"""The dated legal rules shipped with Panah (data/*.json), loaded by a data migration.

Loading adds the versions that are missing and never edits one already in the database: an amendment
or a value an administrator confirmed stays as it is. A new version of a rule is a new entry with a
later `valid_from`.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, Any]]:
    rows = json.loads((DATA / name).read_text(encoding="utf-8"))
    for row in rows:
        row["valid_from"] = dt.date.fromisoformat(row["valid_from"])
        # The files write the English title and reference as `title` and `legal_reference`.
        row.setdefault("title_en", row["title"])
        row.setdefault("legal_reference_en", row["legal_reference"])
    return rows


def load_rules(deadline_model: Any, eligibility_model: Any) -> int:
    """Add the shipped rule versions not yet present. Returns how many were added."""
    added = 0
    for model, name in ((deadline_model, "deadline_rules.json"), (eligibility_model, "eligibility_rules.json")):
        # Only the fields the model has at this point of the migration history: later columns are filled
        # by the migration that adds them.
        fields = {f.name for f in model._meta.get_fields()}
        for row in _rows(name):
            values = {k: v for k, v in row.items() if k in fields}
            _obj, created = model.objects.get_or_create(code=row["code"], valid_from=row["valid_from"], defaults=values)
            added += created
    return added


NAMES = tuple(f"{field}_{language}" for field in ("title", "legal_reference") for language in ("kk", "ru", "en"))


def fill_names(model: Any, name: str) -> int:
    """Give the rule versions already in the database their titles and references in kk, ru and en from
    the file `name`, where a language is still empty: the names of a rule, not its substance, so this is
    no edit of a version. Returns how many versions changed."""
    fields = {f.name for f in model._meta.get_fields()}
    changed = 0
    for row in _rows(name):
        for rule in model.objects.filter(code=row["code"], valid_from=row["valid_from"]):
            updates = {k: row[k] for k in NAMES if k in fields and row.get(k) and not getattr(rule, k)}
            if updates:
                model.objects.filter(pk=rule.pk).update(**updates)
                changed += 1
    return changed
