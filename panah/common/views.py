from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from panah.accounts.permissions import is_system_admin, may
from panah.accounts.roles import Action
from panah.audit.selectors import frequent_refusals
from panah.ops.health import readiness


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "can_register": may(request.user, Action.REGISTER_PERSON),
        # System administrators see at once who was refused many times in the last hour.
        "refused": frequent_refusals() if is_system_admin(request.user) else [],
    }
    return render(request, "common/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. It touches nothing else, so a database outage does not restart it."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness, for the load balancer and the operator: 200 when the database answers and every
    migration is applied, 503 with what is wrong otherwise. No sign-in, no personal data."""
    state = readiness()
    body = {"status": "ready" if state["ready"] else "unavailable", "checks": state["checks"]}
    response = JsonResponse(body, status=200 if state["ready"] else 503)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A path nobody serves: the API answers in its own error shape, the pages with the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "The request could not be read.", "errors": []}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error: the failure is logged.", "errors": []}, status=500)
    return defaults.server_error(request)
