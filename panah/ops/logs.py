"""Structured logs without personal data: one JSON object a line, and one line per request.

What a request line holds is fixed here, field by field: time, level, logger, message, request id,
method, path (never the query string: a search for a name puts the name there), status, duration, the
user's id and the client's address (panah/common/client.py: behind a trusted proxy, the client's, not
the proxy's). Names, document numbers, query strings and request bodies are never written, and the
formatter copies no `extra` attribute it does not know (Django's `django.request` logger attaches the
whole request to its records). An exception is logged as its type and stack of code lines, without
its message, because a database error's message repeats the values it refused.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from panah.common.client import client_address

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("panah_request_id", default=None)

REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id", "client")
# A request id set by the reverse proxy is kept when it looks like one (letters, digits, dashes).
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_logger = logging.getLogger("panah.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with only the fields listed in this module."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get() or getattr(record, "request_id", None)
        if current and current != "-":  # "-" is what RequestIdFilter writes outside a request
            entry["request_id"] = current
        for field in REQUEST_FIELDS[1:]:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, stack = record.exc_info
            entry["exception"] = kind.__name__
            entry["stack"] = "".join(traceback.format_tb(stack)).rstrip()
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Adds the current request id to plain-text records, so `%(request_id)s` works in a format."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, if the request already knows who it is: logging must not cost a query."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)  # the lazy user of AuthenticationMiddleware, once read
    if user is None or user is empty or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    """Gives each request an id (answered in X-Request-ID) and logs one line when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        current = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(current)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,  # the path only: never request.get_full_path()
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": _user_id(request),
                    "client": client_address(request),
                },
            )
            response["X-Request-ID"] = current
            return response
        finally:
            request_id.reset(token)
