"""The page that follows one background job: a progress bar that htmx refreshes until it ends.

Who may see a job: whoever asked for it, and system administrators (the policy's FOLLOW_OWN_WORK)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from panah.accounts.permissions import require_found
from panah.accounts.roles import Action
from panah.jobs.models import Job


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.select_related("requested_by"), pk=pk)
    require_found(request.user, Action.FOLLOW_OWN_WORK, job)
    template = "jobs/job.html#progress" if request.htmx else "jobs/job.html"
    return render(request, template, {"job": job})
