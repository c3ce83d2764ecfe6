"""Sign-in, sign-out and failed sign-in go to the audit log; `migrate` creates the cache table."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from panah.audit.models import AuditEntry
from panah.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(by=user, action=AuditEntry.Action.LOGIN, message="signed_in")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(by=user, action=AuditEntry.Action.LOGOUT, message="signed_out")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Nobody is signed in: the entry names the user name tried; the address comes from the request's
    # audit context, like every other entry's.
    record(
        by=None,
        username=str(credentials.get("username", ""))[:150],
        action=AuditEntry.Action.LOGIN_FAILED,
        message="sign_in_failed",
    )


@receiver(post_migrate)
def _cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # The database cache's table (settings.CACHES) is not a model: made on every migrate, once, if missing.
    if getattr(sender, "label", None) == "common":
        call_command("createcachetable", database=using, verbosity=0)
