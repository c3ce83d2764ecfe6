"""The second factor (TOTP, with single-use recovery codes), on django-otp.

Who must pass it is answered here and only here (`otp_required`): anyone whose active membership allows
one of `OTP_ACTIONS` (derived from roles.py), system administrators and superusers, when
PANAH_REQUIRE_OTP is on. Anyone who enrolled must pass it whatever the setting. AccountMiddleware
sends a signed-in user who has not passed it in this session to enrol or to verify.

Wrong codes are throttled by django-otp per device: after n successive failures the device refuses
every code, right or wrong, for 2^(n-1) seconds; the password step is throttled by django-axes.
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from panah.accounts.permissions import needs_second_factor
from panah.audit.models import AuditEntry
from panah.audit.services import record
from panah.common.http import AuthenticatedRequest

ISSUER = "Panah"
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
RECOVERY_CODES = 10
# Set on sign-in when the user has a confirmed device, so that requests of everyone else cost no query.
SESSION_HAS_DEVICE = "panah_otp_enrolled"


def otp_required(user: Any) -> bool:
    """Whether `user` must pass the second factor because of what their roles allow."""
    if not settings.PANAH_REQUIRE_OTP or not user.is_authenticated or not user.is_active:
        return False
    return needs_second_factor(user)


def is_verified(user: Any) -> bool:
    """Whether this request's user passed the second factor in this session (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_missing(request: HttpRequest) -> bool:
    """Whether this request's user should pass the second factor before going on: they must (role) or
    chose to (enrolled), and have not in this session."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return otp_required(user) or bool(request.session.get(SESSION_HAS_DEVICE))


def note_devices_at_sign_in(request: HttpRequest, user: Any) -> None:
    """Remember in the session whether the user has a confirmed device (called on user_logged_in)."""
    if has_device(user):
        request.session[SESSION_HAS_DEVICE] = True
    else:
        request.session.pop(SESSION_HAS_DEVICE, None)


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed TOTP device the user is enrolling, created on first call. Its key changes only
    when enrolment starts again after a confirmed device is replaced."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name=TOTP_NAME)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def otpauth_uri(device: TOTPDevice) -> str:
    """The key URI an authenticator app reads from the QR code (Google's Key URI format)."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": secret_base32(device),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(device: TOTPDevice) -> str:
    """The key URI drawn as an inline SVG element (no image file, no inline style: CSP-friendly)."""
    return segno.make(otpauth_uri(device), error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR", svgclass="otp-qr"
    )


@transaction.atomic
def confirm_enrolment(*, request: AuthenticatedRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code from the app. Returns the new recovery codes (to show once), or
    None when the code is wrong.
    Side effects: the device confirmed, the user's other TOTP devices and old recovery codes deleted,
    a recovery-code device with RECOVERY_CODES codes, the session verified and its key changed,
    one audit entry (or one for the failure)."""
    user = request.user
    if not django_otp.verify_token(user, device.persistent_id, code.strip()):
        record(by=user, action=AuditEntry.Action.LOGIN_FAILED, obj=user, message="otp_enrol_wrong_code")
        return None
    device.refresh_from_db()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    _verified(request, device)
    record(by=user, action=AuditEntry.Action.ADMIN, obj=user, message="otp_enrolled")
    return codes


@transaction.atomic
def replace_recovery_codes(*, by: Any) -> list[str]:
    """New recovery codes; the old ones stop working. Side effects: the codes, one audit entry."""
    codes = _new_recovery_codes(by)
    record(by=by, action=AuditEntry.Action.ADMIN, obj=by, message="otp_recovery_replaced")
    return codes


def _new_recovery_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_devices(user: Any) -> int:
    """Delete the user's authenticators and recovery codes (a recovery-code device takes its codes
    with it). Returns how many devices there were."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    for device in devices:
        device.delete()
    return len(devices)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class Throttled(Exception):
    def __init__(self, until: dt.datetime | None) -> None:
        super().__init__("second factor throttled")
        self.until = until


def verify(*, request: AuthenticatedRequest, code: str) -> bool:
    """Check a code from the app, or a recovery code (which is then used up), for the signed-in user.
    Raises Throttled while django-otp refuses every code after wrong ones.
    Side effects: on success the session verified and its key changed; the device's throttling
    counters; one audit entry either way."""
    user = request.user
    code = "".join(code.split()).lower()
    # Six digits are the app's code; anything else is tried as a recovery code.
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True))
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            record(by=user, action=AuditEntry.Action.LOGIN_FAILED, obj=user, message="otp_throttled")
            raise Throttled(data.get("locked_until"))
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            _verified(request, verified)
            kind = "recovery code" if isinstance(verified, StaticDevice) else "authenticator code"
            record(by=user, action=AuditEntry.Action.LOGIN, obj=user, message="otp_passed", params={"kind": kind})
            return True
    record(by=user, action=AuditEntry.Action.LOGIN_FAILED, obj=user, message="otp_wrong_code")
    return False


def _verified(request: HttpRequest, device: Any) -> None:
    # A new session key at the moment the session gains the factor, as at sign-in (session fixation).
    # The session's row follows the key at once, so that ending the user's sessions reaches this one.
    from panah.accounts.models import UserSession

    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
    django_otp.login(request, device)
    request.session[SESSION_HAS_DEVICE] = True


def throttled_until(user: Any) -> dt.datetime | None:
    """When the user's authenticator accepts codes again, if it is throttled now."""
    device = totp_device(user)
    if device is None:
        return None
    allowed, data = device.verify_is_allowed()
    if allowed or not data:
        return None
    until = data.get("locked_until")
    return until if until and until > timezone.now() else None
