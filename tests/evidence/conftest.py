"""The case fixtures: evidence files are required by case steps."""

from tests.cases.conftest import open_case, step  # noqa: F401
