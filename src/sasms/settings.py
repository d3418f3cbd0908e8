"""SASMS settings, read from environment variables with safe embedded defaults.

The embedded default is a single process on SQLite under ``var/`` with in-process jobs;
``SASMS_MODE=production`` switches on the hardening that ``check --deploy`` expects.
Every variable is documented in the README.
"""

from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from sasms.ops.vardir import var_dir_for

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
env = environ.Env()

SASMS_MODE: str = env.str("SASMS_MODE", default="embedded")
# SASMS_LOG_FORMAT=json: one JSON object per line with request id and user (sasms.ops.jsonlog).
SASMS_LOG_FORMAT: str = env.str("SASMS_LOG_FORMAT", default="text")
PRODUCTION = SASMS_MODE == "production"
# Each installation's files stay with its own database: the rule is in sasms/ops/vardir.py.
VAR_DIR = Path(
    env.str("SASMS_VAR_DIR", default="") or var_dir_for(env.str("DATABASE_URL", default=""), BASE_DIR / "var")
)

# The key embedded installations used before each generated its own. It is public, so nothing is
# signed with it any more; credentials stored under it can still be decrypted (sasms.core.secrets)
# until `sasms rotate_secrets` re-encrypts them.
SASMS_LEGACY_SECRET_KEY = "embedded-only-key-change-me-in-production-0123456789"


def _installation_secret_key(var_dir: Path) -> str:
    """The installation's own random key, made on first run and kept in ``var/secret_key``.

    Written to a private temporary file and linked into place, so two processes starting together
    agree on one key and neither ever reads a half-written file.
    """
    path = var_dir / "secret_key"
    if not path.exists():
        import contextlib
        import os
        import secrets
        import tempfile

        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")
        try:
            with os.fdopen(descriptor, "w") as handle:  # mkstemp makes it readable by the owner only
                handle.write(secrets.token_urlsafe(50))
            # If another process was first, its key is the installation's.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < 50:
        raise RuntimeError(f"{path} holds no usable secret key; delete it to make a new one")
    return key


# Production refuses to start without SASMS_SECRET_KEY; an embedded installation makes its own.
if PRODUCTION:
    SECRET_KEY: str = env.str("SASMS_SECRET_KEY")
else:
    SECRET_KEY = env.str("SASMS_SECRET_KEY", default="") or _installation_secret_key(VAR_DIR)

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
    "sasms.dispatch",
    "sasms.field",
    "sasms.parts",
    "sasms.knowledge",
    "sasms.feedback",
    "sasms.portal",
    "sasms.analytics",
    "sasms.reports",
    "sasms.intake",
    "sasms.integrations",
    # The request's journey: what follows each ticket event, in order (sasms/journey/followers.py).
    "sasms.journey",
    "sasms.telemetry",
    "sasms.maintenance",
    "sasms.proactive",
]

MIDDLEWARE = [
    "sasms.ops.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sasms.core.uploadlimit.UploadLimitMiddleware",
    "sasms.core.middleware.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sasms.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "sasms.core.middleware.RequestContextMiddleware",
    "sasms.core.middleware.ServiceErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sasms.urls"
WSGI_APPLICATION = "sasms.wsgi.application"

TEMPLATES = [
    {
        # Django's backend, timing renders for the Server-Timing header (sasms.ops.timing).
        "BACKEND": "sasms.ops.timing.TimedDjangoTemplates",
        "NAME": "django",
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
                "sasms.sla.context_processors.holiday_notices",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sasms.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica for analytics and reports (sasms.ops.router.use_replica); writes stay on default.
SASMS_REPLICA_URL: str = env.str("SASMS_REPLICA_URL", default="")
DATABASE_ROUTERS = ["sasms.ops.router.ReplicaRouter"]
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
if SASMS_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(SASMS_REPLICA_URL)
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0),
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},
    )
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
# Proxies in front of the web nodes (nginx: 1). Each appends to X-Forwarded-For; the client is the
# entry that many places from the right — for the audit trail, log-in lock-out, rate limits, API
# throttles and the metrics allow-list alike (sasms.core.middleware.client_ip).
SASMS_PROXY_COUNT: int = env.int("SASMS_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = SASMS_PROXY_COUNT
AXES_ENABLED = env.bool("SASMS_LOGIN_LOCKOUT", default=True)

# Staff must enrol a TOTP second factor when this is on (always on in production).
SASMS_REQUIRE_STAFF_2FA: bool = env.bool("SASMS_REQUIRE_STAFF_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "SASMS"

LANGUAGE_CODE = env.str("SASMS_LANGUAGE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Counts are grouped in thousands with a comma in Chinese as in English (sasms/formats/zh_Hans).
FORMAT_MODULE_PATH = ["sasms.formats"]
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
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves collectstatic's hashed, compressed copies (docs/deploy.md). Embedded mode
    # serves the files where they are (WhiteNoise's finders): `sasms run` needs no collectstatic
    # and never serves static files older than the code.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not PRODUCTION
# Attachments, documents, photos and reports on S3-compatible storage (django-storages); local disk
# under SASMS_MEDIA_ROOT unless a bucket is named. See docs/deploy.md.
SASMS_S3_BUCKET: str = env.str("SASMS_S3_BUCKET", default="")
if SASMS_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SASMS_S3_BUCKET,
            "endpoint_url": env.str("SASMS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SASMS_S3_REGION", default="") or None,
            "access_key": env.str("SASMS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SASMS_S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": env.str("SASMS_S3_ADDRESSING_STYLE", default="path"),
        },
    }

# Embedded mode keeps outgoing mail as files (one per message) under the var dir rather than
# printing it among the server's output.
EMAIL_CONFIG = env.email_url("SASMS_EMAIL_URL", default="consolemail://" if PRODUCTION else "filemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith(".filebased.EmailBackend") and not EMAIL_CONFIG["EMAIL_FILE_PATH"]:
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(VAR_DIR / "mail")
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
CELERY_WORKER_HIJACK_ROOT_LOGGER = SASMS_LOG_FORMAT != "json"
# One queue per concern, each scaled on its own (DESIGN.md §5).
CELERY_TASK_ROUTES = {
    "sasms.core.tasks.deliver_outbox": {"queue": "notify"},
    "sasms.sla.tasks.sla_sweep": {"queue": "sla"},
    "sasms.sla.tasks.provision_holidays": {"queue": "sla"},
    "sasms.intake.tasks.*": {"queue": "intake"},
    "sasms.field.tasks.generate_report": {"queue": "reports"},
    "sasms.integrations.tasks.retrain_classifier": {"queue": "ml"},
    "sasms.parts.tasks.forecast": {"queue": "reports"},
    "sasms.field.tasks.report_sweep": {"queue": "reports"},
    "sasms.analytics.tasks.refresh_rollups": {"queue": "reports"},
    "sasms.reports.tasks.send_due_reports": {"queue": "reports"},
    "sasms.reports.tasks.forecast_requests": {"queue": "ml"},
}
CELERY_BEAT_SCHEDULE = {
    # Dashboards read rollups: what changed since the last run is folded in every five minutes.
    "analytics-refresh-rollups": {"task": "sasms.analytics.tasks.refresh_rollups", "schedule": 300.0},
    # What the incremental refresh cannot see (a request deleted, a server re-modelled): rebuilt nightly.
    "analytics-rebuild-rollups": {
        "task": "sasms.analytics.tasks.refresh_rollups",
        "schedule": crontab(minute="30", hour="19"),
        "kwargs": {"full": True},
    },
    # Scheduled report e-mails: subscriptions due (06:00 local after each period) are sent once.
    "reports-send-due": {"task": "sasms.reports.tasks.send_due_reports", "schedule": 900.0},
    # The request-volume forecast per category, nightly at 03:17 Shanghai time.
    "reports-forecast-requests": {
        "task": "sasms.reports.tasks.forecast_requests",
        "schedule": crontab(minute="17", hour="19"),
    },
    "deliver-outbox": {"task": "sasms.core.tasks.deliver_outbox", "schedule": 30.0},
    # The audit hash chain: new entries are sealed within a minute.
    "seal-audit-trail": {"task": "sasms.core.tasks.seal_audit_trail", "schedule": 60.0},
    "purge-expired-api-tokens": {
        "task": "sasms.accounts.tasks.purge_expired_tokens",
        "schedule": crontab(minute="17", hour="3"),
    },
    "purge-idempotency-keys": {
        "task": "sasms.core.tasks.purge_idempotency_keys",
        "schedule": crontab(minute="27", hour="3"),
    },
    # Hourly, so each customer's new local day is seen soon after its midnight; idempotent.
    "contract-renewal-reminders": {
        "task": "sasms.contracts.tasks.contract_sweep",
        "schedule": crontab(minute="41"),
    },
    # Mailboxes and BMCs due for a poll (each keeps its own interval).
    "intake-poll-mailboxes": {"task": "sasms.intake.tasks.poll_mailboxes", "schedule": 60.0},
    "intake-poll-bmcs": {"task": "sasms.intake.tasks.poll_bmcs", "schedule": 60.0},
    # Telemetry: prediction rules every 10 minutes; raw → hourly → daily downsampling hourly.
    "telemetry-evaluate": {"task": "sasms.telemetry.tasks.evaluate_rules", "schedule": 600.0},
    "telemetry-downsample": {"task": "sasms.telemetry.tasks.downsample", "schedule": crontab(minute="13")},
    # Every minute: warnings, breaches and escalations of the SLA clocks that are due.
    "sla-sweep": {"task": "sasms.sla.tasks.sla_sweep", "schedule": 60.0},
    # Daily: provisional public holidays for this year and the next two where none are official.
    "sla-provision-holidays": {
        "task": "sasms.sla.tasks.provision_holidays",
        "schedule": crontab(minute="11", hour="17"),
    },
    # Requests that auto-dispatch could not place on creation are tried again.
    "dispatch-auto-sweep": {"task": "sasms.dispatch.tasks.auto_dispatch_sweep", "schedule": 300.0},
    # The request classifier learns from the day's resolved requests at 02:37 Shanghai time.
    "integrations-retrain-classifier": {
        "task": "sasms.integrations.tasks.retrain_classifier",
        "schedule": crontab(minute="37", hour="18"),
    },
    "integrations-purge-deliveries": {
        "task": "sasms.integrations.tasks.purge_deliveries",
        "schedule": crontab(minute="53", hour="19"),
    },
    # Spare parts below their minimum are reported hourly; the demand forecast is made nightly.
    "parts-low-stock-sweep": {"task": "sasms.parts.tasks.low_stock_sweep", "schedule": crontab(minute="23")},
    "parts-forecast": {"task": "sasms.parts.tasks.forecast", "schedule": crontab(minute="7", hour="2")},
    # Service reports that failed to render are made again.
    "field-report-sweep": {"task": "sasms.field.tasks.report_sweep", "schedule": 300.0},
    # Contracts' monthly/quarterly health checks (PDF by e-mail), hourly; each period once.
    "proactive-health-checks": {
        "task": "sasms.proactive.tasks.health_check_sweep",
        "schedule": crontab(minute="47"),
    },
    # Campaign items whose server's newest BMC poll shows the fixed version are closed.
    "proactive-close-fixed-items": {"task": "sasms.proactive.tasks.close_fixed_items", "schedule": 300.0},
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
        "sasms.accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "sasms.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "sasms.core.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sasms.core.api.errors.exception_handler",
    # Per client (anonymous: by address; signed in: by user) through the cache, so every web node
    # shares one count when SASMS_CACHE_URL names Redis.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("SASMS_API_RATE_ANON", default="60/min"),
        "user": env.str("SASMS_API_RATE_USER", default="1200/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # 0: throttle by REMOTE_ADDR; never by a client-supplied X-Forwarded-For.
    "NUM_PROXIES": SASMS_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SASMS API",
    "DESCRIPTION": "Server After-Sales Service Management System — REST API, version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sasms.core.api.schema.add_error_responses",
    ],
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
        "SlaClockKindEnum": "sasms.sla.models.ClockKind",
        "SlaClockStateEnum": "sasms.sla.models.ClockState",
        "SlaClockEntryKindEnum": "sasms.sla.models.ClockEntryKind",
        "SurveyAnswerChannelEnum": "sasms.feedback.models.AnswerChannel",
        "TelemetrySeriesKindEnum": "sasms.telemetry.choices.SeriesKind",
        "DispatchSkillKindEnum": "sasms.dispatch.choices.SkillKind",
        "DispatchProposalStatusEnum": "sasms.dispatch.choices.ProposalStatus",
        "DispatchRowOutcomeEnum": "sasms.dispatch.choices.RowOutcome",
        "DispatchCertificationPolicyEnum": "sasms.dispatch.choices.CertificationPolicy",
        "DispatchLanguageEnum": "sasms.dispatch.choices.Language",
        "TicketPriorityEnum": "sasms.tickets.choices.Priority",
        "KnowledgeArticleStatusEnum": "sasms.knowledge.models.ArticleStatus",
        "IntegrationsRobotKindEnum": "sasms.integrations.choices.RobotKind",
        "IntegrationsTargetKindEnum": "sasms.integrations.choices.TargetKind",
        "IntegrationsDeliveryStatusEnum": "sasms.integrations.choices.DeliveryStatus",
        "IntegrationsModelStatusEnum": "sasms.integrations.choices.ModelStatus",
        "IntegrationsTrainingTriggerEnum": "sasms.integrations.choices.TrainingTrigger",
        "IntegrationsReviewStatusEnum": "sasms.integrations.choices.ReviewStatus",
        "IntegrationsReviewDecisionEnum": "sasms.integrations.choices.ReviewDecision",
        "IntegrationsRobotEventEnum": "sasms.integrations.choices.ROBOT_EVENT_CHOICES",
        "IntegrationsEventTypeEnum": "sasms.integrations.choices.WEBHOOK_EVENT_CHOICES",
        "PartsConditionEnum": "sasms.parts.choices.Condition",
        "PartsUsableConditionEnum": "sasms.parts.choices.UsableCondition",
        "PartsRmaStatusEnum": "sasms.parts.choices.RmaStatus",
        "PartsPartKindEnum": "sasms.parts.choices.PartKind",
        "PartsDepotKindEnum": "sasms.parts.choices.DepotKind",
        "PartsServiceTierEnum": "sasms.parts.choices.ServiceTier",
        "IntakeSourceKindEnum": "sasms.intake.choices.SourceKind",
        "IntakeMailSecurityEnum": "sasms.intake.choices.MailSecurity",
        "IntakeMinSeverityEnum": "sasms.intake.choices.MinSeverity",
        "IntakeAlertSeverityEnum": "sasms.intake.choices.AlertSeverity",
        "IntakeAlertStateEnum": "sasms.intake.choices.AlertState",
        "IntakeBmcSchemeEnum": "sasms.intake.choices.BmcScheme",
        "IntakeBmcAuthEnum": "sasms.intake.choices.BmcAuth",
        "IntakePollStatusEnum": "sasms.intake.choices.PollStatus",
        "IntakeOutcomeEnum": "sasms.intake.choices.Outcome",
        "IntakeTriageChannelEnum": "sasms.intake.choices.TriageChannel",
        "IntakeTriageReasonEnum": "sasms.intake.choices.TriageReason",
        "IntakeTriageStatusEnum": "sasms.intake.choices.TriageStatus",
        "IntakeTriageResolutionEnum": "sasms.intake.choices.TriageResolution",
        "VisitStatusEnum": "sasms.field.choices.VisitStatus",
        "VisitStepEnum": "sasms.field.choices.Action",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "sasms.ops.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if SASMS_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("SASMS_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "redfish": {"level": "WARNING"},
        # `sasms run` says where it serves itself; waitress's own line would follow it.
        "waitress": {"level": "WARNING"},
        # Jobs run in-process: a line per task run, and kombu's note that there is no broker host,
        # would bury the server's output. Failures still show.
        **(
            {"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}}
            if CELERY_TASK_ALWAYS_EAGER
            else {}
        ),
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own static files, no inline script
# and no eval anywhere; style attributes are allowed (progress bars, htmx's indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
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
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

SASMS_SITE_NAME = _("SASMS")
SASMS_BASE_URL: str = env.str("SASMS_BASE_URL", default="http://127.0.0.1:8000")

# Fernet keys for stored credentials (mailboxes, BMCs, chat robots), newest first; every key
# decrypts, the first encrypts (`sasms rotate_secrets` re-encrypts). Empty in embedded mode: a key
# derived from the secret key. Required in production.
SASMS_SECRET_KEYS: list[str] = env.list("SASMS_SECRET_KEYS", default=[])
# CA bundle for BMC certificates (empty: the system's bundle).
SASMS_BMC_CA_BUNDLE: str = env.str("SASMS_BMC_CA_BUNDLE", default="")

# Knowledge answers written by a language model (OpenAI-compatible chat completions): off unless a
# URL and a model are set; customer data is sent only when allowed (sasms/knowledge/llm.py).
SASMS_KB_LLM_URL: str = env.str("SASMS_KB_LLM_URL", default="")
SASMS_KB_LLM_MODEL: str = env.str("SASMS_KB_LLM_MODEL", default="")
SASMS_KB_LLM_API_KEY: str = env.str("SASMS_KB_LLM_API_KEY", default="")
SASMS_KB_LLM_TIMEOUT: float = env.float("SASMS_KB_LLM_TIMEOUT", default=10.0)
SASMS_KB_LLM_SEND_CUSTOMER_DATA: bool = env.bool("SASMS_KB_LLM_SEND_CUSTOMER_DATA", default=False)

# Service cost per request (docs/kpis.md): labour per engineer hour and a flat fee per on-site visit
# (CNY); the rollup refresh re-reads rows changed this many seconds before its last watermark.
SASMS_ANALYTICS_LABOUR_RATE_PER_HOUR: str = env.str("SASMS_ANALYTICS_LABOUR_RATE_PER_HOUR", default="300")
SASMS_ANALYTICS_VISIT_FEE: str = env.str("SASMS_ANALYTICS_VISIT_FEE", default="200")
SASMS_ANALYTICS_REFRESH_OVERLAP_SECONDS: int = env.int("SASMS_ANALYTICS_REFRESH_OVERLAP_SECONDS", default=120)

# Password-reset requests per client address (django-ratelimit, counted in the cache).
SASMS_PASSWORD_RESET_RATE: str = env.str("SASMS_PASSWORD_RESET_RATE", default="5/h")
# `sasms audit verify` reports an entry dated this much before one sealed ahead of it (back-dated);
# longer than any transaction that writes audit entries.
SASMS_AUDIT_ORDER_TOLERANCE_SECONDS: int = env.int("SASMS_AUDIT_ORDER_TOLERANCE_SECONDS", default=600)
# API tokens live at most this many days (at most 365; a lower value also ends older tokens sooner).
SASMS_API_TOKEN_MAX_DAYS: int = env.int("SASMS_API_TOKEN_MAX_DAYS", default=365)
# Failed sign-ins per client address across all user names (password spraying), and failed API
# token checks per address; past the rate the address is refused (429) until the window passes.
SASMS_LOGIN_ADDRESS_FAILURE_RATE: str = env.str("SASMS_LOGIN_ADDRESS_FAILURE_RATE", default="30/15m")
SASMS_API_TOKEN_FAILURE_RATE: str = env.str("SASMS_API_TOKEN_FAILURE_RATE", default="20/m")
# Uploads: one file at most SASMS_UPLOAD_MAX_BYTES (reading stops there); a whole request at most
# SASMS_REQUEST_MAX_BYTES by its Content-Length, refused before its body is read (sasms.core.uploadlimit).
SASMS_UPLOAD_MAX_BYTES: int = env.int("SASMS_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
SASMS_REQUEST_MAX_BYTES: int = env.int(
    "SASMS_REQUEST_MAX_BYTES", default=5 * SASMS_UPLOAD_MAX_BYTES + 1024 * 1024
)
FILE_UPLOAD_HANDLERS = [
    "sasms.core.uploadlimit.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "sasms.core.middleware.ratelimit_key_ip"
# Monitoring webhooks per sending address (alert storms are bursts: keep it generous), and failed
# token checks per address before that address is refused for a while.
SASMS_WEBHOOK_RATE: str = env.str("SASMS_WEBHOOK_RATE", default="6000/m")
SASMS_WEBHOOK_AUTH_FAILURE_RATE: str = env.str("SASMS_WEBHOOK_AUTH_FAILURE_RATE", default="20/m")

# /metrics (Prometheus): a bearer token, or a client address in these networks.
# Webhooks and chat robots reach public addresses; private, loopback, link-local and other
# non-public ones only inside these networks, so that a webhook cannot be aimed at the cloud
# metadata service or an internal admin port. The embedded default lets local receivers work.
SASMS_OUTBOUND_ALLOWED_NETWORKS: list[str] = env.list(
    "SASMS_OUTBOUND_ALLOWED_NETWORKS",
    default=[] if PRODUCTION else ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)
# An HTTP proxy for webhooks and chat robots (http://proxy.example:3128), when the servers reach
# the Internet only through one; the receiver's addresses are still checked before sending.
SASMS_OUTBOUND_PROXY: str = env.str("SASMS_OUTBOUND_PROXY", default="")
SASMS_METRICS_TOKEN: str = env.str("SASMS_METRICS_TOKEN", default="")
SASMS_METRICS_ALLOWED_NETWORKS: list[str] = env.list(
    "SASMS_METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"]
)

# --- SLA ---------------------------------------------------------------------------------------
# The business calendar each coverage preset's clocks run on (calendar codes, editable in the UI).
SASMS_SLA_CALENDARS: dict[str, str] = {
    "5x9": "cn-5x9",
    "5x10": "cn-5x10",
    "5x12": "cn-5x12",
    "7x24": "7x24",
}
# Whose targets a request without a contract works to: the warranty, and no coverage at all.
SASMS_SLA_FALLBACK_PRODUCTS: dict[str, str] = {"warranty": "basic-warranty", "none": "break-fix-tm"}
# Share of a clock's target after which the request shows in the "at risk" queue.
SASMS_SLA_RISK_FRACTION: float = env.float("SASMS_SLA_RISK_FRACTION", default=0.75)
