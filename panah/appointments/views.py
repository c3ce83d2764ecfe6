"""Appointment pages: schedule one on a case, move it, the officer's and the office's week, the calendar
link. Each fetches through the selectors (same 404 for "no such" and "not yours") and writes through a
service that asks the policy."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from panah.accounts.permissions import acting_as, require
from panah.accounts.roles import Action
from panah.alerts.selectors import preference_of
from panah.appointments import ics, selectors, services
from panah.appointments.forms import AppointmentForm, WhenForm
from panah.audit.models import AuditEntry
from panah.cases.selectors import get_case_for_user
from panah.common import dates


def _errors(form: WhenForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _warn_if_late(request: HttpRequest, appointment: object) -> None:
    if getattr(appointment, "after_deadline", False):
        messages.warning(request, _("This appointment falls after the deadline it serves."))


@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)  # type: ignore[arg-type]
    require(request.user, Action.WORK_CASES, case)
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.schedule_appointment(
                by=request.user,  # type: ignore[arg-type]
                case=case,
                kind=data["kind"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                place=data["place"],
                serves_deadline=data["serves_deadline"],
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The appointment is scheduled."))
            _warn_if_late(request, appointment)
            return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "appointments/form.html",
        {
            "title": _("Schedule an appointment"),
            "case": case,
            "form": form,
            "error_forms": [form] if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.get_appointment_for_user(request.user, pk)  # type: ignore[arg-type]
    require(request.user, Action.WORK_CASES, appointment.case)
    local = timezone.localtime(appointment.starts_at)
    form = WhenForm(request.POST or None, initial={"day": local.date(), "time": local.time()})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_appointment(
                by=request.user, appointment=appointment, starts_at=form.cleaned_data["starts_at"]
            )  # type: ignore[arg-type]
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The appointment is moved."))
            _warn_if_late(request, appointment)
            return redirect("cases:case", pk=appointment.case_id)
    return render(
        request,
        "appointments/form.html",
        {
            "title": _("Move the appointment"),
            "case": appointment.case,
            "appointment": appointment,
            "form": form,
            "error_forms": [form] if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel an appointment (a button on the page that moves it): the same right as moving it."""
    appointment = selectors.get_appointment_for_user(request.user, pk)  # type: ignore[arg-type]
    case_id = appointment.case_id
    services.cancel_appointment(by=request.user, appointment=appointment)  # type: ignore[arg-type]
    messages.success(request, _("The appointment is cancelled."))
    return redirect("cases:case", pk=case_id)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    office = request.GET.get("view") == "office"
    try:
        start = dates.DateField().clean(request.GET["week"]) if request.GET.get("week") else timezone.localdate()
    except ValidationError:
        start = timezone.localdate()
        messages.error(request, _("Week: write the date as dd.mm.yyyy, for example 15.03.2017."))
    week = selectors.week_of(request.user, start=start, office=office)  # type: ignore[arg-type]
    return render(
        request,
        "appointments/calendar.html",
        {"title": _("Calendar"), "week": week, "today": timezone.localdate()},
    )


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    """One's own calendar link: shown once when made, revocable."""
    secret = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed(by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Your calendar link is revoked: it no longer works."))
            return redirect("appointments:feed")
        secret = services.issue_feed(by=request.user)  # type: ignore[arg-type]
    link = request.build_absolute_uri(reverse("appointments:ics", args=[secret])) if secret else None
    return render(
        request,
        "appointments/feed.html",
        {"title": _("Calendar link"), "active": selectors.active_feed(request.user), "link": link},  # type: ignore[arg-type]
    )


def ics_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The calendar feed: the secret in the URL is the only credential, so an unknown or revoked one is 404."""
    user = selectors.feed_owner(secret)
    if user is None:
        raise Http404
    with acting_as(user, channel=AuditEntry.Channel.WEB):
        found = selectors.feed_appointments(user, since=timezone.localdate() - dt.timedelta(days=30))
        body = ics.calendar(found, language=preference_of(user).language)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="panah.ics"'
    return response
