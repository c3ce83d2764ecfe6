"""Statistics leaving the system as files: CSV with an HXL hashtag row, and XLSX with a metadata sheet.

Both are written from the figures `build_tables` returns (already protected by the disclosure
policy), never from persons. Suppressed cells are written as "*" with the policy's note.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook

from panah.stats.selectors import POPULATION_TYPES

SUPPRESSED = "*"
COLUMNS = ["table", "as_of", "known_on", "population_or_flow", "breakdown", "category", "value"]
# Humanitarian Exchange Language tags, so the file can be shared on HDX and read by HXL tools.
HXL_TAGS = ["#meta+table", "#date+as_of", "#date+known_on", "#population+type", "#indicator+breakdown",
            "#indicator+category", "#affected+num"]  # fmt: skip
DEFINITIONS = [
    ("REF", "Refugees: persons with refugee status in force on the reference date."),
    ("ASY", "Asylum-seekers: persons with an asylum claim pending at any stage."),
    ("STA", "Stateless persons determined or registered by the state (excluding refugees and asylum-seekers)."),
    ("UND", "Persons of undetermined nationality identified by UNHCR's legal partners."),
    ("OOC", "Others of concern."),
    ("Age", "Age on the reference date; a year-only birth date counts from 1 July, a month-only one from the 15th."),
    ("Region", "Region of residence on the reference date, with the list of regions valid on that date."),
    ("Refugee Recognition Rate", "Recognised / (recognised + complementary protection + rejected); "
                                 "otherwise closed cases are excluded."),
    ("Total Recognition Rate", "(Recognised + complementary protection) / the same substantive decisions."),
]  # fmt: skip


def rows(figures: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per published cell, in a stable order."""
    as_of, known_on = figures["as_of"], figures["known_on"]
    tables = figures["tables"]

    def cell(value: Any) -> Any:
        return SUPPRESSED if value is None else value

    for population in POPULATION_TYPES:
        yield ["stock", as_of, known_on, population, "total", "total", cell(figures["stock"][population])]
    for name, breakdown in (("by_origin", "origin"), ("by_sex_age", "sex_age"), ("by_region", "region")):
        for row, columns in tables[name].items():
            for column, value in columns.items():
                yield ["stock", as_of, known_on, row, breakdown, column, cell(value)]
    flows = tables["flows"]
    for flow, value in flows["totals"].items():
        yield ["flows", as_of, known_on, flow, "total", "total", cell(value)]
    for name, breakdown in (("by_origin", "origin"), ("by_region", "region")):
        for row, columns in flows[name].items():
            for column, value in columns.items():
                yield ["flows", as_of, known_on, row, breakdown, column, cell(value)]
    for rate, value in flows["rates"].items():
        yield ["rates", as_of, known_on, rate, "total", "percent", "" if value is None else value]


def to_csv(figures: dict[str, Any]) -> str:
    """UTF-8 CSV: header, HXL hashtag row, one row per cell. Text cells are made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(HXL_TAGS)
    for row in rows(figures):
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _safe(value: Any) -> Any:
    # A spreadsheet runs text starting with = + - @ as a formula: prefix it so it stays text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def metadata(figures: dict[str, Any], release: Any = None) -> list[tuple[str, str]]:
    policy = figures.get("disclosure", {})
    lines = [
        ("Title", "Persons of concern in Kazakhstan: official statistics (Panah)"),
        ("As of", figures["as_of"]),
        ("As known on", figures["known_on"]),
        ("Flows from", figures["tables"]["flows"]["period"]["from"]),
        ("Flows until", figures["tables"]["flows"]["period"]["to"]),
        ("Regions", "all of Kazakhstan" if not figures.get("regions") else ", ".join(figures["regions"])),
        ("Disclosure policy", ", ".join(f"{k}={v}" for k, v in sorted(policy.items())) or "not stated"),
        ("Suppressed cells", f"shown as {SUPPRESSED}; totals are true totals unless themselves suppressed"),
    ]
    if release is not None:
        lines += [("Release", release.reference), ("Content hash (SHA-256)", release.content_hash)]
    return lines + DEFINITIONS


def xlsx_bytes(figures: dict[str, Any], release: Any = None) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = "figures"
    data.append(COLUMNS)
    data.append(HXL_TAGS)
    for row in rows(figures):
        data.append([_safe(value) for value in row])
    meta = workbook.create_sheet("metadata")
    meta.append(["item", "value"])
    for item, value in metadata(figures, release):
        meta.append([item, _safe(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx(figures: dict[str, Any], path: str, release: Any = None) -> None:
    with open(path, "wb") as handle:
        handle.write(xlsx_bytes(figures, release))
