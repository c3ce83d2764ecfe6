#!/usr/bin/env python
"""Where duplicate detection goes wrong on a scale set, and how far the same evidence could go.

    .venv/bin/python bench/matching_diagnosis.py                    # 250,000 records, seed 7
    .venv/bin/python bench/matching_diagnosis.py --records 50000 --seed 3

On a set of `panah.matching.scale` (the truth known) it runs the batch as `find_duplicates` does (the
shipped model scaled to the file, m re-estimated on it, names' frequencies, the decision stage on the
pairs that reach its gate), but keeps every candidate pair down to --floor bits, and prints:

1. precision, recall and F1 at several thresholds (vetoes and implied pairs as the batch applies them):
   a flat curve means the ranking, not the threshold, limits the result;
2. the anatomy of the errors at 0.9: missed pairs never scored (not blocked, or below the floor),
   vetoed, or below the threshold; false pairs found directly or implied through a third record;
3. the level combinations where the model errs most against what one decision per combination
   would do (its "excess" errors): where the weights are wrong;
4. upper bounds of the same evidence, with the truth (2-fold cross-validation over the scored
   candidates, pairwise, no vetoes or implied pairs): a logistic regression on the comparison levels
   and the names' log frequencies (the Fellegi-Sunter form, weights fitted with labels) and a
   gradient-boosted classifier (interactions too). scikit-learn comes with the test extras.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
os.environ.setdefault("PANAH_TESTING", "1")

import django  # noqa: E402

django.setup()

from panah.matching import batch, scale  # noqa: E402
from panah.matching.comparisons import (  # noqa: E402
    BY_KEY,
    TF_COLUMNS,
    NameFrequencies,
    decide,
    default_model,
    probability,
    vetoed,
)
from panah.matching.crossscript import split_truth, true_pairs  # noqa: E402

Pairs = set[tuple[str, str]]


def candidates(rows, floor: float):
    """(model, {pair: (probability, levels, frequency features)}, features by id, crowded ids)."""
    columns = batch.features_of(rows)
    count = len(columns["person_id"])
    frequencies = NameFrequencies.of_columns(columns)
    model = default_model().for_population(count)
    db_api = batch.duckdb_api()
    table = batch._register(db_api, columns, "duckdb")
    crowded = batch._crowded(columns)
    features = {columns["person_id"][i]: {k: columns[k][i] for k in columns} for i in range(count)}
    if count >= batch.M_FROM_FILE_RECORDS:
        model = model.with_m(batch.estimate_m(db_api, table, model))
    predictions = batch._linker(db_api, table, model).inference.predict(
        threshold_match_weight=floor, warning_mode="never"
    )
    gammas = {c.key: c.gammas for c in BY_KEY.values()}
    tf_levels = {(c.key, lv.key): lv.tf for c in BY_KEY.values() for lv in c.levels if lv.tf}
    scored = {}
    for row in batch._rows(predictions, "duckdb"):
        pair = tuple(sorted((str(row["person_id_l"]), str(row["person_id_r"]))))
        levels = {key: gammas[key][int(row[f"gamma_{key}"])] for key in gammas}
        shares = []
        for key in ("given", "family", "patronymic"):
            column = tf_levels.get((key, levels[key]))
            known = [frequencies(column, row.get(f"{column}_{s}")) for s in "lr"] if column else []
            shares.append(math.log2(max(known)) if any(known) else 0.0)
        names = [{column: row[f"{column}_{side}"] for column in TF_COLUMNS} for side in "lr"]
        weight = decide(model, float(row["match_weight"]), levels, *names, frequencies)
        scored[pair] = (probability(weight), levels, shares)
    predictions.drop_table_from_database_and_remove_from_cache()
    return model, scored, features, crowded


def decided(model, scored, features, crowded, threshold: float) -> tuple[Pairs, Pairs]:
    direct = sorted(
        (batch.Pair(left, right, p) for (left, right), (p, levels, _) in scored.items()
         if p >= threshold and not vetoed(levels, model)),
        key=lambda pair: (-pair.score, pair.left_id, pair.right_id),
    )  # fmt: skip
    implied = batch.implied_pairs(direct, features, model, crowded)
    return {(p.left_id, p.right_id) for p in direct}, {(p.left_id, p.right_id) for p in implied}


def scores(found: Pairs, expected: Pairs) -> str:
    hits = len(found & expected)
    precision, recall = hits / max(len(found), 1), hits / max(len(expected), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return f"P {precision:.4f}  R {recall:.4f}  F1 {f1:.4f}"


def upper_bounds(scored, expected: Pairs) -> None:
    import numpy as np
    from scipy import sparse
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    keys = sorted(scored)
    index = {(c, lv.key): i for i, (c, lv) in enumerate((c.key, lv) for c in BY_KEY.values() for lv in c.levels)}
    width = len(index)
    rows, cols = [], []
    codes = np.zeros((len(keys), len(BY_KEY)))
    for n, pair in enumerate(keys):
        for j, (key, level) in enumerate(scored[pair][1].items()):
            rows.append(n)
            cols.append(index[key, level])
            codes[n, j] = index[key, level]
    frequency = np.array([scored[pair][2] for pair in keys])
    onehot = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), width))
    linear = sparse.hstack([onehot, sparse.csr_matrix(frequency)]).tocsr()
    dense = np.hstack([codes, frequency])
    labels = np.array([pair in expected for pair in keys])
    fold = np.random.default_rng(0).integers(0, 2, len(keys))
    for name, make, data in (
        ("logistic regression (levels, log frequencies)", lambda: LogisticRegression(max_iter=3000), linear),
        ("gradient boosting (levels, log frequencies)", lambda: HistGradientBoostingClassifier(
            max_iter=300, categorical_features=list(range(len(BY_KEY)))), dense),
    ):  # fmt: skip
        predicted = np.zeros(len(keys))
        for f in (0, 1):
            fitted = make().fit(data[fold != f], labels[fold != f])
            predicted[fold == f] = fitted.predict_proba(data[fold == f])[:, 1]
        best = max(
            (2 * (labels & (predicted >= t)).sum() / ((predicted >= t).sum() + len(expected)), t)
            for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
        )
        print(f"  {name:48} best pairwise F1 {best[0]:.4f} (at {best[1]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--floor", type=float, default=-8.0, help="lowest match weight kept (bits, default -8)")
    parser.add_argument("--no-bounds", action="store_true", help="skip the upper bounds (scikit-learn)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, truth = split_truth(scale.generate(args.records, seed=args.seed))
    expected = true_pairs(truth)
    model, scored, features, crowded = candidates(rows, args.floor)
    print(f"{args.records:,} records (scale seed {args.seed}), {len(expected):,} true pairs, "
          f"{len(scored):,} candidates down to {args.floor} bits ({time.perf_counter() - started:.0f} s)")  # fmt: skip

    print("\n1. by threshold (vetoes and implied pairs as the batch applies them)")
    for threshold in (0.6, 0.8, 0.9, 0.95, 0.98):
        direct, implied = decided(model, scored, features, crowded, threshold)
        print(f"  {threshold:4}  {scores(direct | implied, expected)}")

    direct, implied = decided(model, scored, features, crowded, 0.9)
    found = direct | implied
    missed = expected - found
    vetoes = {pair for pair in missed if pair in scored and vetoed(scored[pair][1], model)}
    never = {pair for pair in missed if pair not in scored}
    print("\n2. errors at 0.9")
    print(f"  missed {len(missed):,}: not scored (not blocked, or below {args.floor} bits) {len(never):,}, "
          f"vetoed {len(vetoes):,}, below the threshold {len(missed) - len(never) - len(vetoes):,}")  # fmt: skip
    print(f"  false {len(found - expected):,}: direct {len(direct - expected):,}, implied {len(implied - expected):,}")

    print("\n3. level combinations where the model errs most (excess over one decision per combination)")
    shown = ("given", "family", "patronymic", "birth", "document", "address", "region")
    cells: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # pairs, true, false found, missed
    for pair, (_p, levels, _f) in scored.items():
        cell = cells[tuple(levels[key] for key in shown)]
        true, taken = pair in expected, pair in found
        cell[0] += 1
        cell[1] += true
        cell[2] += taken and not true
        cell[3] += true and not taken
    excess = Counter({key: c[2] + c[3] - min(c[1], c[0] - c[1]) for key, c in cells.items()})
    print(f"  {'excess':>6} {'pairs':>6} {'true':>6} {'false':>6} {'missed':>6}  " + " ".join(shown))
    for key, extra in excess.most_common(12):
        pairs, true, false, miss = cells[key]
        print(f"  {extra:6,} {pairs:6,} {true:6,} {false:6,} {miss:6,}  " + " ".join(key))

    if not args.no_bounds:
        print("\n4. upper bounds of the same evidence, with the truth (2-fold cross-validation, pairwise)")
        upper_bounds(scored, expected)


if __name__ == "__main__":
    main()
