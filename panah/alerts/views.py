import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.alerts import selectors, services
from panah.alerts.forms import CaseloadForm, PreferenceForm
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.geo.models import Region


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """One's own alert preferences: no personal data of persons, only the user's own choices."""
    current = selectors.preference_of(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.save_preference(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Your alert preferences are saved."))
            return redirect("alerts:preferences")
    else:
        form = PreferenceForm(
            initial={
                "frequency": current.frequency,
                "kinds": list(current.kinds),
                "days_ahead": current.days_ahead,
                "language": current.language,
            }
        )
    return render(
        request,
        "alerts/preferences.html",
        {
            "title": _("Alerts"),
            "form": form,
            "error_forms": [form] if form.errors else [],
            "has_email": bool(request.user.email),  # type: ignore[union-attr]
        },
    )


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Expiring documents and overdue deadlines of the caller's scope, by region; CSV for who may export."""
    require(request.user, Action.VIEW_CASES)
    codes = selectors.caseload_regions(request.user)  # type: ignore[arg-type]
    names = {r.code: r.name for r in Region.objects.filter(code__in=codes)}
    form = CaseloadForm(request.GET or None, regions=[(c, names.get(c, c)) for c in codes])
    today = timezone.localdate()
    region, days = "", 30
    if form.is_bound and form.is_valid():
        region, days = form.cleaned_data["region"] or "", form.cleaned_data["days"] or 30
    elif form.is_bound:
        return render(
            request,
            "alerts/caseload.html",
            {"title": _("Caseload"), "form": form, "error_forms": [form], "load": None},
            status=400,
        )
    if request.GET.get("format") == "csv":
        require(request.user, Action.EXPORT_PERSONS)
        load = selectors.caseload(request.user, today=today, days=days, region=region, limit=None)  # type: ignore[arg-type]
        record(
            by=request.user,  # type: ignore[arg-type]
            action=AuditEntry.Action.EXPORT,
            message="caseload_exported",
            summary=f"exported the caseload ({len(load.documents)} documents, {len(load.overdue)} cases)",
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="caseload-{today:%Y-%m-%d}.csv"'
        writer = csv.writer(response)
        writer.writerow(["what", "registration_number", "region", "kind", "date"])
        for document in load.documents:
            writer.writerow(
                ["document_expiring", document.person.registration_number, document.person.region_id, document.type,
                 document.valid_to.isoformat() if document.valid_to else ""]
            )  # fmt: skip
        for case in load.overdue:
            writer.writerow(
                ["deadline_overdue", case.person.registration_number, case.region_id, case.kind,
                 case.due_on.isoformat() if case.due_on else ""]
            )  # fmt: skip
        return response
    load = selectors.caseload(request.user, today=today, days=days, region=region)  # type: ignore[arg-type]
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "alerts/caseload.html",
        {"title": _("Caseload"), "form": form, "error_forms": [], "load": load, "csv_query": query.urlencode()},
    )
