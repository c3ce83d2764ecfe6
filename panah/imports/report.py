"""The validation report as a spreadsheet and as text.

A cell that begins with = + - @ (or a tab or carriage return) would be read by a spreadsheet as a
formula: a file value such as `=HYPERLINK("http://…","click")` is written back with a leading
apostrophe so it shows as the text it was (CSV/formula injection, OWASP)."""

import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _

from panah.imports.messages import SEVERITY_LABELS, column_label, render, row_label
from panah.imports.validate import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    problems = workbook.create_sheet(_("Problems"))
    problems.append([_("Row"), _("Column"), _("Value"), _("Problem"), _("Severity")])
    for issue in report.issues:
        cells = (_row_cell(issue.row), issue.column, issue.value, issue.message, _severity(issue.severity))
        problems.append([neutralise(v) for v in cells])
    summary = workbook.create_sheet(_("Summary"))
    for label, value in summary_lines(report):
        summary.append([neutralise(label), neutralise(value)])
    summary.append([])
    summary.append([_("Column in the file"), _("Read as")])
    for header, column in report.columns:
        summary.append([neutralise(header), column_label(column) if column else _("not imported")])
    if report.unknown_values:
        summary.append([])
        summary.append([_("Value not recognised"), _("Column"), _("Rows")])
        for entry in report.unknown_values:
            summary.append([neutralise(entry["value"]), column_label(entry["column"]), entry["n"]])
    summary.append([])
    summary.append([_("Row"), _("Not imported because")])
    for number, reason in report.skipped:
        summary.append([_row_cell(number), render(reason)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row_cell(row: Any) -> Any:
    # A row number stays a number in the spreadsheet (sortable); a submission's label is text.
    return row if isinstance(row, int) else row_label(row)


def _severity(severity: str) -> str:
    label = SEVERITY_LABELS.get(severity)
    return str(label) if label is not None else severity


def summary_lines(report: Report) -> list[tuple[str, Any]]:
    """The report's summary as (label, value) pairs in the active language."""
    lines: list[tuple[str, Any]] = [(_("File"), report.file_name), (_("Format"), report.format.upper())]
    if report.format == "csv":
        lines += [(_("Encoding"), report.encoding), (_("Delimiter"), report.delimiter_label)]
    elif report.format == "json":
        lines.append((_("Exported by"), report.encoding))
    if len(report.sheets) > 1:
        lines.append((_("Sheet"), report.sheet))
    if report.title:
        lines.append((_("Title"), report.title))
    if report.status_date:
        lines.append((_("Date of the statuses"), dt.date.fromisoformat(report.status_date).strftime("%d.%m.%Y")))
    lines += [
        (_("Header row"), report.header_row or "—"),
        (_("Rows read"), report.rows),
        (_("Valid rows"), report.valid),
        (_("Errors"), report.error_count),
        (_("Already imported"), report.already_imported),
        (_("Persons created"), report.created),
        (_("Duplicate check against the registry"), report.duplicate_check_text or "—"),
        (_("Outcome"), report.outcome_text),
    ]
    return lines


def to_text(report: Report) -> str:
    lines = [f"{label}: {value}" for label, value in summary_lines(report)]
    if report.unknown_columns:
        lines.append(_("Columns not imported: %(columns)s") % {"columns": ", ".join(report.unknown_columns)})
    for number, reason in report.skipped:
        lines.append(_("row %(row)s: skipped (%(reason)s)") % {"row": row_label(number), "reason": render(reason)})
    for issue in report.issues:
        where = _("row %(row)s") % {"row": row_label(issue.row)} if issue.row is not None else _("file")
        column = f", {issue.column}" if issue.column else ""
        value = f" “{issue.value}”" if issue.value else ""
        lines.append(f"{_severity(issue.severity)}: {where}{column}{value}: {issue.message}")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, Any]:
    """The report for the API: what is stored (codes and parameters, for programs) and each message and
    label rendered in the caller's language (for people)."""
    data = report.as_dict()
    for stored, issue in zip(data["issues"], report.issues, strict=True):
        stored.pop("legacy", None)
        stored["message"] = issue.message
        stored["row_label"] = row_label(issue.row)
    data["outcome_text"] = report.outcome_text
    data["duplicate_check_text"] = report.duplicate_check_text
    data["delimiter_label"] = report.delimiter_label if report.delimiter else ""
    data["skipped"] = [[row, reason, render(reason)] for row, reason in report.skipped]
    return data
