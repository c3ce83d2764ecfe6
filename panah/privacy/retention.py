"""Retention: which records the rules in force make due, and applying them.

`due(today)` lists what is due without changing anything (`apply_retention --dry-run`); `apply(...)`
does it. Persons are anonymised (never deleted: the statistics count them); import files are emptied;
import reports lose the values they quote; job records and audit entries past their period are deleted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from panah.accounts.scope import unscoped
from panah.audit.models import AuditEntry
from panah.audit.services import expire_entries, record
from panah.privacy.models import Anonymisation, RecordKind, RetentionRule, RetentionUnit
from panah.registry.models import Person
from panah.status.models import RESULTING_POPULATION, EventKind, StatusEvent
from panah.status.timeline import as_facts, known_events

# Exits that end an asylum claim without protection: the "rejected, no appeal left" rule. A rejection
# that is appealed is followed by an appeal (the person is an asylum-seeker again), so a rejection that
# is still the last word is final as far as the registry knows.
REJECTION_KINDS = frozenset({EventKind.ASYLUM_REJECTED, EventKind.APPEAL_REJECTED, EventKind.CLAIM_CLOSED})
PERSON_KINDS = (RecordKind.REJECTED_ASYLUM, RecordKind.EXITED)


def add_period(start: dt.date, period: int, unit: str) -> dt.date:
    """`start` plus the period; 29 February plus whole years falls on 28 February."""
    if unit == RetentionUnit.DAYS:
        return start + dt.timedelta(days=period)
    year = start.year + period
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return start.replace(year=year, day=day)


def rules_in_force(on: dt.date) -> dict[str, RetentionRule]:
    """The version of each rule in force on `on`, by record kind."""
    rules: dict[str, RetentionRule] = {}
    for rule in RetentionRule.objects.filter(valid_from__lte=on).order_by("valid_from", "id"):
        rules[rule.record_kind] = rule  # a later version replaces an earlier one
    return rules


@dataclass
class Due:
    kind: str
    rule: str
    object_id: int
    label: str
    due_on: dt.date
    blocked: list[str] = field(default_factory=list)


def final_exit(events: list[StatusEvent]) -> tuple[str, dt.date] | None:
    """(kind, effective) of the exit that is the person's last population-changing event as known now,
    or None when the person is in a population (or has no status event)."""
    facts = known_events(as_facts(events), timezone.now())
    changing = [f for f in facts if RESULTING_POPULATION[f.kind] is not None]
    if not changing:
        return None
    last = max(changing, key=lambda f: (f.effective, f.recorded_at, f.id))
    if RESULTING_POPULATION[last.kind] != "":
        return None
    return last.kind, last.effective


def _person_dues(rules: dict[str, RetentionRule], today: dt.date) -> list[Due]:
    from panah.privacy.services import anonymisation_blockers

    if not any(kind in rules for kind in PERSON_KINDS):
        return []
    result = []
    persons = (
        Person.objects.filter(population_type="", merged_into__isnull=True)
        .exclude(pk__in=Anonymisation.objects.values("person_id"))
        .order_by("pk")
    )
    events: dict[int, list[StatusEvent]] = {}
    for event in StatusEvent.objects.filter(person__in=persons).order_by("person_id", "id"):
        events.setdefault(event.person_id, []).append(event)
    for person in persons.filter(pk__in=list(events)):
        exit_ = final_exit(events[person.pk])
        if exit_ is None:
            continue
        kind, effective = exit_
        rule = rules.get(RecordKind.REJECTED_ASYLUM if kind in REJECTION_KINDS else RecordKind.EXITED)
        if rule is None:
            continue
        due_on = add_period(effective, rule.period, rule.unit)
        if due_on <= today:
            label = f"{person.registration_number}: {EventKind(kind).label} {effective.isoformat()}"
            result.append(Due(rule.record_kind, rule.code, person.pk, label, due_on, anonymisation_blockers(person)))
    return result


def _cutoff(rule: RetentionRule, today: dt.date) -> dt.datetime:
    """The moment before which records are due: their period ended on or before `today`."""
    if rule.unit == RetentionUnit.DAYS:
        day = today - dt.timedelta(days=rule.period)
    else:
        year = today.year - rule.period
        day = today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _record_dues(rules: dict[str, RetentionRule], today: dt.date) -> list[Due]:
    from panah.imports.models import ImportRun
    from panah.jobs.models import Job

    result = []
    if rule := rules.get(RecordKind.IMPORT_FILE):
        cutoff = _cutoff(rule, today)
        runs = (
            ImportRun.objects.annotate(ended=Coalesce("finished_at", "requested_at"))
            .filter(ended__lt=cutoff)
            .exclude(content=b"")
        )
        for run in runs.order_by("pk"):
            if run.content:
                ended = timezone.localdate(run.ended)
                result.append(
                    Due(rule.record_kind, rule.code, run.pk, run.file_name, add_period(ended, rule.period, rule.unit))
                )
    if rule := rules.get(RecordKind.IMPORT_REPORT):
        cutoff = _cutoff(rule, today)
        for run in ImportRun.objects.filter(finished_at__lt=cutoff).exclude(report={}).order_by("pk"):
            if not run.report.get("erased_on"):
                ended = timezone.localdate(run.finished_at)
                result.append(
                    Due(rule.record_kind, rule.code, run.pk, run.file_name, add_period(ended, rule.period, rule.unit))
                )
    if rule := rules.get(RecordKind.JOB):
        cutoff = _cutoff(rule, today)
        for job in Job.objects.filter(finished_at__lt=cutoff).order_by("pk"):
            ended = timezone.localdate(job.finished_at)
            result.append(
                Due(
                    rule.record_kind,
                    rule.code,
                    job.pk,
                    str(job.get_kind_display()),
                    add_period(ended, rule.period, rule.unit),
                )
            )
    if rule := rules.get(RecordKind.AUDIT):
        cutoff = _cutoff(rule, today)
        old = AuditEntry.objects.filter(at__lt=cutoff)
        count = old.count()
        if count:
            first = timezone.localdate(old.order_by("at").values_list("at", flat=True)[0])
            result.append(
                Due(rule.record_kind, rule.code, 0, f"{count} audit entries", add_period(first, rule.period, rule.unit))
            )
    return result


def due(today: dt.date | None = None) -> list[Due]:
    """Everything the rules in force make due on `today`. Changes nothing."""
    today = today or timezone.localdate()
    rules = rules_in_force(today)
    with unscoped("retention reads every record to find what its period has passed"):
        return _person_dues(rules, today) + _record_dues(rules, today)


def apply(
    *, by: Any, today: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Apply what is due: anonymise persons (skipping those the law requires keeping), empty import
    files, strip import reports of the values they quote, delete job records and old audit entries.
    Returns counts by outcome.

    Side effects: the above, each person's anonymisation audited by `anonymise_person`; one audit entry
    summing up the run (written after the old audit entries are deleted, so it is kept)."""
    from panah.imports.models import ImportRun
    from panah.jobs.models import Job
    from panah.privacy.services import anonymise_person

    today = today or timezone.localdate()
    items = due(today)
    counts = {"anonymised": 0, "blocked": 0, "import_files": 0, "import_reports": 0, "jobs": 0, "audit_entries": 0}
    rules = rules_in_force(today)
    reason = "retention rule {rule}: due {due}"
    for number, item in enumerate(items, start=1):
        # Each item is one transaction with its own audit entry: a run stopped half-way leaves every item
        # either applied and audited or untouched.
        with unscoped("apply retention"), transaction.atomic():
            why = reason.format(rule=item.rule, due=item.due_on)
            if item.kind in PERSON_KINDS:
                if item.blocked:
                    counts["blocked"] += 1
                else:
                    person = Person.objects.get(pk=item.object_id)
                    anonymise_person(by=by, person=person, rule=item.rule, reason=why)  # audits itself
                    counts["anonymised"] += 1
            elif item.kind == RecordKind.IMPORT_FILE:
                run = ImportRun.objects.get(pk=item.object_id)
                ImportRun.objects.filter(pk=run.pk).update(content=b"")
                record(
                    by=by,
                    action=AuditEntry.Action.CHANGE,
                    obj=run,
                    message="retention_import_file",
                    params={"why": why},
                )
                counts["import_files"] += 1
            elif item.kind == RecordKind.IMPORT_REPORT:
                run = ImportRun.objects.get(pk=item.object_id)
                report = dict(run.report)
                report["issues"] = [{**issue, "value": ""} for issue in report.get("issues", [])]
                report["header_row"] = None
                report["erased_on"] = today.isoformat()
                ImportRun.objects.filter(pk=run.pk).update(report=report)
                record(
                    by=by,
                    action=AuditEntry.Action.CHANGE,
                    obj=run,
                    message="retention_report_values",
                    params={"why": why},
                )
                counts["import_reports"] += 1
            elif item.kind == RecordKind.JOB:
                job = Job.objects.get(pk=item.object_id)
                record(by=by, action=AuditEntry.Action.CHANGE, obj=job, message="retention_job", params={"why": why})
                job.delete()
                counts["jobs"] += 1
            elif item.kind == RecordKind.AUDIT:
                counts["audit_entries"] += expire_entries(
                    by=by, before=_cutoff(rules[RecordKind.AUDIT], today), rule=item.rule
                )
        if progress is not None:
            progress(number, len(items))
    with unscoped("audit the retention run"):
        record(
            by=by,
            action=AuditEntry.Action.COMMAND,
            message="retention_applied",
            params={"counts": ", ".join(f"{k} {v}" for k, v in counts.items())},
            changes=counts,
        )
    return counts


__all__ = ["Due", "add_period", "apply", "due", "final_exit", "rules_in_force"]
