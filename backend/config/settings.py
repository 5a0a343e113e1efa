"""Settings of the Midwest decision engine, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies); `make run` sets
DEBUG=1 for the local demo. Without DATABASE_URL the product uses a SQLite file
under var/ in WAL mode with IMMEDIATE transactions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MIDWEST_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (or DEBUG=1 for a demo).")
    SECRET_KEY = "insecure-local-demo-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rules",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "backend.config",
    "backend.organisations",
    "backend.meetings",
    "backend.agenda",
    "backend.followup",
    "backend.audit",
    "backend.documents",
    "backend.reminders",
    "backend.transitions",
    "backend.api",
    "backend.web",
    "backend.opendata",
    "backend.backup",
    "backend.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backend.web.middleware.PagesSpeakDutchFirst",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backend.web.middleware.StoreOutage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.web.security.SessionTimeouts",
    "backend.audit.events.AuditRefusals",
    "backend.web.security.SecurityHeaders",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
WSGI_APPLICATION = "backend.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# Every SQLite database gets WAL and IMMEDIATE transactions: concurrent writers
# then wait for the lock instead of failing with "database is locked".
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 20,
}


def database_from_env() -> dict[str, Any]:
    """Build the default database from DATABASE_URL, or the SQLite file under var/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'midwest.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        config["CONN_MAX_AGE"] = 0
    else:
        # Reusing connections matters on PostgreSQL (a connection per request is slow).
        config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "120"))
        config["CONN_HEALTH_CHECKS"] = True
        # PostgreSQL's JIT compiles a query whose estimated cost is high, which costs a
        # page like the overview (subqueries per open item) 300 ms of compiling for a query
        # that runs in 40. `?options=...` in DATABASE_URL replaces this.
        config["OPTIONS"] = {"options": "-c jit=off", **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People -------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.Person"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
FORMAT_MODULE_PATH = ["backend.config.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The base of the open-data IRIs (/id/...): the public address of this site.
OPEN_DATA_BASE_URL = os.environ.get("OPEN_DATA_BASE_URL", "http://127.0.0.1:8000")
# The address people reach the pages at: the links in e-mails and invitations lead there.
SITE_URL = os.environ.get("SITE_URL", OPEN_DATA_BASE_URL)

# --- Stored files (generated documents, attachments) ------------------------------
# Always through Django's storage API: a folder (MEDIA_ROOT) by default, an S3-compatible
# object store when AWS_STORAGE_BUCKET_NAME is set, configured by django-storages' own names.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as ClientConfig

    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # A store that does not answer fails the request within seconds (503), instead of
    # holding a web worker for minutes: 3 s to connect, 10 s for each read, one retry.
    # A store of one's own is usually addressed by path, AWS by the bucket's host name.
    AWS_S3_CLIENT_CONFIG = ClientConfig(
        connect_timeout=3,
        read_timeout=10,
        retries={"mode": "standard", "total_max_attempts": 2},
        signature_version="s3v4",
        s3={
            "addressing_style": os.environ.get(
                "AWS_S3_ADDRESSING_STYLE", "path" if AWS_S3_ENDPOINT_URL else "auto"
            )
        },
    )
    STORAGES["default"] = {"BACKEND": "backend.files.storage.ObjectStorage"}

# Files attached to agenda items: PDF, Word, Excel and images, checked by content.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
ATTACHMENT_MAX_PER_ITEM = int(os.environ.get("ATTACHMENT_MAX_PER_ITEM", "30"))
# Documents as PDF/A-2b, converted by LibreOffice headless in the worker (SOFFICE names the
# program; empty switches conversion off). The time limit stays below the queue's timeout.
DOCUMENTS_PDF = env_bool("DOCUMENTS_PDF", True)
SOFFICE = os.environ.get("SOFFICE")
DOCUMENTS_PDF_TIMEOUT = int(os.environ.get("DOCUMENTS_PDF_TIMEOUT", "50"))
# Signatures (PAdES): a PKCS#12 file per person (<username>.p12 in SIGNING_CERTIFICATES_DIR),
# or else one organisation seal (SIGNING_SEAL) with the signer's name in the reason; they are
# validated against SIGNING_TRUST_ROOTS (PEM files), offline. The demo writes all of them.
SIGNING_CERTIFICATES_DIR = Path(
    os.environ.get("SIGNING_CERTIFICATES_DIR", VAR_DIR / "signing" / "people")
)
SIGNING_PASSPHRASE = os.environ.get("SIGNING_PASSPHRASE", "")
SIGNING_SEAL = os.environ.get("SIGNING_SEAL", "")
SIGNING_SEAL_PASSPHRASE = os.environ.get("SIGNING_SEAL_PASSPHRASE", "")
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS") or [str(VAR_DIR / "signing" / "ca.pem")]
FILE_UPLOAD_HANDLERS = [
    "backend.http.uploads.BoundedUpload",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- E-mail ----------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Midwest <noreply@midwest.localhost>")

# --- The reminder queue (django-q2) -----------------------------------------------
# The Notification rows are the truth; the queue only wakes the workers. So:
# - timeout (60 s) stays well below retry (180 s): a task is handed out again only when
#   the worker that took it is gone, never while it still runs;
# - max_attempts bounds retries of a failing task, and failures are acknowledged so a
#   broken task does not come back forever;
# - catch_up is off: after downtime the scheduler runs once, not once per missed minute,
#   and that one scan finds every reminder that fell due meanwhile.
REDIS_URL = os.environ.get("REDIS_URL", "")
Q_CLUSTER: dict[str, Any] = {
    "name": os.environ.get("Q_NAME", "midwest"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 60,
    "retry": 180,
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "label": "Wachtrij",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 2
# Wake the worker right after a transition that brings reminders (an invitation on
# convene); the minute's scan would find them anyway.
REMINDERS_WAKE_ON_TRANSITION = env_bool("REMINDERS_WAKE_ON_TRANSITION", True)
# A claim older than this belongs to a worker that died; the row is taken again.
REMINDERS_CLAIM_TIMEOUT = int(os.environ.get("REMINDERS_CLAIM_TIMEOUT", "300"))

# --- Security ----------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Sessions: ended after 30 minutes without a request (a mayor between two meetings signs
# in again) and 12 hours after signing in, whatever happens (backend.web.security).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", "43200"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
# How many proxies in front of the product append to X-Forwarded-For (0: the header is
# ignored and the address is the connection's). The client address is the entry that many
# places from the right; what the client wrote further left is never believed.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- The API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with a challenge, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "backend.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["backend.api.parsers.SafeJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Midwest decision engine API",
    "DESCRIPTION": "Proposals of the Midwest region from intervision group to cluster "
    "decision to execution by DVV Midwest.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.schema.transitions_per_operation",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ItemStateEnum": "workflows.states.ItemState",
        "MeetingStateEnum": "workflows.states.MeetingState",
        "ActionStateEnum": "workflows.states.ActionState",
        "RatificationStateEnum": "workflows.states.RatificationState",
        "BodyKindEnum": "backend.organisations.models.Body.Kind",
        "ItemKindEnum": "backend.agenda.models.AgendaItem.Kind",
        "NotificationKindEnum": "backend.reminders.models.Notification.Kind",
        "DocumentKindEnum": "backend.documents.models.GeneratedDocument.Kind",
        "EntryOutcomeEnum": "backend.meetings.models.AgendaEntry.Outcome",
        "DecisionOutcomeEnum": "backend.agenda.models.Decision.Outcome",
    },
}
# Failed sign-ins (token or page) per account and per address before a pause.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Two-step sign-in (TOTP, RFC 6238) for the coordinator and administrators: the name an
# authenticator app shows, and how long the password step waits for the code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Midwest")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SECOND_FACTOR_WAIT_SECONDS = int(os.environ.get("SECOND_FACTOR_WAIT_SECONDS", "300"))
# API tokens (django-rest-knox, stored as a digest): like a session, a token ends after
# API_TOKEN_IDLE_SECONDS without a request and API_TOKEN_TTL_SECONDS after it was made,
# whatever happens (backend.audit.tokens).
API_TOKEN_IDLE_SECONDS = int(os.environ.get("API_TOKEN_IDLE_SECONDS", "1800"))
API_TOKEN_TTL_SECONDS = int(os.environ.get("API_TOKEN_TTL_SECONDS", "43200"))
KNOX_TOKEN_MODEL = "audit.ApiToken"
# knox's own migrations build its default token table, which audit.ApiToken replaces.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    # Each use moves the expiry on (by the rules of backend.audit.tokens, not knox's
    # TOKEN_TTL); a used token's row is written at most once a minute.
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}

# --- The product -------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "midwest")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
