"""Applying the retention rules as a background job (`retention.apply`), started from the retention page."""

from django_tasks import task

from panah.accounts.permissions import acting_as
from panah.audit.models import AuditEntry
from panah.jobs.models import Job
from panah.jobs.services import finish_message, running
from panah.privacy import retention


@task()
def apply_retention(job_id: int) -> dict[str, int]:
    """Apply what the rules in force make due today, as the administrator who asked.

    Side effects: those of `retention.apply` (each anonymisation audited, one entry for the run); the
    job's progress (one step per due record) and its outcome in words. Returns the counts."""
    requested_by = Job.objects.select_related("requested_by").get(pk=job_id).requested_by
    with acting_as(requested_by, channel=AuditEntry.Channel.TASK), running(job_id) as progress:
        progress(0, 0)
        counts = retention.apply(by=requested_by, progress=progress)
        finish_message(job_id, "retention_applied", **counts)
    return counts
