"""Hiwar settings, read from the environment.

HIWAR_HOME            data folder: SQLite file, media, generated secret key (default ./var)
HIWAR_DATABASE_URL    e.g. postgres://user@127.0.0.1:5432/hiwar (default: SQLite in HIWAR_HOME)
HIWAR_DEBUG           1/true to run in debug mode (default off)
HIWAR_INSECURE_HTTP   1/true to serve plain http on this machine without debug mode (the demo):
                      no HTTPS redirect, secure cookies or HSTS; static files straight from the package
HIWAR_ALLOWED_HOSTS   comma-separated host names (default: localhost names when debugging or with
                      HIWAR_INSECURE_HTTP)
HIWAR_EMAIL_URL       smtp://user:password@host:587?tls=1 | console: | file:///path (default console:)
HIWAR_DEFAULT_FROM    sender address of e-mails
HIWAR_SECRET_KEY      overrides the generated key in HIWAR_HOME/secret_key
HIWAR_TASKS           "db" (default; `hiwar worker` runs them) or "immediate" (run in the request)
HIWAR_CACHE_URL       redis://host:6379/0 to keep the cache (throttle counters) in Redis
                      (default: a table in the database, shared by every worker and server)
HIWAR_THROTTLE_RATES  overrides of the limits, e.g. "login_account=10/15m,signup_address=50/h"
HIWAR_CLIENT_IP_HEADER  the header a reverse proxy sets to the client's address, e.g. X-Real-IP
                      (default: the connection's address)
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hiwar.core.email_url import parse_email_url


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules or os.environ.get("HIWAR_TESTING") == "1"
# Tests get a throw-away data folder unless one is given, so they never touch ./var.
HOME = Path(
    os.environ.get("HIWAR_HOME") or (tempfile.mkdtemp(prefix="hiwar-test-") if TESTING else "var")
).resolve()
(HOME / "static").mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("HIWAR_SECRET_KEY"):
        return os.environ["HIWAR_SECRET_KEY"]
    key_file = HOME / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("HIWAR_DEBUG")
# The demo on http://127.0.0.1: production pages (translated error pages, never Django's technical
# ones) over plain http, which a browser only trusts on this machine's own addresses.
INSECURE_HTTP = env_flag("HIWAR_INSECURE_HTTP")
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HIWAR_ALLOWED_HOSTS", "").split(",") if h.strip()] or (
    [*LOCAL_HOSTS, "testserver"] if DEBUG or TESTING else LOCAL_HOSTS if INSECURE_HTTP else []
)
if INSECURE_HTTP and not TESTING and set(ALLOWED_HOSTS) - {*LOCAL_HOSTS, "testserver"}:
    # Plain http without secure cookies or HSTS is for this machine only; a public host never gets it.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "HIWAR_INSECURE_HTTP serves plain http on this machine only; it cannot be used with "
        f"HIWAR_ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)}. Serve the public site over HTTPS instead."
    )

INSTALLED_APPS = [
    "hiwar.core",
    "hiwar.accounts",
    "hiwar.spaces",
    "hiwar.discussions",
    "hiwar.events",
    "hiwar.grouping",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_countries",
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hiwar.core.middleware.ArabicFirstLocaleMiddleware",
    "hiwar.core.middleware.RejectControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a Throttled exception into the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "hiwar.urls"
# Widgets render with the project's templates (the translated-text widget lives there).
FORMS_URLFIELD_ASSUME_HTTPS = True  # the Django 6 behaviour, now
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "hiwar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hiwar.core.context_processors.site",
            ],
        },
    },
    {
        # Plain-text e-mails: the same templates without HTML escaping ("O'Brien", not "O&#x27;Brien").
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "NAME": "text",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Databases: SQLite in HIWAR_HOME by default; PostgreSQL when HIWAR_DATABASE_URL is set.
# Tests use HIWAR_TEST_DATABASE_URL when it is set, so `make test` can run the suite on both.
_db_url = os.environ.get("HIWAR_TEST_DATABASE_URL") if TESTING else None
_db_url = _db_url or os.environ.get("HIWAR_DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "hiwar.sqlite3",
            # WAL lets the web server and the worker read while one writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                # Seconds a writer waits for the lock; writes are short (long work runs outside
                # transactions), so this is ample, and the task worker outlasts a longer lock anyway.
                "timeout": float(os.environ.get("HIWAR_SQLITE_TIMEOUT") or 30),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: throttle counters live here, so it is shared by every worker and server, never one
# process's memory: Redis when HIWAR_CACHE_URL is set, else a table in the database (created by
# the accounts migrations). Tests use HIWAR_TEST_CACHE_URL when it is set (run them with -n 0 then:
# each test empties the whole Redis database).
_cache_url = os.environ.get("HIWAR_TEST_CACHE_URL") if TESTING else None
_cache_url = _cache_url or os.environ.get("HIWAR_CACHE_URL")
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("HIWAR_CACHE_URL must be a redis://, rediss:// or unix:// address.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "hiwar",
        }
    }
else:
    CACHES = {
        "default": {
            # Django's database cache with an atomic incr (see hiwar/core/cache.py).
            "BACKEND": "hiwar.core.cache.AtomicDatabaseCache",
            "LOCATION": "hiwar_cache",
            # Past MAX_ENTRIES expired counters are deleted first; only a flood of live keys beyond it
            # would drop some. Every write counts the table, so it must stay a modest size.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hiwar.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "spaces:list"
LOGOUT_REDIRECT_URL = "home"

# Languages: Arabic first, then the other five UN languages.
LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", "العربية"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING or INSECURE_HTTP
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Without collectstatic (debugging, tests, the demo), whitenoise serves the package's own files.
WHITENOISE_USE_FINDERS = DEBUG or TESTING or INSECURE_HTTP

# E-mail: console in development, SMTP (or a file folder) by HIWAR_EMAIL_URL.
_email = parse_email_url(os.environ.get("HIWAR_EMAIL_URL", "console:"))
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
DEFAULT_FROM_EMAIL = os.environ.get("HIWAR_DEFAULT_FROM", "Hiwar <no-reply@hiwar.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks: stored in the database, run by `hiwar worker` (SKIP LOCKED on PostgreSQL).
_tasks_mode = "immediate" if TESTING else os.environ.get("HIWAR_TASKS", "db")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if _tasks_mode == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Security. Production (DEBUG off) passes `manage.py check --deploy`.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING and not INSECURE_HTTP:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("HIWAR_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HIWAR_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# How long an invitation and an e-mail verification link stay valid.
HIWAR_INVITATION_DAYS = int(os.environ.get("HIWAR_INVITATION_DAYS", "14"))
HIWAR_EMAIL_VERIFICATION_DAYS = 3
HIWAR_SITE_NAME = _("Hiwar")
HIWAR_BASE_URL = os.environ.get("HIWAR_BASE_URL", "http://127.0.0.1:8000")

# Throttling (hiwar/core/throttling.py): "count/period" per window, e.g. "5/15m", "3/h".
# Sign-in counts failed attempts only; the other actions count every attempt.
HIWAR_THROTTLE_RATES = {
    "login_account": "5/15m",  # failed sign-ins for one e-mail address
    "login_address": "20/15m",  # failed sign-ins from one client address
    "password_reset_email": "3/h",
    "password_reset_address": "10/h",
    "signup_address": "20/h",
    "verification_resend": "5/h",  # per account
    "invitation": "100/h",  # per inviting account: a secretariat invites many people
    "join_request": "10/h",  # per account
    "registration": "30/h",  # per account
}
for _pair in filter(None, os.environ.get("HIWAR_THROTTLE_RATES", "").split(",")):
    _action, _sep, _rate = _pair.partition("=")
    if _action.strip() not in HIWAR_THROTTLE_RATES or not _sep:
        raise ImproperlyConfigured(f"HIWAR_THROTTLE_RATES: unknown limit {_pair!r}.")
    HIWAR_THROTTLE_RATES[_action.strip()] = _rate.strip()
_client_ip_header = os.environ.get("HIWAR_CLIENT_IP_HEADER", "").strip()
HIWAR_CLIENT_IP_HEADER = "HTTP_" + _client_ip_header.upper().replace("-", "_") if _client_ip_header else ""
RATELIMIT_VIEW = "hiwar.core.throttling.throttled_view"
# django-ratelimit names only memcached and django-redis as supported; Django's RedisCache and our
# atomic database cache also add and increment atomically and are shared by every process.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HIWAR_LOG_LEVEL", "WARNING")},
}

# Seconds the grouping solver may search while the convenor waits for the tables page; tests need
# feasible, good tables, not the last fraction of a percent.
HIWAR_GROUPING_TIME_LIMIT = float(os.environ.get("HIWAR_GROUPING_TIME_LIMIT") or (0.3 if TESTING else 2.0))
# Larger lists are composed by the task worker, with a longer search and a progress display.
HIWAR_GROUPING_INLINE_MAX = int(os.environ.get("HIWAR_GROUPING_INLINE_MAX") or 300)
HIWAR_GROUPING_BACKGROUND_TIME_LIMIT = float(
    os.environ.get("HIWAR_GROUPING_BACKGROUND_TIME_LIMIT") or (0.3 if TESTING else 20.0)
)

# E-mail delivery: a send that fails (mail server down, refused) is tried again with backoff.
HIWAR_EMAIL_MAX_ATTEMPTS = int(os.environ.get("HIWAR_EMAIL_MAX_ATTEMPTS") or 5)
HIWAR_EMAIL_RETRY_BASE_SECONDS = int(os.environ.get("HIWAR_EMAIL_RETRY_BASE_SECONDS") or 60)
# Task workers beat every few seconds; a task whose worker has been silent this long is run again,
# at most HIWAR_TASK_MAX_ATTEMPTS times in all.
HIWAR_WORKER_BEAT_SECONDS = float(os.environ.get("HIWAR_WORKER_BEAT_SECONDS") or 5)
HIWAR_WORKER_DEAD_AFTER = float(os.environ.get("HIWAR_WORKER_DEAD_AFTER") or 60)
HIWAR_TASK_MAX_ATTEMPTS = int(os.environ.get("HIWAR_TASK_MAX_ATTEMPTS") or 3)

# `hiwar backup` writes here by default; the worker's scheduled backups keep the newest HIWAR_BACKUP_KEEP.
HIWAR_BACKUP_DIR = Path(os.environ.get("HIWAR_BACKUP_DIR") or HOME / "backups")
HIWAR_BACKUP_KEEP = int(os.environ.get("HIWAR_BACKUP_KEEP") or 7)
# The task worker writes a backup when the newest is older than this (0: no scheduled backups).
HIWAR_BACKUP_EVERY_HOURS = float(os.environ.get("HIWAR_BACKUP_EVERY_HOURS") or (0 if TESTING else 24))
