"""Starting background jobs and reporting their progress."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from panah.accounts.models import User
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.phrases import label
from panah.jobs.messages import MESSAGES
from panah.jobs.models import Job


def start(
    *, kind: str, by: User | None, task: Any, audit_action: str = AuditEntry.Action.ADMIN, **arguments: Any
) -> Job:
    """Create the Job and enqueue `task(job_id=..., **arguments)` once the job row is committed.

    Side effects: one Job, one audit entry, one queued task (on commit, so the worker never picks up
    a task whose job it cannot read)."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, requested_by=by if getattr(by, "pk", None) else None)
        record(
            by=by,
            action=audit_action,
            obj=job,
            message="job_started",
            params={"kind": label("jobs.Job.kind", job.kind)},
        )

        def enqueue() -> None:
            result = task.enqueue(job_id=job.pk, **arguments)
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return job


@contextmanager
def running(job_id: int) -> Iterator[Callable[[int, int], None]]:
    """Mark the job running and give the task a `progress(done, total)` callback; finish or fail it.

    The updates are written outside the task's own transactions (each is its own statement in
    autocommit), so the job page shows progress while the work goes on. A failure is recorded with
    its message and re-raised, so django-tasks keeps the traceback too."""
    Job.objects.filter(pk=job_id).update(state=Job.State.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        yield progress
    except Exception as error:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            message="failed",
            parameters={"error": f"{type(error).__name__}: {error}"[:500]},
        )
        raise
    Job.objects.filter(pk=job_id).update(state=Job.State.DONE, finished_at=timezone.now())


def finish_message(job_id: int, message: str, **parameters: Any) -> None:
    """Say how the job ended: `message`, a code of `panah.jobs.messages`, with its parameters."""
    if message not in MESSAGES and message != "import_outcome":
        raise KeyError(f"job message {message!r} is not in panah.jobs.messages.MESSAGES")
    Job.objects.filter(pk=job_id).update(message=message, parameters=parameters)


# A command-line import runs in the caller's process; one still waiting after this long was killed.
ABANDONED_AFTER = dt.timedelta(hours=1)


def fail_interrupted() -> int:
    """Mark the work that a stopped server or worker left unfinished as failed, saying so, so that
    nobody waits for it and it can be started again. Run when the server starts, before its worker.

    Side effects: running jobs → failed; imports of those jobs, and command-line imports still
    waiting after ABANDONED_AFTER → failed. Their data was never half-written (each writes in one
    transaction). Returns how many jobs and imports were marked."""
    from panah.imports.models import ImportRun

    now = timezone.now()
    jobs = list(Job.objects.filter(state=Job.State.RUNNING).values_list("pk", flat=True))
    Job.objects.filter(pk__in=jobs).update(state=Job.State.FAILED, finished_at=now, message="interrupted")
    runs = ImportRun.objects.filter(state=ImportRun.State.QUEUED).filter(
        Q(job_id__in=jobs) | Q(job__isnull=True, requested_at__lt=now - ABANDONED_AFTER)
    )
    marked = runs.update(state=ImportRun.State.FAILED, finished_at=now, report={"outcome": "outcome_interrupted"})
    return len(jobs) + marked
