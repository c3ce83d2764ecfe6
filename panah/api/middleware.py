from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from panah.api import tokens
from panah.common.client import client_address

API_PREFIX = "/api/"


class ApiTokenMiddleware:
    """Signs in the caller of an API request that carries `Authorization: Bearer <token>`.

    It runs before ScopeMiddleware, so a token caller gets exactly the scope of its user, opened in
    the one place every request's scope is opened. A token that is unknown, expired or revoked is
    refused here with 401, never treated as anonymous; a client that keeps sending wrong tokens is
    refused with 429 for a while (PANAH_API_TOKEN_FAILURES per PANAH_API_TOKEN_FAILURE_MINUTES).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not request.path.startswith(API_PREFIX) or not header:
            return self.get_response(request)
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return self.get_response(request)  # not ours: the API's auth classes answer 401
        failures_key = f"panah:api:token-failures:{client_address(request) or 'unknown'}"
        if (cache.get(failures_key) or 0) >= settings.PANAH_API_TOKEN_FAILURES:
            minutes = settings.PANAH_API_TOKEN_FAILURE_MINUTES
            response = JsonResponse(
                {"detail": "Too many requests with a wrong token: wait and try again.", "errors": []}, status=429
            )
            response["Retry-After"] = str(minutes * 60)
            return response
        token = tokens.authenticate(secret.strip())
        if token is None:
            cache.add(failures_key, 0, settings.PANAH_API_TOKEN_FAILURE_MINUTES * 60)
            try:
                cache.incr(failures_key)
            except ValueError:  # expired between add and incr
                cache.set(failures_key, 1, settings.PANAH_API_TOKEN_FAILURE_MINUTES * 60)
            response = JsonResponse(
                {"detail": "The API token is unknown, expired or revoked.", "errors": []}, status=401
            )
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        request._dont_enforce_csrf_checks = True  # a bearer token is not sent by a browser on its own
        return self.get_response(request)
