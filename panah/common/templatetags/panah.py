import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """A date as people in the user's language write it: 15.03.1990 in Russian and Kazakh."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    if (get_language() or "ru").startswith("en"):
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return value.strftime("%d.%m.%Y")


@register.filter
def birth(person: Any) -> str:
    """A birth date at its precision, with "estimated" when it is: "1990, estimated", "03.1990"."""
    if person.birth_date is None:
        return _("unknown")
    date = person.birth_date
    if person.birth_date_precision == "year":
        text = str(date.year)
    elif person.birth_date_precision == "month":
        text = f"{date.month:02d}.{date.year}"
    else:
        text = day(date)
    return f"{text}, {_('estimated')}" if person.birth_date_estimated else text


@register.filter
def days_after(value: dt.date, today: dt.date) -> int:
    """Whole days from `today` to `value` (negative when past)."""
    return (value - today).days
