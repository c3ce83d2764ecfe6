"""Legal time limits computed from dated rule versions (`DeadlineRule`) and Kazakhstan's calendar.

Public holidays and the government's moved working days come from the maintained `holidays` library
(`holidays.country_holidays("KZ")`), never from a hand-written list: its `is_working_day` knows the
weekend, the holidays, the days off moved to a weekday and the Saturdays made working days.
"""

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

import holidays

from panah.cases.models import DeadlineRule, PeriodUnit


@functools.lru_cache(maxsize=1)
def _kz() -> holidays.HolidayBase:
    return holidays.country_holidays("KZ")


def is_working_day(day: dt.date) -> bool:
    return bool(_kz().is_working_day(day))


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (the start day itself is not counted)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def due_date(rule: DeadlineRule, start: dt.date) -> dt.date:
    """When a period of `rule` that starts on `start` ends."""
    if rule.unit == PeriodUnit.WORKING_DAYS:
        return add_working_days(start, rule.period)
    end = add_months(start, rule.period) if rule.unit == PeriodUnit.MONTHS else start + dt.timedelta(days=rule.period)
    return next_working_day(end) if rule.roll_to_working_day else end


def rule_for(code: str, *, opened_on: dt.date, on: dt.date) -> DeadlineRule | None:
    """The version of rule `code` that governs a case opened on `opened_on`, as the law stands on `on`.

    The latest version in force on `on` applies, unless it says that cases opened before it took
    effect keep the previous version: then the search goes back, version by version, to the one that
    was in force when the case was opened.
    """
    versions = list(DeadlineRule.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from"))
    for version in versions:
        if version.valid_from <= opened_on or not version.open_cases_keep_previous:
            return version
    return None


@dataclass(frozen=True)
class Deadline:
    rule: DeadlineRule
    start: dt.date
    due: dt.date

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


def deadline(code: str, *, start: dt.date, opened_on: dt.date, on: dt.date) -> Deadline | None:
    rule = rule_for(code, opened_on=opened_on, on=on)
    if rule is None:
        return None
    return Deadline(rule=rule, start=start, due=due_date(rule, start))
