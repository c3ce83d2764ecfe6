"""Casework pages: the officer's worklist, the regional overview, a case with its history, deadlines and
steps, the birth-registration report and the eligibility list. Thin: parse, call one service or
selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases import selectors, services
from panah.cases.forms import (
    AssignForm,
    ConditionForm,
    NoteForm,
    ObstacleForm,
    OpenCaseForm,
    TaskForm,
    TransferForm,
    TransitionForm,
)
from panah.cases.models import BirthObstacle, CaseTask
from panah.cases.workflows import CaseKind
from panah.geo.models import Region
from panah.registry.forms import apply_service_errors
from panah.registry.selectors import get_person

PAGE_SIZE = 50


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.WORK_CASES)
    mine_only = request.GET.get("all") != "1"
    work = selectors.worklist(request.user, mine_only=mine_only)
    return render(
        request,
        "cases/worklist.html#results" if request.htmx else "cases/worklist.html",
        {"title": _("Worklist"), "work": work, "alert_rule": selectors.alert_age_rule(work.today)},
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    today = timezone.localdate()
    rows = selectors.regional_overview(request.user, today=today)
    regions = {r.code: r for r in Region.objects.filter(code__in={row["region_id"] for row in rows})}
    labels = dict(CaseKind.choices)
    for row in rows:
        row["region"] = regions[row["region_id"]]
        row["kind_label"] = labels.get(row["kind"], row["kind"])
    return render(
        request,
        "cases/overview.html",
        {"title": _("Cases by region"), "rows": rows, "today": today, "soon_days": selectors.SOON_DAYS},
    )


@login_required
def open_case(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    kinds = selectors.kinds_user_may_open(request.user, person)
    if not kinds:
        require(request.user, Action.OPEN_CASES, person)
    form = OpenCaseForm(request.POST or None, kinds=kinds, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("The case was opened."))
            return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/open_case.html",
        {"title": _("Open a case"), "person": person, "form": form, "error_forms": [form] if form.errors else []},
    )


def _detail(request: HttpRequest, case: Any, status: int = 200, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    rights = {
        "may_work": may(user, Action.WORK_CASES, case),
        "may_decide": may(user, Action.DECIDE_CASES, case),
        "may_note": may(user, Action.NOTE_CASES, case),
        "may_manage": may(user, Action.MANAGE_CASES, case),
        "may_refer": may(user, Action.REFER_PERSONS, case.person),
        "may_print": may(user, Action.PRINT_NOTICES, case),
        "may_revoke": may(user, Action.REVOKE_NOTICES, case),
    }
    steps = [
        t
        for t in case.workflow.available(case.state)
        if rights["may_decide" if case.workflow.decides(t.name) else "may_work"]
    ]
    from panah.notices.selectors import notices_of_case  # notices read cases: imported when a page is drawn

    context = {
        **rights,
        "notices": notices_of_case(case) if rights["may_print"] else [],
        "title": str(case),
        "case": case,
        "person": case.person,
        "deadline": services.next_deadline(case, today),
        "lodged_late": services.lodged_late(case),
        "history": selectors.history(case),
        "tasks": list(case.tasks.all()),
        "obstacles": list(case.obstacles.all()) if case.kind == CaseKind.BIRTH_REGISTRATION else [],
        "available": steps,
        "today": today,
        "transition_form": forms.get("transition_form")
        or TransitionForm(workflow=case.workflow, steps=steps, initial={"effective": today}),
        "note_form": forms.get("note_form") or NoteForm(),
        "task_form": forms.get("task_form") or TaskForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(today=today, initial={"effective": today}),
        "assign_form": forms.get("assign_form")
        or AssignForm(organisation_id=case.organisation_id, initial={"officer": case.assigned_to_id}),
        "obstacle_form": forms.get("obstacle_form") or ObstacleForm(initial={"found_on": today}),
        "error_forms": [f for f in forms.values() if f.errors],
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    record(by=request.user, action=AuditEntry.Action.VIEW, obj=case, person=case.person, purpose="casework")
    return _detail(request, case)


def _post(request: HttpRequest, pk: int, name: str, form: Any, call: Any, done: str) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, done)
            return redirect("cases:case", pk=case.pk)
    return _detail(request, case, status=400, **{name: form})


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    form = TransitionForm(request.POST, workflow=case.workflow, steps=[])
    return _post(
        request,
        pk,
        "transition_form",
        form,
        lambda c, d: services.transition_case(by=request.user, case=c, **d),
        _("The step was recorded."),
    )


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "note_form",
        NoteForm(request.POST),
        lambda c, d: services.add_note(by=request.user, case=c, **d),
        _("The note was added."),
    )


@login_required
@require_POST
def task(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "task_form",
        TaskForm(request.POST),
        lambda c, d: services.add_task(by=request.user, case=c, assigned_to=c.assigned_to, **d),
        _("The task was added."),
    )


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    found = CaseTask.objects.filter(case=case, pk=task_id).select_related("case__person").first()
    if found is None:
        raise Http404
    services.complete_task(by=request.user, task=found)
    messages.success(request, _("The task is done."))
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    form = TransferForm(request.POST, today=timezone.localdate())
    return _post(
        request,
        pk,
        "transfer_form",
        form,
        lambda c, d: services.transfer_case(by=request.user, case=c, **d),
        _("The case was transferred."),
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    form = AssignForm(request.POST, organisation_id=case.organisation_id)
    return _post(
        request,
        pk,
        "assign_form",
        form,
        lambda c, d: services.assign_case(by=request.user, case=c, officer=d["officer"]),
        _("The case was assigned."),
    )


@login_required
@require_POST
def obstacle(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "obstacle_form",
        ObstacleForm(request.POST),
        lambda c, d: services.record_obstacle(by=request.user, case=c, **d),
        _("The obstacle was recorded."),
    )


@login_required
@require_POST
def obstacle_resolved(request: HttpRequest, pk: int, obstacle_id: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    found = BirthObstacle.objects.filter(case=case, pk=obstacle_id, resolved_on__isnull=True).first()
    if found is None:
        raise Http404
    services.resolve_obstacle(by=request.user, obstacle=found, resolved_on=timezone.localdate())
    messages.success(request, _("The obstacle is resolved."))
    return redirect("cases:case", pk=case.pk)


@login_required
def births(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.OPEN_CASES)
    today = timezone.localdate()
    rows = selectors.birth_report(today)
    regions = {r.code: r for r in Region.objects.filter(code__in={row["region_id"] for row in rows})}
    for row in rows:
        row["region"] = regions[row["region_id"]]
    return render(
        request,
        "cases/births.html",
        {
            "title": _("Children without a birth certificate"),
            "rows": rows,
            "today": today,
            "total": sum(row["n"] for row in rows),
            "alert_rule": selectors.alert_age_rule(today),
            # The children themselves, oldest first (nearest the age limits), to act on each one.
            "children": list(
                selectors.children_without_certificate(today)
                .select_related("region")
                .prefetch_related("names")
                .order_by("birth_date", "id")[:CHILDREN_LISTED]
            ),
            "listed": CHILDREN_LISTED,
        },
    )


CHILDREN_LISTED = 200


@login_required
def eligible(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.OPEN_CASES)
    today = timezone.localdate()
    rows = selectors.eligible_now(today)
    summary = selectors.eligible_by_region(today)
    regions = {r.code: r for r in Region.objects.filter(code__in={row["region_id"] for row in summary})}
    for row in summary:
        row["region"] = regions[row["region_id"]]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        by=request.user,
        action=AuditEntry.Action.SEARCH,
        message="eligible_list",
        changes={"results": len(rows)},
    )
    return render(
        request,
        "cases/eligible.html",
        {
            "title": _("Eligible now for a residence permit or citizenship"),
            "page": page,
            "summary": summary,
            "today": today,
        },
    )


@login_required
def eligibility(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    require(request.user, Action.OPEN_CASES, person)
    form = ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_condition(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:eligibility", number=person.registration_number)
    record(by=request.user, action=AuditEntry.Action.VIEW, obj=person, person=person, purpose="eligibility")
    return render(
        request,
        "cases/eligibility.html",
        {
            "title": _("Eligibility"),
            "person": person,
            "results": selectors.explain_eligibility(person),
            "conditions": list(person.conditions.all()),
            "form": form,
            "error_forms": [form] if form.errors else [],
            "cases": selectors.cases_of_person(request.user, person),
            "may_open": True,
        },
    )
