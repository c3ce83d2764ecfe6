from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from panah.accounts.scope import Scope, scope_for, use_scope


class ScopeMiddleware:
    """Opens the signed-in user's view scope for the whole request; anonymous requests get none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        user._panah_scope_cache = {}  # memberships do not change within one request
        scope: Scope = scope_for(user)
        request.scope = scope  # type: ignore[attr-defined]
        with use_scope(scope):
            return self.get_response(request)
