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
    EndMembershipForm,
    EnrolForm,
    MembershipForm,
    NewUserForm,
    ReactivateForm,
    ResetSecondFactorForm,
    TemporaryPasswordForm,
    VerifyForm,
)
from panah.accounts.models import Membership, UserSession
from panah.accounts.permissions import is_system_admin, may, require
from panah.accounts.roles import Action
from panah.accounts.selectors import get_user_for_admin, membership_organisations, users_for_admin
from panah.common.http import AuthenticatedRequest

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
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
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
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
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
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not otp.is_verified(request.user):
        raise PermissionDenied
    codes = otp.replace_recovery_codes(by=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "enrolled": False})


# One's own account


@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
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
def password_change(request: AuthenticatedRequest) -> HttpResponse:
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
def end_own_session(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("To end this session, sign out."))
    else:
        services.end_session(by=request.user, session=session)
        messages.success(request, _("The session is signed out."))
    return redirect("accounts:security")


# Administering users


@login_required
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_USERS)
    users = users_for_admin(request.user).order_by("username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(last_name__icontains=query)
    context = {"users": users[:200], "query": query, "may_create": may(request.user, Action.MANAGE_MEMBERSHIPS)}
    return render(request, "accounts/user_list.html", context)


def _membership_form(
    request: AuthenticatedRequest, data: Any = None, form_class: type[MembershipForm] = MembershipForm
) -> Any:
    return form_class(
        data,
        organisations=membership_organisations(request.user),
        system_admin=is_system_admin(request.user),
    )


@login_required
def user_new(request: AuthenticatedRequest) -> HttpResponse:
    """Create an account with its first role and a temporary password."""
    require(request.user, Action.MANAGE_MEMBERSHIPS)
    form = _membership_form(request, request.POST or None, NewUserForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                by=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password1"],
                organisation=data["organisation"],
                role=data["role"],
                regions=data["regions"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s is created and must choose a new password at the first sign-in.")
                % {"user": user.get_username()},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    context = {"form": form, "error_forms": [form] if form.errors else []}
    return render(request, "accounts/user_new.html", context, status=400 if form.errors else 200)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def user_membership(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    form = _membership_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_membership(
                by=request.user,
                user=target,
                organisation=data["organisation"],
                role=data["role"],
                regions=data["regions"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The role is given."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _user_page(request, pk, status=400, membership_form=form)


@login_required
@require_POST
def user_end_membership(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=target)
    form = EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(by=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role is ended."))
    return redirect("accounts:user_detail", pk=target.pk)


def _user_page(request: AuthenticatedRequest, pk: int, status: int = 200, **forms: object) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    context = {
        "target": target,
        "memberships": target.memberships.select_related("organisation")
        .prefetch_related("regions")
        .order_by("-valid_from"),
        "membership_form": _membership_form(request),
        "end_membership_form": EndMembershipForm(),
        "may_manage_memberships": may(request.user, Action.MANAGE_MEMBERSHIPS),
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
def user_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _user_page(request, pk)


@login_required
@require_POST
def user_password(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
    request: AuthenticatedRequest,
    pk: int,
    form_name: str,
    form_class: type[forms.Form],
    act: Callable[[Any, dict], str],
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
def user_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def deactivate(target: Any, data: dict) -> str:
        services.deactivate_user(by=request.user, user=target, reason=data["reason"])
        return _("%(user)s is deactivated.") % {"user": target.get_username()}

    return _user_action(request, pk, "deactivate_form", DeactivateForm, deactivate)


@login_required
@require_POST
def user_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def reactivate(target: Any, data: dict) -> str:
        services.reactivate_user(by=request.user, user=target, restore_memberships=data["restore_memberships"])
        return _("%(user)s can sign in again.") % {"user": target.get_username()}

    return _user_action(request, pk, "reactivate_form", ReactivateForm, reactivate)


@login_required
@require_POST
def user_reset_second_factor(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def reset(target: Any, data: dict) -> str:
        services.reset_second_factor(by=request.user, user=target, reason=data["reason"])
        return _("%(user)s's authenticator and recovery codes are removed; they enrol again at their next sign-in.") % {
            "user": target.get_username()
        }

    return _user_action(request, pk, "second_factor_form", ResetSecondFactorForm, reset)


@login_required
@require_POST
def user_end_session(request: AuthenticatedRequest, pk: int, session_pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    session = get_object_or_404(UserSession, pk=session_pk, user=target)
    services.end_session(by=request.user, session=session)
    messages.success(request, _("The session is signed out."))
    return redirect("accounts:user_detail", pk=target.pk)
