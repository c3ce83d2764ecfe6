from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from panah.accounts.permissions import collecting_refusals, flush_refusals
from panah.audit.services import ReadQuotaExceeded, audit_context
from panah.common.client import client_address


class AuditContextMiddleware:
    """Tells the audit log where a web action came from (channel, address), and writes the refusals the
    authorisation policy noted during the request once its work has ended, so that a refused write leaves
    nothing but its refusal entry. A user past the hourly read quota gets 429 with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/v1/") else "web"
        with audit_context(channel=channel, ip=client_address(request)), collecting_refusals() as refusals:
            response = self.get_response(request)
            flush_refusals(refusals)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ReadQuotaExceeded):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(exception), "errors": []}, status=429)
            return render(request, "429.html", {"message": str(exception)}, status=429)
        return None


class RefuseNulMiddleware:
    """Refuses (400) a URL whose path or query string holds a NUL character.

    No text a person types holds one, no text column can store one (PostgreSQL refuses it), and a
    view reading `request.GET` directly would pass it on: refused here once for every page. Forms
    refuse NUL in their fields themselves, and the API in its schemas."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query.lower() or "\x00" in query:
            message = "A NUL character is not allowed in a URL."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": []}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (Django's never-cache headers) on every answer that may carry personal
    data: every response to a signed-in user or a token caller, and every API answer. A shared computer's
    browser, or a proxy, then keeps no copy of a person's record to show the next user. Static files
    (answered by WhiteNoise before this runs) and anonymous pages keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
