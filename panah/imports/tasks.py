"""The import of a person file as a background job, run by the django-tasks database worker."""

from django.utils import timezone
from django_tasks import task

from panah.accounts.permissions import acting_as
from panah.audit.models import AuditEntry
from panah.imports.models import ImportRun
from panah.imports.services import run_import
from panah.jobs.services import finish_message, running


@task()
def import_person_file(job_id: int, run_id: int) -> int:
    """Check and import the run's file as its requester (their registration scope, re-read now).

    Side effects: those of `services.run_import`; the job's progress. Returns the persons created."""
    run = ImportRun.objects.select_related("organisation", "requested_by").get(pk=run_id)
    by = run.requested_by
    with acting_as(by, channel=AuditEntry.Channel.TASK), running(job_id) as progress:
        try:
            run = run_import(run, by=by, progress=progress)
        except Exception:
            # The import's own transaction has rolled back: say so on the import page too.
            ImportRun.objects.filter(pk=run_id).update(
                state=ImportRun.State.FAILED, finished_at=timezone.now(), content=b""
            )
            raise
        finish_message(
            job_id, "import_outcome", code=run.report.get("outcome", ""), params=run.report.get("outcome_params")
        )
    return run.created
