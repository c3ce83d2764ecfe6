"""Search keys for names written in Cyrillic (Russian, Kazakh, Tajik/Uzbek), Latin or Arabic script.

Two keys per word, both plain ASCII so every database indexes them the same way:
- the *key*: the word transliterated to Latin with PyICU, with the Kazakh letters and the
  Russian letters that English spells with two (х kh, ш sh, ж zh ...) written as passports do;
- the *skeleton*: the key with the usual spelling variants folded (kh/h, sh/s, q/k, w/v, zh/ž/j,
  Uzbek x/kh ...), vowels dropped (a leading vowel written "a") and doubled letters collapsed.
  Arabic script writes no short vowels, so the skeleton is what "Мухаммад", "Mohammad" and "محمد"
  share ("mhmd"), and what keeps Ahmad ("ahmd") apart from Hamid ("hmd").

Arabic-script words (Dari, Pashto, Arabic) are transliterated letter by letter from the table
ARABIC_LETTERS, as Afghan and Kazakh offices romanise them (ذ is z in Dari, ع is not written but a
vowel follows it, و and ی inside a word are the long vowels u and i, but و is w after an alef and
before a long vowel: جواد Jawad, میرویس Mirwais; a leading article ال is written apart, "al-");
an "a" is written between two consonants where the script writes no vowel, so that two letters
never read as one digraph (ز + ه is "zah", not "zh").
Names whose spellings differ by more than folding (Ибрагим for Ibrahim, Magomed for Muhammad) are
joined through name_variants.txt: the skeleton is that of the canonical spelling.
Fuzzy matching of whole names belongs to duplicate detection; these keys only make search
find a name whatever script it was recorded in.
"""

import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import icu
from rapidfuzz.distance import JaroWinkler

_RULES = r"""
:: NFKC ;
:: Lower ;
[\u0027\u02BB\u02BC\u02B9\u02BA\u2018\u2019\u0060] > ;
ž > zh ; š > sh ; č > ch ; ŝ > shch ;
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
    ("ts", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
)
# ж is j in the Kazakh Latin alphabet of 2021 and in many passports (Janar, Jasur), zh or ž
# elsewhere (Zhanar, Žavad): the skeleton writes both j. Uzbek Latin x is х: h at the start of a
# word and before a consonant (Xamidov, Shaxlo, Baxtiyor); elsewhere ks (Alexander, Dixon, Max). ISO 9 writes й as j (Ajbek, Gusejni): a j after
# a vowel and not before one is that letter, a vowel for the skeleton.
_SOUND_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"zh"), "j"),
    (re.compile(r"^x|x(?=[b-df-hj-np-rt-z])"), "h"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?<=[aeiou])j(?![aeiouy])"), "y"),
)
_VOWELS = re.compile(r"[aeiouy]")
# Persian and Arabic names end in a silent h after a vowel (Fatemeh, Zadeh, Fatimah): not a consonant.
_FINAL_H = re.compile(r"([aeiou])h$")

# Letter by letter, as Afghan documents and Kazakh offices romanise Dari, Pashto and Arabic.
# "" for letters not written in Latin; vowels for the long vowels (chosen by position below).
ARABIC_LETTERS = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ء": "", "ع": "", "ئ": "y", "ؤ": "u",
    "ب": "b", "پ": "p", "ت": "t", "ټ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh",
    "څ": "ts", "ځ": "z", "د": "d", "ډ": "d", "ذ": "z", "ر": "r", "ړ": "r", "ز": "z", "ژ": "zh",
    "ږ": "zh", "س": "s", "ش": "sh", "ښ": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "gh",
    "ف": "f", "ق": "q", "ک": "k", "ك": "k", "گ": "g", "ګ": "g", "ل": "l", "م": "m", "ن": "n",
    "ڼ": "n", "ة": "a", "ۀ": "a",
}  # fmt: skip
_ARABIC_VAV = "و"  # w at the start of a word, else the long vowel u
_ARABIC_YEH = "یيىۍې"  # y at the start of a word, else the long vowel i (ې: e)
_ARABIC_HEH = "هہھ"  # h, but a silent final vowel after a consonant (فاطمه, زاده)
_ARABIC_VOWEL_OUT = "aiue"


_ARABIC_ALEF = "اآأإ"
_ARABIC_AIN = "ع"
_ARABIC_ARTICLE = "ال"
_ARTICLE_REST = 4  # Latin letters the rest of a word needs for a leading ال to be the article


def _vav_is_consonant(letters: list[str], index: int) -> bool:
    """و is w at the start of a word, after an alef (داوود), and before a long vowel: an alef
    (جواد) or a ی that is itself a vowel, not a y before another vowel (میرویس, but رویا)."""
    if index == 0 or letters[index - 1] in _ARABIC_ALEF:
        return True
    after = letters[index + 1 : index + 3]
    if not after:
        return False
    if after[0] in _ARABIC_ALEF:
        return True
    return after[0] in _ARABIC_YEH and (len(after) == 1 or after[1] not in _ARABIC_ALEF + _ARABIC_VAV + _ARABIC_YEH)


def _arabic_word(word: str) -> str:
    """One Arabic-script word in Latin letters (see the module docstring). A leading ال is the
    article, written apart ("al-" + the name) when enough of a name follows (not الهام, Elham)."""
    letters = [c for c in word if not unicodedata.combining(c) and c != "ـ"]  # short vowels, tatweel
    if "".join(letters[:2]) == _ARABIC_ARTICLE and len(letters) > 3:
        rest = _arabic_letters(letters[2:])
        if len(rest) >= _ARTICLE_REST:
            return f"al-{rest}"
    return _arabic_letters(letters)


def _arabic_letters(letters: list[str]) -> str:
    out: list[str] = []
    for index, char in enumerate(letters):
        first, last = index == 0, index == len(letters) - 1
        if char == _ARABIC_VAV:
            latin = "w" if _vav_is_consonant(letters, index) else "u"
        elif char == _ARABIC_AIN and first:
            latin = "a"  # not written in Latin, but a vowel follows it: علی Ali, عمر Omar, عثمان Osman
        elif char in _ARABIC_YEH:
            latin = "y" if first else ("e" if char == "ې" else "i")
        elif char in _ARABIC_HEH:
            latin = "a" if last and out and out[-1][-1] not in _ARABIC_VOWEL_OUT else "h"
        else:
            latin = ARABIC_LETTERS.get(char, "")
        if not latin:
            continue
        if out and latin[0] not in _ARABIC_VOWEL_OUT and out[-1][-1] not in _ARABIC_VOWEL_OUT:
            out.append("a")  # an unwritten short vowel between two consonants
        out.append(latin)
    return "".join(out)


def _arabic_to_latin(text: str) -> str:
    return re.sub(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]+", lambda m: _arabic_word(m.group()), text)


@cache
def _variants() -> dict[str, str]:
    """Variant key -> canonical key, from name_variants.txt."""
    table: dict[str, str] = {}
    for line in (Path(__file__).with_name("name_variants.txt")).read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        for variant in words[1:]:
            table[variant] = words[0]
    return table


def is_known_name(word_key: str) -> bool:
    """The word is a name of name_variants.txt (a canonical spelling or a variant)."""
    return word_key in _variants() or word_key in _canonicals()


@cache
def _canonicals() -> frozenset[str]:
    return frozenset(_variants().values())


def canonical(word_key: str) -> str:
    """The spelling a name's variants are joined under (itself when it has none)."""
    return _variants().get(word_key, word_key)


_REPEATS = re.compile(r"(.)\1+")

_local = threading.local()


def _transliterator() -> icu.Transliterator:
    # ICU transliterators keep state while they work: one per thread.
    if not hasattr(_local, "latin"):
        _local.latin = icu.Transliterator.createFromRules("panah-latin", _RULES, icu.UTransDirection.FORWARD)
    return _local.latin


# Names repeat (a million persons hold a few thousand distinct words): the keys below are pure
# functions of their text, so they are computed once per distinct text.
KEY_CACHE = 200_000


@lru_cache(maxsize=KEY_CACHE)
def latin_key(text: str) -> str:
    """The whole text as lower-case ASCII words separated by single spaces."""
    return " ".join(_transliterator().transliterate(_arabic_to_latin(text)).split())


@lru_cache(maxsize=KEY_CACHE)
def fold(word_key: str) -> str:
    """A key word with spelling variants folded but vowels kept: used to rank candidates."""
    word_key = _FINAL_H.sub(r"\1", canonical(word_key))
    for pattern, new in _SOUND_FOLDS:
        word_key = pattern.sub(new, word_key)
    for old, new in _FOLDS:
        word_key = word_key.replace(old, new)
    return _REPEATS.sub(r"\1", word_key)


@lru_cache(maxsize=KEY_CACHE)
def skeleton(word_key: str) -> str:
    """Consonant skeleton of one key word (of its canonical spelling), with an "a" in front when the
    word begins with a vowel, so that Ahmad (ahmd) and Hamid (hmd), Omar (amr) and Mir (mr) stay
    apart; the folded word when no consonant is left."""
    folded = fold(word_key)
    consonants = _REPEATS.sub(r"\1", _VOWELS.sub("", folded))
    if not consonants:
        return folded
    return "a" + consonants if _VOWELS.match(folded) else consonants


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
