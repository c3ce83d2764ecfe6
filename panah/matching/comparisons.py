"""What duplicate detection compares, defined once for Splink (batch) and for Python (online check).

Each `Comparison` is an ordered list of `Level`s, as in a Fellegi-Sunter model: the first level
whose condition holds is the one a pair reaches. A level carries
- `sql`: its condition for Splink, over the feature columns of `normalise.prepare()` suffixed `_l`
  and `_r`, written with functions DuckDB and Spark SQL both have (=, levenshtein, instr, length,
  abs), so the two backends put a pair in the same level;
- `test`: the same condition in Python, with SQL's rule that a comparison with a missing value
  (None or "") is not true;
- `phrase`: the evidence in words, filled from the original name strings.

A `Model` holds the Fellegi-Sunter parameters: the prior probability that two records are one
person, and m and u for each level. It is trained with Splink (`panah.matching.batch.train_model`:
u by random sampling, m by expectation maximisation on a synthetic registry from
`panah.matching.crossscript`) and shipped as model.json beside this file. `score_pair()` adds the
log2(m/u) of the levels two feature dicts reach to the prior's log-odds: the match weight Splink's
`predict()` gives for the same pair with the same model (no term-frequency adjustments).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import Levenshtein

MODEL_PATH = Path(__file__).with_name("model.json")

Features = Mapping[str, Any]


def _value(features: Features, column: str) -> Any:
    value = features.get(column)
    return None if value == "" else value


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _within(a: Any, b: Any, edits: int) -> bool:
    """At most `edits` insertions, deletions or substitutions apart (SQL's levenshtein)."""
    return a is not None and b is not None and Levenshtein.distance(a, b) <= edits


def _has_word(text: Any, word: Any) -> bool:
    """`word` is one of the space-separated words of `text` (or all of them)."""
    return text is not None and word is not None and f" {word} " in f" {text} "


def _compatible(code_a: Any, skel_a: Any, code_b: Any, skel_b: Any) -> bool:
    """Two names that may be one name written with a slip: missing on one side, the same skeleton,
    two letters apart, skeletons of three or more consonants one apart, or one a word of the other."""
    if skel_a is None or skel_b is None:
        return True
    return (
        skel_a == skel_b
        or _within(code_a, code_b, 2)
        or (min(len(skel_a), len(skel_b)) >= 3 and _within(skel_a, skel_b, 1))
        or _has_word(skel_a, skel_b)
        or _has_word(skel_b, skel_a)
    )


def _compatible_sql(code_a: str, skel_a: str, code_b: str, skel_b: str) -> str:
    return (
        f"({skel_a} IS NULL OR {skel_b} IS NULL OR {skel_a} = {skel_b} OR levenshtein({code_a}, {code_b}) <= 2"
        f" OR (length({skel_a}) >= 3 AND length({skel_b}) >= 3 AND levenshtein({skel_a}, {skel_b}) <= 1)"
        f" OR instr(' ' || {skel_a} || ' ', ' ' || {skel_b} || ' ') > 0"
        f" OR instr(' ' || {skel_b} || ' ', ' ' || {skel_a} || ' ') > 0)"
    )


@dataclass(frozen=True)
class Level:
    key: str
    sql: str
    test: Callable[[Features, Features], bool]
    phrase: Any  # a lazy string with {left} and {right}
    is_null: bool = False
    # A feature column whose value's frequency scales this level's evidence (Splink's term-frequency
    # adjustment): agreeing on a name half the caseload holds proves less than on a rare one.
    tf: str | None = None


@dataclass(frozen=True)
class Comparison:
    key: str
    label: Any
    levels: tuple[Level, ...]
    original: str = ""  # the feature holding the value as written, shown in phrases
    fallback: str = ""  # shown when the original is empty (e.g. a name only in full_name_original)

    def level_of(self, left: Features, right: Features) -> Level:
        for level in self.levels:
            if level.test(left, right):
                return level
        return self.levels[-1]

    def shown(self, features: Features) -> str:
        value = features.get(self.original) if self.original else None
        if value in (None, "") and self.fallback:
            value = features.get(self.fallback)
        return "" if value is None else str(value)

    @property
    def gammas(self) -> dict[int, str]:
        """Splink's comparison vector value of each level: -1 for the null level, then counting
        down to 0 for the last."""
        values, counter = {}, len([lv for lv in self.levels if not lv.is_null]) - 1
        for level in self.levels:
            if level.is_null:
                values[-1] = level.key
            else:
                values[counter] = level.key
                counter -= 1
        return values


def _side(column: str) -> tuple[Callable[[Features], Any], str, str]:
    return (lambda f: _value(f, column)), f"{column}_l", f"{column}_r"


def _null(column: str) -> Level:
    get, left, right = _side(column)
    return Level(
        "null",
        f"{left} IS NULL OR {right} IS NULL",
        lambda a, b: get(a) is None or get(b) is None,
        _("not recorded on one side"),
        is_null=True,
    )


def _else(phrase: Any) -> Level:
    return Level("else", "ELSE", lambda a, b: True, phrase)


def _name(key: str, label: Any, code: str, skel: str, original: str, swap_skel: str | None) -> Comparison:
    """A name field: the same canonical words, the same skeleton, (swapped with another field),
    one word of several, a letter or two apart, different."""
    c, s = _side(code)[0], _side(skel)[0]
    cl, cr = f"{code}_l", f"{code}_r"
    sl, sr = f"{skel}_l", f"{skel}_r"
    levels = [
        _null(code),
        Level("exact", f"{cl} = {cr}", lambda a, b: _eq(c(a), c(b)), _("{left} = {right}"), tf=skel),
        Level("skeleton", f"{sl} = {sr}", lambda a, b: _eq(s(a), s(b)), _("{left} ≈ {right}, sounds alike"), tf=skel),
    ]
    crossed: list[Level] = []
    if swap_skel and key == "given":
        swap_code = swap_skel.removesuffix("_skel")  # the other field's canonical words (family)
        w, wc = _side(swap_skel)[0], _side(swap_code)[0]
        wl, wr = f"{swap_skel}_l", f"{swap_skel}_r"
        # Both names crossed over: the order was swapped. One name crossed over is weak evidence,
        # since caseload family names are often made of given names (Ahmad / Ahmadi, Karim / Karimov).
        levels.append(
            Level(
                "swapped",
                f"{sl} = {wr} AND {wl} = {sr}",
                lambda a, b: _eq(s(a), w(b)) and _eq(w(a), s(b)),
                _("{left} / {right}: given and family name swapped"),
            )
        )
        # One name crossed over and the other crossing pair compatible (missing, a typo or two, one
        # word of several): the order was swapped with a slip. When the other pair is different, the
        # given names differ (Muhammad Mohammadi / Nargis Mohammadi), and the twin veto must see it.
        crossed.append(
            Level(
                "crossed",
                f"({sl} = {wr} AND {_compatible_sql(f'{swap_code}_l', wl, cr, sr)})"
                f" OR ({wl} = {sr} AND {_compatible_sql(cl, sl, f'{swap_code}_r', wr)})",
                lambda a, b: (
                    (_eq(s(a), w(b)) and _compatible(wc(a), w(a), c(b), s(b)))
                    or (_eq(w(a), s(b)) and _compatible(c(a), s(a), wc(b), w(b)))
                ),
                _("{left} / {right}: written in the other name field"),
            )
        )
    elif swap_skel:
        w = _side(swap_skel)[0]
        crossed.append(
            Level(
                "crossed",
                f"{sl} = {swap_skel}_r OR {swap_skel}_l = {sr}",
                lambda a, b: _eq(s(a), w(b)) or _eq(w(a), s(b)),
                _("{left} / {right}: written in the other name field"),
            )
        )
    levels += [
        Level(
            "part",
            f"instr(' ' || {sl} || ' ', ' ' || {sr} || ' ') > 0 OR instr(' ' || {sr} || ' ', ' ' || {sl} || ' ') > 0",
            lambda a, b: _has_word(s(a), s(b)) or _has_word(s(b), s(a)),
            _("{left} ≈ {right}, one name of several"),
        ),
        Level(
            "close",
            f"levenshtein({cl}, {cr}) <= 1 OR (length({sl}) >= 4 AND levenshtein({sl}, {sr}) <= 1)",
            lambda a, b: _within(c(a), c(b), 1) or (s(a) is not None and len(s(a)) >= 4 and _within(s(a), s(b), 1)),
            _("{left} ~ {right}, a letter or two apart"),
        ),
        *crossed,
        _else(_("different ({left} / {right})")),
    ]
    return Comparison(key, label, tuple(levels), original=original, fallback=code)


# Birth years this far apart, and not one mistyped digit (1971 / 1991), are a parent and a child,
# not one person written twice: see `vetoed()`.
GENERATION_YEARS = 12


def _one_digit_apart(a: int, b: int) -> bool:
    return Levenshtein.distance(str(a), str(b)) <= 1


def _birth() -> Comparison:
    def get(f: Features) -> tuple[Any, Any, Any]:
        return _value(f, "birth_year"), _value(f, "birth_month"), _value(f, "birth_day")

    def jan1(m: Any, d: Any) -> bool:
        return m == 1 and d == 1

    def exact(a: Features, b: Features) -> bool:
        (ya, ma, da), (yb, mb, db) = get(a), get(b)
        return _eq(ya, yb) and _eq(ma, mb) and _eq(da, db) and not jan1(ma, da)

    def both_jan1(a: Features, b: Features) -> bool:
        (ya, ma, da), (yb, mb, db) = get(a), get(b)
        return _eq(ya, yb) and jan1(ma, da) and jan1(mb, db)

    def partial(a: Features, b: Features) -> bool:
        (ya, ma, da), (yb, mb, db) = get(a), get(b)
        return _eq(ya, yb) and (da is None or db is None or jan1(ma, da) or jan1(mb, db))

    def month(a: Features, b: Features) -> bool:
        (ya, ma, _da), (yb, mb, _db) = get(a), get(b)
        return _eq(ya, yb) and _eq(ma, mb)

    def transposed(a: Features, b: Features) -> bool:
        (ya, ma, da), (yb, mb, db) = get(a), get(b)
        return _eq(ya, yb) and _eq(ma, db) and _eq(da, mb)

    def year(a: Features, b: Features) -> bool:
        return _eq(get(a)[0], get(b)[0])

    def day_month(a: Features, b: Features) -> bool:
        (_ya, ma, da), (_yb, mb, db) = get(a), get(b)
        return _eq(ma, mb) and _eq(da, db) and not jan1(ma, da)

    def near(a: Features, b: Features) -> bool:
        ya, yb = get(a)[0], get(b)[0]
        return ya is not None and yb is not None and abs(ya - yb) <= 1

    def conflict(a: Features, b: Features) -> bool:
        # Reached only by two dates that differ in the year and in the day or month.
        (_ya, ma, da), (_yb, mb, db) = get(a), get(b)
        return da is not None and db is not None and not jan1(ma, da) and not jan1(mb, db)

    def generation(a: Features, b: Features) -> bool:
        ya, yb = get(a)[0], get(b)[0]
        return ya is not None and yb is not None and abs(ya - yb) >= GENERATION_YEARS and not _one_digit_apart(ya, yb)

    y, m, d = ("birth_year", "birth_month", "birth_day")
    same_year = f"{y}_l = {y}_r"
    not_jan1_l = f"NOT ({m}_l = 1 AND {d}_l = 1)"
    levels = (
        _null(y),
        Level("exact", f"{same_year} AND {m}_l = {m}_r AND {d}_l = {d}_r AND {not_jan1_l}", exact,
              _("same date ({left})")),
        Level("jan1", f"{same_year} AND {m}_l = 1 AND {d}_l = 1 AND {m}_r = 1 AND {d}_r = 1", both_jan1,
              _("both 1 January {left:.4}, often written for an unknown date")),
        Level("partial",
              f"{same_year} AND ({d}_l IS NULL OR {d}_r IS NULL OR ({m}_l = 1 AND {d}_l = 1) OR ({m}_r = 1 AND {d}_r = 1))",
              partial, _("same year, day unknown on one side ({left} / {right})")),
        Level("month", f"{same_year} AND {m}_l = {m}_r", month, _("same year and month, different day ({left} / {right})")),
        Level("transposed", f"{same_year} AND {m}_l = {d}_r AND {d}_l = {m}_r", transposed,
              _("day and month swapped ({left} / {right})")),
        Level("year", same_year, year, _("same year, different day ({left} / {right})")),
        Level("day_month", f"{m}_l = {m}_r AND {d}_l = {d}_r AND {not_jan1_l}", day_month,
              _("same day and month, different year ({left} / {right})")),
        Level("generation",
              f"abs({y}_l - {y}_r) >= {GENERATION_YEARS}"
              f" AND levenshtein(CAST({y}_l AS STRING), CAST({y}_r AS STRING)) > 1",
              generation, _("born a generation apart ({left} / {right})")),
        Level("conflict",
              f"{d}_l IS NOT NULL AND {d}_r IS NOT NULL AND {not_jan1_l} AND NOT ({m}_r = 1 AND {d}_r = 1)",
              conflict, _("two different full dates ({left} / {right})")),
        Level("near", f"abs({y}_l - {y}_r) <= 1", near, _("born a year apart ({left} / {right})")),
        _else(_("different ({left} / {right})")),
    )  # fmt: skip
    return Comparison("birth", _("birth date"), levels, original="birth_date")


# A document number this long is a full number (not the last digits, not a placeholder).
FULL_DOCUMENT = 6


def _exact(key: str, label: Any, column: str, same: Any, different: Any, close: Any = None,
           transposed: Any = None, conflict: Any = None) -> Comparison:  # fmt: skip
    """Equal, or (with `close`) one character apart, or (with `transposed`) the same characters in
    another order (the `{column}_sorted` feature: digits swapped while typing), or different."""
    get = _side(column)[0]
    levels = [_null(column), Level("exact", f"{column}_l = {column}_r", lambda a, b: _eq(get(a), get(b)), same)]
    if close is not None:
        levels.append(
            Level(
                "close",
                f"levenshtein({column}_l, {column}_r) <= 1",
                lambda a, b: _within(get(a), get(b), 1),
                close,
            )
        )
    if transposed is not None:
        anagram = _side(f"{column}_sorted")[0]
        levels.append(
            Level(
                "transposed",
                f"{column}_sorted_l = {column}_sorted_r",
                lambda a, b: _eq(anagram(a), anagram(b)),
                transposed,
            )
        )
    if conflict is not None:
        # Two full numbers of the same kind of document, more than a slip apart: one office does not
        # issue one person two refugee certificates, so this is most often two persons.
        kind = _side(f"{column.removesuffix('_number')}_type")[0]
        levels.append(
            Level(
                "conflict",
                f"{column.removesuffix('_number')}_type_l = {column.removesuffix('_number')}_type_r"
                f" AND length({column}_l) >= {FULL_DOCUMENT} AND length({column}_r) >= {FULL_DOCUMENT}",
                lambda a, b: _eq(kind(a), kind(b)) and len(get(a)) >= FULL_DOCUMENT and len(get(b)) >= FULL_DOCUMENT,
                conflict,
            )
        )
    levels.append(_else(different))
    return Comparison(key, label, tuple(levels), original=column)


def _address() -> Comparison:
    """Where the person lives: the same address; the street a letter or two apart; one address
    written more fully than the other (a flat number, a district added); the same street, another
    house; the same town only; different. Every level but the last two needs the towns to agree
    (or one to be unknown): Abaya 12 in Almaty is not Abaya 12 in Astana."""
    key, street, number, town = (
        _side(c)[0] for c in ("address_key", "address_street", "address_number", "locality_key")
    )

    def same_town(a: Features, b: Features) -> bool:
        return town(a) is None or town(b) is None or _within(town(a), town(b), 1)

    def numbers_agree(a: Features, b: Features) -> bool:
        na, nb = number(a), number(b)
        return na is None or nb is None or f"{na}.".startswith(f"{nb}.") or f"{nb}.".startswith(f"{na}.")

    def street_close(a: Features, b: Features) -> bool:
        return street(a) is not None and len(street(a)) >= 5 and _within(street(a), street(b), 2)

    def street_within(a: Features, b: Features) -> bool:
        sa, sb = street(a), street(b)
        return (
            sa is not None and sb is not None and (sa == sb or (min(len(sa), len(sb)) >= 4 and (sa in sb or sb in sa)))
        )

    def exact(a: Features, b: Features) -> bool:
        return _eq(key(a), key(b)) and same_town(a, b)

    def close(a: Features, b: Features) -> bool:
        return (number(a) or "") == (number(b) or "") and street_close(a, b) and same_town(a, b)

    def fuller(a: Features, b: Features) -> bool:
        return street_within(a, b) and numbers_agree(a, b) and same_town(a, b)

    def same_street(a: Features, b: Features) -> bool:
        return (street_within(a, b) or street_close(a, b)) and same_town(a, b)

    def town_only(a: Features, b: Features) -> bool:
        return _within(town(a), town(b), 1)

    def null(a: Features, b: Features) -> bool:
        return (key(a) is None or key(b) is None) and (town(a) is None or town(b) is None)

    k, s, n, t = "address_key", "address_street", "address_number", "locality_key"
    sql_town = f"({t}_l IS NULL OR {t}_r IS NULL OR levenshtein({t}_l, {t}_r) <= 1)"
    sql_numbers = (
        f"({n}_l IS NULL OR {n}_r IS NULL OR instr({n}_l || '.', {n}_r || '.') = 1"
        f" OR instr({n}_r || '.', {n}_l || '.') = 1)"
    )
    sql_close = f"(length({s}_l) >= 5 AND levenshtein({s}_l, {s}_r) <= 2)"
    sql_within = (
        f"({s}_l = {s}_r OR (length({s}_l) >= 4 AND length({s}_r) >= 4"
        f" AND (instr({s}_l, {s}_r) > 0 OR instr({s}_r, {s}_l) > 0)))"
    )
    levels = (
        Level("null", f"({k}_l IS NULL OR {k}_r IS NULL) AND ({t}_l IS NULL OR {t}_r IS NULL)", null,
              _("not recorded on one side"), is_null=True),
        Level("exact", f"{k}_l = {k}_r AND {sql_town}", exact, _("same address ({left})")),
        Level("close", f"coalesce({n}_l, '') = coalesce({n}_r, '') AND {sql_close} AND {sql_town}", close,
              _("{left} / {right}, a letter or two apart")),
        Level("fuller", f"{sql_within} AND {sql_numbers} AND {sql_town}", fuller,
              _("{left} / {right}, one written more fully")),
        Level("street", f"({sql_within} OR {sql_close}) AND {sql_town}", same_street,
              _("same street, another house ({left} / {right})")),
        Level("town", f"levenshtein({t}_l, {t}_r) <= 1", town_only,
              _("another address in the same town ({left} / {right})")),
        _else(_("different ({left} / {right})")),
    )  # fmt: skip
    return Comparison("address", _("address"), levels, original="place")


COMPARISONS: tuple[Comparison, ...] = (
    _name("given", _("given name"), "given", "given_skel", "given_name", "family_skel"),
    _name("family", _("family name"), "family", "family_skel", "family_name", "given_skel"),
    _name("patronymic", _("father's name"), "patronymic_key", "patronymic_skel", "patronymic", None),
    _birth(),
    _exact("sex", _("sex"), "sex", _("same"), _("different ({left} / {right})")),
    _exact(
        "document",
        _("document number"),
        "document_number",
        _("same number ({left})"),
        _("different numbers"),
        close=_("{left} / {right}, one character apart"),
        transposed=_("{left} / {right}, the same digits in another order"),
        conflict=_("{left} / {right}: two documents of the same kind"),
    ),
    _exact("origin", _("country of origin"), "origin", _("same ({left})"), _("different ({left} / {right})")),
    _exact("region", _("region"), "region", _("same ({left})"), _("different ({left} / {right}), moved?")),
    _address(),
)
BY_KEY = {comparison.key: comparison for comparison in COMPARISONS}
# comparison -> {level: the feature column whose values' frequencies scale it}
TF_LEVELS = {c.key: {lv.key: lv.tf for lv in c.levels if lv.tf} for c in COMPARISONS if any(lv.tf for lv in c.levels)}

# Every feature column the comparisons read (the columns batch.py hands Splink).
COLUMNS = (
    "given", "given_skel", "family", "family_skel", "patronymic_key", "patronymic_skel",
    "birth_year", "birth_month", "birth_day", "sex", "document_number", "document_type", "origin", "region",
    "document_number_sorted", "address_key", "address_street", "address_number", "locality_key",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The model


@dataclass
class Model:
    """Fellegi-Sunter parameters: prior match probability, and (m, u) per comparison level."""

    prior: float
    parameters: dict[str, dict[str, tuple[float, float]]]
    notes: dict[str, Any] = field(default_factory=dict)
    # The second stage that decides the pairs this model's weights keep (None: these weights decide).
    decision: Decision | None = None

    FLOOR = 1e-6  # no level is certain either way

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> Model:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        parameters = {
            comparison: {level: (values["m"], values["u"]) for level, values in levels.items()}
            for comparison, levels in data["parameters"].items()
        }
        decision = Decision.of(data["decision"]) if data.get("decision") else None
        return cls(prior=data["prior"], parameters=parameters, notes=data.get("notes", {}), decision=decision)

    def save(self, path: Path | str = MODEL_PATH) -> None:
        data = {
            "prior": self.prior,
            "parameters": {
                comparison: {level: {"m": m, "u": u} for level, (m, u) in levels.items()}
                for comparison, levels in self.parameters.items()
            },
            "notes": self.notes,
        }
        if self.decision is not None:
            data["decision"] = self.decision.as_dict()
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @property
    def population(self) -> int:
        """How many records the prior was estimated on."""
        return int(self.notes.get("records", 0))

    def for_population(self, records: int) -> Model:
        """This model for a file (or registry) of `records` records. The prior is the probability that
        two records picked at random are one person: with the same share of duplicated persons it
        falls as 1 / records, so a million-record file needs more evidence per pair than the
        registry the model was trained on. Files smaller than that keep the trained prior."""
        if not self.population or records <= self.population:
            return self
        prior = self.prior * (self.population - 1) / (records - 1)
        decision = self.decision.for_population(records) if self.decision else None
        return replace(self, prior=prior, decision=decision, notes={**self.notes, "scaled_to": records})

    def with_m(self, measured: Mapping[str, Mapping[str, float]], floor: float = 0.01) -> Model:
        """This model with the m of each level estimated on a file (`batch.estimate_m`), floored and
        renormalised per comparison; u and the prior are kept."""
        parameters = {}
        for comparison, levels in self.parameters.items():
            m = {level: max(measured.get(comparison, {}).get(level, mu[0]), floor) for level, mu in levels.items()}
            total = sum(m.values())
            parameters[comparison] = {level: (m[level] / total, mu[1]) for level, mu in levels.items()}
        decision = self.decision.adapted(parameters) if self.decision else None
        return replace(self, parameters=parameters, decision=decision, notes={**self.notes, "m": "estimated on the file"})

    @cached_property
    def vetoes(self) -> tuple[tuple[str, str], ...]:
        """The VETO_LEVELS that hold for this model: those one person's records rarely reach. Read for
        every scored pair; a model's parameters never change once made (with_m makes a new one)."""
        return tuple((c, lv) for c, lv in VETO_LEVELS if self.m_u(c, lv)[0] <= VETO_M)

    def m_u(self, comparison: str, level: str) -> tuple[float, float]:
        m, u = self.parameters.get(comparison, {}).get(level, (None, None))
        return max(m or self.FLOOR, self.FLOOR), max(u or self.FLOOR, self.FLOOR)

    def level_weight(self, comparison: str, level: str) -> float:
        """log2 of the level's Bayes factor m/u (0 for a null level)."""
        if level == "null":
            return 0.0
        m, u = self.m_u(comparison, level)
        return math.log2(m / u)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def splink_comparisons(self, term_frequencies: bool = True) -> list[dict[str, Any]]:
        """The comparisons as a Splink settings list, with this model's m and u, and (with
        `term_frequencies`) the term-frequency adjustment of the levels that have one."""
        comparisons = []
        for comparison in COMPARISONS:
            levels = []
            for level in comparison.levels:
                entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.key}
                if level.is_null:
                    entry["is_null_level"] = True
                else:
                    entry["m_probability"], entry["u_probability"] = self.m_u(comparison.key, level.key)
                if level.tf and term_frequencies:
                    entry["tf_adjustment_column"] = level.tf
                    entry["tf_adjustment_weight"] = 1.0
                levels.append(entry)
            comparisons.append({"output_column_name": comparison.key, "comparison_levels": levels})
        return comparisons


@dataclass(frozen=True)
class Decision:
    """The second stage of a two-stage model: weights for the pairs the first stage keeps.

    The first stage (a `Model`'s m and u, no labels) scores every blocked pair. It takes the
    comparisons as independent, which they are not among the pairs that look alike: the same town
    and the same region are one piece of evidence counted twice, and agreeing names, which lift a
    random pair far above chance, tell less between two records that already share a name and a
    birth year. So a pair whose first-stage weight reaches `gate` is decided by these weights: bits
    per level (every level, the null ones too) and, for the names, `tf` bits per bit of how common
    the agreeing name is (log2 of its share, as in Splink's term-frequency adjustment), added to
    `intercept`. They are fitted by logistic regression on the first stage's candidate pairs of a
    labelled set (`batch.fit_decision`), so they are conditional on the gate, as they are used.
    """

    gate: float
    intercept: float
    weights: Mapping[str, Mapping[str, float]]
    tf: Mapping[str, float]
    # How many records the set it was fitted on held: a larger file needs more evidence (`for_population`).
    population: int = 0
    # The first stage's m on the set it was fitted on: a file whose records differ otherwise (`adapted`).
    m: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # The first stage's mean match probability over the gated pairs of that set: its estimate, without
    # labels, of how many of them are one person (0.34 where 0.26 were), which a file has its own of.
    base_rate: float = 0.0
    # Comparisons weighed together, one weight per pair of levels ("address+region": {"town+exact": ...}):
    # where one implies the other, as the same town implies the same region.
    joint: tuple[tuple[str, str], ...] = ()
    notes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Decision:
        return cls(
            gate=float(data["gate"]), intercept=float(data["intercept"]), weights=data["weights"], tf=data["tf"],
            population=int(data.get("population", 0)), m=data.get("m", {}),
            base_rate=float(data.get("base_rate", 0.0)),
            joint=tuple((a, b) for a, b in data.get("joint", ())), notes=data.get("notes", {}),
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate, "intercept": self.intercept, "weights": self.weights, "tf": self.tf,
            "population": self.population, "m": self.m, "base_rate": self.base_rate,
            "joint": [list(pair) for pair in self.joint],
            "notes": self.notes,
        }  # fmt: skip

    def adapted(self, parameters: Mapping[str, Mapping[str, tuple[float, float]]]) -> Decision:
        """This decision for a file whose first-stage m were estimated on it (`Model.with_m`): each
        level's weight moves by log2(m on the file / m on the fitting set), as the first stage's own
        weight would. A file whose duplicates often carry another given name or birth date (FEBRL's
        do, the scale sets' rarely) then counts those disagreements for less, as it should."""
        weights = {key: dict(levels) for key, levels in self.weights.items()}
        for comparison, levels in self.m.items():
            for level, fitted in levels.items():
                measured = parameters.get(comparison, {}).get(level, (None, None))[0]
                if measured and fitted and level in weights.get(comparison, {}):
                    weights[comparison][level] += math.log2(measured / fitted)
        return replace(self, weights=weights)

    def for_candidates(self, base_rate: float, fitted: Decision) -> Decision:
        """This decision for a file whose gated pairs the first stage expects to be one person at
        `base_rate` (their mean match probability): the intercept, `fitted`'s, moves by the log2 ratio
        of that rate's odds to the fitting set's. It replaces `for_population` in the batch, which has
        the file at hand: FEBRL 3's gated pairs are nearly all true (0.99), a million-record scale
        set's far fewer than the fitting set's, and neither is told by the file's size alone."""
        if not 0 < self.base_rate < 1 or not 0 < base_rate < 1:
            return self
        shift = math.log2(base_rate / (1 - base_rate)) - math.log2(self.base_rate / (1 - self.base_rate))
        return replace(self, intercept=fitted.intercept + shift)

    def for_population(self, records: int) -> Decision:
        """This decision for a file of `records` records: as with the first stage's prior, the odds
        that a pair is one person fall as 1 / records, so a registry four times the size of the set
        the decision was fitted on needs two more bits (fitted on 250,000 records, the scale set of
        1,000,000 is decided best within a bit of that). Smaller files keep the fitted intercept."""
        if not self.population or records <= self.population:
            return self
        return replace(self, intercept=self.intercept + math.log2((self.population - 1) / (records - 1)))

    def features(self, levels: Mapping[str, str]) -> Iterator[tuple[str, str]]:
        """(comparison, level) of each weight a pair reaching `levels` takes, joint ones as "a+b"."""
        joined = set()
        for a, b in self.joint:
            joined.update((a, b))
            yield f"{a}+{b}", f"{levels.get(a, 'null')}+{levels.get(b, 'null')}"
        for comparison, level in levels.items():
            if comparison not in joined:
                yield comparison, level

    def weight(self, levels: Mapping[str, str], shares: Mapping[str, float]) -> float:
        """The match weight (bits) of a pair reaching `levels`, `shares` the log2 share of each
        agreeing name (`name_shares`)."""
        total = self.intercept
        for comparison, level in self.features(levels):
            total += self.weights.get(comparison, {}).get(level, 0.0)
        for comparison, share in shares.items():
            total += self.tf.get(comparison, 0.0) * share
        return total


def name_shares(levels: Mapping[str, str], left: Features, right: Features,
                frequencies: NameFrequencies) -> dict[str, float]:  # fmt: skip
    """log2 of the share of the records holding the name two records agree on, for each comparison
    whose level is scaled by a name's frequency (`Level.tf`): the greater of the two sides' shares, as
    `tf_weight` takes it, a name the counts do not hold counted once (`NameFrequencies.share`)."""
    shares: dict[str, float] = {}
    for key, column in TF_LEVELS.items():
        level_column = column.get(levels.get(key, ""))
        if level_column is None:
            continue
        known = [share for share in (frequencies.share(level_column, _value(side, level_column)) for side in (left, right)) if share]
        if known:
            shares[key] = math.log2(max(known))
    return shares


_default_model: Model | None = None


def default_model() -> Model:
    global _default_model
    if _default_model is None:
        _default_model = Model.load()
    return _default_model


def model_for_population(records: int) -> Model:
    """The shipped model with its prior for a registry (or file) of `records` persons
    (`Model.for_population`): what the online check should score with, given the registry's size."""
    return _population_model(max(int(records), 0))


@lru_cache(maxsize=8)
def _population_model(records: int) -> Model:
    return default_model().for_population(records)


# ---------------------------------------------------------------------------------------------
# Scoring one pair


# From this match probability two records are judged one person (the batch's pairs, the online check's
# candidates). The decision's probabilities are calibrated (fitted by logistic regression), and on its
# training set F1 was best at 0.4 and within 0.0003 of it at 0.5 (bench/matching_fit.py): a pair judged
# so goes to review, where a missed pair is lost and a false one is declined.
JUDGED_SAME = 0.4


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


@dataclass
class Score:
    probability: float
    match_weight: float
    levels: dict[str, str]
    evidence: list[tuple[Promise | str, Promise | str]]
    model: Model | None = None
    # The evidence as stored: [[comparison, level, left value, right value], ...] (see `describe`).
    codes: list[list[str]] = field(default_factory=list)

    @property
    def vetoed(self) -> bool:
        """See `vetoed()`: the pair may look alike but is not judged the same person."""
        return vetoed(self.levels, self.model)

    def judged_same(self, threshold: float = JUDGED_SAME) -> bool:
        return self.probability >= threshold and not self.vetoed

    @property
    def reason(self) -> str:
        """The evidence as one line of words, in the active language."""
        return "; ".join(f"{label}: {text}" for label, text in self.evidence)


def _birth_text(features: Features) -> str:
    year, month, day = (_value(features, k) for k in ("birth_year", "birth_month", "birth_day"))
    if year is None:
        return ""
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _shown(comparison: Comparison, left: Features, right: Features) -> tuple[str, str]:
    if comparison.key == "birth":
        return _birth_text(left), _birth_text(right)
    return comparison.shown(left), comparison.shown(right)


def _phrase(
    comparison: Comparison, level: Level, left: Features, right: Features, *, lazy: bool = True
) -> Promise | str:
    return _words(comparison, level, *_shown(comparison, left, right), lazy=lazy)


def _words(comparison: Comparison, level: Level, shown_left: str, shown_right: str, *, lazy: bool) -> Promise | str:
    phrase = level.phrase
    if level.key == "exact" and comparison.key in ("given", "family", "patronymic"):
        if shown_left.casefold() == shown_right.casefold():
            phrase = _("same ({left})")
        elif _script(shown_left) != _script(shown_right):
            phrase = _("{left} ≈ {right} by transliteration")
        else:
            phrase = _("{left} ≈ {right}, a spelling variant")
    if level.key == "exact" and comparison.key == "address" and shown_left.casefold() != shown_right.casefold():
        phrase = _("{left} = {right}, the same address written another way")
    if lazy:
        return format_lazy(phrase, left=shown_left, right=shown_right)
    return str(phrase).format(left=shown_left, right=shown_right)


def _script(text: str) -> str:
    for char in text:
        if "\u0600" <= char <= "\u06ff":
            return "arab"
        if "\u0400" <= char <= "\u04ff":
            return "cyrl"
    return "latn"


def levels_of(left: Features, right: Features) -> dict[str, str]:
    """The level each comparison reaches for this pair."""
    return {comparison.key: comparison.level_of(left, right).key for comparison in COMPARISONS}


# Frequencies are read from a file or registry of this many records or more: in a smaller one, a name
# that three records of four hold is not common, and the counts say nothing.
TF_FROM_RECORDS = 2_000
# How common a value is: (feature column, value) -> its share of the records that have the column.
Frequencies = Callable[[str, Any], float | None]
# The columns whose values' frequencies scale the evidence (the names, by skeleton: script-independent).
TF_COLUMNS = tuple(sorted({level.tf for c in COMPARISONS for level in c.levels if level.tf}))


@dataclass(frozen=True)
class NameFrequencies:
    """How many records hold each value of the TF_COLUMNS, of how many that have the column: the
    term frequencies Splink computes on a file (`batch.find_duplicates`), or those the registry
    keeps (`matching.models.NameFrequency`) for the online check."""

    counts: Mapping[str, Mapping[str, int]]
    totals: Mapping[str, int]

    @classmethod
    def of(cls, records: Iterable[Features]) -> NameFrequencies:
        counts: dict[str, Counter[str]] = {column: Counter() for column in TF_COLUMNS}
        for record in records:
            for column in TF_COLUMNS:
                value = _value(record, column)
                if value is not None:
                    counts[column][value] += 1
        return cls(counts, {column: counts[column].total() for column in TF_COLUMNS})

    @classmethod
    def of_columns(cls, columns: Mapping[str, Iterable[Any]]) -> NameFrequencies:
        """The same, from the columns of a file (`batch.features_of`)."""
        counts = {column: Counter(v for v in columns[column] if v not in (None, "")) for column in TF_COLUMNS}
        return cls(counts, {column: counts[column].total() for column in TF_COLUMNS})

    @property
    def counted(self) -> bool:
        """Counted on enough records to tell a common name from a rare one (TF_FROM_RECORDS)."""
        return max(self.totals.values(), default=0) >= TF_FROM_RECORDS

    def share(self, column: str, value: Any) -> float | None:
        """The share of the records holding `value`, one record for a value the counts do not hold
        (a name new to the registry is rare); None for a missing value or too few records counted."""
        total = self.totals.get(column, 0)
        if value is None or total < TF_FROM_RECORDS:
            return None
        return max(self.counts.get(column, {}).get(value, 0), 1) / total

    def __call__(self, column: str, value: Any) -> float | None:
        total = self.totals.get(column, 0)
        if total < TF_FROM_RECORDS:
            return None
        count = self.counts.get(column, {}).get(value, 0) if value is not None else 0
        return count / total if total and count else None


def tf_weight(model: Model, comparison: str, level: Level, left: Features, right: Features,
              frequencies: Frequencies | None) -> float:  # fmt: skip
    """Splink's term-frequency adjustment of a level: log2(u / tf), tf the greater share of the two
    values (a common name agrees by chance as often as it is held). 0 without frequencies."""
    if not level.tf or frequencies is None:
        return 0.0
    shares = [frequencies(level.tf, _value(side, level.tf)) for side in (left, right)]
    known = [share for share in shares if share]
    if not known:
        return 0.0
    # As Splink does: the u of the level that is exact on the frequency column stands for chance.
    exact_on = f"{level.tf}_l = {level.tf}_r"
    key = next(lv.key for lv in BY_KEY[comparison].levels if lv.sql == exact_on)
    return math.log2(model.m_u(comparison, key)[1] / max(known))


def score_pair(left: Features, right: Features, model: Model | None = None,
               frequencies: Frequencies | None = None) -> Score:  # fmt: skip
    """Match probability, match weight and the evidence in words for two `prepare()` feature dicts;
    with `frequencies` (`NameFrequencies`), agreeing names count by how common they are. With a
    `Decision`, the model's own weight is the first stage: a pair it keeps is weighed again by the
    decision's (`decide`)."""
    model = model or default_model()
    weight = model.prior_weight
    levels: dict[str, str] = {}
    evidence: list[tuple[Promise | str, Promise | str]] = []
    codes: list[list[str]] = []
    for comparison in COMPARISONS:
        level = comparison.level_of(left, right)
        levels[comparison.key] = level.key
        weight += model.level_weight(comparison.key, level.key)
        weight += tf_weight(model, comparison.key, level, left, right, frequencies)
        if not level.is_null:
            shown = _shown(comparison, left, right)
            evidence.append((comparison.label, _words(comparison, level, *shown, lazy=True)))
            codes.append([comparison.key, level.key, *shown])
    weight = decide(model, weight, levels, left, right, frequencies)
    return Score(
        probability=probability(weight), match_weight=weight, levels=levels, evidence=evidence, model=model,
        codes=codes,
    )  # fmt: skip


def decide(model: Model, weight: float, levels: Mapping[str, str], left: Features, right: Features,
           frequencies: Frequencies | None) -> float:  # fmt: skip
    """The match weight of a pair whose first-stage weight is `weight`: the model's `Decision` weighs
    it again if it reaches the gate. A pair below the gate keeps its (low) weight, and so does every
    pair where the names were not counted on enough records (a small file, a registry before its
    first batch run): the decision was fitted with the names' frequencies, which carry its evidence
    of the names, so without them the first stage's weights decide."""
    decision = model.decision
    if decision is None or weight < decision.gate:
        return weight
    if not isinstance(frequencies, NameFrequencies) or not frequencies.counted:
        return weight
    return decision.weight(levels, name_shares(levels, left, right, frequencies))


# Documents that only the same person shares: the same number, or its digits in another order (a
# typing slip). One character apart is not enough: a household's documents are often issued in sequence.
SAME_DOCUMENT = frozenset({"exact", "transposed"})


# An address that only one household shares: written alike, with a slip, or more fully.
SAME_ADDRESS = frozenset({"exact", "close", "fuller"})


# The levels that veto a pair without a common document, unless the file's own duplicates show them
# often (`Model.vetoes`):
# - different given names (not swapped, not a variant, not a letter apart): twins and siblings share
#   everything else (family, father, household, even the birth date);
# - birth years a generation apart: a father and a son often share given, family and father's name
#   and the household.
# The model's weights take the comparisons as independent, so such a pair would add up to a match.
# - two full birth dates, both exact, that differ beyond a slip (the same year and another day and
#   month; or another year and another day or month): namesakes born the same year.
VETO_LEVELS = (("given", "else"), ("birth", "generation"), ("birth", "year"), ("birth", "conflict"))
# A veto holds while at most this share of one person's records reach its level (m): beyond it,
# as on a file whose given names or birth dates were often replaced, it would refuse true pairs.
VETO_M = 0.05


def vetoed(levels: Mapping[str, str], model: Model | None = None) -> bool:
    """Never judged the same person, whatever the probability: see VETO_LEVELS. Two full numbers of
    the same kind of document (the document level "conflict") are two persons too, unless the whole
    birth date or the address agrees (one person with a renewed passport, still at home)."""
    if levels.get("document") in SAME_DOCUMENT:
        return False
    if (
        levels.get("document") == "conflict"
        and levels.get("birth") != "exact"
        and levels.get("address") not in SAME_ADDRESS
    ):
        return True
    return any(levels.get(comparison) == level for comparison, level in (model or default_model()).vetoes)


def evidence_from_levels(levels: Mapping[str, str], left: Features, right: Features) -> list[list[str]]:
    """The evidence, as stored (see `describe`), for levels Splink found (batch output)."""
    codes = []
    for comparison in COMPARISONS:
        level = next(lv for lv in comparison.levels if lv.key == levels[comparison.key])
        if not level.is_null:
            codes.append([comparison.key, level.key, *_shown(comparison, left, right)])
    return codes


def describe(item: Sequence[str]) -> tuple[str, str]:
    """One piece of stored evidence, [comparison, level, left value, right value], as (aspect, phrase) in
    the active language. Evidence is stored so, not as words, because a pair found in a Russian-speaking
    officer's session is reviewed by others in Kazakh or English; an item stored as words by an older
    Panah ([aspect, phrase]) is shown as it is."""
    if len(item) != 4:
        return (str(item[0]), str(item[1])) if len(item) == 2 else ("", " ".join(map(str, item)))
    key, level_key, left, right = item
    comparison = BY_KEY.get(key)
    level = next((lv for lv in comparison.levels if lv.key == level_key), None) if comparison else None
    if comparison is None or level is None:  # a comparison this Panah no longer makes
        return key, f"{left} / {right}"
    return str(comparison.label), str(_words(comparison, level, left, right, lazy=False))


def evidence_text(codes: Iterable[Sequence[str]]) -> str:
    """Stored evidence as one line of words, in the active language."""
    return "; ".join(f"{aspect}: {phrase}" for aspect, phrase in map(describe, codes))
