"""Printing notices (signed-in, through the policy) and checking them (public, rate-limited, logged)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.permissions import require
from panah.accounts.roles import Action
from panah.cases.models import CaseEvent
from panah.cases.selectors import get_case_for_user
from panah.common.client import client_address
from panah.notices import pdf, services, signing
from panah.notices.models import IssuedNotice, NoticeCheck
from panah.registry.selectors import get_person

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _languages(request: HttpRequest) -> tuple[str, str]:
    language = request.POST.get("lang") or ("kk" if (request.LANGUAGE_CODE or "").startswith("kk") else "ru")
    person_language = request.POST.get("for", "")
    return language, person_language


def _problem(request: HttpRequest, error: ValidationError, status: int = 400) -> HttpResponse:
    return render(request, "notices/problem.html", {"title": _("No notice"), "errors": error.messages}, status=status)


def _verify_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("notices:verify_form"))


def _pdf(request: HttpRequest, notice: IssuedNotice) -> HttpResponse:
    response = HttpResponse(pdf.notice_pdf(notice, _verify_url(request)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.code}.pdf"'
    return response


# Printing is a POST: it issues (or, the second time, records printing again) a signed notice, a write
# that a link followed by a prefetcher or planted on another site must not make.
@login_required
@require_POST
def case_notice(request: HttpRequest, pk: int, event: int) -> HttpResponse:
    """The PDF notice of a case's deciding step: lang=kk|ru, for=prs|ps|ar the person's own language."""
    case = get_case_for_user(request.user, pk, Action.PRINT_NOTICES)
    step = CaseEvent.objects.filter(case=case, pk=event).first()
    language, person_language = _languages(request)
    try:
        if step is None:
            raise ValidationError(_("This step decides nothing: there is no notice to print."))
        notice = services.print_case_notice(
            by=request.user, case=case, event=step, language=language, person_language=person_language
        )
    except ValidationError as error:
        return _problem(request, error)
    return _pdf(request, notice)


@login_required
@require_POST
def registration_certificate(request: HttpRequest, number: str) -> HttpResponse:
    person = get_person(number)
    language, person_language = _languages(request)
    try:
        notice = services.print_registration_certificate(
            by=request.user, person=person, language=language, person_language=person_language
        )
    except ValidationError as error:
        return _problem(request, error)
    return _pdf(request, notice)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke (or, with correct=1, correct) one of the case's notices, named by its code."""
    case = get_case_for_user(request.user, pk, Action.VIEW_CASES)
    require(request.user, Action.REVOKE_NOTICES, case)
    code = services.normalise_code(request.POST.get("code", ""))
    notice = IssuedNotice.objects.filter(case=case, code=code).first() if code else None
    reason = request.POST.get("reason", "")
    try:
        if notice is None:
            raise ValidationError(_("This case has no notice with that code."))
        if request.POST.get("correct"):
            new = services.correct_notice(by=request.user, notice=notice, reason=reason)
            messages.success(request, _("The notice was corrected: the new code is %(code)s.") % {"code": new.code})
        else:
            services.revoke_notice(by=request.user, notice=notice, reason=reason)
            messages.success(request, _("The notice was revoked."))
    except ValidationError as error:
        return _problem(request, error)
    return redirect("cases:case", pk=case.pk)


# --- Public: anyone may check a notice -------------------------------------------------------------------


def _within_rate(request: HttpRequest) -> bool:
    """PANAH_VERIFY_RATE checks per client address, counted in the shared cache as the API's rate is."""
    number, _slash, period = settings.PANAH_VERIFY_RATE.partition("/")
    limit, duration = int(number), PERIODS[period[:1]]
    key = f"panah:verify:rate:{client_address(request)}"
    cache.add(key, 0, duration)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(key, 1, duration)
        count = 1
    return count <= limit


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("code")
    if typed is not None:
        code = services.normalise_code(typed)
        if code:
            return redirect("notices:verify", code=code)
        return render(
            request,
            "notices/verify.html",
            {
                "title": _("Check a notice"),
                "typed": typed[:40],
                "error": _("A code has eight letters and digits, such as K7QM-2X9P."),
            },
            status=400,
        )
    return render(request, "notices/verify.html", {"title": _("Check a notice")})


def _day(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d.%m.%Y")
    except ValueError:
        return iso


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if not _within_rate(request):
        return render(
            request, "notices/verify.html",
            {"title": _("Check a notice"), "error": _("Too many checks from your address. Try again in a minute.")},
            status=429,
        )  # fmt: skip
    outcome, notice = services.check_notice(code, ip=client_address(request))
    status = 404 if outcome == NoticeCheck.Outcome.UNKNOWN else 200
    # Only what the signed payload says: the issuing body, the date, the kind, the initials.
    payload = signing.Payload.parse(notice.payload) if notice is not None else None
    context = {"title": _("Check a notice"), "outcome": outcome, "typed": code[:40], "checked": True}
    if notice is not None and payload is not None:
        context.update(
            notice={
                "code": notice.code,
                "issued_on": _day(payload.issued_on),
                "organisation": notice.organisation.name,
            },
            kind_label=services.kind_label(payload.kind),
            initials=payload.initials,
        )
    return render(request, "notices/verify.html", context, status=status)


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The public key that checks every notice's signature offline: base64url of its 32 bytes, then PEM."""
    text = f"ed25519 {signing.public_key_text()}\n\n{signing.public_key_pem()}"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
