#!/usr/bin/env python
"""The API fuzzed for longer than `make test` does: tests/api/test_schemathesis.py (every check, every
phase, three roles, a live `panah serve`-like server on the demo) with more examples per operation, on
SQLite and on PostgreSQL. Prints, per database and role, the cases generated, the failures and the time.

    .venv/bin/python bench/api_fuzz.py --examples 400
    .venv/bin/python bench/api_fuzz.py --examples 1000 --database postgresql
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASES = {
    "sqlite": "sqlite:///var/bench/api-fuzz.sqlite3",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/test",
}
CASES = re.compile(r"(\d+) generated, (?:(\d+) found (\d+) unique failures|(\d+) passed)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=400, help="per operation and phase (make test: 40)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    failed = False
    rows = []
    for name in ["sqlite", "postgresql"] if args.database == "both" else [args.database]:
        env = {
            **os.environ,
            "DATABASE_URL": DATABASES[name],
            "PANAH_TESTING": "1",
            "PANAH_SCHEMATHESIS_EXAMPLES": str(args.examples),
        }
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/api/test_schemathesis.py"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        failed |= done.returncode != 0
        found = CASES.findall(done.stdout)
        for generated, _found, failures, _passed in found:
            rows.append((name, int(generated), int(failures or 0)))
        if done.returncode != 0:
            print(done.stdout[-6000:])
        print(f"{name}: {len(found)} roles, {elapsed:.0f} s in all, exit {done.returncode}", flush=True)
    print(f"\n{'database':12} {'cases':>8} {'failures':>9}")
    for name, generated, failures in rows:
        print(f"{name:12} {generated:8,} {failures:9}")
    print(f"\nin all: {sum(r[1] for r in rows):,} cases, {sum(r[2] for r in rows)} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
