"""Assignment, notes, tasks and transfers between regions, with the history kept append-only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from panah.accounts.scope import scope_for, unscoped, use_scope
from panah.audit.models import AuditEntry
from panah.cases import services
from panah.cases.models import Case, CaseEvent
from panah.cases.workflows import CaseKind
from tests.factories import region

D = dt.date


def as_(user):
    return use_scope(scope_for(user))


def test_transfer_keeps_the_history_and_the_deadline(cast, open_case):
    case = open_case(
        cast.sysadmin, cast.person_a, CaseKind.ASYLUM, opened_on=D(2024, 1, 15), assigned_to=cast.decider_a
    )
    with as_(cast.sysadmin):
        services.transfer_case(
            by=cast.sysadmin, case=case, region=region("KZ-75"), effective=D(2024, 2, 1), note="Moved to Almaty"
        )
    with unscoped("test"):
        case = Case.objects.get(pk=case.pk)
        transfer = CaseEvent.objects.get(case=case, kind="transfer")
    assert case.region_id == "KZ-75" and case.assigned_to is None
    assert case.due_on == D(2024, 4, 15)  # legal time limits do not restart with a transfer
    assert (transfer.from_region_id, transfer.to_region_id, transfer.text) == ("KZ-55", "KZ-75", "Moved to Almaty")
    assert transfer.from_organisation_id == transfer.to_organisation_id == cast.state.pk


def test_transfer_to_a_region_the_organisation_does_not_cover_is_refused(cast, open_case):
    case = open_case(cast.sysadmin, cast.person_a, CaseKind.DOCUMENTATION)
    with as_(cast.sysadmin), pytest.raises(ValidationError, match="does not work in"):
        services.transfer_case(by=cast.sysadmin, case=case, region=region("KZ-11"), effective=D(2024, 2, 1), note="x")
    with as_(cast.sysadmin), pytest.raises(ValidationError, match="already handled"):
        services.transfer_case(by=cast.sysadmin, case=case, region=region("KZ-55"), effective=D(2024, 2, 1), note="x")


def test_history_is_append_only(cast, open_case):
    case = open_case(cast.officer_a, cast.person_a, CaseKind.DOCUMENTATION)
    with unscoped("test"):
        event = CaseEvent.objects.get(case=case)
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            event.delete()
        with pytest.raises(TypeError):
            CaseEvent.objects.filter(case=case).update(text="rewritten")
        with pytest.raises(TypeError):
            CaseEvent.objects.filter(case=case).delete()


def test_notes_tasks_and_assignment_are_audited(cast, open_case):
    case = open_case(cast.officer_a, cast.person_a, CaseKind.DOCUMENTATION)
    with as_(cast.officer_a):
        services.add_note(by=cast.officer_a, case=case, text="Called the applicant")
        task = services.add_task(by=cast.officer_a, case=case, title="Request the passport copy", due_on=D(2024, 3, 1))
        services.complete_task(by=cast.officer_a, task=task)
        services.assign_case(by=cast.officer_a, case=case, officer=cast.decider_a)
        with pytest.raises(ValidationError, match="already done"):
            services.complete_task(by=cast.officer_a, task=task)
        with pytest.raises(ValidationError, match="must belong"):
            services.assign_case(by=cast.officer_a, case=case, officer=cast.lawyer)
    with unscoped("test"):
        kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "note", "assigned"]
    summaries = list(AuditEntry.objects.filter(person_id=cast.person_a.pk).values_list("summary", flat=True))
    with translation.override("en"):
        opened = f"opened a case: {CaseKind.DOCUMENTATION.label}"
    assert {opened, "note on case", "assigned case"} <= set(summaries)
    assert any(s.startswith("task done") for s in summaries)


def test_out_of_scope_person_cannot_get_a_case(cast, open_case):
    with pytest.raises(PermissionDenied):
        open_case(cast.officer_a, cast.person_b, CaseKind.DOCUMENTATION)
    # The statistician works no case at all.
    with pytest.raises(PermissionDenied):
        open_case(cast.statistician, cast.person_a, CaseKind.DOCUMENTATION)
