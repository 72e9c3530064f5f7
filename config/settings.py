"""One settings file for every environment, driven by environment variables.

FUGONG_ENV=production switches on the production posture: DEBUG must be off, a secret key
must be given, cookies are secure and HSTS is sent.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env("FUGONG_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env("SECRET_KEY", "")
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when FUGONG_ENV=production.")
    # The same bar as Django's security.W009, so that `check --deploy` cannot pass with a weak key.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY (at least 50 random characters, not a placeholder) is required in production."
        )
elif not SECRET_KEY:
    # Development and tests only: production refuses to start without a real key (above).
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40  # noqa: S105

ALLOWED_HOSTS = env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "fugong.core",
    "fugong.areas",
    "fugong.accounts",
    "fugong.notices",
    "fugong.security",
    "fugong.enterprises",
    "fugong.dispatch",
    "fugong.analytics",
    "fugong.problems",
    "fugong.finance",
    "fugong.relief",
    "fugong.catalogue",
    "fugong.arrears",
    "fugong.chains",
    "fugong.workgroups",
    "fugong.policies",
    "fugong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A platform account reads the catalogue feed and nothing else.
    "fugong.catalogue.middleware.PlatformOnlyFeedMiddleware",
    # API rate limits per token and per address (429 + Retry-After), before any work is done.
    "fugong.security.middleware.RateLimitMiddleware",
    # The audit trail of every request: writes in one transaction with their entries, exports, downloads.
    "fugong.security.middleware.AuditMiddleware",
    # Password spraying: many usernames failing from one address lock the address out of signing in.
    "fugong.security.middleware.SprayLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Control characters in a query and bodies over DATA_UPLOAD_MAX_MEMORY_SIZE: a clear 400 or 413.
    "fugong.core.middleware.BoundsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "config.navigation.navigation",
                "fugong.core.context_processors.csp_nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, reading a stored decimal too large for its column instead of failing (fugong/core/db).
    DATABASES["default"]["ENGINE"] = "fugong.core.db.sqlite3"
    # WAL and a busy timeout let the demo server and a worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, for the test database: threads in the concurrency tests then share it,
    # and SQLite's busy timeout applies (shared in-memory databases ignore it).
    # One file per process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", default=False):
    # Tests only: argon2 costs ~50 ms a login; the hasher itself is tested in test_security.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "first_name", "last_name", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fugong.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    # Level 3: no username inside the password, no repeated pattern; a change revokes tokens and other sessions.
    {"NAME": "fugong.security.passwords.NoUsernameValidator"},
    {"NAME": "fugong.security.passwords.RepeatedPatternValidator"},
]

# Lockout: 5 failures within 15 minutes for one username from one address. Axes keeps one row per
# username and address whose count lapses 15 minutes after its latest failure (so failures more than
# 15 minutes apart never add up). The fifth failure is itself answered with the lockout page (429),
# and so is every attempt, right password or not, until 15 minutes after that failure: attempts
# during the lockout do not extend it, so the page can honestly say "wait 15 minutes".
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# Spraying: this many distinct usernames failing from one address within these minutes lock the address out.
LOGIN_SPRAY_LIMIT = int(env("LOGIN_SPRAY_LIMIT", "10"))
LOGIN_SPRAY_MINUTES = int(env("LOGIN_SPRAY_MINUTES", "15"))
# Second factor (TOTP) for officials, work groups, handlers and the three administrators (fugong/security).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=True)

# The audit trail's hash chain: SM3 (GB/T 32905) where OpenSSL offers it, else SHA-256; each hash names its own.
AUDIT_HASH = env("AUDIT_HASH", "sm3" if "sm3" in __import__("hashlib").algorithms_available else "sha256")
# Field-level encryption of contact names and phones (fugong/core/crypto.py, docs/security.md): SM4-GCM with
# HMAC-SM3 where the OpenSSL under `cryptography` offers SM4, else AES-256-GCM with HMAC-SHA-256.
# FIELD_KEYS: "id:base64 of 32 random bytes", comma-separated, the first sealing new values (manage.py rotate_keys).
FIELD_CIPHER = env("FIELD_CIPHER", "") or __import__("fugong.core.crypto", fromlist=["x"]).default_cipher()
FIELD_KEYS = env("FIELD_KEYS", "")
if PRODUCTION and not FIELD_KEYS:
    raise ImproperlyConfigured("FIELD_KEYS (the keys of the encrypted personal data) is required in production.")
elif not FIELD_KEYS:
    # Development and tests only, like SECRET_KEY: production refuses to start without its own keys (above).
    FIELD_KEYS = "dev:" + __import__("base64").b64encode(b"fugong-development-only-field-key"[:32]).decode()
AUDIT_RETENTION_DAYS = max(180, int(env("AUDIT_RETENTION_DAYS", "180")))
AUDIT_ARCHIVE_DIR = Path(env("AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive")))
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))

# API rate limits per minute (fugong/security/middleware.RateLimitMiddleware): 429 with Retry-After beyond them.
API_RATE_LIMITS = env_bool("API_RATE_LIMITS", default=True)
API_RATE_PER_TOKEN = int(env("API_RATE_PER_TOKEN", "1200"))
API_RATE_PER_ADDRESS = int(env("API_RATE_PER_ADDRESS", "6000"))

# Idle timeout: the session lives 30 minutes from the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# LOCALE_DIR lets the translation test regenerate the catalogue elsewhere and compare.
LOCALE_PATHS = [Path(env("LOCALE_DIR", str(BASE_DIR / "locale")))]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Problem attachments: outside the static files and MEDIA_ROOT, served only by a gated view.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "attachments")))
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "100000"))
# An import saving this many rows or more is saved by a task (fugong/core/tasks.py) while its page shows the
# progress; a smaller one is saved within the request, as the clerk's everyday sheet.
IMPORT_BACKGROUND_ROWS = int(env("IMPORT_BACKGROUND_ROWS", "3000"))

# Strict CSP: our own host only, scripts and styles by nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", default=not PRODUCTION)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# The progress of a task, written while its own transaction is still open, so it cannot live in the database:
# a cache that the web servers and the task workers share (files on one host; see README, operations).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": env("PROGRESS_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"),
        "LOCATION": env("PROGRESS_CACHE_LOCATION", str(BASE_DIR / "var" / "progress")),
        "TIMEOUT": 24 * 3600,
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "fugong@localhost")
SMS_SENDER = env("SMS_SENDER", "fugong.dispatch.reminders.LoggingSmsSender")
# The brief's issue numbers (第N期) count from this day (YYYY-MM-DD); empty: from the first daily report.
BRIEF_FIRST_DAY = env("BRIEF_FIRST_DAY", "")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
