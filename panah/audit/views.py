from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from panah.accounts.permissions import is_system_admin, require
from panah.accounts.roles import Action
from panah.audit import selectors
from panah.audit.models import AuditEntry
from panah.registry.forms import DayField


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Registration number"), required=False)
    user = forms.CharField(label=gettext_lazy("User"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"), choices=[("", "—"), *AuditEntry.Action.choices], required=False
    )
    since = DayField(label=gettext_lazy("From"), required=False)
    until = DayField(label=gettext_lazy("Until"), required=False)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    entries = selectors.entries_for(request.user).select_related("organisation")
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(person_number__iexact=data["person"].strip())
        if data["user"]:
            entries = entries.filter(username__icontains=data["user"].strip())
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    refused = selectors.frequent_refusals() if is_system_admin(request.user) else []
    return render(request, "audit/log.html", {"form": form, "page": page, "refused": refused})
