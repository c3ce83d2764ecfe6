"""Evidence files encrypted at rest, and the storage that keeps them.

Fernet (from `cryptography`) with keys from PANAH_FILES_KEY (comma-separated Fernet keys: the first
encrypts, all decrypt, so a key can be rotated); without it, a key derived from the secret key and its
fallbacks, as for encrypted fields (`panah.common.encryption`), but for this purpose only. The file is
encrypted in memory and written encrypted through Django's storage API (`STORAGES["evidence"]`, a
directory outside every served URL), so its plain bytes never reach the disk.
"""

import base64
import functools
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed


def _derived(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(f"panah evidence files:{secret}".encode()).digest())


@functools.cache
def _keys() -> MultiFernet:
    keys = [k.encode() for k in settings.PANAH_FILES_KEY]
    if not keys:
        keys = [_derived(settings.SECRET_KEY), *(_derived(k) for k in settings.SECRET_KEY_FALLBACKS)]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("PANAH_FILES_KEY must be Fernet keys (Fernet.generate_key()).") from error


def _forget_keys(**kwargs: Any) -> None:
    if kwargs.get("setting") in {"PANAH_FILES_KEY", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}:
        _keys.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt(data: bytes) -> bytes:
    return _keys().encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return _keys().decrypt(token)
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An evidence file cannot be read with the keys configured: restore the former key in "
            "PANAH_FILES_KEY or PANAH_SECRET_KEY_FALLBACKS."
        ) from error


class PrivateStorage(FileSystemStorage):
    """A directory whose files have no URL: evidence files are served by their audited view only."""

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence files are not accessible via a URL: they are served by their audited view.")


def storage() -> Storage:
    return storages["evidence"]
