from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.alerts import selectors, services
from panah.alerts.forms import PreferenceForm


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
