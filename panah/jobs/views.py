"""The page that follows one background job: a progress bar that htmx refreshes until it ends.

Who may see a job: whoever asked for it, and system administrators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from panah.jobs.models import Job


def _may_see(user, job: Job) -> bool:
    return job.requested_by_id == user.pk or user.is_superuser or user.has_perm("panah.maintain")


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.select_related("requested_by"), pk=pk)
    if not _may_see(request.user, job):
        raise Http404
    template = "jobs/job.html#progress" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": job})
