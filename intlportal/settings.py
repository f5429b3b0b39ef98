"""Settings for intlportal, read from the environment.

Every value has an embedded default that suits a single developer machine (SQLite, tasks run
in-process, e-mail to the console, media on local disk).  ``INTLPORTAL_MODE=production``
switches to production: it refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and
turns on every security setting ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


MODE = env_str("INTLPORTAL_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"INTLPORTAL_MODE must be 'development' or 'production', got {MODE!r}")
PRODUCTION = MODE == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY: a random string of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated host names).")
    DEBUG = False
else:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    # Off unless asked for: a debug page shows any signed-in user a traceback with settings.
    # INTLPORTAL_DEBUG=1 turns it on (the older DEBUG variable still works).  Static files
    # are served by whitenoise either way (below).
    DEBUG = env_bool("INTLPORTAL_DEBUG", env_bool("DEBUG", False))

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_cas_ng",  # its session tickets serve CAS single sign-out
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "intlportal",
    "faculties",
    "staff",
    "exchanges",
    "programs",
    "trips",
    "visits",
    "documents",
    "accounts",
    "assessment",
    "dataexchange",
    "notifications",
    "workqueue",
    "api",
    "demo",
]

MIDDLEWARE = [
    # First: work deferred until the response is sent (no broker) sees the response sent.
    "intlportal.deferred.AfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may fail: an error under /api/ answers JSON, not a page.
    "api.exceptions.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # PUT, PATCH, DELETE … answer 405 and OPTIONS renders nothing, on function views too.
    "intlportal.http_methods.UnservedMethodMiddleware",
    "intlportal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# whitenoise serves the static files: in production the collected, compressed, hashed ones;
# in development straight from the apps' and the project's static folders (found on each
# request, so edits show at once), whether DEBUG is on or off.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
if not PRODUCTION:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

ROOT_URLCONF = "intlportal.urls"
WSGI_APPLICATION = "intlportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intlportal.context_processors.portal",
            ],
            # {% load history %}: the record pages' "History" link (intlportal/history.py).
            "libraries": {"history": "intlportal.history"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on one file: WAL lets readers go on while one writes; every
    # transaction takes the write lock when it begins (BEGIN IMMEDIATE) and waits up to 20 s
    # for it.  A deferred transaction would read, then fail to upgrade its lock with
    # "database is locked" (a 500) instead of waiting; with IMMEDIATE the second of two
    # concurrent saves waits, reads the first one's version and gets the stale-edit page.
    # tests/security/test_races.py races real threads on a file database.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the assessment's grouped staff aggregates for longer than they
    # run (1.4 s against 0.15 s on 150,000 mobilities): these are short analytic queries.  On
    # 500,000 mobilities the whole assessment computes in 1.38 s with jit off and 3.22 s with it
    # on (median of 6 each, interleaved, same machine at load 3.1; 2026-12-03).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "intlportal.User"

# Sign-in: local passwords always (the demo, a break-glass office account); the university's
# identity service through CAS when CAS_SERVER_URL is set, through LDAP when LDAP_SERVER_URI is.
# Both find the portal account by the staff number the directory releases (``accounts.signin``).
# django-axes comes first: its lockout refuses a locked-out name on every backend.
CAS_SERVER_URL = env_str("CAS_SERVER_URL", "")
LDAP_SERVER_URI = env_str("LDAP_SERVER_URI", "")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    *(["accounts.backends.CampusCASBackend"] if CAS_SERVER_URL else []),
    *(["accounts.backends.CampusLDAPBackend"] if LDAP_SERVER_URI else []),
]
# A first campus sign-in by a person the portal does not know: "inactive" creates an inactive
# account the office activates (and grants a role); "refuse" creates nothing.  Nobody is ever
# given a role by signing in.
SIGN_IN_UNKNOWN_USERS = env_str("SIGN_IN_UNKNOWN_USERS", "inactive")

# CAS (django-cas-ng): protocol 3 releases attributes; which attribute holds what, as
# portal field=attribute pairs.  staff_no finds the account; name (or first_name/last_name)
# and email are copied onto it at each sign-in.
CAS_VERSION = env_str("CAS_VERSION", "3")
CAS_ATTRIBUTE_MAP = env_str("CAS_ATTRIBUTE_MAP", "staff_no=employeeNumber,name=cn,email=mail")
CAS_LOGOUT_COMPLETELY = True  # signing out of the portal signs out of CAS too (single sign-out)
CAS_CHECK_NEXT = True  # never redirect off the site after sign-in
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_RETRY_LOGIN = False
CAS_CREATE_USER = False  # accounts are made by accounts.signin, never by the client library
CAS_ROOT_PROXIED_AS = env_str("CAS_ROOT_PROXIED_AS", None)  # the portal's public address behind a proxy

# LDAP (django-auth-ldap): a search for the person under LDAP_USER_SEARCH_BASE, then a bind
# as them with the password they typed.  A person the directory has disabled cannot bind
# (OpenLDAP's ppolicy pwdAccountLockedTime, a disabled Active Directory account), so no
# setting is needed for them; a directory that only marks leavers with an attribute can
# leave them out in LDAP_USER_FILTER, e.g. "(&(uid=%(user)s)(!(eduPersonAffiliation=former)))".
# LDAP_START_TLS encrypts the connection (StartTLS on ldap://; an ldaps:// URI needs no
# StartTLS); LDAP_CA_FILE is the PEM file of the CA that signed the directory's certificate,
# when the system's CA store does not hold it.  The certificate is always verified.
AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_CA_FILE = env_str("LDAP_CA_FILE", "")
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE", "")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
LDAP_ATTRIBUTE_MAP = env_str(
    "LDAP_ATTRIBUTE_MAP", "staff_no=employeeNumber,first_name=givenName,last_name=sn,email=mail")
AUTH_LDAP_USER_ATTR_MAP: dict = {}  # accounts.signin maps the attributes, for CAS and LDAP alike
AUTH_LDAP_ALWAYS_UPDATE_USER = False
AUTH_LDAP_CONNECTION_OPTIONS: dict = {}
if LDAP_SERVER_URI:
    import ldap
    from django_auth_ldap.config import LDAPSearch

    AUTH_LDAP_USER_SEARCH = LDAPSearch(LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, LDAP_USER_FILTER)
    # A directory that stops answering fails the sign-in within seconds instead of holding a worker.
    AUTH_LDAP_CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: env_int("LDAP_TIMEOUT_SECONDS", 5),
        ldap.OPT_TIMEOUT: env_int("LDAP_TIMEOUT_SECONDS", 5),
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
        **({ldap.OPT_X_TLS_CACERTFILE: LDAP_CA_FILE} if LDAP_CA_FILE else {}),
        ldap.OPT_X_TLS_NEWCTX: 0,  # last: makes the TLS options above take effect on this connection
    }
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): five failures for one user name from one address lock it
# for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_WHITELIST_CALLABLE = "accounts.backends.cas_ticket_attempt"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
# Uploaded files (signed agreements, reports) live outside static/ and are only ever served
# through views that check access; MEDIA_URL is not routed.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
MB = 1024 * 1024
# A document attached to a record (signed agreement, plan attachment, report): at most this
# many bytes (intlportal/uploads.py).
MAX_DOCUMENT_UPLOAD_BYTES = env_int("MAX_DOCUMENT_UPLOAD_BYTES", 20 * MB)
# What an imported spreadsheet may hold (dataexchange/files.py): the upload, its rows, columns
# and cells, the empty rows after which a sheet is taken to have ended, an .xlsx unpacked (all
# parts together, and one sheet or the shared strings), and the characters of messages an
# import job keeps.
DATAEXCHANGE_MAX_UPLOAD_BYTES = env_int("DATAEXCHANGE_MAX_UPLOAD_BYTES", 20 * MB)
DATAEXCHANGE_MAX_ROWS = env_int("DATAEXCHANGE_MAX_ROWS", 50_000)
DATAEXCHANGE_MAX_EMPTY_ROWS = env_int("DATAEXCHANGE_MAX_EMPTY_ROWS", 1_000)
DATAEXCHANGE_MAX_COLUMNS = env_int("DATAEXCHANGE_MAX_COLUMNS", 200)
DATAEXCHANGE_MAX_CELL_CHARS = env_int("DATAEXCHANGE_MAX_CELL_CHARS", 32_767)  # Excel's own limit
# A 50,000-row export of 14 columns unpacks to about 40 MB (sheet), 2.3 MB packed: ratio 17.
DATAEXCHANGE_XLSX_MAX_BYTES = env_int("DATAEXCHANGE_XLSX_MAX_BYTES", 100 * MB)
DATAEXCHANGE_XLSX_MAX_PART_BYTES = env_int("DATAEXCHANGE_XLSX_MAX_PART_BYTES", 64 * MB)
DATAEXCHANGE_MAX_STORED_MESSAGE_CHARS = env_int("DATAEXCHANGE_MAX_STORED_MESSAGE_CHARS", 200_000)

# E-mail (Django 6.1 MAILERS): the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost" if PRODUCTION else None)
if EMAIL_HOST:
    # Production always sends through SMTP: a local MTA on localhost:25 unless told otherwise.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25 if EMAIL_HOST == "localhost" else 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", EMAIL_HOST != "localhost"),
                # A mail server that stops answering fails the send (and it is retried)
                # instead of holding a worker forever.
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "intlportal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker every task runs in-process, so one machine needs no Redis.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Surviving a Redis restart (issue 20).  With celery/kombu 5.7.0 a worker holding a message
# (an acks_late task running, or any countdown/ETA task waiting, such as every save's
# recompute) died with "AttributeError: 'NoneType' object has no attribute 'hostname'" when
# Redis went away: after a lost connection celery closes a channel whose transport it has
# already detached, and restoring the held message needs the detached connection's host.  No
# kombu release fixes it and no option avoids it; intlportal.celery.RedisTransport (kombu's
# Redis transport, whose channels remember how they were opened) does — see its docstring.
CELERY_BROKER_TRANSPORT = (
    "intlportal.celery:RedisTransport"
    if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else None
)
# The broker comes back on its own: wait for it at start-up and after a loss, never give up.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A delivered, unacknowledged message (acks_late, or waiting for its countdown) goes back
    # to the queue after this long without an ack — after a worker died or lost its ack in a
    # Redis restart.  It must exceed the longest countdown any task uses (e-mail retries back
    # off up to an hour), or a waiting task is delivered twice.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600),
    # Bounded socket waits: a Redis that stops answering (rather than refusing) is noticed.
    "socket_connect_timeout": 3,
    "socket_timeout": 30,  # > the transport's 1 s BRPOP timeout
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 25,
}
# Sending a task happens inside requests (after a save's commit, at an import's upload): with
# the broker down, give up within about two seconds instead of kombu's default ~10 s — the
# need is recorded in the database (pending recomputes, unsent e-mail, the import job) and the
# sweeps send it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 1}
# A task held when the connection drops runs to its end (every task here is idempotent:
# recomputes and sweeps recompute from the database); its ack goes through once Redis is
# back, or — if Redis lost it — the message is redelivered after the visibility timeout.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Storing a result while Redis restarts waits for it instead of failing the finished task.
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
# Sending a task first subscribes to its result on Redis: with Redis down, Celery's default
# policy (20 retries, 1 s apart) would hold every later send — and the web request making it —
# for about 19 s.  Give up as fast as the publish does (the fault suite measures it).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
}
CELERY_RESULT_BACKEND_MAX_RETRIES = 30
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_REDIS_SOCKET_TIMEOUT = 30
CELERY_REDIS_RETRY_ON_TIMEOUT = True
CELERY_REDIS_SOCKET_KEEPALIVE = True

# Recomputing the assessment after data changes (assessment/tasks.py): a change is recorded
# in the database (assessment.PendingRecompute) and recomputed after this many seconds, so that
# one import or a burst of saves computes once; the sweep recomputes whatever is still pending
# after a lost enqueue, a dead worker or a broker outage.
ASSESSMENT_RECOMPUTE_DELAY = env_int("ASSESSMENT_RECOMPUTE_DELAY", 30)
ASSESSMENT_SWEEP_SECONDS = env_int("ASSESSMENT_SWEEP_SECONDS", 60)
# A recompute that fails (database away) is retried this many times before the sweep takes over.
ASSESSMENT_RECOMPUTE_RETRIES = env_int("ASSESSMENT_RECOMPUTE_RETRIES", 8)
# Notification e-mails (notifications/tasks.py): a sender holds its claim on an e-mail this long
# at most (longer than any send can take, so an older claim belongs to a sender that died); the
# sweep leaves an e-mail this long to its task and the first retries, sends this many at a time,
# and gives up on notifications older than this many days.
NOTIFICATION_EMAIL_LEASE_SECONDS = env_int("NOTIFICATION_EMAIL_LEASE_SECONDS", 600)
NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = env_int("NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS", 300)
NOTIFICATION_EMAIL_SWEEP_BATCH = env_int("NOTIFICATION_EMAIL_SWEEP_BATCH", 200)
NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS = env_int("NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS", 7)
# The daily digest (users who chose one e-mail a day): sent at NOTIFICATION_DIGEST_HOUR:30
# (portal time), listing at most this many notifications (the rest wait for the next one).
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7)
NOTIFICATION_DIGEST_MAX_ITEMS = env_int("NOTIFICATION_DIGEST_MAX_ITEMS", 200)
# An import job ("checking" or "importing") with no progress for this long is marked failed
# by the watchdog, which runs every IMPORT_WATCHDOG_SECONDS (dataexchange/services.py).
IMPORT_JOB_STALE_SECONDS = env_int("IMPORT_JOB_STALE_SECONDS", 900)
IMPORT_WATCHDOG_SECONDS = env_int("IMPORT_WATCHDOG_SECONDS", 120)
# Task modules the worker imports besides each app's tasks.py: the nightly reminders' task lives
# with the reminders, which notify through notifications.services, which enqueues the e-mail
# task of notifications.tasks (so tasks.py cannot import the reminders back).
CELERY_IMPORTS = ["notifications.reminders"]
CELERY_BEAT_SCHEDULE: dict = {
    # Expiring agreements, contracts and work permits, overdue reports, late plans.
    "nightly-reminders": {
        "task": "notifications.send_reminders",
        "schedule": crontab(hour=env_int("REMINDERS_HOUR", 2), minute=0),
    },
    # One e-mail a day for the users who chose the digest.
    "notification-daily-digest": {
        "task": "notifications.send_daily_digests",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=30),
    },
    # Pending assessment recomputes older than the debounce delay (issue 20).
    "assessment-recompute-sweep": {
        "task": "assessment.sweep_pending_recomputes",
        "schedule": float(ASSESSMENT_SWEEP_SECONDS),
        "options": {"expires": float(ASSESSMENT_SWEEP_SECONDS)},
    },
    # E-mails of notifications that never went (mail server or broker away, worker died).
    "notification-email-sweep": {
        "task": "notifications.send_unsent_emails",
        "schedule": 300.0,
        "options": {"expires": 240.0},
    },
    # Imports whose worker died or whose task was lost: failed, truthfully (issue 20).
    "import-job-watchdog": {
        "task": "dataexchange.fail_stale_imports",
        "schedule": float(IMPORT_WATCHDOG_SECONDS),
        "options": {"expires": float(IMPORT_WATCHDOG_SECONDS)},
    },
}

# Trips abroad (trips/services.py): the public notice lasts this many working days (mainland
# holiday calendar, make-up days included); a university leader must approve a trip with a
# budget above TRIP_LEADER_BUDGET_ABOVE yuan or more than TRIP_LEADER_COUNTRIES_ABOVE countries
# (and any trip with a member holding a post of division head or above).
TRIP_NOTICE_WORKING_DAYS = env_int("TRIP_NOTICE_WORKING_DAYS", 5)
TRIP_LEADER_BUDGET_ABOVE = env_int("TRIP_LEADER_BUDGET_ABOVE", 50000)
TRIP_LEADER_COUNTRIES_ABOVE = env_int("TRIP_LEADER_COUNTRIES_ABOVE", 2)
# A passport lent for a trip is due back this many days after the trip ends; the trip report
# is due this many days after the return; a faculty with a passport or a report overdue after
# TRIP_BLOCK_AFTER_REMINDERS reminders cannot submit a new trip until the office lifts the block.
TRIP_PASSPORT_RETURN_DAYS = env_int("TRIP_PASSPORT_RETURN_DAYS", 7)
TRIP_REPORT_DUE_DAYS = env_int("TRIP_REPORT_DUE_DAYS", 30)
TRIP_BLOCK_AFTER_REMINDERS = env_int("TRIP_BLOCK_AFTER_REMINDERS", 2)

# Foreign visits (visits/services.py): a university leader approves, after the office, a visit
# whose reception budget is above VISIT_LEADER_BUDGET_ABOVE yuan, or (VISIT_LEADER_WHEN_PRESIDENT)
# a delegation led by a university's president, rector or vice-president, or one a university
# leader receives.
VISIT_LEADER_BUDGET_ABOVE = env_int("VISIT_LEADER_BUDGET_ABOVE", 30000)
VISIT_LEADER_WHEN_PRESIDENT = env_bool("VISIT_LEADER_WHEN_PRESIDENT", True)

# Documents from the office's Word templates (documents/): where LibreOffice is installed
# (``soffice``, e.g. Debian's libreoffice-writer-nogui), a generated document is also offered
# as PDF; the .docx never depends on it.  Empty: look for ``soffice`` on the PATH.
DOCUMENTS_SOFFICE = env_str("DOCUMENTS_SOFFICE", "")
# The university's name in the documents' letterhead and signature ({{ university_zh }},
# {{ university_en }} in the templates).
UNIVERSITY_NAME_ZH = env_str("UNIVERSITY_NAME_ZH", "××大学")
UNIVERSITY_NAME_EN = env_str("UNIVERSITY_NAME_EN", "×× University")

# Plans covering a year are due at the office by this day of that year (MM-DD); the nightly
# reminders chase the ones still in draft or returned after it.
PLAN_SUBMISSION_DEADLINE = env_str("PLAN_SUBMISSION_DEADLINE", "03-31")
if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", PLAN_SUBMISSION_DEADLINE):
    raise ImproperlyConfigured(f"PLAN_SUBMISSION_DEADLINE must be MM-DD, got {PLAN_SUBMISSION_DEADLINE!r}")
# The portal's address, for the links in e-mails.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# The cache is an optimisation only (debouncing recomputes): nothing depends on it
# for correctness, and a Redis that stops answering fails a cache call in seconds, not never.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
         "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

COUNTRIES_FIRST = ["CN", "US", "GB", "JP", "KR", "DE", "FR", "AU", "CA", "RU", "SG"]

REST_FRAMEWORK = {
    # api.schema.ApiAutoSchema documents the error answers (401/403/404/400) of every endpoint.
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    # The database unavailable answers 503 JSON (api.exceptions), not the HTML error page.
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Token first: a request without credentials then gets 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only: the browsable API's templates carry inline styles the CSP forbids; the
    # documentation page is /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "intlportal API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": (
        "Read-only access to the portal's records. Authenticate with a token the Foreign Affairs "
        "Office issues (header `Authorization: Token <key>`); the token reads what its user may read."
    ),
    # Nationality and country share one choice set: one schema component, named once.
    "ENUM_NAME_OVERRIDES": {"CountryEnum": "django_countries.countries"},
    "SERVE_INCLUDE_SCHEMA": False,
}

PAGINATE_BY = 25

# Security headers.  The Content-Security-Policy forbids inline scripts and styles: every
# script and stylesheet is a file under static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
AXES_VERBOSE = False

# django-filter: a filter's empty choice reads "All" (全部) in the user's language, not "---------";
# yes/no filters read 全部/是/否 (``intlportal.filters.install``).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Chinese pages group amounts by three with a comma (intlportal/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["intlportal.formats"]
