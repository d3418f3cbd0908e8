"""SASMS settings, read from environment variables with safe embedded defaults.

The embedded default is a single process on SQLite under ``var/`` with in-process jobs;
``SASMS_MODE=production`` switches on the hardening that ``check --deploy`` expects.
Every variable is documented in the README.
"""

from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
env = environ.Env()

SASMS_MODE: str = env.str("SASMS_MODE", default="embedded")
PRODUCTION = SASMS_MODE == "production"
VAR_DIR = Path(env.str("SASMS_VAR_DIR", default=str(BASE_DIR / "var")))

# The embedded default has a fixed development key so that a fresh checkout runs with nothing set;
# production refuses to start without a real one.
if PRODUCTION:
    SECRET_KEY: str = env.str("SASMS_SECRET_KEY")
else:
    SECRET_KEY = env.str("SASMS_SECRET_KEY", default="embedded-only-key-change-me-in-production-0123456789")

DEBUG: bool = env.bool("SASMS_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("SASMS_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("SASMS_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "sasms.core",
    "sasms.accounts",
    "sasms.assets",
    "sasms.contracts",
    "sasms.sla",
    "sasms.tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sasms.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sasms.core.middleware.RequestContextMiddleware",
    "sasms.core.middleware.ServiceErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sasms.urls"
WSGI_APPLICATION = "sasms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sasms.core.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sasms.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the in-process jobs write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env.str("SASMS_SQLITE_TEST_NAME", default="")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("SASMS_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("SASMS_CACHE_URL", default="locmemcache://sasms")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Lock-out after repeated failed log-ins, counted per account and address pair.
AXES_FAILURE_LIMIT = env.int("SASMS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("SASMS_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sasms.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("SASMS_PROXY_COUNT", default=0)
AXES_ENABLED = env.bool("SASMS_LOGIN_LOCKOUT", default=True)

# Staff must enrol a TOTP second factor when this is on (always on in production).
SASMS_REQUIRE_STAFF_2FA: bool = env.bool("SASMS_REQUIRE_STAFF_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "SASMS"

LANGUAGE_CODE = env.str("SASMS_LANGUAGE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("SASMS_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sasms_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("SASMS_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
MEDIA_ROOT = Path(env.str("SASMS_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_CONFIG = env.email_url("SASMS_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL: str = env.str("SASMS_DEFAULT_FROM_EMAIL", default="SASMS <noreply@sasms.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Jobs -------------------------------------------------------------------------------------
# No broker configured: tasks run in-process and `sasms run` drives the periodic schedule itself.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND: str = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE: str = env.str("SASMS_DEFAULT_QUEUE", default="default")
CELERY_TIMEZONE = "UTC"
# One queue per concern, each scaled on its own (DESIGN.md §5).
CELERY_TASK_ROUTES = {
    "sasms.core.tasks.deliver_outbox": {"queue": "notify"},
}
CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {"task": "sasms.core.tasks.deliver_outbox", "schedule": 30.0},
    "purge-expired-api-tokens": {
        "task": "sasms.accounts.tasks.purge_expired_tokens",
        "schedule": crontab(minute="17", hour="3"),
    },
    # Hourly, so each customer's new local day is seen soon after its midnight; idempotent.
    "contract-renewal-reminders": {
        "task": "sasms.contracts.tasks.contract_sweep",
        "schedule": crontab(minute="41"),
    },
    # Resolved requests close themselves N days (SASMS_TICKET_AUTO_CLOSE_DAYS, default 7) later.
    "tickets-auto-close": {
        "task": "sasms.tickets.tasks.auto_close_resolved",
        "schedule": crontab(minute="23"),
    },
}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sasms.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sasms.core.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sasms.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SASMS API",
    "DESCRIPTION": "Server After-Sales Service Management System — REST API, version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "sasms.accounts.models.OrganisationKind",
        "TeamKindEnum": "sasms.accounts.models.TeamKind",
        "ApiTokenKindEnum": "sasms.accounts.models.ApiTokenKind",
        "RoleEnum": "sasms.accounts.roles.Role",
        "TicketLevelEnum": "sasms.tickets.choices.Level",
        "TicketStatusEnum": "sasms.tickets.choices.Status",
        "TicketCategoryEnum": "sasms.tickets.choices.Category",
        "TicketChannelEnum": "sasms.tickets.choices.Channel",
        "TicketTypeEnum": "sasms.tickets.choices.TicketType",
        "TicketComponentAreaEnum": "sasms.tickets.choices.ComponentArea",
        "SlaCoverageEnum": "sasms.sla.models.Coverage",
        "SlaHolidayRegionEnum": "sasms.sla.models.HolidayRegion",
        "SlaSpecialDayKindEnum": "sasms.sla.models.SpecialDayKind",
        "SlaSpecialDaySourceEnum": "sasms.sla.models.SpecialDaySource",
        "SlaWeekdayEnum": "sasms.sla.models.Weekday",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("SASMS_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SASMS_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SASMS_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The health endpoints are probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

SASMS_SITE_NAME = _("SASMS")
SASMS_BASE_URL: str = env.str("SASMS_BASE_URL", default="http://127.0.0.1:8000")
