"""Settings for danvan, driven by the environment.

Production-safe by default: DEBUG is off and a secret key is required unless
DANVAN_DEBUG=1 (the demo and the test suite set it, or provide a key).
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets admin and QuerySet classes be subscripted for the type checker at run time.
django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DANVAN_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DANVAN_DEBUG")

# Django's own deployment check (security.W009) calls a key weak below these figures.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5

SECRET_KEY = os.environ.get("DANVAN_SECRET_KEY", "")
if SECRET_KEY and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        f"DANVAN_SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random "
        "characters, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    elif env_bool("DANVAN_ONE_OFF_COMMAND"):
        # A one-off command line run (`danvan check-report`) signs nothing that outlives it.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("Set DANVAN_SECRET_KEY (or DANVAN_DEBUG=1 for local use).")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DANVAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DANVAN_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    # Serves django-ninja's Swagger UI from its own static files, not from a CDN with an
    # inline script (which the Content-Security-Policy refuses).
    "ninja",
    "danvan.accounts",
    "danvan.geography",
    "danvan.organizations",
    "danvan.datasets",
    "danvan.datasets.exchange",
    "danvan.indicators",
    "danvan.reports",
    "danvan.demo",
    "danvan.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danvan.accounts.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "danvan.accounts.middleware.HtmxSignInMiddleware",
    "danvan.accounts.security.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes requires: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.urls"
WSGI_APPLICATION = "danvan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "danvan" / "templates"],
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

_sqlite_path = DATA_DIR / os.environ.get("DANVAN_SQLITE_NAME", "danvan.sqlite3")
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE avoids lock upgrades failing
    # half-way through a write transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too: an in-memory database shares one cache, whose table locks fail
    # at once instead of waiting, so concurrent saves would not behave as in production.
    # DANVAN_TEST_SQLITE_NAME lets two runs share a checkout.
    DATABASES["default"]["TEST"] = {
        "NAME": str(DATA_DIR / os.environ.get("DANVAN_TEST_SQLITE_NAME", "test-suite.sqlite3"))
    }
elif os.environ.get("DANVAN_TEST_DATABASE_NAME"):
    # The PostgreSQL test database's name (Django's default: test_ + the database's).
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DANVAN_TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "danvan" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DANVAN_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "danvan" / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DANVAN_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Production sits behind TLS. A TLS-terminating proxy must say so in a header it sets
    # itself (DANVAN_PROXY_SSL_HEADER=X-Forwarded-Proto), or every request looks like plain
    # HTTP and the redirect loops. `make serve` on loopback turns the redirect and HSTS off.
    SECURE_SSL_REDIRECT = env_bool("DANVAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DANVAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DANVAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DANVAN_HSTS_PRELOAD", False)
    _proxy_header = os.environ.get("DANVAN_PROXY_SSL_HEADER", "").strip()
    if _proxy_header:
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _proxy_header.upper().replace("-", "_"),
            os.environ.get("DANVAN_PROXY_SSL_VALUE", "https"),
        )
    # The health endpoint answers the proxy's and the monitor's plain-HTTP probes.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): nothing but our own files, no inline script or
# style, no eval. Inline JSON data blocks (<script type="application/json">) are not run, so
# they need no allowance; the charts evaluate Vega expressions with an interpreter.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# API keys expire this many days after creation unless given another date.
DANVAN_API_TOKEN_DAYS = int(os.environ.get("DANVAN_API_TOKEN_DAYS", "90"))

# Sign-in throttling (django-axes): a username is locked from one address after a few
# failures; the lockout ends by itself or through `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("DANVAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DANVAN_LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "danvan.accounts.security.lockout_response"
AXES_USERNAME_CALLABLE = "danvan.accounts.security.attempt_username"
# The address is the socket's own: a client-sent X-Forwarded-For would let anyone pick a
# fresh address for every guess. Behind a reverse proxy, name its header here instead.
AXES_IPWARE_META_PRECEDENCE_ORDER = [
    os.environ.get("DANVAN_CLIENT_IP_HEADER", "REMOTE_ADDR"),
]
# Axes' own logger repeats every attempt at INFO; danvan.security carries what matters.
AXES_VERBOSE = False

# Uploaded report drafts are checked in memory; refuse anything absurd up front.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background work (imports, report files, recomputation): immediate, inside the request, in
# the embedded default; production sets DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend
# and runs the worker (`manage.py db_worker`, started by `make serve`).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DANVAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# The health check fails when a task has waited longer than this for a worker.
DANVAN_WORKER_MAX_WAIT_SECONDS = int(os.environ.get("DANVAN_WORKER_MAX_WAIT_SECONDS", "300"))
# ... and when the data folder has less room than this.
DANVAN_HEALTH_MIN_FREE_MB = int(os.environ.get("DANVAN_HEALTH_MIN_FREE_MB", "500"))
# Uploaded figure files are streamed to disk; anything larger goes through import_values.
DANVAN_IMPORT_MAX_BYTES = int(os.environ.get("DANVAN_IMPORT_MAX_MB", "50")) * 1024 * 1024
# What an uploaded .xlsx may inflate to (a zip bomb is refused before it is read).
DANVAN_IMPORT_MAX_INFLATED_BYTES = (
    int(os.environ.get("DANVAN_IMPORT_MAX_INFLATED_MB", "512")) * 1024 * 1024
)

# Security events (failed logins, refused requests, suspicious operations) are JSON lines,
# one event a line, on stderr or in DANVAN_SECURITY_LOG, for a log shipper to read.
_security_log = os.environ.get("DANVAN_SECURITY_LOG", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": _security_log}
            if _security_log
            else {"class": "logging.StreamHandler"}
        )
        | {"formatter": "json"},
    },
    "loggers": {
        "danvan.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DANVAN_LOG_LEVEL", "INFO")},
}
