"""Test settings: the real settings, with a fast password hasher (Argon2 is tested on its own)."""

import os
import tempfile
from pathlib import Path

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
# In-process tests count in the process's own memory, so query-count guards count only the work of the
# page; the shared caches (the database's, Redis) are tested through real servers in
# tests/ops/test_shared_limits.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Evidence files of the tests go to a directory of their own, emptied by the operating system, unless
# the test names one (the `panah` commands the backup drill runs share theirs).
PANAH_FILES_DIR = Path(os.environ.get("PANAH_FILES_DIR") or tempfile.mkdtemp(prefix="panah-evidence-"))
_evidence = STORAGES["evidence"]  # noqa: F405
STORAGES = {**STORAGES, "evidence": {**_evidence, "OPTIONS": {**_evidence["OPTIONS"], "location": PANAH_FILES_DIR}}}  # noqa: F405
