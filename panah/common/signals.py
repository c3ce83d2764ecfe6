"""Sign-in, sign-out and failed sign-in go to the audit log."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from panah.audit.models import AuditEntry
from panah.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(by=user, action=AuditEntry.Action.LOGIN, summary="signed in")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(by=user, action=AuditEntry.Action.LOGOUT, summary="signed out")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Nobody is signed in: the entry names the user name tried; the address comes from the request's
    # audit context, like every other entry's.
    record(
        by=None,
        username=str(credentials.get("username", ""))[:150],
        action=AuditEntry.Action.LOGIN_FAILED,
        summary="failed sign-in",
    )
