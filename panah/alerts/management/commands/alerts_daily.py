"""`panah alerts_daily`: put the day's digests and SMS reminders on the task queue.

django-tasks has no periodic scheduler, so cron (docs/operators.md) runs this once a day; the worker
(`panah db_worker`) sends them. Running it twice on one day sends nothing twice: a digest already sent
for the day is skipped (`AlertPreference.last_sent_on`), and so is a reminder already sent to the same
number (the SMS delivery log)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from panah.alerts import tasks


class Command(BaseCommand):
    help = "Queue today's alert digests and SMS reminders (run once a day from cron; the task worker sends them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day to send for, as YYYY-MM-DD (default: today in the local time zone).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options.get("day"):
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError as error:
                raise CommandError(f"--day: write the date as YYYY-MM-DD, not {options['day']!r}.") from error
        digests = tasks.send_digests.enqueue(day.isoformat())
        reminders = tasks.send_reminders.enqueue(day.isoformat())
        self.stdout.write(f"Queued for {day.isoformat()}: digests ({digests.id}), SMS reminders ({reminders.id}).")
