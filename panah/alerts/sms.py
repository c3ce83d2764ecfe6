"""Messages to persons by SMS, through a gateway chosen in the settings (`PANAH_SMS_BACKEND`):

- `FileBackend` (development): appends one JSON line per message to `PANAH_SMS_FILE` (var/sms.jsonl);
- `HttpBackend` (a real provider): POSTs `{"to", "text", "language"}` as JSON to `PANAH_SMS_URL`, with
  `Authorization: Bearer PANAH_SMS_TOKEN` when set; any answer other than 2xx is a failure.

An SMS is read on a shared phone and kept by the operator, so its text says only that there is an
appointment (when and where), a document to collect, or a date approaching: never a status, a nationality,
a kind of case or a name. Texts are codes here, rendered in the person's language when sent."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class SmsError(RuntimeError):
    """The gateway did not take the message."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str, language: str) -> None: ...


class FileBackend:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or getattr(settings, "PANAH_SMS_FILE", "var/sms.jsonl"))

    def send(self, *, to: str, text: str, language: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "text": text, "language": language}, ensure_ascii=False) + "\n")


class HttpBackend:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10) -> None:
        self.url = url or getattr(settings, "PANAH_SMS_URL", "")
        self.token = token if token is not None else getattr(settings, "PANAH_SMS_TOKEN", "")
        self.timeout = timeout
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("PANAH_SMS_URL must be an http(s) URL")

    def send(self, *, to: str, text: str, language: str) -> None:
        body = json.dumps({"to": to, "text": text, "language": language}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                if not 200 <= answer.status < 300:
                    raise SmsError(f"gateway answered {answer.status}")
        except OSError as error:  # URLError, HTTPError, timeouts, refused connections
            raise SmsError(type(error).__name__) from error


def backend() -> SmsBackend:
    cls: Any = import_string(getattr(settings, "PANAH_SMS_BACKEND", "panah.alerts.sms.FileBackend"))
    return cls()  # type: ignore[no-any-return]


# What may be said to a person: nothing that reveals why they deal with the office.
TEXTS: dict[str, Promise] = {
    "appointment_reminder": _("Panah: you are expected on %(date)s at %(time)s, %(place)s. Bring your documents."),
    "document_ready": _("Panah: a document is ready for you to collect at the office."),
    "deadline_approaching": _("Panah: please contact the office before %(date)s."),
}
