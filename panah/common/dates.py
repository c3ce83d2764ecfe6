"""One reading of every date and date-time a person or a program sends: pages (form fields), the API
(query parameters and bodies) and, through them, the statistics and their downloads.

One range for all, 1900-01-01 to 2100-12-31: wide enough for every birth date and decision Panah
records, narrow enough that adding a year, folding a timeline or formatting a local time never runs
off the calendar (9999-12-31 + 1 day is an OverflowError; Almaty's clock before 1924 was 5 h 7 min 48 s
ahead, an offset that RFC 3339 cannot write). The API reads text only, as ISO 8601: `0`, `0.5` or
`1700000000` is not a date, whatever pydantic would make of a number.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?$")

OUT_OF_RANGE = _("Enter a date from %(min)s to %(max)s.")
RANGE_TEXT = f"From {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."


def in_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def validate_in_range(value: dt.date | dt.datetime) -> None:
    """Django validator: the form fields' check."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not in_range(day):
        raise ValidationError(OUT_OF_RANGE, code="date_range", params={"min": MIN_DATE, "max": MAX_DATE})


def parse_date(value: Any) -> dt.date:
    """A date as YYYY-MM-DD within the range; ValueError (in English, for the API) otherwise."""
    if isinstance(value, dt.datetime):
        raise ValueError("Expected a date (YYYY-MM-DD), not a date and time.")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and DATE.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("Not a day of the calendar (YYYY-MM-DD).") from None
    else:
        raise ValueError("Expected a date as YYYY-MM-DD.")
    if not in_range(day):
        raise ValueError(f"Expected a date from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}.")
    return day


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 date and time within the range, aware (a time without offset is local time)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and DATE_TIME.match(value.strip()):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            raise ValueError("Not a moment of the calendar (YYYY-MM-DDTHH:MM:SS+HH:MM).") from None
    else:
        raise ValueError("Expected a date and time as YYYY-MM-DDTHH:MM:SS with an offset (+05:00 or Z).")
    if not in_range(moment.date()):
        raise ValueError(f"Expected a date and time from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _rfc3339(moment: dt.datetime) -> str:
    """ISO 8601 with the local offset when it is whole minutes (RFC 3339 has no seconds in an offset);
    otherwise (local mean time, before time zones were standardised) the same instant in UTC."""
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat()


# The API's types: read by the parsers above and documented as such in the OpenAPI schema.
ApiDate = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "formatMinimum": MIN_DATE.isoformat(),
            "formatMaximum": MAX_DATE.isoformat(),
        }
    ),
]
ApiDateTime = Annotated[
    dt.datetime,
    BeforeValidator(parse_datetime),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "formatMinimum": f"{MIN_DATE.isoformat()}T00:00:00Z",
            "formatMaximum": f"{MAX_DATE.isoformat()}T23:59:59Z",
        }
    ),
]
# A moment in an answer: RFC 3339 whatever the year.
Instant = Annotated[dt.datetime, PlainSerializer(_rfc3339, return_type=str, when_used="always")]


class DateInput(forms.DateInput):
    """A day as Panah writes days on every page and in every language, dd.mm.yyyy: a text box, not the
    browser's date picker, which writes the day as the browser's own locale does (mm/dd/yyyy on an
    English-language phone) whatever the page's language, and differs from browser to browser."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("dd.mm.yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": "10"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d.%m.%Y")


class DateField(forms.DateField):
    """A form's date, written dd.mm.yyyy (ISO 8601 and dd/mm/yyyy are read too: links and pasted
    values), within the range."""

    widget = DateInput
    input_formats = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]
    default_validators = [validate_in_range]
    default_error_messages = {"invalid": _("Write the date as dd.mm.yyyy, for example 15.03.2017.")}


class DateTimeField(forms.DateTimeField):
    default_validators = [validate_in_range]
