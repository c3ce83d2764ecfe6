"""Everything an import says, as codes with parameters, rendered in the reader's language when read.

A report is stored once (`ImportRun.report`) and read by people of different languages, in the page,
the API and the XLSX report, months later: so it holds `code` and `params`, never a sentence. Each code
is one entry of `MESSAGES`; `render` fills it in the active language. Parameters that are themselves
words (a person-file column, a region, a delimiter) are stored as codes too and rendered here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from panah.common.phrases import Count

# The person-file columns (ARCHITECTURE.md 3.1) as a reader names them.
COLUMN_LABELS: dict[str, Promise] = {
    "person_id": _("identifier"),
    "row_number": _("row number"),
    "given_name": _("given name"),
    "family_name": _("family name"),
    "patronymic": _("patronymic"),
    "full_name_original": _("full name in the original script"),
    "full_name": _("full name (family, given, patronymic in one cell)"),
    "sex": _("sex"),
    "birth_date": _("birth date"),
    "birth_place": _("place of birth"),
    "country_of_origin": _("country of origin"),
    "citizenship": _("citizenship"),
    "region": _("region"),
    "locality": _("locality"),
    "address": _("address"),
    "document_type": _("document type"),
    "document_number": _("document number"),
    "phone": _("phone"),
    "household_id": _("household"),
    "relationship_to_head": _("relationship to the head"),
    "population_type": _("status"),
    "status_date": _("status date"),
    "consent": _("consent"),
}

DELIMITER_LABELS: dict[str, Promise] = {
    ",": _("comma (,)"),
    ";": _("semicolon (;)"),
    "\t": _("tab"),
    "|": _("vertical bar (|)"),
}

MESSAGES: dict[str, Promise] = {
    # The file as a whole
    "empty_file": _("The file is empty."),
    "not_text": _("The file could not be read as text in UTF-8, Windows-1251 or UTF-16: save it as CSV UTF-8 or XLSX."),
    "not_csv": _("The file is not a readable CSV file (line %(line)s)."),
    "not_workbook": _("The file is not a readable spreadsheet (XLSX, XLS or ODS)."),
    "no_sheet": _("The workbook has no sheet."),
    "no_such_sheet": _("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s."),
    "too_many_rows": _("The file has more than %(rows)s rows: split it into several files."),
    "unpacks_too_big": _("The workbook unpacks to %(size)s MB, more than a person file can hold: split it."),
    "not_json": _("The file is not readable JSON."),
    "too_deep": _("The file nests its data more than %(limit)s levels deep: it is not an export of form submissions."),
    "line_too_long": _("Line %(line)s of the file is longer than %(limit)s characters: it is not a person file."),
    "cell_too_long": _(
        "A cell on line %(line)s holds more than %(limit)s characters, more than a spreadsheet cell can."
    ),
    "too_wide": _("The sheet has more than %(limit)s columns: it is not a person file."),
    "too_many_cells": _("Line %(line)s of the file has more than %(limit)s cells: it is not a person file."),
    "not_submissions": _("The file is not an export of form submissions."),
    "no_rows": _("The file has no rows."),
    "no_rows_under_header": _("The file has no rows of persons under the header."),
    "no_header": _(
        "No header row naming the person's columns (names, birth date, status…) was found in the first %(n)s rows."
    ),
    "unknown_columns": _("These columns are not person-file columns: they were kept in the report, not imported."),
    "no_id_column": _(
        "The sheet has no identifier column: each row is known by its names, birth date and document, so importing "
        "the sheet again creates no one twice."
    ),
    "already_imported_file": _("This file was already imported on %(date)s (import %(id)s)."),
    "already_imported_rows": ngettext_lazy(
        "%(n)s row was imported before: it is not imported again.",
        "%(n)s rows were imported before: they are not imported again.",
        "n",
    ),
    "status_date_from_title": _(
        "The statuses of this sheet are taken as of %(date)s, the date its title gives (“%(title)s”). Change the "
        "date below if it is not the date of these statuses."
    ),
    "status_date_given": _("The statuses of this sheet are taken as of %(date)s, the date given for the file."),
    "status_from_title": _(
        "The sheet has no status column; its title (“%(title)s”) says every person in it is: %(status)s. Change "
        "it below if it is not."
    ),
    "status_given": _("The sheet has no status column; every person in it is taken as: %(status)s."),
    "no_status_column": _(
        "The sheet has no status column and its title names none: the persons would be registered without a "
        "legal status and not counted in the statistics. Say below what status every person in it has."
    ),
    "rows_without_status": ngettext_lazy(
        "%(n)s row gives no status: it would be registered without a legal status and not counted in the "
        "statistics. Give its status in the sheet, or leave it out.",
        "%(n)s rows give no status: they would be registered without a legal status and not counted in the "
        "statistics. Give their status in the sheet, or leave them out.",
        "n",
    ),
    "status_date_missing": ngettext_lazy(
        "%(n)s row gives a status without its date and the sheet states none: give the date of the statuses "
        "for the whole file.",
        "%(n)s rows give a status without its date and the sheet states none: give the date of these statuses "
        "for the whole file.",
        "n",
    ),
    "region_not_covered": ngettext_lazy(
        "%(n)s row is for %(region)s, which you do not cover: it is not imported.",
        "%(n)s rows are for %(region)s, which you do not cover: they are not imported.",
        "n",
    ),
    "unknown_value": ngettext_lazy(
        "“%(value)s” is not a known %(column)s (%(n)s row): choose what it means below, or correct the sheet.",
        "“%(value)s” is not a known %(column)s (%(n)s rows): choose what it means below, or correct the sheet.",
        "n",
    ),
    "region_divided": ngettext_lazy(
        "“%(value)s” (%(region)s) was divided in %(year)s (%(n)s row): choose the region the person lives in now.",
        "“%(value)s” (%(region)s) was divided in %(year)s (%(n)s rows): choose the region the persons live in now.",
        "n",
    ),
    "duplicate_check_not_run": _(
        "Not run: the file has more than %(n)s new rows. After importing, run the duplicate search across the "
        "registry (Duplicates), which compares every person in one pass."
    ),
    "duplicate_check_done": _("Run for every new row."),
    # A row
    "required": _("A value is required."),
    "name_required": _("A name is required: give a given name, a family name or the full name."),
    "region_required": _("A value is required: the organisation works in more than one region."),
    "too_long": _("Too long: at most %(n)s characters."),
    "duplicate_id": _("Duplicate within the file: the same identifier is in row %(row)s."),
    "duplicate_document": _("Duplicate within the file: the same document number is in row %(row)s."),
    "duplicate_person": _(
        "Row %(row)s has the same names, birth date and sex: both are imported; check that they are two persons."
    ),
    "document_number_empty": _("A document number needs at least one letter or digit."),
    "document_number_required": _("A value is required when the document type is given."),
    "relationship_required": _("A value is required when a household is given."),
    "status_date_required": _("A value is required when a status is given."),
    "status_required": _("A value is required when a status date is given."),
    "status_before_birth": _("The status date is before the birth date."),
    "wrong_delimiter": _("This row is written with %(used)s between the values; the file uses %(file)s."),
    "extra_values": _("The row has more values than the header has columns."),
    "not_a_date": _("Not a date: write dd.mm.yyyy, mm.yyyy, yyyy or yyyy-mm-dd (for example 15.03.1990)."),
    "not_a_real_date": _("Not a real date."),
    "date_in_future": _("The date is in the future."),
    "date_too_old": _("The date is more than 125 years ago."),
    "unknown_sex": _("Unknown sex: write F, M or X (or Ж, М, Е, Ә)."),
    "unknown_status": _("Unknown status: write ASY, REF, STA, UND or OOC, or the status in words."),
    "unknown_document_type": _("Unknown document type."),
    "unknown_relationship": _("Unknown relationship to the head of household."),
    "unknown_region": _("Unknown region: write its name or its ISO 3166-2:KZ code (for example KZ-55)."),
    "unknown_country": _("Unknown country: write its name or its ISO code (for example AFG)."),
    "unknown_citizenship": _("Unknown citizenship: write a country, its ISO code, STATELESS or UNDETERMINED."),
    "region_gone": _("This region no longer exists: write the region where the person lives now."),
    "region_not_yours": _("You may not register persons of this organisation in this region."),
    "invalid": _("%(message)s"),  # a model rule's own message, already translated lazily where it was raised
    "probable_duplicate": _("Probable duplicate of %(who)s (%(percent)s%%): check before importing."),
    "held_by": _("a person registered by %(organisation)s"),
    # Form submissions
    "submission_without_uuid": _("The submission has no uuid (meta/instanceID)."),
    "members_not_expanded": _("The household members are not in the file: export with $expand=* (ODK Central)."),
    "no_members": _("The submission has no household members."),
    "no_consent": _("The household did not give its consent: none of its members is imported."),
    "not_a_member": _("Not a household member's answers."),
    # Rows skipped, and outcomes
    "title_row": _("title row above the header"),
    "header_row_2": _("second row of the header"),
    "blank_row": _("blank row"),
    "totals_row": _("totals row"),
    "footer_row": _("note or signature below the table"),
    "column_numbers_row": _("row of column numbers"),
    "header_repeated": _("the header repeated (a table printed over several pages)"),
    "section_row": _("section heading: its status or region applies to the rows below it"),
    "outcome_checked": _("Checked: nothing was written yet."),
    "outcome_refused": _(
        "Nothing was imported: correct the errors and import the file again, or choose to import only the valid rows."
    ),
    "outcome_imported": ngettext_lazy("%(created)s person imported.", "%(created)s persons imported.", "created"),
    "outcome_imported_some": _("Persons imported: %(created)s; rows with errors, not imported: %(rows)s."),
    "outcome_failed": _("The import failed; nothing was written. The failure is logged."),
    "outcome_interrupted": _(
        "Interrupted: the server stopped while this ran. Nothing of it was saved; start it again."
    ),
}

SEVERITY_LABELS: dict[str, Promise] = {"error": _("error"), "warning": _("warning"), "note": _("note")}


def column_label(column: str) -> str:
    """A person-file column in the reader's words (an unknown name as it is)."""
    label = COLUMN_LABELS.get(column)
    return str(label) if label is not None else column


def _param(key: str, value: Any) -> Any:
    """Parameters that are codes are rendered too: columns, delimiters, regions, statuses."""
    if key == "column" and isinstance(value, str):
        return column_label(value)
    if key == "status" and isinstance(value, str):
        from panah.registry.models import PopulationType

        return str(dict(PopulationType.choices).get(value, value))
    if key in ("used", "file") and isinstance(value, str):
        return str(DELIMITER_LABELS.get(value, value))
    if key == "region" and isinstance(value, str) and value.startswith("KZ-"):
        from panah.geo.models import Region

        region = Region.objects.filter(code=value).first()
        return region.name if region is not None else value
    if key in ("n", "created", "rows") and isinstance(value, int) and not isinstance(value, bool):
        return Count(value)
    return value




def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message `code` with its parameters, in the active language."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    values = {k: _param(k, v) for k, v in (params or {}).items()}
    if code == "probable_duplicate" and "who" not in values:  # a person the reader may not see
        values["who"] = render("held_by", params)
    try:
        # A plural message picks its form from its count parameter when filled in, so fill the lazy text.
        return str(template % values) if values else str(template).replace("%%", "%")
    except (KeyError, TypeError, ValueError):  # a report stored by an older Panah: its words, unfilled
        return str(template) or code


def rows_phrase(n: int) -> str:
    return ngettext("%(n)s row", "%(n)s rows", n) % {"n": n}


def row_label(row: Any) -> str:
    """A row as the report names it: its number in the file, or a form submission's label
    ("submission:<id>" or "submission:<id>#<member>"; the id may hold colons, "uuid:…")."""
    if isinstance(row, str) and row.startswith("submission:"):
        submission, _hash, member = row.removeprefix("submission:").partition("#")
        if member:
            return str(_("submission %(id)s, member %(n)s") % {"id": submission, "n": member})
        return str(_("submission %(id)s") % {"id": submission})
    return "" if row is None else str(row)
