"""Batch duplicate detection over a person file: Splink (Fellegi-Sunter) fed by Panah's normalisation.

`find_duplicates()` prepares each record (`normalise.prepare`), hands the feature columns to Splink
with the comparisons and trained parameters of `comparisons.py`, and returns the pairs whose match
probability reaches the threshold, each with the evidence in words, and the pairs those imply
through a third record (`implied_pairs`). On a file of
M_FROM_FILE_RECORDS or more, the m probabilities (how one person's records differ) are first
re-estimated on the file itself by expectation maximisation, starting from the trained ones. DuckDB (in-process) is the
default engine; Spark in local mode (or on a cluster, through the session the caller configures)
when the registry outgrows one machine. Both run the same SQL, so they find the same pairs.

Blocking: only pairs that share one of these keys are compared. Each rule includes the birth year
or a document number, because caseload names repeat (a million persons hold thousands of
"Mohammad Ahmadi"), so a rule on names alone would compare billions of pairs.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.utils.translation import ngettext

from panah.matching.comparisons import (
    BY_KEY,
    COLUMNS,
    JUDGED_SAME,
    TF_COLUMNS,
    TF_FROM_RECORDS,
    TF_LEVELS,
    Decision,
    Model,
    NameFrequencies,
    decide,
    default_model,
    evidence_from_levels,
    evidence_text,
    levels_of,
    name_shares,
    probability,
    vetoed,
)
from panah.matching.normalise import prepare

Backend = Literal["duckdb", "spark"]
Progress = Callable[[str, float], None]

BLOCKING_RULES = (
    # The same name words (skeletons) and birth year: order swaps and compound names meet too.
    "l.given_skel = r.given_skel AND l.family_skel = r.family_skel AND l.birth_year = r.birth_year",
    "l.name_skels = r.name_skels AND l.birth_year = r.birth_year",
    "l.given_skel = r.family_skel AND l.family_skel = r.given_skel AND l.birth_year = r.birth_year",
    # A typo or another given name: the family name and the whole birth date.
    "l.family_skel = r.family_skel AND l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day",
    "l.given_skel = r.given_skel AND l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day",
    # A typo in one name: the other name, the father's name and the birth year.
    "l.given_skel = r.given_skel AND l.patronymic_skel = r.patronymic_skel AND l.birth_year = r.birth_year",
    "l.family_skel = r.family_skel AND l.patronymic_skel = r.patronymic_skel AND l.birth_year = r.birth_year",
    # Another birth year: all three names and the day and month (a digit of the year mistyped), or the
    # given and family names at the same address. All three names alone would compare every two of
    # the thousands of men named Mohammad Ahmadi, son of Ahmad, born in any year: at a million
    # records, over a hundred million pairs.
    "l.given_skel = r.given_skel AND l.family_skel = r.family_skel AND l.patronymic_skel = r.patronymic_skel"
    " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
    "l.given_skel = r.given_skel AND l.family_skel = r.family_skel AND l.address_key = r.address_key",
    # The same document.
    "l.document_number = r.document_number",
    # Two digits of a document number swapped.
    "l.document_number_sorted = r.document_number_sorted",
    # Other names (a marriage, a mistake) at the same address: the birth year.
    "l.address_key = r.address_key AND l.birth_year = r.birth_year",
)
# Rules for training (expectation maximisation needs pairs that are mostly, not all, matches).
TRAINING_RULES = (
    "l.document_number = r.document_number",
    "l.given_skel = r.given_skel AND l.family_skel = r.family_skel AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day",
)
DETERMINISTIC_RULES = (
    "l.given = r.given AND l.family = r.family AND l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
    " AND l.birth_day = r.birth_day",
    "l.document_number = r.document_number AND l.family_skel = r.family_skel",
)

TABLE_COLUMNS = ("person_id", *COLUMNS, "name_skels")
INT_COLUMNS = {"birth_year", "birth_month", "birth_day"}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pair:
    left_id: str
    right_id: str
    score: float
    # The evidence as stored, [[comparison, level, left value, right value], ...] (`describe`), and the
    # records an implied pair is linked through.
    evidence: tuple[tuple[str, ...], ...] = ()
    through: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The evidence in words, in the active language."""
        text = evidence_text(self.evidence)
        if not self.through:
            return text
        linked = ngettext(
            "the same person through record %(records)s",
            "the same person through records %(records)s",
            len(self.through),
        ) % {"records": ", ".join(self.through)}
        return f"{linked}; {text}"


class InputError(ValueError):
    """A person file that cannot be matched: says which row and column."""


ORIGINAL_COLUMNS = ("given_name", "family_name", "patronymic", "place")
Columns = dict[str, list[Any]]


def _null(value: Any) -> Any:
    return None if value == "" else value


def features_of(records: Iterable[Mapping[str, str]], progress: Progress | None = None) -> Columns:
    """prepare() of every record, as columns; refuses a missing or repeated
    person_id and a bad birth_date, naming the row (the first record is row 1)."""
    names = (*TABLE_COLUMNS, *ORIGINAL_COLUMNS)
    columns: Columns = {name: [] for name in names}
    seen: dict[str, int] = {}
    for row, record in enumerate(records, start=1):
        person_id = str(record.get("person_id") or "").strip()
        if not person_id:
            raise InputError(f"row {row}: person_id is empty")
        if person_id in seen:
            raise InputError(f"row {row}: person_id {person_id!r} repeats row {seen[person_id]}")
        seen[person_id] = row
        try:
            features = prepare(record)
        except ValueError as error:
            raise InputError(f"row {row}, column birth_date: {error}") from error
        for name in names:
            columns[name].append(_null(features[name]))
        if progress and row % 100_000 == 0:
            progress(f"prepared {row:,} records", 0.0)
    return columns


def columns_from_features(features: Iterable[Mapping[str, Any]]) -> Columns:
    """Feature dicts (prepare()) as columns."""
    names = (*TABLE_COLUMNS, *ORIGINAL_COLUMNS)
    columns: Columns = {name: [] for name in names}
    for f in features:
        for name in names:
            columns[name].append(_null(f.get(name, "")))
    return columns


def _arrow_table(columns: Columns):
    import pyarrow as pa

    names = list(columns)
    schema = pa.schema([(name, pa.int32() if name in INT_COLUMNS else pa.string()) for name in names])
    return pa.table(columns, schema=schema)


def settings(model: Model | None, blocking_rules: Iterable[str] = BLOCKING_RULES, *,
             term_frequencies: bool = True) -> dict[str, Any]:  # fmt: skip
    """Splink settings: Panah's comparisons with the model's parameters (and the names' term
    frequencies on the file, with `term_frequencies`)."""
    model = model or default_model()
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "person_id",
        "probability_two_random_records_match": model.prior,
        "comparisons": model.splink_comparisons(term_frequencies),
        "blocking_rules_to_generate_predictions": list(blocking_rules),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": list(ORIGINAL_COLUMNS),
    }


def duckdb_api(memory_limit: str | None = None, threads: int | None = None):
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    threads = threads or int(os.environ.get("PANAH_DUCKDB_THREADS") or 0) or os.cpu_count() or 1
    connection.execute(f"SET threads = {threads}")
    connection.execute(f"SET memory_limit = '{memory_limit or os.environ.get('PANAH_DUCKDB_MEMORY', '4GB')}'")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


_spark_session = None


def spark_session(master: str | None = None):
    """A local Spark session (or the active one): `PANAH_SPARK_MASTER` or local[*]."""
    global _spark_session
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _spark_session is None:
        checkpoints = tempfile.mkdtemp(prefix="panah-spark-")
        _spark_session = (
            SparkSession.builder.master(master or os.environ.get("PANAH_SPARK_MASTER", "local[*]"))
            .appName("panah-dedup")
            .config("spark.driver.memory", os.environ.get("PANAH_SPARK_MEMORY", "4g"))
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        _spark_session.sparkContext.setCheckpointDir(checkpoints)
        _spark_session.sparkContext.setLogLevel("ERROR")
    return _spark_session


def spark_api(session=None):
    from splink import SparkAPI

    return SparkAPI(spark_session=session or spark_session(), register_udfs_automatically=False)


def _register(db_api, columns: Columns, backend: Backend):
    if backend == "spark":
        from pyspark.sql.types import IntegerType, StringType, StructField, StructType

        names = list(columns)
        schema = StructType([StructField(c, IntegerType() if c in INT_COLUMNS else StringType(), True) for c in names])
        rows = list(zip(*(columns[c] for c in names), strict=True))
        return db_api.register(db_api.spark.createDataFrame(rows, schema=schema))
    return db_api.register(_arrow_table(columns))


def _sides(row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two records of a prediction row (columns suffixed _l and _r) as feature dicts."""
    left, right = {}, {}
    for key, value in row.items():
        if key.endswith("_l"):
            left[key[:-2]] = value
        elif key.endswith("_r"):
            right[key[:-2]] = value
    return left, right


def _linker(db_api, table, model: Model | None, blocking_rules: Iterable[str] | None = None, *,
            term_frequencies: bool = True):  # fmt: skip
    from splink import Linker

    rules = BLOCKING_RULES if blocking_rules is None else blocking_rules
    return Linker(table, settings(model, rules, term_frequencies=term_frequencies), log_level=logging.WARNING)


def _rows(frame, backend: Backend, chunk: int = 50_000) -> Iterator[dict[str, Any]]:
    """The rows of a Splink result, a chunk at a time (a million persons give hundreds of thousands)."""
    if backend == "spark":
        for row in frame.as_spark_dataframe().toLocalIterator():
            yield row.asDict()
        return
    cursor = frame.db_api._con.cursor()  # a cursor of its own: the result is read as it is kept
    cursor.execute(f"SELECT * FROM {frame.physical_name}")  # noqa: S608 - a table name Splink made
    names = [column[0] for column in cursor.description]
    while batch := cursor.fetchmany(chunk):
        for values in batch:
            yield dict(zip(names, values, strict=True))
    cursor.close()


def find_duplicates(
    records: Iterable[Mapping[str, str]],
    threshold: float = JUDGED_SAME,
    backend: Backend = "duckdb",
    progress: Progress | None = None,
    *,
    model: Model | None = None,
    db_api=None,
    implied: bool = True,
    on_frequencies: Callable[[NameFrequencies], None] | None = None,
) -> list[Pair]:
    """Pairs of records judged to be one person (match probability >= threshold and not
    `comparisons.vetoed`), left_id < right_id, best first, with the pairs they imply (`implied_pairs`)
    unless `implied` is false; `on_frequencies` is handed the names' frequencies on the file (the
    registry run keeps them for the online check). The model's prior is scaled to the size of the file
    (`Model.for_population`). Raises InputError for a missing or repeated person_id or a bad birth_date."""
    model = fitted = model or default_model()
    started = time.monotonic()

    def report(step: str, fraction: float) -> None:
        logger.debug("%s (%.1f s)", step, time.monotonic() - started)
        if progress:
            progress(step, fraction)

    columns = features_of(records, progress)
    count = len(columns["person_id"])
    report(f"prepared {count:,} records", 0.3)
    if count < 2:
        return []
    model = model.for_population(count)
    frequencies = NameFrequencies.of_columns(columns)
    if on_frequencies is not None:
        on_frequencies(frequencies)
    if db_api is None:
        db_api = spark_api() if backend == "spark" else duckdb_api()
    table = _register(db_api, columns, backend)
    crowded = _crowded(columns) if implied else frozenset()
    del columns
    # A name's frequency on the file scales what agreeing on it proves (`comparisons.NameFrequencies`).
    term_frequencies = count >= TF_FROM_RECORDS
    if count >= M_FROM_FILE_RECORDS:
        model = model.with_m(estimate_m(db_api, table, model, term_frequencies=term_frequencies))
        report("estimated on the file how its records differ", 0.4)
    linker = _linker(db_api, table, model, term_frequencies=term_frequencies)
    if threshold <= 0:
        weight_threshold = None
    elif threshold >= 1:
        weight_threshold = 53.0  # from here 2^w / (1 + 2^w) is 1.0 in double precision
    else:
        weight_threshold = math.log2(threshold / (1 - threshold))
    if model.decision is not None:  # Splink's weight is the first stage: keep what reaches the gate
        weight_threshold = model.decision.gate if weight_threshold is None else min(weight_threshold, model.decision.gate)
    predictions = linker.inference.predict(threshold_match_weight=weight_threshold, warning_mode="never")
    if model.decision is not None and fitted.decision is not None:
        model = replace(model, decision=model.decision.for_candidates(_mean_probability(predictions, backend), fitted.decision))
    report("scored candidate pairs", 0.9)
    gammas = {c.key: c.gammas for c in BY_KEY.values()}
    pairs: list[Pair] = []
    features: dict[str, dict[str, Any]] = {}
    for row in _rows(predictions, backend):
        left, right = str(row["person_id_l"]), str(row["person_id_r"])
        levels = {key: gammas[key][int(row[f"gamma_{key}"])] for key in gammas}
        if vetoed(levels, model):
            continue
        probability = float(row["match_probability"])
        if model.decision is not None:
            names = [{column: row[f"{column}_{side}"] for column in TF_COLUMNS} for side in "lr"]
            probability = match_probability(decide(model, float(row["match_weight"]), levels, *names, frequencies))
        if probability < threshold:
            continue
        left_features, right_features = _sides(row)
        if left > right:
            left, right = right, left
            left_features, right_features = right_features, left_features
        features.setdefault(left, left_features)
        features.setdefault(right, right_features)
        evidence = tuple(map(tuple, evidence_from_levels(levels, left_features, right_features)))
        pairs.append(Pair(left, right, round(probability, 6), evidence))
    predictions.drop_table_from_database_and_remove_from_cache()
    pairs.sort(key=lambda p: (-p.score, p.left_id, p.right_id))
    if implied:
        pairs += list(implied_pairs(pairs, features, model, crowded))
        pairs.sort(key=lambda p: (-p.score, p.left_id, p.right_id))
    report(f"found {len(pairs):,} pairs", 1.0)
    return pairs


# One person's records in one group at most: the offices that may register someone (a department or
# two, UNHCR, a partner or two) rarely write more. A bigger group is a chain of look-alikes.
MAX_GROUP = 6
# Only links this probable join groups: a chain is as weak as its weakest link, and a link just over
# the threshold between two records of common names is as likely as not a pair of namesakes.
STRONG_LINK = 0.95


def _crowded(columns: Columns) -> frozenset[str]:
    """The records whose names and birth year more than MAX_GROUP records share: so many cannot all be
    one person, so the file holds namesakes there, and a link between two of them may join two."""
    keys = list(zip(columns["given_skel"], columns["family_skel"], columns["birth_year"], strict=True))
    counts = Counter(keys)
    return frozenset(pid for pid, key in zip(columns["person_id"], keys, strict=True) if counts[key] > MAX_GROUP)


def implied_pairs(
    pairs: list[Pair], features: Mapping[str, Mapping[str, Any]], model: Model, crowded: Set[str] = frozenset()
) -> Iterator[Pair]:
    """The pairs that the judged pairs imply: if A is B and B is C, A is C, though A and C may share
    little (each of B's records kept another part of the truth). Groups are joined from the best
    pair down (`pairs` sorted by score), so an implied pair's score is that of the weakest link
    between them; two groups are joined only through a STRONG_LINK, not beyond MAX_GROUP records,
    nor through a link between `crowded` records (among namesakes), nor when any record of one and
    any of the other are vetoed as a pair (`comparisons.vetoed`: twins, a father and a son, two
    documents of the same kind, two different full birth dates): a group is one person."""
    group: dict[str, list[str]] = {}
    judged = {(p.left_id, p.right_id) for p in pairs}
    for link in pairs:
        if link.score < STRONG_LINK or (link.left_id in crowded and link.right_id in crowded):
            continue
        first = group.setdefault(link.left_id, [link.left_id])
        second = group.setdefault(link.right_id, [link.right_id])
        if first is second or len(first) + len(second) > MAX_GROUP:
            continue
        across = {}
        for a in first:
            for b in second:
                left, right = min(a, b), max(a, b)
                across[left, right] = levels_of(features[left], features[right])
        if any(vetoed(levels, model) for levels in across.values()):
            continue
        for a in first:
            for b in second:
                left, right = min(a, b), max(a, b)
                if (left, right) in judged:
                    continue
                levels = across[left, right]
                through = tuple(dict.fromkeys(x for x in (a, link.left_id, link.right_id, b) if x not in (left, right)))
                evidence = tuple(map(tuple, evidence_from_levels(levels, features[left], features[right])))
                yield Pair(left, right, link.score, evidence, through)
        first.extend(second)
        for member in second:
            group[member] = first


def predict_weights(features: list[dict[str, Any]], model: Model | None = None, backend: Backend = "duckdb",
                    db_api=None) -> dict[tuple[str, str], tuple[float, dict[str, str]]]:  # fmt: skip
    """(left_id, right_id) -> (Splink's match weight, levels) for every blocked pair: to check the
    Python scorer against Splink."""
    model = model or default_model()
    if db_api is None:
        db_api = spark_api() if backend == "spark" else duckdb_api()
    term_frequencies = len(features) >= TF_FROM_RECORDS
    linker = _linker(
        db_api, _register(db_api, columns_from_features(features), backend), model, term_frequencies=term_frequencies
    )
    frame = linker.inference.predict(warning_mode="never")
    gammas = {c.key: c.gammas for c in BY_KEY.values()}
    result = {}
    for row in _rows(frame, backend):
        levels = {key: gammas[key][int(row[f"gamma_{key}"])] for key in gammas}
        result[str(row["person_id_l"]), str(row["person_id_r"])] = (float(row["match_weight"]), levels)
    return result


# From this many records a file holds enough likely pairs to learn from.
M_FROM_FILE_RECORDS = 2_000


def estimate_m(db_api, table, model: Model, *, term_frequencies: bool = True) -> dict[str, dict[str, float]]:
    """m of every level re-estimated on this file by expectation maximisation (Splink), starting from
    the model's: how often one person's records differ (a new document, another birth date, a
    misspelt address) depends on who wrote the file, while u, how often different persons agree by
    chance, is kept from the model (measured on a file it would count the file's own duplicates)."""
    linker = _linker(db_api, table, model, term_frequencies=term_frequencies)
    for rule in TRAINING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    measured: dict[str, dict[str, float]] = {}
    for comparison in linker.misc.save_model_to_json()["comparisons"]:
        levels = measured.setdefault(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            m = level.get("m_probability")
            if not level.get("is_null_level") and m is not None:
                levels[level["label_for_charts"]] = m
    return measured


M_FLOOR = 0.01  # no level is impossible for one person written twice (the training set lacks some errors)
U_FLOOR = 1e-6


def _smoothed(levels: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    m = {key: max(values[0], M_FLOOR) for key, values in levels.items()}
    u = {key: max(values[1], U_FLOOR) for key, values in levels.items()}
    m_total, u_total = sum(m.values()), sum(u.values())
    return {key: (round(m[key] / m_total, 8), round(u[key] / u_total, 10)) for key in levels}


def train_model(records: Iterable[Mapping[str, str]], *, seed: int = 42, u_pairs: float = 5e6) -> Model:
    """Fellegi-Sunter parameters estimated with Splink on a person file (no labels used): the prior
    from deterministic rules, u by random sampling, m by expectation maximisation."""
    from splink import Linker

    columns = features_of(records)
    db_api = duckdb_api()
    table = _register(db_api, columns, "duckdb")
    untrained = {
        **settings(Model(prior=1e-4, parameters={})),
        "comparisons": [
            {
                "output_column_name": c["output_column_name"],
                "comparison_levels": [
                    {k: v for k, v in level.items() if k not in ("m_probability", "u_probability")}
                    for level in c["comparison_levels"]
                ],
            }
            for c in Model(prior=1e-4, parameters={}).splink_comparisons()
        ],
    }
    linker = Linker(table, untrained, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    for rule in TRAINING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    trained = linker.misc.save_model_to_json()
    parameters: dict[str, dict[str, tuple[float, float]]] = {}
    for comparison in trained["comparisons"]:
        levels = {}
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            levels[level["label_for_charts"]] = (level.get("m_probability") or 0.0, level.get("u_probability") or 0.0)
        parameters[comparison["output_column_name"]] = _smoothed(levels)
    import splink

    return Model(
        prior=trained["probability_two_random_records_match"],
        parameters=parameters,
        notes={
            "trained_with": f"splink {splink.__version__}, DuckDB backend",
            "records": len(columns["person_id"]),
            "method": "prior from deterministic rules (recall 0.6); u by random sampling "
            f"({u_pairs:.0e} pairs, seed {seed}); m by expectation maximisation blocked on "
            + " | ".join(TRAINING_RULES)
            + f"; every m at least {M_FLOOR}, u at least {U_FLOOR}, each comparison renormalised",
        },
    )


def match_probability(weight: float) -> float:
    return probability(weight)


# The first stage's weight from which a pair is weighed by the decision: low enough that almost every
# true pair reaches it (on the scale sets 1 in 60 does not: common names and nothing else in common).
DECISION_GATE = -8.0
# Weighed together in the decision (`comparisons.Decision.joint`). None by default: (address, region)
# and (given, family) were measured on the scale sets and moved F1 by less than 0.001.
DECISION_JOINT: tuple[tuple[str, str], ...] = ()


Candidate = tuple[tuple[str, str], dict[str, str], dict[str, float]]


def _mean_probability(frame, backend: Backend) -> float:
    """The mean match probability of a table of predictions (`Decision.for_candidates`)."""
    sql = f"SELECT avg(match_probability) FROM {frame.physical_name}"  # noqa: S608 - a table name Splink made
    if backend == "spark":
        value = frame.db_api.spark.sql(sql).collect()[0][0]
    else:
        cursor = frame.db_api._con.cursor()  # as `_rows`: a cursor of its own
        value = cursor.execute(sql).fetchone()[0]
        cursor.close()
    return float(value or 0.0)


def gated_candidates(records: Iterable[Mapping[str, str]], model: Model | None = None, gate: float = DECISION_GATE,
                     ) -> tuple[Model, list[Candidate], float]:  # fmt: skip
    """The model as the file adapts it (scaled to the file, m estimated on it, its decision to the
    first stage's mean probability), ((left_id, right_id), levels, log2 name shares) of every blocked
    pair whose first-stage weight reaches `gate`, scored as `find_duplicates` scores them (what a
    `Decision` is fitted on and applied to), and that mean probability."""
    columns = features_of(records)
    count = len(columns["person_id"])
    fitted = model or default_model()
    model = fitted.for_population(count)
    frequencies = NameFrequencies.of_columns(columns)
    db_api = duckdb_api()
    table = _register(db_api, columns, "duckdb")
    del columns
    term_frequencies = count >= TF_FROM_RECORDS
    if count >= M_FROM_FILE_RECORDS:
        model = model.with_m(estimate_m(db_api, table, model, term_frequencies=term_frequencies))
    linker = _linker(db_api, table, model, term_frequencies=term_frequencies)
    predictions = linker.inference.predict(threshold_match_weight=gate, warning_mode="never")
    mean = _mean_probability(predictions, "duckdb")
    if model.decision is not None and fitted.decision is not None:
        model = replace(model, decision=model.decision.for_candidates(mean, fitted.decision))
    gammas = {c.key: c.gammas for c in BY_KEY.values()}
    candidates: list[Candidate] = []
    for row in _rows(predictions, "duckdb"):
        pair = (str(row["person_id_l"]), str(row["person_id_r"]))
        levels = {key: gammas[key][int(row[f"gamma_{key}"])] for key in gammas}
        names = [{column: row[f"{column}_{side}"] for column in TF_COLUMNS} for side in "lr"]
        candidates.append(((min(pair), max(pair)), levels, name_shares(levels, *names, frequencies)))
    predictions.drop_table_from_database_and_remove_from_cache()
    return model, candidates, mean


def fit_decision(records: Iterable[Mapping[str, str]], truth: Set[tuple[str, str]], *, model: Model | None = None,
                 gate: float = DECISION_GATE, joint: tuple[tuple[str, str], ...] = DECISION_JOINT,
                 description: str = "") -> Decision:  # fmt: skip
    """A `Decision` fitted on a labelled file: logistic regression (scikit-learn, which comes with the
    test extras: fitting is done where the model is made, not where it is used) of "the two records
    are one person" (`truth`, pairs left_id < right_id) on the levels and the names' log2 shares of
    the file's gated candidates, its coefficients turned from nats into bits."""
    records = list(records)
    adapted, candidates, mean = gated_candidates(records, model, gate)
    decision = fit_decision_on(candidates, truth, population=len(records), gate=gate, joint=joint,
                               description=description)  # fmt: skip
    m = {key: {level: m for level, (m, _u) in levels.items()} for key, levels in adapted.parameters.items()}
    return replace(decision, m=m, base_rate=round(mean, 6))


def fit_decision_on(candidates: list[tuple[tuple[str, str], dict[str, str], dict[str, float]]],
                    truth: Set[tuple[str, str]], *, population: int, gate: float = DECISION_GATE,
                    joint: tuple[tuple[str, str], ...] = DECISION_JOINT, description: str = "") -> Decision:  # fmt: skip
    """`fit_decision` on candidates already found (`gated_candidates`) on a file of `population` records."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    shape = Decision(gate=gate, intercept=0.0, weights={}, tf={}, joint=joint)
    index: dict[tuple[str, str], int] = {}
    tf_keys = sorted(TF_LEVELS)
    rows, cols, values, labels = [], [], [], []
    for n, (pair, levels, shares) in enumerate(candidates):
        for key in shape.features(levels):
            rows.append(n)
            cols.append(index.setdefault(key, len(index) + len(tf_keys)))
            values.append(1.0)
        for j, key in enumerate(tf_keys):
            if key in shares:
                rows.append(n)
                cols.append(j)
                values.append(shares[key])
        labels.append(pair in truth)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(labels), len(index) + len(tf_keys)))
    fitted = LogisticRegression(max_iter=5000).fit(matrix, np.array(labels))
    bits = fitted.coef_[0] / math.log(2)
    weights: dict[str, dict[str, float]] = {}
    for (key, level), column in sorted(index.items(), key=lambda item: item[1]):
        weights.setdefault(key, {})[level] = round(float(bits[column]), 4)
    return Decision(
        gate=gate,
        intercept=round(float(fitted.intercept_[0] / math.log(2)), 4),
        weights=weights,
        tf={key: round(float(w), 4) for key, w in zip(tf_keys, bits[: len(tf_keys)], strict=True)},
        population=population,
        joint=joint,
        notes={"fitted_on": description, "candidates": len(labels), "true_candidates": int(sum(labels)),
               "method": "logistic regression (scikit-learn, L2, C=1) on the levels and log2 name shares of "
               f"the candidate pairs whose first-stage weight reaches {gate} bits"},
    )  # fmt: skip
