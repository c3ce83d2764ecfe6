#!/usr/bin/env python
"""Fit the decision stage of the duplicate model on a labelled scale set, and see how it does.

    .venv/bin/python bench/matching_fit.py                   # fit on 250,000 records of seed 2026, print
    .venv/bin/python bench/matching_fit.py --save            # ... and write it into model.json
    .venv/bin/python bench/matching_fit.py --evaluate 250000:7 --evaluate 1000000:7

The first stage (model.json's m and u, no labels) keeps the pairs whose weight reaches the gate; the
decision (`comparisons.Decision`) weighs them again with weights fitted on a *training* set of
`panah.matching.scale` (its own seed, never the seed the figures are reported on) by
`batch.fit_decision`. The threshold is chosen on the training set too (best F1 with vetoes and implied
pairs as the batch applies them), and printed; `--evaluate SIZE:SEED` then reports precision, recall and
F1 on other sets at that threshold and its neighbours. scikit-learn comes with the test extras.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
os.environ.setdefault("PANAH_TESTING", "1")

import django  # noqa: E402

django.setup()

from panah.matching import batch, scale  # noqa: E402
from panah.matching.comparisons import MODEL_PATH, Model, default_model, probability, vetoed  # noqa: E402
from panah.matching.crossscript import split_truth, true_pairs  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def outcome(model: Model, records, expected) -> dict[float, tuple[float, float, float]]:
    """threshold -> (P, R, F1) with vetoes and implied pairs, as `find_duplicates` decides."""
    adapted, candidates, _mean = batch.gated_candidates(records, model, model.decision.gate)
    scored = [(pair, levels, probability(adapted.decision.weight(levels, shares))) for pair, levels, shares in candidates]
    columns = batch.features_of(records)
    features = {columns["person_id"][i]: {k: columns[k][i] for k in columns} for i in range(len(columns["person_id"]))}
    crowded = batch._crowded(columns)
    result = {}
    for threshold in THRESHOLDS:
        direct = sorted(
            (batch.Pair(left, right, p) for (left, right), levels, p in scored if p >= threshold and not vetoed(levels, model)),
            key=lambda pair: (-pair.score, pair.left_id, pair.right_id),
        )
        found = {(p.left_id, p.right_id) for p in direct}
        found |= {(p.left_id, p.right_id) for p in batch.implied_pairs(direct, features, model, crowded)}
        hits = len(found & expected)
        precision, recall = hits / max(len(found), 1), hits / max(len(expected), 1)
        result[threshold] = (precision, recall, 2 * precision * recall / (precision + recall) if hits else 0.0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=250_000, help="size of the training set (default 250,000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the training set (default 2026)")
    parser.add_argument("--gate", type=float, default=batch.DECISION_GATE)
    parser.add_argument("--evaluate", action="append", default=[], metavar="SIZE:SEED")
    parser.add_argument("--save", action="store_true", help="write the decision into model.json")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, truth = split_truth(scale.generate(args.records, seed=args.seed))
    expected = true_pairs(truth)
    base = replace(default_model(), decision=None)
    decision = batch.fit_decision(rows, expected, model=base, gate=args.gate,
                                  description=f"panah.matching.scale, {args.records:,} records, seed {args.seed}")  # fmt: skip
    model = replace(base, decision=decision)
    print(f"fitted on {args.records:,} records (seed {args.seed}): {decision.notes['candidates']:,} candidates, "
          f"{decision.notes['true_candidates']:,} true ({time.perf_counter() - started:.0f} s)")  # fmt: skip
    print(f"  intercept {decision.intercept:+.2f} bits; name frequency bits per bit of share: {decision.tf}")
    for key, levels in decision.weights.items():
        print(f"  {key:12} " + "  ".join(f"{level} {weight:+.2f}" for level, weight in levels.items()))
    training = outcome(model, rows, expected)
    best = max(training, key=lambda t: training[t][2])
    print("\non the training set:")
    for threshold, (p, r, f1) in training.items():
        print(f"  {threshold:.1f}  P {p:.4f}  R {r:.4f}  F1 {f1:.4f}{'  <- chosen' if threshold == best else ''}")
    model = replace(model, decision=replace(decision, notes={**decision.notes, "threshold": best}))
    del rows, truth
    for spec in args.evaluate:
        size, seed = (int(part) for part in spec.split(":"))
        started = time.perf_counter()
        rows, truth = split_truth(scale.generate(size, seed=seed))
        figures = outcome(model, rows, true_pairs(truth))
        print(f"\n{size:,} records, seed {seed} ({time.perf_counter() - started:.0f} s):")
        for threshold, (p, r, f1) in figures.items():
            print(f"  {threshold:.1f}  P {p:.4f}  R {r:.4f}  F1 {f1:.4f}{'  <- chosen' if threshold == best else ''}")
    if args.save:
        model.save(MODEL_PATH)
        print(f"\nwritten into {MODEL_PATH}")


if __name__ == "__main__":
    main()
