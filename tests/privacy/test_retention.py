"""Retention rules: due dates computed by hand, dry run, and what applying them does."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.cases.services import open_case
from panah.imports.models import ImportRun
from panah.privacy import retention
from panah.privacy.models import Anonymisation, RetentionRule
from panah.registry.models import Person, PersonName
from panah.status.models import EventKind
from panah.status.services import record_status_event
from tests.factories import PersonFactory, region


def events(person, by, *steps):
    with unscoped("test set-up"):
        for kind, effective in steps:
            record_status_event(person=person, kind=kind, effective=effective, by=by)
        person.refresh_from_db()
    return person


def test_the_shipped_rules_are_loaded_and_unconfirmed_ones_marked(db):
    rules = retention.rules_in_force(dt.date(2026, 1, 1))
    assert rules["rejected_asylum"].period == 5 and rules["rejected_asylum"].unit == "years"
    assert rules["exited"].period == 10
    assert rules["import_file"].period == 30 and rules["import_file"].unit == "days"
    assert all(rule.configurable and rule.note for rule in RetentionRule.objects.all())


def test_a_later_version_of_a_rule_replaces_the_earlier_from_its_date(db):
    RetentionRule.objects.create(
        code="persons.rejected_asylum", record_kind="rejected_asylum", title="t", valid_from=dt.date(2027, 1, 1),
        period=3, unit="years", counted_from="final rejection",
    )  # fmt: skip
    assert retention.rules_in_force(dt.date(2026, 12, 31))["rejected_asylum"].period == 5
    assert retention.rules_in_force(dt.date(2027, 1, 1))["rejected_asylum"].period == 3


@pytest.mark.parametrize(
    ("start", "period", "unit", "expected"),
    [
        (dt.date(2015, 3, 10), 5, "years", dt.date(2020, 3, 10)),
        (dt.date(2012, 2, 29), 10, "years", dt.date(2022, 2, 28)),  # no 29 February in 2022
        (dt.date(2026, 1, 1), 30, "days", dt.date(2026, 1, 31)),
    ],
)
def test_add_period(start, period, unit, expected):
    assert retention.add_period(start, period, unit) == expected


def test_a_final_rejection_is_due_five_years_after_it_and_an_appeal_stops_the_clock(cast):
    rejected = events(
        cast.person_a, cast.decider_a,
        (EventKind.ASYLUM_APPLICATION, dt.date(2014, 1, 15)), (EventKind.ASYLUM_REJECTED, dt.date(2015, 3, 10)),
    )  # fmt: skip
    events(
        cast.person_b, cast.sysadmin,  # region B: not the region A decision officer's
        (EventKind.ASYLUM_APPLICATION, dt.date(2014, 1, 15)), (EventKind.ASYLUM_REJECTED, dt.date(2015, 3, 10)),
        (EventKind.APPEAL_LODGED, dt.date(2015, 3, 20)),
    )  # fmt: skip
    assert [d for d in retention.due(dt.date(2020, 3, 9)) if d.kind == "rejected_asylum"] == []
    due = [d for d in retention.due(dt.date(2020, 3, 10)) if d.kind == "rejected_asylum"]
    assert [(d.object_id, d.due_on, d.rule) for d in due] == [
        (rejected.pk, dt.date(2020, 3, 10), "persons.rejected_asylum")
    ]


def test_an_exit_is_due_ten_years_after_it_and_a_leap_day_rolls_back(cast):
    person = events(
        cast.person_a, cast.decider_a,
        (EventKind.UNDETERMINED_IDENTIFIED, dt.date(2010, 5, 1)), (EventKind.DEPARTED, dt.date(2012, 2, 29)),
    )  # fmt: skip
    assert not [d for d in retention.due(dt.date(2022, 2, 27)) if d.kind == "exited"]
    due = [d for d in retention.due(dt.date(2022, 2, 28)) if d.kind == "exited"]
    assert [(d.object_id, d.due_on) for d in due] == [(person.pk, dt.date(2022, 2, 28))]


def test_applying_anonymises_what_is_due_keeps_what_the_law_requires_and_audits(cast):
    due_person = events(
        cast.person_a, cast.decider_a,
        (EventKind.UNDETERMINED_IDENTIFIED, dt.date(2010, 5, 1)), (EventKind.DIED, dt.date(2012, 6, 1)),
    )  # fmt: skip
    kept = events(
        PersonFactory(organisation=cast.state, region=region("KZ-55"), name=("Ali", "Karimi")), cast.decider_a,
        (EventKind.UNDETERMINED_IDENTIFIED, dt.date(2010, 5, 1)), (EventKind.DEPARTED, dt.date(2012, 6, 1)),
    )  # fmt: skip
    with unscoped("test set-up"):
        open_case(by=cast.officer_a, person=kept, kind="documentation", opened_on=dt.date(2013, 1, 1))
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--on", "2026-01-01", stdout=out)
    assert "KEPT: A case about the person is open." in out.getvalue()
    with unscoped("test"):
        assert not Anonymisation.objects.exists()

    counts = retention.apply(by=None, today=dt.date(2026, 1, 1))
    assert counts["anonymised"] == 1 and counts["blocked"] == 1
    with unscoped("test"):
        assert Anonymisation.objects.get().person_id == due_person.pk
        assert Anonymisation.objects.get().rule == "persons.exited"
        assert not PersonName.objects.filter(person=due_person).exists()
        assert PersonName.objects.filter(person=kept).exists()
        assert Person.objects.get(pk=due_person.pk).population_type == ""
    assert AuditEntry.objects.filter(summary__startswith="applied retention").exists()
    # Applied again, nothing more is done.
    assert retention.apply(by=None, today=dt.date(2026, 1, 1))["anonymised"] == 0


def test_import_files_and_reports_are_emptied_after_their_periods(cast):
    finished = dt.datetime(2026, 1, 1, 12, 0, tzinfo=timezone.get_current_timezone())
    run = ImportRun.objects.create(
        organisation=cast.state, requested_by=cast.officer_a, file_name="persons.csv", file_hash="0" * 64,
        content=b"person_id,given_name\n1,Mohammad\n", state="failed",
        report={"issues": [{"row": 2, "column": "given_name", "value": "Mohammad", "message": "m", "severity": "error"}]},
    )  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(finished_at=finished)
    assert not [d for d in retention.due(dt.date(2026, 1, 30)) if d.kind.startswith("import")]
    assert [d.due_on for d in retention.due(dt.date(2026, 1, 31)) if d.kind == "import_file"] == [dt.date(2026, 1, 31)]
    retention.apply(by=None, today=dt.date(2026, 1, 31))
    run.refresh_from_db()
    assert bytes(run.content) == b""
    assert run.report["issues"][0]["value"] == "Mohammad"  # the report is kept 180 days
    retention.apply(by=None, today=dt.date(2026, 6, 30))  # 1 January + 180 days
    run.refresh_from_db()
    assert run.report["issues"][0]["value"] == "" and run.report["erased_on"] == "2026-06-30"


@pytest.mark.django_db(transaction=True)
def test_a_system_administrator_sees_what_is_due_and_applies_it_in_the_background(client, cast):
    from django.core.management import call_command
    from django.urls import reverse

    from panah.jobs.models import Job
    from panah.privacy.ruledata import load_rules

    load_rules(RetentionRule)  # an earlier transactional test may have flushed what the migration loaded
    died = events(
        cast.person_a, cast.decider_a,
        (EventKind.UNDETERMINED_IDENTIFIED, dt.date(2010, 5, 1)), (EventKind.DIED, dt.date(2012, 6, 1)),
    )  # fmt: skip
    client.force_login(cast.sysadmin)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "1 record is due." in page and died.registration_number in page
    assert "Apply the retention rules now" in page
    assert page.index("<h1>Retention rules</h1>") < page.index('<h2 id="due">')  # in the page, after the rules

    response = client.post(reverse("privacy:retention_apply"))
    job = Job.objects.get(kind=Job.Kind.APPLY_RETENTION)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert job.state == Job.State.QUEUED
    with unscoped("test"):
        assert not Anonymisation.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    job.refresh_from_db()
    assert job.state == Job.State.DONE and (job.done, job.total) == (1, 1)
    assert job.text.startswith("Persons anonymised: 1; kept because the law requires it: 0;")
    with unscoped("test"):
        assert Anonymisation.objects.get().person_id == died.pk
    entry = AuditEntry.objects.get(summary__startswith="applied retention")
    assert entry.user == cast.sysadmin and entry.channel == AuditEntry.Channel.TASK
    assert "Nothing is due." in client.get(reverse("privacy:retention")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["org_admin", "officer_a", "statistician"])
def test_only_system_administrators_apply_the_rules(client, cast, who):
    from django.urls import reverse

    from panah.jobs.models import Job
    from tests.factories import MembershipFactory, UserFactory

    if who == "org_admin":
        user = UserFactory(username="org_admin")
        MembershipFactory(user=user, organisation=cast.state, role="org_admin", regions=["KZ-55"])
    else:
        user = getattr(cast, who)
    client.force_login(user)
    assert client.post(reverse("privacy:retention_apply")).status_code == 403
    assert not Job.objects.exists()
    if who == "org_admin":  # sees the rules, not what is due nor the button
        page = client.get(reverse("privacy:retention")).content.decode()
        assert "Retention rules" in page and "Apply the retention rules now" not in page
