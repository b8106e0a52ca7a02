"""Patron's settings: one file, every knob an environment variable with a laptop default.

The table in README.md lists every PATRON_* variable. A value that cannot be
parsed stops the start with a message naming the variable, rather than
running with a surprise.
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


TESTING = "pytest" in sys.modules
# Tests get a fresh data folder of their own unless told otherwise.
DATA_DIR = Path(
    env_str("PATRON_DATA_DIR") or (tempfile.mkdtemp(prefix="patron-test-") if TESTING else "var")
).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def read_secret_key():
    """PATRON_SECRET_KEY, or a key made once and kept in the data folder."""
    key = env_str("PATRON_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: two processes starting together
        # agree on one key, and neither can read a half-written file.
        draft = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = read_secret_key()
DEBUG = env_bool("PATRON_DEBUG", False)
ALLOWED_HOSTS = env_list("PATRON_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("PATRON_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "patron.system",
    "patron.accounts",
    "patron.audit",
    "patron.business",
    "patron.contacts",
    "patron.work",
    "patron.billing",
    "patron.pricing",
    "patron.portal",
    "patron.dashboard",
    "patron.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF does), after the language is known.
    "patron.system.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "patron.accounts.middleware.UserLanguageMiddleware",
    "patron.accounts.middleware.KnownBrowserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "patron.system.middleware.ContentSecurityPolicyMiddleware",
    "patron.business.middleware.OnboardingMiddleware",
]

ROOT_URLCONF = "patron.urls"
WSGI_APPLICATION = "patron.wsgi.application"

# Widget values are escaped even when marked safe (see the class).
FORM_RENDERER = "patron.system.widgets.EscapingRenderer"
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
                "patron.business.context_processors.business",
            ],
        },
    },
]


# Database: SQLite in the data folder unless DATABASE_URL names another.
def read_database_url(url):
    """DATABASE_URL as Django's setting; only PostgreSQL's (the message never shows the URL:
    it holds the password)."""
    try:
        database = dj_database_url.parse(url, conn_max_age=60)
    except ValueError:
        database = {}
    if database.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must be a PostgreSQL address such as "
            "postgres://user:password@localhost:5432/patron (or unset, for SQLite)"
        )
    return database


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": read_database_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "patron.sqlite3",
            # The tests' database is a file too, not SQLite's shared memory: threads racing
            # each other then wait for the write lock as processes do, instead of failing.
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
            "OPTIONS": {
                # IMMEDIATE: a transaction takes the write lock up front and waits
                # for it (up to timeout) instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("PATRON_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_RESET_TIMEOUT = 3600

# Failed logins allowed per username (and, five times as many, per address)
# inside the window before the login form refuses to try.
LOGIN_FAILURE_LIMIT = env_int("PATRON_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("PATRON_LOGIN_FAILURE_WINDOW", 900)

SESSION_COOKIE_AGE = env_int("PATRON_SESSION_AGE", 14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Behind HTTPS (a reverse proxy that sets X-Forwarded-Proto), turn on the rest.
SECURE = env_bool("PATRON_SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = env_int("PATRON_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PATRON_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("PATRON_HSTS_PRELOAD", False)
# Patron usually lives on a subdomain (patron.example.be) of a domain whose other
# hosts it does not control, so HSTS for subdomains and preloading are opt-in:
# silencing their checks records that choice rather than hiding a mistake.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("PATRON_TIME_ZONE", "Europe/Brussels")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Media are private (logos, receipts, issued documents and their e-invoices): they are
# never served as a folder, only through views that check who asks.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: a request larger than this is refused before Django reads it.
MAX_REQUEST_BYTES = env_int("PATRON_MAX_REQUEST_MB", 64) * 1024 * 1024
MAX_IMPORT_BYTES = env_int("PATRON_MAX_IMPORT_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o600

EMAIL_BACKEND = env_str("PATRON_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("PATRON_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PATRON_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PATRON_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("PATRON_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PATRON_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("PATRON_EMAIL_SSL", False)
EMAIL_TIMEOUT = 20
# A mail still "sending" this many seconds after a worker took it is interrupted (the worker
# died): it shows so, and the workers send it again. Keep it well above EMAIL_TIMEOUT.
OUTBOX_TIMEOUT = env_int("PATRON_OUTBOX_TIMEOUT", 300)
if OUTBOX_TIMEOUT < 1:
    raise ImproperlyConfigured(f"PATRON_OUTBOX_TIMEOUT must be 1 or more, not {OUTBOX_TIMEOUT}")
DEFAULT_FROM_EMAIL = env_str("PATRON_EMAIL_FROM", "patron@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PATRON_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # says at INFO that its logger is bridged
    },
}

# The ECB's euro reference rates of the day, for documents in another currency: fetched only
# when the user asks, within the timeout; an empty URL turns the fetch off (a typed rate works).
ECB_RATES_URL = env_str(
    "PATRON_ECB_RATES_URL", "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
)
ECB_TIMEOUT = env_int("PATRON_ECB_TIMEOUT", 5)

PORT = env_int("PORT", 8000)
HOST = env_str("PATRON_HOST", "127.0.0.1")
WEB_WORKERS = env_int("PATRON_WEB_WORKERS", 3)
# Where clients reach Patron: the portal links in emails the worker sends on its own
# (recurring invoices sent automatically) start with it.
BASE_URL = env_str("PATRON_BASE_URL", f"http://{HOST}:{PORT}/")
