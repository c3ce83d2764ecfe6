"""Full-text search of the knowledge base in Russian, Kazakh and English word forms, on both databases.

One behaviour on both databases: the text is stemmed in Python and the database only matches stems.
Each translation's `search_text` holds the stems of its title, "what changed", text and references,
each word cut by the stemmer of the translation's language (`document_text`):

- Russian and English: the Snowball stemmers, through PyStemmer.
- Kazakh: Snowball has no Kazakh stemmer (and PostgreSQL no Kazakh dictionary), and the Turkish one
  works on Latin Turkish letters, so `kazakh_stem` cuts the inflections a search must see through:
  one case ending, one third-person possessive, one plural ending, in that order from the end of the
  word, then writes a final ғ/г as қ/к ("азаматтығы" and "азаматтық" meet). Derivational suffixes
  (-лық, -шы) are kept: they make another word.
- A word in Latin letters inside a Russian or Kazakh text (a reference, a name) is cut as English.

A query word is stemmed by every language its letters can be in (Cyrillic: Russian and Kazakh; with a
Kazakh-only letter: Kazakh; Latin: English), so a user need not say which language they search in; a
word matches a document when one of its stems is one of the document's. Words like "о", "на", "туралы",
"of" say nothing about the text and are left out of queries (`STOP_WORDS`), unless the query has only them.

Why not PostgreSQL's 'russian' configuration: it has the same Snowball stemmer, but no Kazakh one, and
SQLite's FTS5 none at all; stemming in Python gives SQLite and PostgreSQL the same answers, and the
Snowball Russian stemmer leaves the fleeting vowel of "беженец" (беженц-а, беженц-ы), which `variants`
adds for queries. The database side is plain: PostgreSQL matches the stems with the "simple"
configuration through a GIN expression index (migration 0002), SQLite through the FTS5 table
`knowledge_search` whose rowid is the translation's id (`index()` keeps it in step). Migration 0004
re-stems the translations written before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import Stemmer
from django.db import connection

WORD = re.compile(r"[^\W_]+")
LATIN = re.compile(r"[a-z]")
# Letters of the Kazakh alphabet that Russian does not have: a word with one is Kazakh.
KAZAKH_ONLY = frozenset("әғқңөұүһі")
MAX_WORDS = 8
LIMIT = 200

# Words that say nothing about what a text is about, left out of a query. Russian prepositions,
# conjunctions and particles; Kazakh postpositions and conjunctions; English function words.
STOP_WORDS = frozenset(
    (
        *("а", "в", "во", "и", "к", "ко", "о", "об", "обо", "от", "с", "со", "у", "или", "на", "по", "из", "за"),
        *("для", "при", "до", "под", "над", "без", "про", "через", "не", "ни", "же", "ли", "бы", "что", "как"),
        *("және", "мен", "бен", "пен", "туралы", "үшін", "бойынша", "немесе", "да", "де"),
        *("a", "an", "the", "of", "on", "in", "at", "to", "for", "and", "or", "by", "with", "from", "is", "are"),
    )
)

# Kazakh inflections, longest first within each slot (see the module's docstring).
KAZAKH_CASE = (
    "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
    "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
    "нда", "нде",  # locative after a possessive
    "мен", "бен", "пен",  # instrumental
    "ға", "ге", "қа", "ке", "на", "не",  # dative
    "ды", "ді", "ты", "ті", "ны", "ні",  # accusative
    "да", "де", "та", "те",  # locative
)  # fmt: skip
KAZAKH_POSSESSIVE = ("сы", "сі", "ы", "і")
KAZAKH_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
KAZAKH_MIN_STEM = 3
DEVOICED = str.maketrans({"ғ": "қ", "г": "к"})

# Russian nouns whose last vowel drops in every other form: беженец → беженца, беженцы, беженцах;
# ребенок → ребенка. The Snowball stemmer keeps the vowel in the first form only, so a query word
# ending so is also looked for without it.
FLEETING = re.compile(r"^(.{3,}[^аеиоуыэюяё])(е|о)([кнцлр])$")


def normalise(text: str) -> str:
    """Words of `text`, case-folded, ё as е, joined by single spaces."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    return " ".join(WORD.findall(folded))


@cache
def _snowball(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def _strip(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= KAZAKH_MIN_STEM:
            return word[: -len(ending)]
    return word


def kazakh_stem(word: str) -> str:
    """`word` without one case ending, one possessive and one plural ending, a final ғ/г as қ/к."""
    for endings in (KAZAKH_CASE, KAZAKH_POSSESSIVE, KAZAKH_PLURAL):
        word = _strip(word, endings)
    return word[:-1] + word[-1].translate(DEVOICED) if word else word


def stem(word: str, language: str) -> str:
    """The stem of a normalised `word` of a text in `language` ("kk", "ru" or "en")."""
    if LATIN.search(word) or language == "en":
        return _snowball("english").stemWord(word)
    if language == "kk":
        return kazakh_stem(word)
    return _snowball("russian").stemWord(word)


def document_text(language: str, *parts: str) -> str:
    """What the index holds for a translation in `language`: the stems of the words of `parts`."""
    return " ".join(stem(word, language) for word in normalise(" ".join(p for p in parts if p)).split())


def query_languages(word: str) -> tuple[str, ...]:
    """The languages a query word can be in, by its letters."""
    if LATIN.search(word):
        return ("en",)
    if KAZAKH_ONLY.intersection(word):
        return ("kk",)
    return ("ru", "kk")


def variants(word: str) -> tuple[str, ...]:
    """The stems a query word is looked for as: one per language it can be in, and without a fleeting vowel."""
    stems = [stem(word, language) for language in query_languages(word)]
    fleeting = FLEETING.match(word)
    if fleeting:
        stems.append(stem(fleeting.group(1) + fleeting.group(3), "ru"))
    return tuple(dict.fromkeys(stems))


def query_terms(query: str) -> list[tuple[str, ...]]:
    """Each word of `query` (at most MAX_WORDS, without stop words) as the stems it is looked for as."""
    words = normalise(query).split()
    words = [word for word in words if word not in STOP_WORDS] or words
    return list(dict.fromkeys(variants(word) for word in words))[:MAX_WORDS]


def title_match(terms: list[tuple[str, ...]], language: str, title: str) -> tuple[int, float]:
    """How well a title in `language` names what the query asks: how many query words it holds, and
    what share of its words they are. An article called "Закон о беженцах" is what "о беженцах" looks
    for, before a convention that speaks of refugees in a longer title or only in its text."""
    stems = [s for s in document_text(language, title).split() if s not in STOP_WORDS]
    held = sum(1 for forms in terms if any(form in stems for form in forms))
    return held, held / len(stems) if stems else 0.0


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


def reindex(translations: Iterable[Any]) -> int:
    """Stem again the `search_text` of `translations` (ArticleTranslation rows with their version, also
    a migration's historical ones) and put them into the index, after a change of stemmer. Returns how many."""
    count = 0
    for translation in translations:
        text = document_text(
            translation.language,
            translation.title,
            translation.what_changed,
            translation.body,
            translation.version.legal_references,
        )
        type(translation).objects.filter(pk=translation.pk).update(search_text=text)
        index(translation.pk, text)
        count += 1
    return count


def find(query: str, *, limit: int = LIMIT) -> list[Hit]:
    """Translations whose text holds every word of `query` (one of its stems), best first."""
    terms = query_terms(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _find_postgresql(terms, limit)
    if connection.vendor == "sqlite":
        return _find_sqlite(terms, limit)
    raise NotImplementedError(f"Knowledge search does not support {connection.vendor}")


def _find_sqlite(terms: list[tuple[str, ...]], limit: int) -> list[Hit]:
    # Each stem is quoted (letters and digits only, so no FTS5 syntax can get in).
    match = " AND ".join("(" + " OR ".join(f'"{form}"' for form in forms) + ")" for forms in terms)
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
    raw = " & ".join("(" + " | ".join(forms) + ")" for forms in terms)
    tsquery = SearchQuery(raw, search_type="raw", config="simple")
    rows = (
        ArticleTranslation.objects.annotate(document=vector)
        .filter(document=tsquery)
        .annotate(rank=SearchRank(vector, tsquery))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")[:limit]
    )
    return [Hit(pk, float(rank)) for pk, rank in rows]
