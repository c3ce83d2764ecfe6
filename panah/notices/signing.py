"""The installation's Ed25519 key and the compact, signed payload of a notice (`cryptography`).

The payload is one line of text a phone reads from the QR code and anyone can check offline with the
published public key: `P1|<short code>|<kind>|<issue date>|<issuing body code>|<initials>`, never more
about the person than their initials. The QR code holds the verification address with the payload and
its signature after `#`, which a browser does not send: the page looks the code up, an offline
verifier checks the signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

VERSION = "P1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key() -> Ed25519PrivateKey:
    """PANAH_SIGNING_KEY (32 bytes, base64), or one derived from the secret key when it is empty."""
    configured = settings.PANAH_SIGNING_KEY
    seed = _unb64(configured.replace("+", "-").replace("/", "_")) if configured else b""
    if not seed:
        seed = hashlib.sha256(b"panah notice signing key:" + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    """The public key as published: its 32 raw bytes, base64url."""
    key = key or public_key()
    return _b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_key_pem() -> str:
    return (
        public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    )


def new_key_text() -> str:
    """A fresh private key for PANAH_SIGNING_KEY."""
    key = Ed25519PrivateKey.generate()
    return _b64(
        key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    )


@dataclass(frozen=True)
class Payload:
    code: str
    kind: str
    issued_on: str  # YYYY-MM-DD
    body: str  # the issuing organisation's code
    initials: str

    def text(self) -> str:
        fields = (self.code, self.kind, self.issued_on, self.body, self.initials)
        return "|".join((VERSION, *(f.replace("|", "/") for f in fields)))

    @classmethod
    def parse(cls, text: str) -> Payload | None:
        parts = text.split("|")
        if len(parts) != 6 or parts[0] != VERSION:
            return None
        return cls(*parts[1:])


def sign(payload: str, key: Ed25519PrivateKey | None = None) -> str:
    return _b64((key or private_key()).sign(payload.encode()))


def verify(payload: str, signature: str, key: Ed25519PublicKey | str) -> bool:
    """Whether `signature` (base64url) is the signature of `payload` by the private half of `key` (an
    Ed25519 public key, or its published text). Works offline; never raises on bad input."""
    try:
        if isinstance(key, str):
            key = Ed25519PublicKey.from_public_bytes(_unb64(key))
        key.verify(_unb64(signature), payload.encode())
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True


def qr_text(verify_url: str, payload: str, signature: str) -> str:
    """What the QR code holds: the page that checks the code, and the signed payload after `#`."""
    return f"{verify_url}#{_b64(payload.encode())}.{signature}"


def read_qr_text(text: str) -> tuple[str, str] | None:
    """The payload and signature a QR code holds, or None when it holds something else."""
    _url, _hash, fragment = text.partition("#")
    encoded, _dot, signature = fragment.partition(".")
    try:
        return _unb64(encoded).decode(), signature
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
