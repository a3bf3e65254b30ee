"""Settings for talentbase, read from the environment (12-factor).

The defaults are the safe production ones. Local development and the test suite set
``TALENTBASE_DEV=1`` (the Makefile does), which turns on DEBUG, plain-HTTP cookies and a
secret key kept under ``var/``; production must set ``TALENTBASE_SECRET_KEY`` and
``TALENTBASE_ALLOWED_HOSTS``.
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TALENTBASE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV = env_bool("TALENTBASE_DEV")
DEBUG = env_bool("TALENTBASE_DEBUG", DEV)


def _dev_secret(name: str, make=lambda: secrets.token_urlsafe(50)) -> str:
    """A per-checkout secret for development, kept in var/ so restarts keep sessions and data readable."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = os.environ.get("TALENTBASE_SECRET_KEY") or (_dev_secret("secret_key") if DEV else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("TALENTBASE_SECRET_KEY must be set (or TALENTBASE_DEV=1 for development).")

# Keys for personal data at rest (AES-GCM, first one current) and its lookup hash: see core/crypto.py.
# Production sets both; generate one with `talentbase generate_pii_key`.
TALENTBASE_PII_KEYS = os.environ.get("TALENTBASE_PII_KEYS") or (
    f"dev1:{_dev_secret('pii_key', _dev_key)}" if DEV else ""
)
TALENTBASE_PII_HMAC_KEY = os.environ.get("TALENTBASE_PII_HMAC_KEY") or (
    _dev_secret("pii_hmac_key", _dev_key) if DEV else ""
)

# Keys of the audit chain's HMAC ("kid:base64key", current first; old ones stay listed while events signed
# with them are kept). Kept outside the database, so that a database writer cannot recompute the chain.
TALENTBASE_AUDIT_KEYS = os.environ.get("TALENTBASE_AUDIT_KEYS") or (
    f"dev1:{_dev_secret('audit_key', _dev_key)}" if DEV else ""
)
# Where the signed head of the chain is written by `talentbase run_due_work` (item `audit.export_head`): a
# file the database writer cannot reach (appended, one JSON line each time); empty: the log only.
TALENTBASE_AUDIT_HEAD_FILE = os.environ.get("TALENTBASE_AUDIT_HEAD_FILE", "")

ALLOWED_HOSTS = env_list("TALENTBASE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEV else "")
CSRF_TRUSTED_ORIGINS = env_list("TALENTBASE_CSRF_TRUSTED_ORIGINS")
# The address printed on certificates and QR codes; it must never change once certificates are printed.
# Production sets it (`check --deploy` refuses a missing, plain-http or local one); development has a local one.
PUBLIC_BASE_URL = os.environ.get("TALENTBASE_PUBLIC_BASE_URL", "http://127.0.0.1:8000" if DEV else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "talentbase.core",
    "talentbase.catalog",
    "talentbase.orgs",
    "talentbase.accounts",
    "talentbase.registry",
    "talentbase.legacy_certificates",
    "talentbase.evaluation",
    "talentbase.certificates",
]
# The synthetic demo world (`talentbase demo`, `demo_logins`, `totp`): development and tests only.
if DEV:
    INSTALLED_APPS += ["talentbase.demo"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # No caching of pages and API answers, Content-Security-Policy, Permissions-Policy (core/middleware.py).
    "talentbase.core.middleware.ResponseHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "talentbase.accounts.middleware.SessionTimeoutMiddleware",
    "talentbase.accounts.middleware.SecondFactorRequiredMiddleware",
    "talentbase.accounts.middleware.ActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "talentbase.urls"
WSGI_APPLICATION = "talentbase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Every template lives in its app (templates/<app label>/); core holds the shell (base.html,
        # includes/, the error pages).
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "talentbase.core.context_processors.shell",
            ],
        },
    },
]

# --- Database: SQLite (WAL, IMMEDIATE transactions) by default, PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'talentbase.sqlite3'}"),
        conn_max_age=env_int("TALENTBASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: deferred transactions fail with "database is locked" under concurrent read-then-write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A 64 MB page cache per connection (the default is 2 MB): a bulk import writes 10^5 rows into
        # tables with several indexes, and with a small cache every index insert rereads pages from disk.
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA secure_delete=ON;"
        "PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel workers for the app's queries: a page's queries are short and limited (50 rows), and run
    # beside other requests on a few cores, where starting workers cost more than they saved (a district
    # official's q=zs on 10^6 persons: 94 ms with two workers, 54 ms without; bench/search_persons.py).
    # Options given in DATABASE_URL (?options=-c …) follow it, so they may set it otherwise.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c max_parallel_workers_per_gather=0 {options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, rate limits: in the database (one host, no extra server) unless REDIS_URL is set,
# so that lockouts and throttles hold across server processes.
REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Room for the lockout and throttle counters (one per address and per name tried): past MAX_ENTRIES the
    # database cache culls entries in key order, and a counter culled is a throttle forgotten.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "core_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts and authentication (等保 level 3 basics).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "talentbase.accounts.passwords.RoleLengthValidator"},
    {"NAME": "talentbase.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "talentbase.accounts.passwords.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TALENTBASE_LOCKOUT_FAILURES = env_int("TALENTBASE_LOCKOUT_FAILURES", 5)
TALENTBASE_LOCKOUT_MINUTES = env_int("TALENTBASE_LOCKOUT_MINUTES", 15)
# Failed logins from one address (within the lockout window of the last one) before that address must wait
# between tries: 1 s after the next failure, doubling with each one, never more than the maximum. An office
# behind one address is slowed down, never locked out; a correct password with a valid second factor always
# passes (accounts/lockout.py).
TALENTBASE_IP_FREE_FAILURES = env_int("TALENTBASE_IP_FREE_FAILURES", 10)
TALENTBASE_IP_MAX_DELAY_SECONDS = env_int("TALENTBASE_IP_MAX_DELAY_SECONDS", 60)
# Days a worker's activation code (handed out by the employer) stays valid.
TALENTBASE_ACTIVATION_DAYS = env_int("TALENTBASE_ACTIVATION_DAYS", 30)
TALENTBASE_IDLE_MINUTES = env_int("TALENTBASE_IDLE_MINUTES", 30)
TALENTBASE_ADMIN_IDLE_MINUTES = env_int("TALENTBASE_ADMIN_IDLE_MINUTES", 15)
TALENTBASE_SESSION_MAX_HOURS = env_int("TALENTBASE_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = TALENTBASE_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "talentbase"
OTP_TOTP_TOLERANCE = 1

# --- Audit.
# Days an audit event is kept; 等保 asks for at least six months, so never below 184.
TALENTBASE_AUDIT_RETENTION_DAYS = env_int("TALENTBASE_AUDIT_RETENTION_DAYS", 365)
TALENTBASE_AUDIT_MIN_RETENTION_DAYS = 184

# --- Bulk imports.
# Days the uploaded files, staged rows and error reports of batches never committed are kept (and the error
# reports of finished batches): the scheduled work `imports.purge` (`talentbase run_due_work`) removes them.
TALENTBASE_IMPORT_RETENTION_DAYS = env_int("TALENTBASE_IMPORT_RETENTION_DAYS", 7)
# What one uploaded sheet may hold, checked before it is opened (core/imports/safety.py): a roster of
# 2 x 10^5 persons (the whole industry is ~10^5) with its header and headroom; the columns of any template
# with room to spare. Rows x columns bound the grid python-calamine allocates (~32 bytes a cell).
TALENTBASE_IMPORT_MAX_ROWS = env_int("TALENTBASE_IMPORT_MAX_ROWS", 250_000)
TALENTBASE_IMPORT_MAX_COLUMNS = env_int("TALENTBASE_IMPORT_MAX_COLUMNS", 100)
# Zip-based formats (.xlsx, .ods): the parts' total once inflated, one part's compression ratio (a real
# roster's sheet is ~8; a zip bomb's ~1000), the number of parts.
TALENTBASE_IMPORT_MAX_UNCOMPRESSED_MB = env_int("TALENTBASE_IMPORT_MAX_UNCOMPRESSED_MB", 1024)
TALENTBASE_IMPORT_MAX_RATIO = env_int("TALENTBASE_IMPORT_MAX_RATIO", 100)
TALENTBASE_IMPORT_MAX_PARTS = env_int("TALENTBASE_IMPORT_MAX_PARTS", 1000)
# The reader's child process (core/imports/sheet_reader.py): its address space and CPU time.
TALENTBASE_IMPORT_READER_MEMORY_MB = env_int("TALENTBASE_IMPORT_READER_MEMORY_MB", 2048)
TALENTBASE_IMPORT_READER_CPU_SECONDS = env_int("TALENTBASE_IMPORT_READER_CPU_SECONDS", 300)

# --- Security headers and cookies. Production defaults; TALENTBASE_DEV relaxes only what plain HTTP needs.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Number of reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are trusted (0:
# none, the client talks to us directly, and a client could forge either header).
TALENTBASE_TRUSTED_PROXIES = env_int("TALENTBASE_TRUSTED_PROXIES", 0)
if TALENTBASE_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEV:
    SECURE_SSL_REDIRECT = env_bool("TALENTBASE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("TALENTBASE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("TALENTBASE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Intranet hosts are never on the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Internationalisation: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: our own under talentbase/static, third-party ones installed by `make assets`
# into talentbase/static/vendor (git-ignored, never from a CDN).
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("TALENTBASE_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEV
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "talentbase.accounts.authentication.ApiTokenAuthentication",
        "talentbase.core.authentication.SessionAuthentication401",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only, typed as the schema says (an upload names its own parsers: core/imports/api.py).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "talentbase.core.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "talentbase.core.api_filters.ScopedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "talentbase.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "talentbase API",
    "DESCRIPTION": "技能人才信息平台 — scoped like the pages; personal data masked.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our static files (core/schema.py ApiDocsView), never a CDN; the policy reads this.
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
    # Without deep links: Swagger UI puts each link inside the operation's button (a control inside a control).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Two models have a "kind" of their own, and "status" is a person's or another model's: name their enums
    # rather than let the schema invent names.
    "ENUM_NAME_OVERRIDES": {
        "CertificateKindEnum": "talentbase.catalog.models.CertificateKind",
        "ReportKindEnum": "talentbase.legacy_certificates.models.ReportKind",
        # The person list's status, in the Person answer and in the search request alike.
        "PersonStatusEnum": "talentbase.registry.models.PersonStatus",
        # Why an employment ended, beside the free-text end reasons of level entries and certificates.
        "EmploymentEndReasonEnum": "talentbase.registry.models.EndReason",
    },
}

# --- Exports: a list export with more rows than this runs as a background job with progress; its file is
# kept this many days (the scheduled work `jobs.purge_results` removes it).
TALENTBASE_EXPORT_SYNC_ROWS = env_int("TALENTBASE_EXPORT_SYNC_ROWS", 20_000)
TALENTBASE_EXPORT_RETENTION_DAYS = env_int("TALENTBASE_EXPORT_RETENTION_DAYS", 7)

# --- Background jobs: Django's Tasks API, on the database unless set otherwise.
TASKS = {
    "default": {"BACKEND": os.environ.get("TALENTBASE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}
# A running job that has not reported progress for this long was left by a killed worker: the scheduled work
# `jobs.reap` (`talentbase run_due_work`) queues it again (jobs resume) or, after three attempts, fails it.
# TALENTBASE_IMPORT_STALE_MINUTES is its name of before, when only imports were reaped.
TALENTBASE_JOB_STALE_MINUTES = env_int(
    "TALENTBASE_JOB_STALE_MINUTES", env_int("TALENTBASE_IMPORT_STALE_MINUTES", 10)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TALENTBASE_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# Browser for the Playwright tests (Debian's chromium).
TALENTBASE_CHROMIUM = os.environ.get("TALENTBASE_CHROMIUM", "/usr/bin/chromium")
