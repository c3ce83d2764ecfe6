from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from panah.audit.services import reset_audit_context, set_audit_context


class AuditContextMiddleware:
    """Tells the audit log where a web action came from: channel, address, user's organisation."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/v1/") else "web"
        token = set_audit_context(channel=channel, ip=request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            reset_audit_context(token)
