"""Referral pages: refer a person or household from a case or person, the inbox of referrals (addressed to
the caller's organisation, and sent by it), and one referral with its steps and services delivered.
Thin: parse, call one service or selector, render. The partner's pages are built from
`referral_selectors.SharedReferral`, never from the person's file."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.cases import referral_selectors as selectors
from panah.cases import referral_services as services
from panah.cases.referral_forms import DeliveryForm, ReferForm, ReferralStepForm
from panah.cases.referral_workflow import PARTNER, ReferralState
from panah.cases.selectors import get_case_for_user
from panah.registry.forms import apply_service_errors
from panah.registry.selectors import get_person


@login_required
def refer(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    require(request.user, Action.REFER_PERSONS, person)
    case = None
    if request.GET.get("case"):
        case = get_case_for_user(request.user, int(request.GET["case"]) if request.GET["case"].isdigit() else 0)
    today = timezone.localdate()
    form = ReferForm(request.POST or None, person=person, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.send_referral(by=request.user, person=person, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("cases:referral", pk=referral.pk)
    return render(
        request,
        "cases/refer.html",
        {
            "title": _("Refer to a partner project"),
            "person": person,
            "case": case,
            "form": form,
            "error_forms": [form] if form.errors else [],
            "referrals": selectors.referrals_of_person(request.user, person),
        },
        status=400 if form.errors else 200,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    found = selectors.inbox(request.user)
    record(
        by=request.user,
        action=AuditEntry.Action.SEARCH,
        message="referrals_inbox",
        changes={"addressed": len(found.addressed), "sent": len(found.sent)},
    )
    return render(request, "cases/referrals.html", {"title": _("Referrals"), "inbox": found})


def _detail(request: HttpRequest, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    referral, shared, side, steps = selectors.referral_page(by=request.user, pk=pk)
    if status == 200:
        record(
            by=request.user,
            action=AuditEntry.Action.VIEW,
            obj=referral,
            person=referral.person,
            organisation=referral.to_organisation if side == PARTNER else referral.from_organisation,
            purpose="referral",
        )
    today = timezone.localdate()
    context = {
        "title": _("Referral %(number)s") % {"number": referral.pk},
        "referral": referral,
        "shared": shared,
        "is_partner": side == PARTNER,
        "steps": steps,
        "may_record_services": bool(steps) and referral.state == ReferralState.ACCEPTED,
        "step_form": forms.get("step_form") or ReferralStepForm(steps=steps, initial={"effective": today}),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(initial={"delivered_on": today}),
        "error_forms": [f for f in forms.values() if f.errors],
    }
    return render(request, "cases/referral.html", context, status=status)


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def referral_step(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_referral_for_user(request.user, pk)
    form = ReferralStepForm(request.POST, steps=[])
    if form.is_valid():
        try:
            services.step_referral(by=request.user, referral=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("The step was recorded."))
            return redirect("cases:referral", pk=pk)
    return _detail(request, pk, status=400, step_form=form)


@login_required
@require_POST
def referral_service(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_referral_for_user(request.user, pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.record_delivery(by=request.user, referral=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("The service was recorded."))
            return redirect("cases:referral", pk=pk)
    return _detail(request, pk, status=400, delivery_form=form)
