"""Account pages: the second factor, one's password and sessions, and administering other users."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from panah.accounts import otp, services
from panah.accounts.forms import (
    DeactivateForm,
    EnrolForm,
    ReactivateForm,
    ResetSecondFactorForm,
    TemporaryPasswordForm,
    VerifyForm,
)
from panah.accounts.models import UserSession
from panah.accounts.selectors import get_user_for_admin, may_administer_users, users_for_admin

THROTTLED = gettext_lazy("Too many wrong codes: wait a little and try again. Each wrong code doubles the wait.")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _next(request: HttpRequest, default: str = "home") -> HttpResponseRedirect:
    target = _safe_next(request)
    return HttpResponseRedirect(target) if target else redirect(default)


# The second factor


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code; the recovery codes are shown once.
    Replacing a confirmed authenticator needs a session that passed it."""
    if otp.has_device(request.user) and not otp.is_verified(request.user):
        return redirect_with_next(request, "accounts:otp_verify")
    device = otp.pending_device(request.user)
    form = EnrolForm()
    if request.method == "POST":
        form = EnrolForm(request.POST)
        if form.is_valid() and not device.verify_is_allowed()[0]:
            form.add_error("code", THROTTLED)
        elif form.is_valid():
            codes = otp.confirm_enrolment(request=request, device=device, code=form.cleaned_data["code"])
            if codes is not None:
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": _safe_next(request), "enrolled": True},
                )
            form.add_error("code", _("That code is not right. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "qr": otp.qr_svg(device),
        "secret": otp.secret_base32(device),
        "required": otp.otp_required(request.user),
        "next": _safe_next(request),
        "error_forms": [form] if form.errors else [],
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    if otp.is_verified(request.user):
        return _next(request)
    if not otp.has_device(request.user):
        return redirect_with_next(request, "accounts:otp_enrol")
    form = VerifyForm()
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            try:
                if otp.verify(request=request, code=form.cleaned_data["code"]):
                    return _next(request)
                form.add_error("code", _("That code is not right."))
            except otp.Throttled:
                form.add_error("code", THROTTLED)
    context = {
        "form": form,
        "next": _safe_next(request),
        "error_forms": [form] if form.errors else [],
    }
    return render(request, "accounts/otp_verify.html", context)


def redirect_with_next(request: HttpRequest, name: str) -> HttpResponseRedirect:
    return redirect_to_login(_safe_next(request) or "/", reverse(name))


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not otp.is_verified(request.user):
        raise PermissionDenied
    codes = otp.replace_recovery_codes(by=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False})


# One's own account


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_device": otp.has_device(user),
        "verified": otp.is_verified(user),
        "required": otp.otp_required(user),
        "recovery_left": otp.recovery_codes_left(user),
        "sessions": services.active_sessions(user),
        "current_key": request.session.session_key,
    }
    return render(request, "accounts/security.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user)
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            services.change_own_password(
                user=request.user, password=form.cleaned_data["new_password1"], request=request
            )
            messages.success(request, _("Your password is changed. Your other sessions were signed out."))
            return _next(request)
    context = {
        "form": form,
        "must_change": request.user.must_change_password,
        "next": _safe_next(request),
        "error_forms": [form] if form.errors else [],
    }
    return render(request, "accounts/password_change.html", context)


@login_required
@require_POST
def end_own_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("To end this session, sign out."))
    else:
        services.end_session(by=request.user, session=session)
        messages.success(request, _("The session is signed out."))
    return redirect("accounts:security")


# Administering users


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    if not may_administer_users(request.user):
        raise PermissionDenied
    users = users_for_admin(request.user).order_by("username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(last_name__icontains=query)
    return render(request, "accounts/user_list.html", {"users": users[:200], "query": query})


def _user_page(request: HttpRequest, pk: int, status: int = 200, **forms: object) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    context = {
        "target": target,
        "memberships": target.memberships.select_related("organisation").order_by("-valid_from"),
        "sessions": services.active_sessions(target),
        "password_form": TemporaryPasswordForm(),
        "deactivate_form": DeactivateForm(),
        "reactivate_form": ReactivateForm(),
        "second_factor_form": ResetSecondFactorForm(),
        "has_authenticator": otp.has_device(target),
        "recovery_codes_left": otp.recovery_codes_left(target),
        **forms,
    }
    context["error_forms"] = [form for form in forms.values() if getattr(form, "errors", None)]
    return render(request, "accounts/user_detail.html", context, status=status)


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, pk)


@login_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    form = TemporaryPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.set_temporary_password(by=request.user, user=target, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request,
                _("%(user)s has a temporary password and must choose a new one at the next sign-in.")
                % {"user": target.get_username()},
            )
            return redirect("accounts:user_detail", pk=target.pk)
    return _user_page(request, pk, status=400, password_form=form)


def _user_action(
    request: HttpRequest, pk: int, form_name: str, form_class: type[forms.Form], act: Callable[[Any, dict], str]
) -> HttpResponse:
    """An administrator's action on a user's page: the form, then `act(target, cleaned_data)`, which
    does it and says what was done; an invalid form shows the page again with its errors (400)."""
    target = get_user_for_admin(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _user_page(request, pk, status=400, **{form_name: form})
    messages.success(request, act(target, form.cleaned_data))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def deactivate(target: Any, data: dict) -> str:
        services.deactivate_user(by=request.user, user=target, reason=data["reason"])
        return _("%(user)s is deactivated.") % {"user": target.get_username()}

    return _user_action(request, pk, "deactivate_form", DeactivateForm, deactivate)


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def reactivate(target: Any, data: dict) -> str:
        services.reactivate_user(by=request.user, user=target, restore_memberships=data["restore_memberships"])
        return _("%(user)s can sign in again.") % {"user": target.get_username()}

    return _user_action(request, pk, "reactivate_form", ReactivateForm, reactivate)


@login_required
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    def reset(target: Any, data: dict) -> str:
        services.reset_second_factor(by=request.user, user=target, reason=data["reason"])
        return _("%(user)s's authenticator and recovery codes are removed; they enrol again at their next sign-in.") % {
            "user": target.get_username()
        }

    return _user_action(request, pk, "second_factor_form", ResetSecondFactorForm, reset)


@login_required
@require_POST
def user_end_session(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    session = get_object_or_404(UserSession, pk=session_pk, user=target)
    services.end_session(by=request.user, session=session)
    messages.success(request, _("The session is signed out."))
    return redirect("accounts:user_detail", pk=target.pk)
