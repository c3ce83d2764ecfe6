"""Submissions of the household registration form (`xlsform.py`) as JSON, read into person-file rows.

Two exports are read, told apart by their shape:

- KoboToolbox, `/api/v2/assets/<uid>/data/?format=json`: `{"results": [ ... ]}` (a bare list is
  accepted too). Keys carry their group: `"household/region"`, and each repeat entry is an object
  with keys such as `"members/given_name"`. The submission is named by `_id` in the report.
- ODK Central, OData `Submissions?$expand=*`: `{"value": [ ... ]}`. Groups are nested objects
  (`{"household": {"region": ...}}`) and, with `$expand=*`, the repeat is inline as `"members": [ ... ]`.
  Without `$expand` Central gives only `"members@odata.navigationLink"`; the repeat's own table
  (`Submissions.members`, whose rows carry `"__Submissions-id"`) may then be given in the same file,
  as `{"value": [...], "Submissions.members": {"value": [...]}}` (or a plain list under that key).
  A submission whose members are in neither place is reported, not imported half. The submission
  is named by `__id` in the report.

Each member becomes one row of the person file (ARCHITECTURE.md 3.1), checked and imported exactly as
a CSV row is (`validate.py`, `services.py`):

- `person_id` is the submission's uuid and the member's position (`<uuid>-<n>`, 1-based): the
  uuid is the one that survives edits (Kobo `meta/rootUuid` or `_uuid`, Central `__id`), so importing
  the same export again, or a later export with more submissions, creates nothing twice;
- `household_id` is the submission's uuid; region, locality and address are the household's;
- `birth_date` is the date, or only the year when the enumerator chose "approximate: year only";
- `citizenship` is the country, or STATELESS / UNDETERMINED;
- a submission without consent is reported and none of its members is imported.

In the report the row of a member is "submission <id>, member <n>".
"""

import json
from typing import Any

from django.utils.translation import gettext as _

from panah.imports.columns import PERSON_FILE_COLUMNS
from panah.imports.reading import Row, Table, Unreadable
from panah.imports.xlsform import MEMBERS

REPEAT_TABLE = f"Submissions.{MEMBERS}"  # ODK Central's OData name of the repeat's table
# An export nests a submission in its list, groups in it, a repeat and its entries: about six levels.
MAX_DEPTH = 32


def _deeper_than(document: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def read_submissions(data: bytes) -> Table:
    """The members of every submission in a KoboToolbox or ODK Central JSON export, as a table."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except RecursionError as error:  # deeper than Python's own limit: [[[[...]]]] 200,000 times
        raise Unreadable("too_deep", limit=MAX_DEPTH) from error
    except (UnicodeDecodeError, ValueError) as error:
        raise Unreadable("not_json") from error
    if _deeper_than(document, MAX_DEPTH):  # before any recursive reading of groups (_flat)
        raise Unreadable("too_deep", limit=MAX_DEPTH)
    submissions, repeat_rows, source = _submissions(document)
    table = Table(format="json", encoding=source)
    table.rows.append((0, list(PERSON_FILE_COLUMNS)))
    for submission in submissions:
        if not isinstance(submission, dict):
            raise Unreadable("not_submissions")
        _add_submission(table, submission, repeat_rows)
    return table


def _submissions(document: Any) -> tuple[list[Any], dict[str, list[dict[str, Any]]], str]:
    """(submissions, ODK repeat rows by submission id, which export it is)."""
    if isinstance(document, list):
        return document, {}, "KoboToolbox JSON"
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return document["results"], {}, "KoboToolbox JSON"
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        separate = document.get(REPEAT_TABLE, [])
        if isinstance(separate, dict):
            separate = separate.get("value", [])
        by_submission: dict[str, list[dict[str, Any]]] = {}
        for member in separate if isinstance(separate, list) else []:
            if isinstance(member, dict):
                by_submission.setdefault(str(member.get("__Submissions-id", "")), []).append(member)
        return document["value"], by_submission, "ODK Central JSON"
    raise Unreadable(
        _(
            "The file is not a KoboToolbox or ODK Central export of form submissions: "
            'expected {"results": [...]} or {"value": [...]}.'
        )
    )


def _flat(entry: dict[str, Any]) -> dict[str, Any]:
    """A submission or a repeat entry with groups removed: `{"household": {"region": x}}` and
    `{"household/region": x}` both become `{"region": x}`. Repeats (lists) are kept as they are."""
    flat: dict[str, Any] = {}
    for key, value in entry.items():
        if isinstance(value, dict) and not key.startswith("_"):
            flat.update(_flat(value))
        else:
            flat.setdefault(key.rsplit("/", 1)[-1], value)
    return flat


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _uuid(flat: dict[str, Any], submission: dict[str, Any]) -> str:
    for value in (submission.get("__id"), flat.get("rootUuid"), submission.get("_uuid"), flat.get("instanceID")):
        if value:
            return _text(value).removeprefix("uuid:")
    return ""


def _add_submission(table: Table, submission: dict[str, Any], repeat_rows: dict[str, list[dict[str, Any]]]) -> None:
    flat = _flat(submission)
    uuid = _uuid(flat, submission)
    name = _text(submission.get("_id") or submission.get("__id") or uuid)
    where: Row = f"submission:{name or '?'}"  # rendered in the reader's language (messages.row_label)
    if not uuid:
        table.problems.append((where, "person_id", "", "submission_without_uuid"))
        return
    members = flat.get(MEMBERS)
    if members is None:
        members = repeat_rows.get(_text(submission.get("__id")))
    if not isinstance(members, list) or not members:
        code = "members_not_expanded" if f"{MEMBERS}@odata.navigationLink" in submission else "no_members"
        table.problems.append((where, MEMBERS, "", code))
        return
    consent = _text(flat.get("consent")).lower()
    if consent != "yes":
        table.problems.append((where, "consent", consent, "no_consent"))
        return
    household = {
        "household_id": uuid,
        "region": _text(flat.get("region")),
        "locality": _text(flat.get("locality")),
        "address": _text(flat.get("address")),
    }
    for index, member in enumerate(members, start=1):
        label = f"submission:{name}#{index}"
        if not isinstance(member, dict):
            table.problems.append((label, "", _text(member)[:200], "not_a_member"))
            continue
        row = {**household, **_member(_flat(member)), "person_id": f"{uuid}-{index}"}
        table.rows.append((label, [row.get(column, "") for column in PERSON_FILE_COLUMNS]))


def _member(answers: dict[str, Any]) -> dict[str, str]:
    """One member's answers as person-file values."""
    row = {
        column: _text(answers.get(column))
        for column in (
            "given_name",
            "family_name",
            "patronymic",
            "full_name_original",
            "sex",
            "country_of_origin",
            "relationship_to_head",
            "document_type",
            "document_number",
            "phone",
        )
    }
    if _text(answers.get("birth_date_known")) == "year" or not answers.get("birth_date"):
        row["birth_date"] = _text(answers.get("birth_year"))
    else:
        row["birth_date"] = _text(answers.get("birth_date"))
    kind = _text(answers.get("citizenship_kind"))
    row["citizenship"] = _text(answers.get("citizenship")) if kind in ("", "country") else kind
    if row["document_type"] == "none":
        row["document_type"] = ""
    return row
