"""A real SMTP server on loopback (aiosmtpd) that the digests are sent to, and helpers to open cases as
an officer would."""

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from panah.accounts.scope import scope_for, use_scope
from panah.cases import services


@dataclass
class Mailbox:
    received: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls this hook by name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [message for recipients, message in self.received if address in recipients]

    def body_for(self, address: str) -> str:
        (message,) = self.to(address)
        return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 that keeps what it receives; Django's SMTP backend points at it."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "panah@example.org"
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def open_case():
    def _open(by: Any, person: Any, kind: str, opened_on: dt.date, **extra: Any) -> Any:
        with use_scope(scope_for(by)):
            return services.open_case(by=by, person=person, kind=kind, opened_on=opened_on, **extra)

    return _open
