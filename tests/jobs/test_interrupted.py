"""Work a stopped server left running is marked failed when the server starts again."""

import datetime as dt

from django.utils import timezone

from panah.imports.models import ImportRun
from panah.jobs.models import Job
from panah.jobs.services import fail_interrupted


def test_running_jobs_and_their_imports_and_abandoned_command_line_imports_are_marked_failed(cast):
    running = Job.objects.create(kind=Job.Kind.IMPORT_PERSONS, state=Job.State.RUNNING, requested_by=cast.officer_a)
    waiting = Job.objects.create(kind=Job.Kind.IMPORT_PERSONS, requested_by=cast.officer_a)  # the worker will take it

    def run(**fields):
        return ImportRun.objects.create(
            organisation=cast.state, requested_by=cast.officer_a, file_name="p.csv", file_hash="0", **fields
        )

    of_running, of_waiting = run(job=running), run(job=waiting)
    abandoned, current = run(), run()
    ImportRun.objects.filter(pk=abandoned.pk).update(requested_at=timezone.now() - dt.timedelta(hours=2))
    assert fail_interrupted() == 3
    states = {r.pk: r.state for r in ImportRun.objects.all()}
    assert states == {
        of_running.pk: "failed",
        of_waiting.pk: "queued",
        abandoned.pk: "failed",
        current.pk: "queued",  # a command-line import may be running right now
    }
    running.refresh_from_db()
    waiting.refresh_from_db()
    assert (running.state, waiting.state) == ("failed", "queued")
    assert "Interrupted" in running.text
    assert fail_interrupted() == 0  # once
