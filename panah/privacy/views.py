"""Pages for data protection: the data-subject requests register, erasure, agreements and retention.

Thin: each reads through the request's view scope (404 alike for "no such" and "not yours") and calls
one service; the services check the role for the action."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from panah.accounts.permissions import may, require
from panah.accounts.roles import Action
from panah.jobs.models import Job
from panah.jobs.services import start as start_job
from panah.privacy import retention, selectors, services
from panah.privacy.forms import AgreementForm, AnonymiseForm, OutcomeForm, RefusalForm, SubjectRequestForm
from panah.privacy.models import RecordKind, RequestKind, RetentionRule, SubjectRequest
from panah.privacy.tasks import apply_retention
from panah.registry.selectors import get_person


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Every data-subject request about the persons the user may see, the most urgent first."""
    number = request.GET.get("number", "").strip().upper()
    if number:
        try:  # a number typed with a slash (or worse) has no page: it is simply not found
            return redirect("privacy:request_new", number=number)
        except NoReverseMatch:
            raise Http404 from None
    rows = list(SubjectRequest.objects.select_related("person", "handled_by").order_by("closed_on", "due_on", "id"))
    context = {
        "rows": rows,
        "today": timezone.localdate(),
        "may_manage_agreements": may(request.user, Action.MANAGE_AGREEMENTS),
    }
    return render(request, "privacy/requests.html", context)


@login_required
def request_new(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    require(request.user, Action.CHANGE_PERSON, person)
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.record_request(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The request is recorded."))
            return redirect("privacy:request", pk=created.pk)
    return render(request, "privacy/request_new.html", {"form": form, "person": person})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject_request = selectors.get_request_for_user(request.user, pk)
    outcome_form = OutcomeForm(request.POST if request.POST.get("action") == "complete" else None)
    refusal_form = RefusalForm(request.POST if request.POST.get("action") == "refuse" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.start_request(by=request.user, request=subject_request)
                return redirect("privacy:request", pk=pk)
            if action == "complete" and outcome_form.is_valid():
                services.complete_request(by=request.user, request=subject_request, **outcome_form.cleaned_data)
                return redirect("privacy:request", pk=pk)
            if action == "refuse" and refusal_form.is_valid():
                services.refuse_request(by=request.user, request=subject_request, **refusal_form.cleaned_data)
                return redirect("privacy:request", pk=pk)
        except ValidationError as error:
            _add_errors(outcome_form if action == "complete" else refusal_form, error)
    person = subject_request.person
    context = {
        "item": subject_request,
        "person": person,
        "today": timezone.localdate(),
        "may_decide": may(request.user, services.deciding_action(subject_request.kind), person),
        "may_work": may(request.user, Action.CHANGE_PERSON, person),
        "blockers": services.anonymisation_blockers(person) if subject_request.kind == RequestKind.ERASURE else [],
        "outcome_form": outcome_form,
        "refusal_form": refusal_form,
    }
    return render(request, "privacy/request.html", context)


@login_required
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of an erasure: the number typed again, and a reason."""
    subject_request = selectors.get_request_for_user(request.user, pk, kind=RequestKind.ERASURE)
    person = subject_request.person
    require(request.user, Action.EXPORT_PERSONS, person)
    form = AnonymiseForm(request.POST or None, expected=person.registration_number or "")
    if request.method == "POST" and form.is_valid():
        try:
            services.anonymise_person(
                by=request.user, person=person, request=subject_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The person's personal data are erased."))
            return redirect("privacy:request", pk=pk)
    context = {
        "item": subject_request,
        "person": person,
        "form": form,
        "blockers": services.anonymisation_blockers(person),
    }
    return render(request, "privacy/anonymise.html", context)


def _agreement_rows(user: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    warning = int(getattr(settings, "PANAH_AGREEMENT_WARNING_DAYS", 60))
    rows = []
    for agreement in selectors.agreements_for_user(user):
        ends = agreement.valid_to
        active = agreement.valid_from <= today and (ends is None or ends > today)
        labels = dict(Action.choices)
        rows.append(
            {
                "agreement": agreement,
                "actions": [str(labels.get(code, code)) for code in agreement.actions],
                "active": active,
                "expired": ends is not None and ends <= today,
                "expiring": active and ends is not None and (ends - today).days <= warning,
                "no_end": ends is None,
            }
        )
    return rows


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    """Data-sharing agreements with their scope, purpose and expiry; administrators record new ones."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    form = AgreementForm(request.POST or None, providers=selectors.providers_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_agreement(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("privacy:agreements")
    return render(request, "privacy/agreements.html", {"rows": _agreement_rows(request.user), "form": form})


@login_required
def retention_rules(request: HttpRequest) -> HttpResponse:
    """The retention rules, every version, with what is unconfirmed marked; for a system administrator,
    what is due today and a button that applies it in the background."""
    require(request.user, Action.VIEW_AUDIT)
    context: dict[str, Any] = {
        "rules": RetentionRule.objects.all(),
        "may_apply": may(request.user, Action.MAINTAIN),
    }
    if context["may_apply"]:
        due = retention.due()
        context.update(
            due=[(RecordKind(item.kind).label, item) for item in due[:DUE_SHOWN]],
            due_count=len(due),
            blocked_count=sum(1 for item in due if item.blocked),
        )
    return render(request, "privacy/retention.html", context)


DUE_SHOWN = 50  # the page lists the first of what is due; the job applies all of it


@login_required
@require_POST
def retention_apply(request: HttpRequest) -> HttpResponse:
    """Start applying what is due in the background (system administrators); the job page shows progress."""
    require(request.user, Action.MAINTAIN)
    job = start_job(kind=Job.Kind.APPLY_RETENTION, by=request.user, task=apply_retention)
    return redirect("jobs:job", pk=job.pk)
