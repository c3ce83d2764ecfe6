"""Sign-in and sign-out keep the list of signed-in sessions and the second-factor flag up to date."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from panah.accounts.otp import note_devices_at_sign_in
from panah.accounts.services import forget_session, note_session


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    note_devices_at_sign_in(request, user)
    note_session(request, user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        forget_session(request)
