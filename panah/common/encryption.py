"""Encryption at rest of the free text that identifies or exposes a person and is never searched or
counted: phone numbers and specific-need notes (docs/data-protection.md says why not other fields).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`). Keys come from PANAH_FIELD_KEYS
(comma-separated Fernet keys: the first encrypts, all decrypt); without it, from the secret key and
its fallbacks, so rotating PANAH_SECRET_KEY with a fallback keeps every value readable. After a
rotation, `panah rotate_field_keys` encrypts every value again with the new first key, and the old
key can then be removed.

A stored value reads "enc1:<token>". A value without that prefix is one written before encryption
(or by hand): it is read as it is, and encrypted when next saved or rotated. Files kept for a while (an
uploaded person file waiting to be imported) are encrypted the same way, as bytes (`EncryptedBinaryField`).
"""

import base64
import functools
import hashlib
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models

PREFIX = "enc1:"


def _derived(secret: str) -> bytes:
    # A Fernet key of its own for field encryption, never the secret key itself.
    return base64.urlsafe_b64encode(hashlib.sha256(f"panah field encryption:{secret}".encode()).digest())


@functools.cache
def _keys() -> MultiFernet:
    keys = [k.encode() for k in settings.PANAH_FIELD_KEYS]
    if not keys:
        keys = [_derived(settings.SECRET_KEY), *(_derived(k) for k in settings.SECRET_KEY_FALLBACKS)]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("PANAH_FIELD_KEYS must be Fernet keys (Fernet.generate_key()).") from error


def _forget_keys(**kwargs: Any) -> None:
    if kwargs.get("setting") in {"PANAH_FIELD_KEYS", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}:
        _keys.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt(text: str) -> str:
    return PREFIX + _keys().encrypt(text.encode()).decode() if text else text


def decrypt(value: str | None) -> str | None:
    if not value or not value.startswith(PREFIX):
        return value
    try:
        return _keys().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with the keys configured: restore the former key in "
            "PANAH_FIELD_KEYS or PANAH_SECRET_KEY_FALLBACKS."
        ) from error


class EncryptedTextField(models.TextField):
    """Text stored encrypted and read decrypted. It cannot be searched, filtered or sorted on: only
    for values nobody looks up. `max_length` bounds the text as typed (forms, imports)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value and not value.startswith(PREFIX):
            return encrypt(value)
        return value


BINARY_PREFIX = PREFIX.encode()


def encrypt_bytes(data: bytes) -> bytes:
    return BINARY_PREFIX + _keys().encrypt(data) if data else data


def decrypt_bytes(value: bytes | memoryview | None) -> bytes | None:
    if value is None:
        return None
    data = bytes(value)
    if not data.startswith(BINARY_PREFIX):
        return data
    try:
        return _keys().decrypt(data[len(BINARY_PREFIX) :])
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted file cannot be read with the keys configured: restore the former key in "
            "PANAH_FIELD_KEYS or PANAH_SECRET_KEY_FALLBACKS."
        ) from error


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored encrypted and read decrypted (a file kept until it is imported). Empty stays empty,
    so "no file kept" can still be filtered on (`content=b""`)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt_bytes(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and not prepared:
            data = bytes(value)
            if data and not data.startswith(BINARY_PREFIX):
                value = encrypt_bytes(data)
        return super().get_db_prep_value(value, connection, prepared)


def encrypted_fields(apps: Any = None) -> list[tuple[Any, str]]:
    """(model, field name) of every encrypted field, from the app registry (or a migration's)."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    return [
        (model, field.name)
        for model in registry.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | EncryptedBinaryField)
    ]


def reencrypt_all(apps: Any = None, batch: int = 2000, only: Iterable[str] | None = None) -> dict[str, int]:
    """Write every non-empty encrypted value again: encrypted with the first key, whatever key (or
    none) it was stored with; with `only`, just those fields ("app_label.Model.field", as a migration
    that encrypts new fields names them). Returns the count per model field. Bypasses the scoping
    layer on purpose: this is key maintenance, it reads and writes nothing but the values themselves."""
    counts: dict[str, int] = {}
    wanted = None if only is None else set(only)
    for model, name in encrypted_fields(apps):
        if wanted is not None and f"{model._meta.label}.{name}" not in wanted:
            continue
        manager = model._base_manager
        done = 0
        last = 0
        binary = isinstance(model._meta.get_field(name), EncryptedBinaryField)
        empty: Any = b"" if binary else ""
        while True:
            rows = list(
                manager.filter(pk__gt=last).exclude(**{name: empty}).order_by("pk").values_list("pk", name)[:batch]
            )
            if not rows:
                break
            for pk, value in rows:
                # values_list returns the decrypted value; writing it encrypted uses the first key.
                manager.filter(pk=pk).update(**{name: _encrypted(value, binary) if value else value})
            done += len(rows)
            last = rows[-1][0]
        counts[f"{model._meta.label}.{name}"] = done
    return counts


def _encrypted(value: Any, binary: bool) -> Any:
    # Written with update(), which prepares the value through the field: a binary value already
    # encrypted is stored as it is, so it is encrypted here.
    return encrypt_bytes(bytes(value)) if binary else encrypt(value)
