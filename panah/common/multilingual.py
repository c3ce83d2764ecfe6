"""Names stored in each interface language (django-modeltranslation's name_kk, name_ru, name_en).

Before, such a name was one column in whatever language it was typed in. `fill_language_fields` moves
it, in the migration that adds the language columns, into the column of the language its letters say
(`language_of`), so a name typed in English is not shown to an English reader as missing and to a
Russian one as "Russian"; the other languages fall back to it until someone writes theirs.
"""

from __future__ import annotations

import re
from typing import Any

LANGUAGES = ("kk", "ru", "en")
KAZAKH_ONLY = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def language_of(text: str) -> str:
    """ "kk" for text with a letter only Kazakh has, "ru" for other Cyrillic text, else "en"."""
    if KAZAKH_ONLY.intersection(text):
        return "kk"
    return "ru" if CYRILLIC.search(text) else "en"


def fill_language_fields(model: Any, fields: tuple[str, ...]) -> int:
    """Copy each row's `field` into `field_<language of its text>` where that column is empty.
    `model` may be a migration's historical model. Returns how many rows changed."""
    changed = 0
    for row in model.objects.all():
        updates = {}
        for field in fields:
            value = getattr(row, field) or ""
            target = f"{field}_{language_of(value)}"
            if value and not getattr(row, target):
                updates[target] = value
        if updates:
            model.objects.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed
