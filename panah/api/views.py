"""The page where a user issues and revokes their own API tokens. A new token's secret is shown once."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from panah.accounts.otp import second_factor_missing
from panah.api.models import ApiToken
from panah.api.tokens import issue_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.PANAH_API_TOKEN_MAX_DAYS, initial=90
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(initial={"days": settings.PANAH_API_TOKEN_DAYS})
    secret = ""
    if request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(ApiToken, pk=request.POST.get("revoke"), user=request.user)
        revoke_token(by=request.user, token=token)
    elif request.method == "POST" and second_factor_missing(request):
        # A token carries no second factor: it is issued only from a session that passed it.
        return redirect("accounts:otp_verify")
    elif request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _token, secret = issue_token(
                    by=request.user, user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form = TokenForm(initial={"days": settings.PANAH_API_TOKEN_DAYS})
    context = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user).select_related("user"),
        "error_forms": [form] if form.errors else [],
    }
    return render(request, "api/tokens.html", context)
