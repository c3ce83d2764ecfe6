"""Test settings: the real settings, with a fast password hasher (Argon2 is tested on its own)."""

import os

os.environ.setdefault("PANAH_TESTING", "1")

from panah.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
# Tests read messages in English unless they ask for a language (Accept-Language); production
# defaults to Russian.
LANGUAGE_CODE = "en"
# Hundreds of tests sign decision officers in with force_login; tests/accounts/test_second_factor.py
# turns the requirement on and proves it.
PANAH_REQUIRE_OTP = False
