"""The duplicate run over the whole registry: a background job, run by the real django-tasks worker,
whose pairs join the review queue."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from panah.accounts.scope import unscoped
from panah.jobs.models import Job
from panah.matching.batch import Pair
from panah.matching.models import CandidatePair, NameFrequency, PairState
from panah.matching.normalise import prepare
from panah.matching.tasks import person_pairs
from tests.factories import PersonFactory, region


@pytest.mark.django_db(transaction=True)
def test_administrator_runs_duplicates_over_the_registry_and_pairs_join_the_queue(client, cast):
    born = {"birth_date": dt.date(1988, 3, 14), "sex": "M"}
    cyrillic = PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        names=[{"given_name": "Забихулла", "family_name": "Нурзай", "script": "cyrl"}],
        **born,
    )
    latin = PersonFactory(
        organisation=cast.partner,
        region=region("KZ-75"),
        names=[{"given_name": "Zabihullah", "family_name": "Nurzai", "script": "latn"}],
        **born,
    )
    PersonFactory(
        organisation=cast.state,
        region=region("KZ-55"),
        name=("Zarina", "Nurzai"),
        sex="F",
        birth_date=dt.date(1990, 1, 2),
    )

    client.force_login(cast.sysadmin)
    response = client.post(reverse("matching:run_batch"))
    job = Job.objects.get(kind=Job.Kind.FIND_DUPLICATES)
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert (job.done, job.total) == (1000, 1000)
    with unscoped("test"):
        pairs = list(CandidatePair.objects.all())
    assert [(p.left_id, p.right_id, p.source, p.state) for p in pairs] == [
        (min(cyrillic.pk, latin.pk), max(cyrillic.pk, latin.pk), "batch", PairState.OPEN)
    ]
    assert pairs[0].score >= 0.9 and pairs[0].evidence
    # Three persons here and the three of the cast.
    assert "6 name records of the registry compared; 1 probable duplicates queued for review." in job.text
    # The names' frequencies on the registry, kept for the online check: three Nurzais of six records.
    nurzai = prepare({"family_name": "Nurzai"})["family_skel"]
    assert NameFrequency.objects.get(column="family_skel", value=nurzai).count == 3
    assert NameFrequency.objects.get(column="family_skel", value="").count == 6


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_a", "unhcr_officer", "decider_a"])
def test_only_administrators_start_a_registry_run(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.post(reverse("matching:run_batch")).status_code == 403
    assert not Job.objects.exists()


def test_record_pairs_fold_into_person_pairs_keeping_the_best_score():
    def pair(left, right, score, given):
        return Pair(left, right, score, (("given", "exact", given, given),))

    folded = person_pairs(
        [pair("7:0", "3:1", 0.92, "Ali"), pair("3:0", "7:1", 0.97, "Karim"), pair("5:0", "5:1", 0.99, "Zia")]
    )
    assert list(folded) == [(3, 7)]
    assert folded[(3, 7)] == (0.97, [["given", "exact", "Karim", "Karim"]])
