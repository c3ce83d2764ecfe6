"""Background work of the alerts app, run by the django-tasks database worker."""

import datetime as dt

from django_tasks import task


@task()
def send_digests(day: str) -> dict[str, int]:
    """Send the digests due on `day` (ISO date). Each user's digest is read in that user's own context
    (`services.send_digest` opens it), never across scopes. A task, so a slow mail server never blocks a page."""
    from panah.alerts import services

    return services.send_digests(dt.date.fromisoformat(day))


@task()
def send_reminders(day: str) -> dict[str, int]:
    """SMS reminders, sent on `day` (ISO date), to the persons of the appointments of the next working day."""
    from panah.alerts import services

    return services.send_reminders(dt.date.fromisoformat(day))
