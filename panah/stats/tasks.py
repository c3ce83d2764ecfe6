"""Background work of the statistics, run by the django-tasks database worker."""

from django_tasks import task

from panah.jobs.services import finish_message, running
from panah.stats import facts


@task()
def rebuild_statistics_index(job_id: int) -> int:
    """Rebuild the stock and flow index of every person, e.g. after the rules that derive it changed.

    Side effects: StockFact and FlowFact rows, replaced batch by batch (each batch one transaction, so
    figures stay answerable while it runs); the job's progress. Returns the number of rows written."""
    with running(job_id) as progress:
        written = facts.rebuild_all(progress=progress)
        finish_message(job_id, "index_rows_written", rows=written)
    return written
