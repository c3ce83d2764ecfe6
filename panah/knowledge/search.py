"""Full-text search of the knowledge base on the database in use, picked by `connection.vendor`.

- PostgreSQL: django.contrib.postgres full-text search over `ArticleTranslation.search_text` with the
  "simple" configuration (no stemming dictionary exists for Kazakh), served by a GIN expression index
  (migration 0002).
- SQLite: an FTS5 virtual table `knowledge_search` (migration 0002) whose rowid is the translation's
  id; `index()` keeps it in step from the publishing service.

Both read the same words: text is normalised and split in Python (`normalise`), so Cyrillic, Kazakh
letters and Latin behave alike on both. A query word is cut to a stem (common Russian, Kazakh and
English endings) and matched as a prefix, so "беженцев" finds "беженцы" and "refugees" finds "refugee"; a
word with a fleeting vowel is also looked for without it ("беженец" finds "беженцах").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection

WORD = re.compile(r"[^\W_]+")
MIN_STEM = 4
# Longest first. Kazakh plural and case endings, Russian case endings, a few English ones.
ENDINGS = tuple(
    sorted(
        {
            # Kazakh
            "лардың",
            "лердің",
            "дардың",
            "дердің",
            "тардың",
            "тердің",
            "ларға",
            "лерге",
            "ларды",
            "лерді",
            "лар",
            "лер",
            "дар",
            "дер",
            "тар",
            "тер",
            "ның",
            "нің",
            "дың",
            "дің",
            "тың",
            "тің",
            "ға",
            "ге",
            "қа",
            "ке",
            "ны",
            "ні",
            "ды",
            "ді",
            "ты",
            "ті",
            "да",
            "де",
            "та",
            "те",
            # Russian
            "ами",
            "ями",
            "ого",
            "его",
            "ому",
            "ему",
            "ыми",
            "ими",
            "иях",
            "иям",
            "ией",
            "ах",
            "ях",
            "ов",
            "ев",
            "ей",
            "ий",
            "ый",
            "ой",
            "ая",
            "яя",
            "ое",
            "ее",
            "ие",
            "ые",
            "ом",
            "ем",
            "ам",
            "ям",
            "ию",
            "ия",
            "ии",
            "ью",
            "а",
            "я",
            "ы",
            "и",
            "о",
            "е",
            "у",
            "ю",
            "ь",
            # English
            "ies",
            "ing",
            "ed",
            "es",
            "s",
        },
        key=len,
        reverse=True,
    )
)
MAX_WORDS = 8
LIMIT = 200


def normalise(text: str) -> str:
    """Words of `text`, case-folded, ё as е, joined by single spaces."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    return " ".join(WORD.findall(folded))


def stem(word: str) -> str:
    """`word` without one common ending, keeping at least MIN_STEM letters."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


# Russian nouns whose last vowel drops in every other form: беженец → беженца, беженцы, беженцах;
# отец → отца; замок → замка. A word ending so is also looked for without that vowel.
FLEETING = re.compile(r"^(.{3,}[^аеиоуыэюяё])(е|о)([кнцлр])$")


def variants(word: str) -> tuple[str, ...]:
    """The forms a query word is looked for in: its stem, and without a fleeting vowel if it has one."""
    stemmed = stem(word)
    fleeting = FLEETING.match(word)
    if fleeting and stemmed == word:
        return (word, fleeting.group(1) + fleeting.group(3))
    return (stemmed,)


def query_terms(query: str) -> list[tuple[str, ...]]:
    """Each word of `query` (at most MAX_WORDS) as the forms it is looked for in; every word must match."""
    return list(dict.fromkeys(variants(word) for word in normalise(query).split()))[:MAX_WORDS]


def document_text(*parts: str) -> str:
    return normalise(" ".join(part for part in parts if part))


@dataclass(frozen=True)
class Hit:
    translation_id: int
    rank: float  # higher is better


def index(translation_id: int, text: str) -> None:
    """Put one translation's `search_text` into the SQLite FTS5 table (PostgreSQL indexes the column itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM knowledge_search WHERE rowid = %s", [translation_id])
        cursor.execute("INSERT INTO knowledge_search (rowid, text) VALUES (%s, %s)", [translation_id, text])


def find(query: str, *, limit: int = LIMIT) -> list[Hit]:
    """Translations whose text holds every word of `query` (as a prefix of its stem), best first."""
    terms = query_terms(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _find_postgresql(terms, limit)
    if connection.vendor == "sqlite":
        return _find_sqlite(terms, limit)
    raise NotImplementedError(f"Knowledge search does not support {connection.vendor}")


def _find_sqlite(terms: list[tuple[str, ...]], limit: int) -> list[Hit]:
    # Each form is quoted (letters and digits only, so no FTS5 syntax can get in) and made a prefix.
    match = " AND ".join("(" + " OR ".join(f'"{form}"*' for form in forms) + ")" for forms in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(knowledge_search) FROM knowledge_search WHERE knowledge_search MATCH %s "
            "ORDER BY bm25(knowledge_search), rowid LIMIT %s",
            [match, limit],
        )
        # bm25 is lower for better matches.
        return [Hit(int(rowid), -float(score)) for rowid, score in cursor.fetchall()]


def _find_postgresql(terms: list[tuple[str, ...]], limit: int) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    from panah.knowledge.models import ArticleTranslation

    vector = SearchVector("search_text", config="simple")
    # Letters and digits only, so the raw tsquery holds no operator but the ones written here.
    raw = " & ".join("(" + " | ".join(f"{form}:*" for form in forms) + ")" for forms in terms)
    tsquery = SearchQuery(raw, search_type="raw", config="simple")
    rows = (
        ArticleTranslation.objects.annotate(document=vector)
        .filter(document=tsquery)
        .annotate(rank=SearchRank(vector, tsquery))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")[:limit]
    )
    return [Hit(pk, float(rank)) for pk, rank in rows]
