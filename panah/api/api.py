"""The JSON API at /api/v1/: authentication, rate limits and error bodies; the routers hold the endpoints.

Callers authenticate with a personal token (`Authorization: Bearer pnh_…`, see tokens.py) or with
the session of a signed-in user (which then needs the CSRF token to write). Either way the request
runs in the user's scope, opened by ScopeMiddleware, and every read of a person is audited, as on the
pages. Every 4xx answer has one shape: {"detail": "...", "errors": [{"field": "...", "message": "..."}]}.
"""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle

from panah.accounts.models import Membership
from panah.api.schemas import ERRORS, ErrorOut, MembershipOut, MeOut
from panah.audit.services import ReadQuotaExceeded
from panah.common.client import client_address


class TokenAuth(HttpBearer):
    """A bearer token, already checked by ApiTokenMiddleware (which refuses a bad one with 401)."""

    openapi_description = "A personal API token: `Authorization: Bearer pnh_…` (issued at /api/tokens/)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return getattr(request, "api_token", None)


class SessionAuth(APIKeyCookie):
    """The signed-in user's session; writes also need the CSRF token, as forms do."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The session cookie of a signed-in user (writes need the X-CSRFToken header)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CallerRateThrottle(BaseThrottle):
    """PANAH_API_RATE requests per token (or per signed-in user, or per client address), e.g. "600/min".

    The count lives in the shared cache (settings.CACHES), so every worker process counts together. The
    window opens with a caller's first request and lasts the rate's period: one counter, added once
    and incremented atomically (Redis INCR; panah.common.cache for the database), so of N + k requests
    sent at once by many threads to many workers exactly N pass.
    """

    def __init__(self) -> None:
        self.duration = 60

    def allow_request(self, request: HttpRequest) -> bool:
        # Read per request so a deployment (or a test) can change the rate without re-importing.
        number, _slash, period = settings.PANAH_API_RATE.partition("/")
        limit, self.duration = int(number), PERIODS[period[:1]]  # as django-ninja reads a rate
        key = f"panah:api:rate:{self.ident(request)}"
        cache.add(key, 0, self.duration)
        try:
            count = cache.incr(key)
        except ValueError:  # the window closed between add and incr: this request opens the next
            cache.set(key, 1, self.duration)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        return float(self.duration)

    @staticmethod
    def ident(request: HttpRequest) -> str:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"token-{token.pk}"
        if request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"client-{client_address(request)}"


api = NinjaAPI(
    title="Panah API",
    version="1",
    description=(
        "Persons, legal-status timelines, statistics and imports of the Panah registry, scoped to what "
        "the caller may see. Every read of a person is audited."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("query", "limit") → "limit"; a body field keeps its path inside the body.
        field = ".".join(
            location[1:] if location and location[0] in {"query", "path", "body", "form", "file"} else location
        )
        errors.append({"field": field or "request", "message": str(error.get("msg", "invalid"))})
    return _error(request, 422, "The request is not valid.", errors)


@api.exception_handler(DjangoValidationError)
def _invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": str(m)} for f, messages in exc.message_dict.items() for m in messages]
    else:
        errors = [{"field": "request", "message": str(m)} for m in exc.messages]
    return _error(request, 422, "The data is not valid.", errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Alike for "no such" and "not yours", as on the pages.
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(ReadQuotaExceeded)
def _read_quota(request: HttpRequest, exc: ReadQuotaExceeded) -> HttpResponse:
    response = _error(request, 429, str(exc))
    response["Retry-After"] = "3600"
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, "Too many requests: wait and try again.")
    response["Retry-After"] = str(max(1, int(getattr(exc, "wait", None) or 1)))
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "Sign in or send an API token: Authorization: Bearer pnh_…")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["account"], summary="Who the caller is and what they may reach")
def me(request: HttpRequest) -> dict[str, Any]:
    token = getattr(request, "api_token", None)
    memberships = Membership.objects.active().filter(user=request.user).select_related("organisation")
    return {
        "username": request.user.get_username(),
        "token_expires_at": token.expires_at if token else None,
        "memberships": [
            MembershipOut(
                organisation=m.organisation.code,
                role=m.role,
                regions=sorted(r.code for r in m.regions.all()),
            )
            for m in memberships.prefetch_related("regions")
        ],
    }


def _routers() -> None:
    from panah.api.import_runs import router as imports
    from panah.api.persons import router as persons
    from panah.api.statistics import router as statistics

    api.add_router("/persons", persons)
    api.add_router("/statistics", statistics)
    api.add_router("/imports", imports)


_routers()
__all__ = ["ErrorOut", "api"]
