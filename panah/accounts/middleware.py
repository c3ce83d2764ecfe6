import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from panah.accounts.otp import SESSION_HAS_DEVICE, has_device, otp_required, second_factor_missing
from panah.accounts.scope import scope_for, use_scope
from panah.accounts.services import note_session


class ScopeMiddleware:
    """Opens the signed-in user's view scope for the whole request; anonymous requests get none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        user._panah_scope_cache = {}  # memberships do not change within one request
        with use_scope(scope_for(user)):
            return self.get_response(request)


# Pages a signed-in user reaches before passing the second factor or changing a temporary password.
API_PATH = "/api/v1/"  # the JSON API answers in JSON; /api/tokens/ is a page
_OPEN_URL_NAMES = ("login", "logout", "set_language", "healthz")
_SECOND_FACTOR_URL_NAMES = ("accounts:otp_enrol", "accounts:otp_verify")


@functools.cache
def _open_paths() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(paths open before the second factor, paths also open before a new password is chosen)."""
    static = "/" + settings.STATIC_URL.lstrip("/")
    before_otp = (static, *(reverse(name) for name in _OPEN_URL_NAMES + _SECOND_FACTOR_URL_NAMES))
    return before_otp, (*before_otp, reverse("accounts:password_change"))


class AccountMiddleware:
    """Three things about the signed-in browser session, in the one place every page passes through:

    1. It notes the session (address, browser, last seen; written at most once a minute) for the
       list of signed-in sessions.
    2. The second factor: a user who must pass it (otp.second_factor_missing) and has not in this
       session is sent to enrol (no device yet) or to verify, for every page except signing in and
       out, those two pages, static files and /healthz. The JSON API answers 403 instead.
    3. A user given a temporary password is sent to choose a new one first.

    A request with an API token is signed in later (ApiTokenMiddleware): a token carries no second
    factor, and tokens are issued only from a session that passed it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        note_session(request, user)
        before_otp, before_password = _open_paths()
        path = request.path
        if not path.startswith(before_otp) and second_factor_missing(request):
            if path.startswith(API_PATH):
                return JsonResponse(
                    {"detail": "Pass the second factor in the web pages first.", "errors": []}, status=403
                )
            if has_device(user):
                return redirect_to_login(request.get_full_path(), reverse("accounts:otp_verify"))
            if otp_required(user):
                return redirect_to_login(request.get_full_path(), reverse("accounts:otp_enrol"))
            request.session.pop(SESSION_HAS_DEVICE, None)  # the device was removed since sign-in
        if getattr(user, "must_change_password", False) and not path.startswith(before_password):
            if path.startswith(API_PATH):
                return JsonResponse(
                    {"detail": "Choose a new password in the web pages first.", "errors": []}, status=403
                )
            return redirect_to_login(request.get_full_path(), reverse("accounts:password_change"))
        return self.get_response(request)
