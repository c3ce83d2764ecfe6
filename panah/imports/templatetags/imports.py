"""Template helpers of the import pages: a report's codes rendered in the reader's language."""

import datetime as dt
from typing import Any

from django import template

from panah.imports import messages

register = template.Library()


@register.filter
def message(code: str) -> str:
    """A message code without parameters (a row skipped: "totals_row") in the reader's language."""
    return messages.render(code)


@register.filter
def row_label(row: Any) -> str:
    return messages.row_label(row)


@register.filter
def iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@register.simple_tag
def region_not_covered(entry: dict[str, Any]) -> str:
    """ "40 rows are for Almaty city, which you do not cover" from a report's `regions_outside` entry."""
    return messages.render("region_not_covered", {"n": entry["n"], "region": entry["region"]})
