"""Settings for anjian. Everything configurable comes from the environment (see ``env.py``).

Defaults give a working single-machine install: SQLite (WAL) in ``ANJIAN_DATA_DIR``, the
embedded SQLite job queue and a file cache. Production sets ``DATABASE_URL`` (PostgreSQL),
``REDIS_URL`` (jobs and cache) and ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from anjian.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent  # the anjian package
DATA_DIR = Path(env_str("ANJIAN_DATA_DIR", str(Path.cwd() / "var"))).resolve()

TESTING = "pytest" in sys.modules or env_bool("ANJIAN_TESTING", False)
DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "anjian-insecure-development-key-change-me"  # noqa: S105 - refused below in production
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if not DEBUG and not TESTING and SECRET_KEY == _DEV_SECRET and not env_bool("ANJIAN_DEMO", False):
    raise ImproperlyConfigured("SECRET_KEY must be set in production / 生产环境必须设置 SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "ninja",  # /api/v1/docs uses the Swagger UI files django-ninja ships (ninja/static/), not a CDN
    "simple_history",
    "huey.contrib.djhuey",
    "anjian.core",
    "anjian.orgs",
    "anjian.accounts",
    "anjian.audit",
    "anjian.offline",
    "anjian.inbox",
    "anjian.jobs",
    "anjian.documents",
    "anjian.enterprises",
    "anjian.checklists",
    "anjian.grids",
    "anjian.hazards",
    "anjian.accidents",
    "anjian.monitoring",
    "anjian.vehicles",
    "anjian.public_reports",
    "anjian.enforcement",
    "anjian.committee",
    "anjian.responsibility",
    "anjian.funds",
    "anjian.training",
    "anjian.emergency",
    "anjian.dashboard",
    "anjian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "anjian.core.middleware.RequestIdMiddleware",
    "anjian.core.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anjian.documents.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "anjian.config.urls"
WSGI_APPLICATION = "anjian.config.wsgi.application"
ASGI_APPLICATION = "anjian.config.asgi.application"

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
                "anjian.core.context_processors.shell",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
_db_env = environ.Env()
_default_db = f"sqlite:///{DATA_DIR / 'anjian.sqlite3'}"
try:
    DATABASES = {"default": _db_env.db_url_config(env_str("DATABASE_URL", _default_db))}
except Exception as exc:  # environ raises several kinds; say which variable is wrong
    raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
_engine = DATABASES["default"]["ENGINE"]
if _engine.endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    if TESTING:
        DATABASES["default"]["TEST"] = {"NAME": env_str("ANJIAN_TEST_SQLITE", "") or None}
elif "postgresql" in _engine:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and jobs --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

HUEY: dict[str, object] = {
    "name": "anjian",
    "immediate": TESTING or env_bool("HUEY_IMMEDIATE", False),
    "results": True,
    "utc": True,
    "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread", "periodic": True},
}
if REDIS_URL and not TESTING:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")})
if TESTING:
    HUEY["immediate_use_memory"] = True
# The demo's worker (``anjian rundemo``) keeps the demo's sensors reporting (one reading per
# sensor and minute, ``anjian.monitoring.simulate.demo_tick``); never set in production.
DEMO_SENSOR_SIMULATOR = env_bool("ANJIAN_DEMO_SENSOR_SIMULATOR", False)

# --- 两客一危 vehicles (docs/vehicles.md) ------------------------------------------------------
# Speed limits per vehicle kind in km/h and the tolerance above them. City choices, not law: the
# regulations summary gives no figures (anjian/rules/vehicles.py). A geofence's own limit is lower.
VEHICLE_SPEED_LIMITS_KMH = {
    "hazmat": env_int("VEHICLE_SPEED_LIMIT_HAZMAT_KMH", 80),
    "coach": env_int("VEHICLE_SPEED_LIMIT_COACH_KMH", 100),
    "bus": env_int("VEHICLE_SPEED_LIMIT_BUS_KMH", 100),
}
VEHICLE_SPEED_TOLERANCE_KMH = env_int("VEHICLE_SPEED_TOLERANCE_KMH", 0)

# --- auth --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anjian.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 900)
# attempts from one client address (every account together) in the same window
LOGIN_THROTTLE_IP_ATTEMPTS = env_int("LOGIN_THROTTLE_IP_ATTEMPTS", 20)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and not TESTING and not env_bool("ANJIAN_DEMO", False))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None

# --- i18n --------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Upload size limits are checked while an upload streams in (anjian/documents/uploads.py): each
# route's kind of upload has its per-file limit below; UploadLimitMiddleware answers a refusal.
FILE_UPLOAD_HANDLERS = [
    "anjian.documents.uploads.UploadLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# A one-time link to set one's password (accounts.services.password_link_create) works this long.
PASSWORD_LINK_HOURS = env_int("PASSWORD_LINK_HOURS", 72)
# All files of one request together (a form may carry several attachments).
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 100 * 1024 * 1024)
CAP_MAX_BYTES = env_int("CAP_MAX_BYTES", 2 * 1024 * 1024)  # one CAP alert (XML)
BOUNDARY_MAX_BYTES = env_int("BOUNDARY_MAX_BYTES", 50 * 1024 * 1024)  # a GeoJSON or zipped Shapefile
CHECKLIST_JSON_MAX_BYTES = env_int("CHECKLIST_JSON_MAX_BYTES", 2 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 4096)
# An image whose header declares more pixels than this is refused before it is decoded (a tiny
# PNG can declare 12,000 x 12,000 pixels and take hundreds of MB to decode); 50 MP photos pass.
IMAGE_MAX_DECODE_PIXELS = env_int("IMAGE_MAX_DECODE_PIXELS", 50_000_000)
# Imports (documents/imports.py, docs/mechanisms/import-export.md): what one uploaded sheet may cost.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED = env_int("IMPORT_MAX_UNCOMPRESSED", 200 * 1024 * 1024)
IMPORT_MAX_RATIO = env_int("IMPORT_MAX_RATIO", 100)
IMPORT_MAX_MEMBERS = env_int("IMPORT_MAX_MEMBERS", 1000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
# Staged rows (documents.ImportRow) of a finished batch are removed by a nightly job: a stored
# batch keeps them (what its undo needs) for IMPORT_UNDO_DAYS, after which it can no longer be
# undone; a refused, undone or abandoned batch keeps them (its error list) for
# IMPORT_STAGING_RETENTION_DAYS.
IMPORT_UNDO_DAYS = env_int("IMPORT_UNDO_DAYS", 30)
IMPORT_STAGING_RETENTION_DAYS = env_int("IMPORT_STAGING_RETENTION_DAYS", 7)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 5_000_000)
# Exports (documents/export_jobs.py): a list export of more rows than this runs as a job that
# writes the file (offered on 我的导出 for EXPORT_RETENTION_DAYS, then removed); up to this many
# rows it is streamed in the request, well inside the web server's timeout.
EXPORT_IMMEDIATE_MAX_ROWS = env_int("EXPORT_IMMEDIATE_MAX_ROWS", 5_000)
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# Jobs: a running job whose heartbeat is older than this is marked failed by the watchdog.
JOB_STALE_AFTER_S = env_int("JOB_STALE_AFTER_S", 15 * 60)

# --- Content-Security-Policy (anjian/core/csp.py) ----------------------------------------
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# --- maps --------------------------------------------------------------------------------
# Government networks rarely reach public tile servers: the tile URL is configuration (docs/maps.md).
# Without it every map still draws the user's jurisdiction boundaries on a plain background.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_LABEL_URL = env_str("MAP_TILE_LABEL_URL", "")  # an optional label layer over the tiles (天地图 cva)
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")  # what {s} in the URLs stands for, one character each
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# --- logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "anjian.core.middleware.RequestIdLogFilter"},
                "redact": {"()": "anjian.core.redact.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "redact"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "huey": {"level": "WARNING"},
                # runserver's request lines go through the redacting handler too
                "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

ANJIAN_SITE_NAME = env_str("ANJIAN_SITE_NAME", "安全生产监管平台")
ANJIAN_DEMO = env_bool("ANJIAN_DEMO", False)
os.environ.setdefault("MPLCONFIGDIR", str(DATA_DIR / "matplotlib"))
