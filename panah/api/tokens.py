"""Issuing, checking and revoking API tokens. Side effects are named on each function."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.api.models import ApiToken
from panah.audit.models import AuditEntry
from panah.audit.services import record

PREFIX = "pnh_"
# Recording "last used" on every request would write once per read; once a minute tells enough.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(*, by: Any, user: Any, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` days (the setting's default and maximum apply).
    Returns the token and its secret, which is shown once and never stored.
    Side effects: one ApiToken, one audit entry."""
    days = settings.PANAH_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.PANAH_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token is valid for 1 to %(max)d days.") % {"max": settings.PANAH_API_TOKEN_MAX_DAYS}}
        )
    if not name.strip():
        raise ValidationError({"name": _("Say what the token is for.")})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[: len(PREFIX) + 6],
        digest=digest(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record(
        by=by,
        action=AuditEntry.Action.ADMIN,
        obj=token,
        message="token_issued",
        params={"prefix": token.prefix, "user": user.get_username(), "count": days},
    )
    return token, secret


@transaction.atomic
def revoke_token(*, by: Any, token: ApiToken) -> ApiToken:
    """Revoke `token` now (once). Side effects: the token row, one audit entry."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            by=by,
            action=AuditEntry.Action.ADMIN,
            obj=token,
            message="token_revoked",
            params={"prefix": token.prefix, "user": token.user.get_username()},
        )
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, expired, revoked, or its user deactivated).
    Side effects: notes when the token was last used, at most once a minute."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    token = ApiToken.objects.usable(now).select_related("user").filter(digest=digest(secret)).first()
    if token is not None and (token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
