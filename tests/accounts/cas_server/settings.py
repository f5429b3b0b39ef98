"""Settings of the test CAS server (run by ``serve.py``).  Its database lives in the directory
``CAS_TEST_SERVER_DIR`` names, made by the test fixture and thrown away after the session."""

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ["CAS_TEST_SERVER_DIR"])

SECRET_KEY = secrets.token_urlsafe(50)  # a throw-away server: a new key at each start
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cas_server",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    # templates/cas_server/bs4/base.html: django-cas-server's pages without its CDN assets.
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "cas.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The portal runs on localhost in the tests and this server on 127.0.0.1; cookies do not tell
# ports apart, so the server's cookies have names of their own as well.
SESSION_COOKIE_NAME = "cas_sessionid"
CSRF_COOKIE_NAME = "cas_csrftoken"

LANGUAGE_CODE = "zh-hans"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# django-cas-server
CAS_AUTH_CLASS = "campus_auth.CampusDirectory"
CAS_NEW_VERSION_HTML_WARNING = False  # never asks PyPI for a newer version
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_SHOW_SERVICE_MESSAGES = False
CAS_SLO_TIMEOUT = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"cas_server": {"handlers": ["stderr"], "level": "INFO"}},
}
