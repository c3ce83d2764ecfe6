"""Search keys for names written in Cyrillic (Russian, Kazakh, Tajik/Uzbek), Latin or Arabic script.

Two keys per word, both plain ASCII so every database indexes them the same way:
- the *key*: the word transliterated to Latin with PyICU, with the Kazakh letters and the
  Russian letters that English spells with two (х kh, ш sh, ж zh ...) written as passports do;
- the *skeleton*: the key with the usual spelling variants folded (kh/h, sh/s, q/k, w/v ...),
  vowels dropped and doubled letters collapsed. Arabic script writes no short vowels, so the
  skeleton is what "Мухаммад", "Mohammad" and "محمد" share ("mhmd").
Fuzzy matching of whole names belongs to duplicate detection; these keys only make search
find a name whatever script it was recorded in.
"""

import re
import threading
import unicodedata

import icu
from rapidfuzz.distance import JaroWinkler

_RULES = r"""
:: NFKC ;
:: Lower ;
ә > a ; ғ > g ; қ > k ; ң > n ; ө > o ; ұ > u ; ү > u ; һ > h ; і > i ;
ҳ > h ; ҷ > j ; ӣ > i ; ӯ > u ; ў > u ;
дж > j ; й > y ; х > kh ; щ > shch ; ш > sh ; ч > ch ; ж > zh ; ц > ts ;
ю > yu ; я > ya ; ё > yo ; ы > y ; э > e ; ъ > ; ь > ;
:: Any-Latin ;
:: Latin-ASCII ;
:: Lower ;
[^a-z0-9\ ] > \  ;
"""

# Applied in order to a key to fold spellings of the same sound together (vowels are dropped after).
_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "s"),
    ("dzh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("ts", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
)
_VOWELS = re.compile(r"[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")

_local = threading.local()


def _transliterator() -> icu.Transliterator:
    # ICU transliterators keep state while they work: one per thread.
    if not hasattr(_local, "latin"):
        _local.latin = icu.Transliterator.createFromRules("panah-latin", _RULES, icu.UTransDirection.FORWARD)
    return _local.latin


def latin_key(text: str) -> str:
    """The whole text as lower-case ASCII words separated by single spaces."""
    return " ".join(_transliterator().transliterate(text).split())


def fold(word_key: str) -> str:
    """A key word with spelling variants folded but vowels kept: used to rank candidates."""
    for old, new in _FOLDS:
        word_key = word_key.replace(old, new)
    return _REPEATS.sub(r"\1", word_key)


def skeleton(word_key: str) -> str:
    """Consonant skeleton of one key word; falls back to the folded word when nothing is left."""
    folded = fold(word_key)
    consonants = _REPEATS.sub(r"\1", _VOWELS.sub("", folded))
    return consonants or folded


def word_keys(text: str) -> list[tuple[str, str]]:
    """(key, skeleton) for every word of `text`, in order, without repeats."""
    seen: set[str] = set()
    result = []
    for word in latin_key(text).split():
        if word not in seen:
            seen.add(word)
            result.append((word, skeleton(word)))
    return result


def similarity(query_word: str, name_word: str) -> float:
    """0..1 closeness of two key words once spelling variants are folded."""
    return JaroWinkler.normalized_similarity(fold(query_word), fold(name_word))


SCRIPTS = {"Cyrl": "cyrl", "Latn": "latn", "Arab": "arab"}


def detect_script(text: str) -> str:
    """The script most letters of `text` are written in: cyrl, latn, arab, or other."""
    counts: dict[str, int] = {}
    for char in text:
        if unicodedata.category(char).startswith("L"):
            script = icu.Script.getScript(ord(char)).getShortName()
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "other"
    return SCRIPTS.get(max(counts, key=counts.__getitem__), "other")
