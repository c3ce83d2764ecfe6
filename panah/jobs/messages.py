"""What a background job says when it ends, as a code with parameters, rendered when read.

A job is started by one person and its page read by others (a colleague, an administrator), in their
own languages: so `Job.message` holds a key of `MESSAGES` and `Job.parameters` its values, put into
words by `Job.text` (see `panah.common.phrases`). A message that is not a key is shown as stored:
what a job of an older Panah wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.common.phrases import fill

MESSAGES: dict[str, Promise] = {
    "finished": _("Finished."),
    "failed": _("Failed: %(error)s"),
    "interrupted": _("Interrupted: the server stopped while this ran. Nothing of it was saved; start it again."),
    "duplicates_queued": _(
        "%(records)s name records of the registry compared; %(pairs)s probable duplicates queued for review."
    ),
    "retention_applied": _(
        "Persons anonymised: %(anonymised)s; kept because the law requires it: %(blocked)s; "
        "import files emptied: %(import_files)s; import reports stripped: %(import_reports)s; "
        "job records deleted: %(jobs)s; audit entries deleted: %(audit_entries)s."
    ),
    "index_rows_written": _("%(rows)s index rows written."),
}


def render(message: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The job's outcome in the active language: an import's outcome in the import's own words
    (`panah.imports.messages`), a code of `MESSAGES`, or the text an older job stored."""
    if message == "import_outcome":
        from panah.imports.messages import render as import_text

        params = dict(parameters or {})
        return import_text(params.pop("code", ""), params.pop("params", None)) or str(MESSAGES["finished"])
    template = MESSAGES.get(message)
    return message if template is None else fill(template, parameters)
