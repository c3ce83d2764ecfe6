"""The Spark backend (Splink on Spark, local mode) finds the same pairs as DuckDB.

Without Java or pyspark this skips, except under CI=true, where it must not pass silently: it fails."""

import os
import shutil

import pytest

from panah.matching.batch import find_duplicates
from tests.matching.data import crossscript


def _missing_spark() -> str | None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    return None


@pytest.fixture(scope="module")
def spark():
    reason = _missing_spark()
    if reason:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"{reason}; CI=true requires the Spark test to run", pytrace=False)
        pytest.skip(reason)
    from panah.matching import batch

    session = batch.spark_session("local[1]")
    yield session
    session.stop()
    batch._spark_session = None


def test_spark_local_mode_finds_the_same_pairs_as_duckdb(spark):
    rows, _ = crossscript(800, 21)
    duckdb_pairs = find_duplicates(rows, backend="duckdb")
    spark_pairs = find_duplicates(rows, backend="spark")
    assert len(duckdb_pairs) > 50
    assert {(p.left_id, p.right_id) for p in spark_pairs} == {(p.left_id, p.right_id) for p in duckdb_pairs}
    duck = {(p.left_id, p.right_id): p for p in duckdb_pairs}
    for pair in spark_pairs:
        assert pair.score == pytest.approx(duck[pair.left_id, pair.right_id].score, abs=1e-6)
        assert pair.reason == duck[pair.left_id, pair.right_id].reason
