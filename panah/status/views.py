from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.accounts.selectors import acting_organisation
from panah.registry.forms import apply_service_errors
from panah.registry.models import Person
from panah.registry.selectors import get_person
from panah.status import services
from panah.status.forms import CorrectionForm, StatusEventForm
from panah.status.models import StatusEvent


def _person_for_decision(request: HttpRequest, number: str) -> Person:
    person = get_person(number)
    require(request.user, Action.DECIDE_STATUS, person)
    return person


@login_required
def record_event(request: HttpRequest, number: str) -> HttpResponse:
    person = _person_for_decision(request, number)
    form = StatusEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_status_event(
                person=person,
                by=request.user,
                organisation=acting_organisation(request.user, Action.DECIDE_STATUS, person),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form))
        else:
            messages.success(request, _("The status event was recorded."))
            return redirect("registry:person", number=person.registration_number)
    return render(
        request,
        "status/event_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Record a status event"),
            "error_forms": [form] if form.errors else [],
        },
    )


@login_required
def correct_event(request: HttpRequest, number: str, event_id: int) -> HttpResponse:
    person = _person_for_decision(request, number)
    event = StatusEvent.objects.filter(person=person, pk=event_id).first()
    if event is None:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_status_event(
                event=event,
                by=request.user,
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"] or None,
                effective=form.cleaned_data["effective"],
            )
        except ValidationError as error:
            apply_service_errors(error, dict.fromkeys(form.fields, form) | {"evidence": form})
        else:
            messages.success(request, _("The correction was recorded; the original event is kept in the timeline."))
            return redirect("registry:person", number=person.registration_number)
    return render(
        request,
        "status/event_form.html",
        {
            "person": person,
            "form": form,
            "event": event,
            "title": _("Correct a status event"),
            "error_forms": [form] if form.errors else [],
        },
    )
