"""Settings, read from environment variables so one build runs as a demo, in tests and in production.

Every variable has a safe default except in production, where PANAH_SECRET_KEY must be set:
  DATABASE_URL          sqlite:///var/panah.sqlite3 (default) or postgresql://user@host:5432/name
  PANAH_SECRET_KEY      required when PANAH_DEBUG is off
  PANAH_DEBUG           "1" only for `make run` and development; off by default
  PANAH_ALLOWED_HOSTS   comma-separated; defaults to localhost names
  PANAH_SESSION_MINUTES idle minutes before a session expires (default 30)
  PANAH_SECRET_KEY_FALLBACKS  comma-separated former secret keys, accepted while sessions and links
                        signed with them age out (see docs/operators.md, key rotation)
  PANAH_HTTPS           served over HTTPS behind a reverse proxy (default on unless PANAH_DEBUG or testing):
                        redirects to https, HSTS, secure cookies
  PANAH_LOG_FORMAT      "json" (default in production) or "plain" (default with PANAH_DEBUG)
  PANAH_CACHE_URL       redis://host:6379/1 for a shared Redis cache; empty (default): a table of the database
  PANAH_TRUSTED_PROXIES comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For
                        names the client (default 127.0.0.1,::1: nginx on the same machine)
  PANAH_FILES_KEY       comma-separated Fernet keys that encrypt evidence files (the first encrypts); empty:
                        derived from the secret key
  PANAH_FILES_DIR       where evidence files are kept, encrypted (default var/private/evidence; never served)
  PANAH_FILES_MAX_BYTES the largest evidence file accepted (default 20 MB)
"""

import contextlib
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("PANAH_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("PANAH_DEBUG")
TESTING = env_bool("PANAH_TESTING")
SECRET_KEY = os.environ.get("PANAH_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("PANAH_SECRET_KEY is not set. Set it, or set PANAH_DEBUG=1 for local development.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
# The Ed25519 key that signs decision notices and registration certificates (panah/notices/signing.py):
# the 32-byte private key, base64 (`panah signing_key` makes one). Its public half is published at
# /verify/key. Empty: derived from the secret key, as the field keys are; set it in production so that
# notices stay verifiable when the secret key is rotated.
PANAH_SIGNING_KEY = os.environ.get("PANAH_SIGNING_KEY", "").strip()
# Checks of a notice on the public page /verify/ per client address: "30/min" as the API's rate reads.
PANAH_VERIFY_RATE = os.environ.get("PANAH_VERIFY_RATE", "30/min")
# Key rotation: the new key signs, the former ones are still accepted until removed.
SECRET_KEY_FALLBACKS = env_list("PANAH_SECRET_KEY_FALLBACKS", "")
# Keys that encrypt phone numbers and specific-need notes (panah/common/encryption.py): Fernet keys,
# the first encrypts, all decrypt. Empty: derived from the secret key and its fallbacks.
PANAH_FIELD_KEYS = env_list("PANAH_FIELD_KEYS", "")
# Keys that encrypt evidence files (panah/evidence/crypto.py): Fernet keys, the first encrypts, all decrypt.
# Empty: derived from the secret key and its fallbacks (for evidence files only).
PANAH_FILES_KEY = env_list("PANAH_FILES_KEY", "")
# Where evidence files are kept, encrypted: never under a served URL. The largest file accepted, in bytes.
PANAH_FILES_DIR = Path(os.environ.get("PANAH_FILES_DIR", VAR_DIR / "private" / "evidence"))
PANAH_FILES_MAX_BYTES = int(os.environ.get("PANAH_FILES_MAX_BYTES", str(20 * 1024 * 1024)))

ALLOWED_HOSTS = env_list("PANAH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    # Before the admin, so its admin classes and translation registrations (each app's translation.py) load.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "panah.common",
    "panah.geo",
    "panah.accounts",
    "panah.audit",
    "panah.registry",
    "panah.status",
    "panah.stats",
    "panah.jobs",
    "panah.matching",
    "panah.knowledge",
    "panah.cases",
    "panah.notices",
    "panah.imports",
    "panah.exports",
    "panah.api",
    "panah.privacy",
    "panah.evidence",
    "panah.ops",
    "panah.alerts",
    "panah.appointments",
    "csp",
    # django-ninja as an app: the API's documentation page is rendered from its shipped Swagger UI files
    # (collected with the other static files), not from a CDN that the Content-Security-Policy blocks.
    "ninja",
]

MIDDLEWARE = [
    # First, so its one log line per request covers every other middleware and the final status.
    "panah.ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL character in a URL is refused before any view reads it (panah/common/middleware.py).
    "panah.common.middleware.RefuseNulMiddleware",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() when the session passed the second factor (TOTP).
    "django_otp.middleware.OTPMiddleware",
    # Second factor required by role, password change after a reset, and the list of active sessions.
    "panah.accounts.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Signs in an API caller by its bearer token, before the scope is opened for that user.
    "panah.api.middleware.ApiTokenMiddleware",
    # Cache-Control: no-store on every answer to a signed-in user or token caller, and on the API's.
    "panah.common.middleware.NoStoreMiddleware",
    # Opens the caller's data scope for the whole request; must come after authentication.
    "panah.accounts.middleware.ScopeMiddleware",
    "panah.common.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "panah.urls"
WSGI_APPLICATION = "panah.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'panah.sqlite3'}"),
        conn_max_age=int(os.environ.get("PANAH_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web server reads; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "panah.accounts.backends.ScopedPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire after a period of inactivity and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PANAH_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("PANAH_SECURE_COOKIES", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS: TLS ends at the reverse proxy (docs/operators.md), which says so in X-Forwarded-Proto; only
# trust that header behind a proxy that sets it. Health probes from the machine itself stay on http.
# PANAH_SECURE_COOKIES=0 (plain HTTP, as on a loopback benchmark) turns the rest of HTTPS off with it.
HTTPS = env_bool("PANAH_HTTPS", env_bool("PANAH_SECURE_COOKIES", not (DEBUG or TESTING)))
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("PANAH_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PANAH_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a request to the browsers' makers that is slow to undo: the operator's decision.
    SECURE_HSTS_PRELOAD = env_bool("PANAH_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# A strict Content-Security-Policy (django-csp): scripts, styles and everything else only from our own
# origin, no inline script, style or event handler anywhere (STYLE.md), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# The cache every process shares (rate limits, the wrong-token wait): Redis when PANAH_CACHE_URL names it,
# otherwise a table of the database, so the limits hold across gunicorn's workers with no extra service.
CACHE_URL = os.environ.get("PANAH_CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif not CACHE_URL:
    # Django culls a database cache past MAX_ENTRIES (300 by default), which would reset live counters.
    CACHES = {
        "default": {
            "BACKEND": "panah.common.cache.DatabaseCache",
            "LOCATION": "panah_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
else:
    raise ImproperlyConfigured("PANAH_CACHE_URL must be a redis:// URL, or empty for the database cache.")

# The reverse proxies whose X-Forwarded-For names the client (panah/common/client.py).
PANAH_TRUSTED_PROXIES = env_list("PANAH_TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in PANAH_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"PANAH_TRUSTED_PROXIES: {_proxy!r} is not an address or a network.") from None

# Login throttling: five failures lock the username from that address for 15 minutes.
# The JSON API (/api/v1/): requests per token or signed-in user, token lifetimes, and how many wrong
# tokens one address may send before it must wait.
PANAH_API_RATE = os.environ.get("PANAH_API_RATE", "600/min")
PANAH_API_TOKEN_DAYS = int(os.environ.get("PANAH_API_TOKEN_DAYS", "90"))
PANAH_API_TOKEN_MAX_DAYS = 365
PANAH_API_TOKEN_FAILURES = int(os.environ.get("PANAH_API_TOKEN_FAILURES", "20"))
PANAH_API_TOKEN_FAILURE_MINUTES = 15

# Roles that decide status, merge or export (and system administrators) must pass a TOTP second
# factor; off by default only in development so the demo works without an authenticator.
PANAH_REQUIRE_OTP = env_bool("PANAH_REQUIRE_OTP", not DEBUG)

AXES_FAILURE_LIMIT = int(os.environ.get("PANAH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address as the rest of Panah reads it: behind the proxy, not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "panah.common.client.client_address"

LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Names of organisations, partner projects and legal texts are stored in each interface language
# (django-modeltranslation: name_kk, name_ru, name_en) and read in the reader's language; a missing one
# falls back to Russian, the language every office reads, then English, then Kazakh.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("kk", "ru", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "en", "kk"), "ru": ("en", "kk")}
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("PANAH_TIME_ZONE", "Asia/Almaty")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG or TESTING  # collectstatic is a deployment step, not a test one
# A command that does not serve runs without it; `panah serve` says what to do if it cannot write there.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files, encrypted (panah/evidence/crypto.py); without a URL: served only by their audited view.
    "evidence": {
        "BACKEND": "panah.evidence.crypto.PrivateStorage",
        "OPTIONS": {
            "location": PANAH_FILES_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Logs go to standard error (journald under systemd). In production one JSON object a line with no
# personal data (panah/ops/logs.py); in development plain text.
LOG_FORMAT = os.environ.get("PANAH_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("PANAH_LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "panah.ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "panah.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PANAH_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step of drawing a notice at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# Data protection (panah.privacy): days to answer a data-subject request.
PANAH_SUBJECT_REQUEST_DAYS = int(os.environ.get("PANAH_SUBJECT_REQUEST_DAYS", "30"))
# Days before an agreement ends from which the agreements page highlights it.
PANAH_AGREEMENT_WARNING_DAYS = int(os.environ.get("PANAH_AGREEMENT_WARNING_DAYS", "60"))
# Distinct persons a user without the export right may read in an hour (pages, lists, the API); 0: no quota.
PANAH_READ_QUOTA = int(os.environ.get("PANAH_READ_QUOTA", "300"))
# Refused attempts of one user within an hour from which system administrators are shown them.
PANAH_REFUSALS_ALERT = int(os.environ.get("PANAH_REFUSALS_ALERT", "20"))

# Mail (alert digests, knowledge-base notices): Django's SMTP backend, configured from the environment.
# In development (PANAH_DEBUG) without PANAH_EMAIL_HOST, messages are written to the console instead.
EMAIL_HOST = os.environ.get("PANAH_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PANAH_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PANAH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PANAH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PANAH_EMAIL_TLS")
EMAIL_USE_SSL = env_bool("PANAH_EMAIL_SSL")
EMAIL_TIMEOUT = int(os.environ.get("PANAH_EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("PANAH_EMAIL_HOST") or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("PANAH_EMAIL_FROM", "panah@localhost")

# SMS to persons (panah.alerts.sms): the gateway class, and for the HTTP gateway its URL and token.
PANAH_SMS_BACKEND = os.environ.get("PANAH_SMS_BACKEND", "panah.alerts.sms.FileBackend")
PANAH_SMS_FILE = os.environ.get("PANAH_SMS_FILE", str(BASE_DIR.parent / "var" / "sms.jsonl"))
PANAH_SMS_URL = os.environ.get("PANAH_SMS_URL", "")
PANAH_SMS_TOKEN = os.environ.get("PANAH_SMS_TOKEN", "")
# How many working days before the next deadline of an open case its person is sent "please contact the
# office before ..." by SMS (with their consent); 0 sends none.
PANAH_SMS_DEADLINE_DAYS = int(os.environ.get("PANAH_SMS_DEADLINE_DAYS", "3"))
