"""Rebuilding the statistics index as a background job: started from the releases page by a system
administrator, run by the real django-tasks database worker, followed on a job page with progress."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from panah.accounts.scope import unscoped
from panah.jobs.models import Job
from panah.jobs.services import running
from panah.stats.models import FlowFact, StockFact
from panah.status.models import EventKind as K
from panah.status.services import record_status_event

STOCK_COLUMNS = ("person_id", "population_type", "valid_from", "valid_to", "known_from", "known_to", "region")
FLOW_COLUMNS = ("person_id", "flow", "effective", "known_from", "known_to", "region")


def index_rows():
    return (
        sorted(StockFact.objects.values_list(*STOCK_COLUMNS), key=repr),
        sorted(FlowFact.objects.values_list(*FLOW_COLUMNS), key=repr),
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_administrator_rebuilds_the_index_in_the_background_and_watches_it_finish(client, cast):
    with unscoped("test"):
        for person, kinds in [
            (cast.person_a, [K.ASYLUM_APPLICATION, K.REFUGEE_GRANTED]),
            (cast.person_b, [K.UNDETERMINED_IDENTIFIED, K.STATELESS_DETERMINED]),
        ]:
            for day, kind in enumerate(kinds, start=1):
                record_status_event(person=person, kind=kind, effective=dt.date(2016, day, 1), by=None)
        before = index_rows()
        StockFact.objects.all().delete()  # as after an upgrade that changed how the index is derived
        FlowFact.objects.all().delete()
    assert before[0] and before[1]

    client.force_login(cast.sysadmin)
    response = client.post(reverse("stats:rebuild"))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.task_id  # enqueued once the job row was committed
    page = client.get(response["Location"])
    assert "Waiting to start" in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the page keeps asking while the job runs

    run_worker()

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    with unscoped("test"):
        persons = cast.person_a.__class__.objects.count()
        assert index_rows() == before
    assert (job.done, job.total, job.percent) == (persons, persons, 100)
    assert job.started_at <= job.finished_at
    partial = client.get(reverse("jobs:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"')
    assert "Finished" in partial and "hx-trigger" not in partial  # it stops polling when done
    assert "index rows written" in partial


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["statistician", "officer_a", "unhcr_officer"])
def test_only_system_administrators_may_rebuild(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.post(reverse("stats:rebuild")).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_rebuild_needs_a_post(client, cast):
    client.force_login(cast.sysadmin)
    assert client.get(reverse("stats:rebuild")).status_code == 405
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_releases_page_offers_the_rebuild_only_to_administrators(client, cast):
    client.force_login(cast.sysadmin)
    assert reverse("stats:rebuild") in client.get(reverse("stats:releases")).content.decode()
    client.force_login(cast.statistician)
    assert reverse("stats:rebuild") not in client.get(reverse("stats:releases")).content.decode()


@pytest.mark.django_db
def test_a_job_is_shown_to_who_asked_for_it_and_administrators_only(client, cast):
    job = Job.objects.create(kind=Job.Kind.REBUILD_STATISTICS, requested_by=cast.sysadmin)
    client.force_login(cast.statistician)
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 404
    client.force_login(cast.sysadmin)
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 200


@pytest.mark.django_db
def test_a_failing_job_says_what_went_wrong(cast):
    job = Job.objects.create(kind=Job.Kind.REBUILD_STATISTICS, requested_by=cast.sysadmin)

    def fail_at_three_of_ten():
        with running(job.pk) as progress:
            progress(3, 10)
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        fail_at_three_of_ten()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent) == (Job.State.FAILED, 3, 10, 30)
    assert job.text == "Failed: RuntimeError: disk full"
    assert job.finished_at is not None
