"""The validation report as a spreadsheet and as text.

A cell that begins with = + - @ (or a tab or carriage return) would be read by a spreadsheet as a
formula: a file value such as `=HYPERLINK("http://…","click")` is written back with a leading
apostrophe so it shows as the text it was (CSV/formula injection, OWASP)."""

import io
from typing import Any

from django.utils.translation import gettext as _

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
        problems.append(
            [neutralise(v) for v in (issue.row, issue.column, issue.value, issue.message, _severity(issue.severity))]
        )
    summary = workbook.create_sheet(_("Summary"))
    for label, value in summary_lines(report):
        summary.append([neutralise(label), neutralise(value)])
    summary.append([])
    summary.append([_("Column in the file"), _("Read as")])
    for header, column in report.columns:
        summary.append([neutralise(header), column or _("not a person-file column")])
    summary.append([])
    summary.append([_("Row"), _("Not imported because")])
    for number, reason in report.skipped:
        summary.append([number, neutralise(reason)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _severity(severity: str) -> str:
    return {"error": _("error"), "warning": _("warning"), "note": _("note")}.get(severity, severity)


def summary_lines(report: Report) -> list[tuple[str, Any]]:
    lines: list[tuple[str, Any]] = [(_("File"), report.file_name), (_("Format"), report.format.upper())]
    if report.format == "csv":
        lines += [(_("Encoding"), report.encoding), (_("Delimiter"), report.delimiter)]
    elif report.format == "json":
        lines.append((_("Exported by"), report.encoding))
    lines += [
        (_("Header row"), report.header_row or "—"),
        (_("Rows read"), report.rows),
        (_("Valid rows"), report.valid),
        (_("Errors"), report.error_count),
        (_("Already imported"), report.already_imported),
        (_("Persons created"), report.created),
        (_("Duplicate check against the registry"), report.duplicate_check or "—"),
        (_("Outcome"), report.outcome),
    ]
    return lines


def to_text(report: Report) -> str:
    lines = [f"{label}: {value}" for label, value in summary_lines(report)]
    if report.unknown_columns:
        lines.append(_("Columns not imported: %(columns)s") % {"columns": ", ".join(report.unknown_columns)})
    for number, reason in report.skipped:
        lines.append(_("row %(row)s: skipped (%(reason)s)") % {"row": number, "reason": reason})
    for issue in report.issues:
        where = _("row %(row)s") % {"row": issue.row} if issue.row is not None else _("file")
        column = f", {issue.column}" if issue.column else ""
        value = f" “{issue.value}”" if issue.value else ""
        lines.append(f"{_severity(issue.severity)}: {where}{column}{value}: {issue.message}")
    return "\n".join(lines) + "\n"
