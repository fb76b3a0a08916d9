"""Settings shared by every environment. Only safe development defaults live here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_keyring, env_list, env_str

# Lets classes such as ModelForm[Client] and QuerySet[Client] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    # Sign-in hardening (docs/decisions/0015): second factor (TOTP, then recovery codes:
    # this order is the order devices are tried) and lockout after failed sign-ins.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "bridgeway.core",
    "bridgeway.audit",
    "bridgeway.supporters",
    "bridgeway.clients",
    "bridgeway.access",
    "bridgeway.matching",
    "bridgeway.contacts",
    "bridgeway.safety",
    "bridgeway.outcomes",
    # The doors: pages per area (docs/architecture.md). Each is an app so that its templates,
    # template tags and static files are found where the area's views are.
    "bridgeway.web",
    "bridgeway.web.accounts",
    "bridgeway.web.clients",
    "bridgeway.web.supporters",
    "bridgeway.web.matching",
    "bridgeway.web.contacts",
    "bridgeway.web.safety",
    "bridgeway.web.outcomes",
    "bridgeway.web.audit",
    "bridgeway.web.imports",
    # Other systems' way in: file imports (models: source keys and import runs).
    "bridgeway.interop",
    # A tool, not the domain: the demo generator and its commands (no models).
    "bridgeway.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews the idle timeout at most once a minute (not an UPDATE on every page).
    "bridgeway.web.sessions.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the session's user as verified by a second factor (user.is_verified()), as
    # django-otp's OTPMiddleware does, from devices read with the user (access/backends.py).
    "bridgeway.web.accounts.middleware.SecondFactorMiddleware",
    # no-store on every signed-in response; Permissions-Policy (bridgeway/web/headers.py).
    "bridgeway.web.headers.PrivateResponseHeaders",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Login is required everywhere; public views opt out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A merged-away client's id redirects to the surviving record.
    "bridgeway.web.merged.MergedClientRedirectMiddleware",
    # After the password, those who need a second factor reach nothing else until verified.
    "bridgeway.web.accounts.middleware.TwoFactorMiddleware",
    # Answers a locked-out sign-in attempt with the lockout page (axes asks to be last).
    "axes.middleware.AxesMiddleware",
]

# Axes refuses sign-in attempts for a locked account or address before the password is
# checked; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading with the user their grants and confirmed second-factor devices.
    "bridgeway.access.backends.SignInBackend",
]

ROOT_URLCONF = "bridgeway.urls"
WSGI_APPLICATION = "bridgeway.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bridgeway.web.context_processors.navigation",
            ],
            # One way to write a date per language on every page (bridgeway/formats/).
            "builtins": ["bridgeway.web.templatetags.dates"],
        },
    },
]

# Content-Security-Policy (docs/decisions/0016): scripts, styles, images and fonts from this
# site only, no inline script or style (every page's JavaScript and CSS are static files), no
# plug-ins, no framing, forms post only here. Pico's icons are data: SVGs, hence img-src data:.
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
    },
}
# The address bar holds client ids: other sites never get it as a referrer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Browser features no page uses, switched off for the page and anything embedded in it.
BRIDGEWAY_PERMISSIONS_POLICY = env_str(
    "BRIDGEWAY_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), accelerometer=(), gyroscope=(), magnetometer=(), display-capture=()")

# SQLite is the embedded default (demo, single-site pilots); PostgreSQL in production and CI.
# An empty DATABASE_URL counts as unset here; production settings refuse it with their message.
DATABASE_URL = (env_str("DATABASE_URL", "").strip()
                or f"sqlite:///{PROJECT_DIR / 'var' / 'bridgeway.sqlite3'}")


def database_from_url(url: str) -> dict[str, object]:
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        # The URL holds the database password: the message names the variable, not the value.
        raise ImproperlyConfigured(
            "DATABASE_URL is not a database URL; use postgres://user:password@host:5432/name "
            "or sqlite:////path/to/file.sqlite3.") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers proceed while a writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked" mid-way.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: the session's expiry is renewed by activity, at most once every
# BRIDGEWAY_SESSION_RENEW_SECONDS (bridgeway/web/sessions.py), so it expires between
# BRIDGEWAY_IDLE_MINUTES minus that and BRIDGEWAY_IDLE_MINUTES without activity (default 15,
# a common PHIPA-minded choice).
SESSION_COOKIE_AGE = env_int("BRIDGEWAY_IDLE_MINUTES", 15) * 60
BRIDGEWAY_SESSION_RENEW_SECONDS = env_int("BRIDGEWAY_SESSION_RENEW_SECONDS", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["bridgeway.formats"]
TIME_ZONE = env_str("BRIDGEWAY_TIME_ZONE", "America/Toronto")

STATIC_URL = "/static/"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = PROJECT_DIR / "var" / "staticfiles"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bridgeway@localhost")
BRIDGEWAY_BASE_URL = env_str("BRIDGEWAY_BASE_URL", "http://127.0.0.1:8000")
# Accounts (docs/decisions/0015): an invitation link works once and for this many days; a
# password-reset link for PASSWORD_RESET_TIMEOUT seconds (default one hour).
BRIDGEWAY_INVITATION_DAYS = env_int("BRIDGEWAY_INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("BRIDGEWAY_PASSWORD_RESET_SECONDS", 3600)
# Corrections and undo (docs/decisions/0022): a peer supporter may correct or delete a contact
# they logged for this many days (a coordinator any contact of their site, at any time); whoever
# reported an incident may take it back for this many minutes.
BRIDGEWAY_CONTACT_CORRECTION_DAYS = env_int("BRIDGEWAY_CONTACT_CORRECTION_DAYS", 7)
BRIDGEWAY_INCIDENT_UNDO_MINUTES = env_int("BRIDGEWAY_INCIDENT_UNDO_MINUTES", 10)
# Lockout (docs/decisions/0015): an account after BRIDGEWAY_LOCKOUT_ACCOUNT_FAILURES failed
# sign-ins, a network address after BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES (several people share a
# hospital's address), for BRIDGEWAY_LOCKOUT_MINUTES after the last failure or until an
# administrator unlocks it (Staff accounts > Failed sign-ins).
AXES_FAILURE_LIMIT = env_int("BRIDGEWAY_LOCKOUT_ACCOUNT_FAILURES", 5)
BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES = env_int("BRIDGEWAY_LOCKOUT_ADDRESS_FAILURES", 50)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BRIDGEWAY_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts while locked are refused and audited, not counted: the lock ends a fixed time after
# the failure that set it, so an attacker cannot keep a person locked out indefinitely by
# trying again and again (the audit shows them trying).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "bridgeway.core.signin.LockoutHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "bridgeway.core.signin.client_address"
# Log lines name no one (usernames and addresses are in the audit trail instead).
AXES_CLIENT_STR_CALLABLE = "bridgeway.core.signin.client_str"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are audit events
AXES_VERBOSE = False  # no start-up banner on every command
# Reverse proxies in front of Bridgeway whose X-Forwarded-For entries are trusted (0: use the
# connection's address).
BRIDGEWAY_PROXY_COUNT = env_int("BRIDGEWAY_PROXY_COUNT", 0)
# Second factor: required for these roles (and for everyone with BRIDGEWAY_2FA_ALL); off only
# where BRIDGEWAY_2FA_ENFORCED is false (development and the demo, never production).
BRIDGEWAY_2FA_ENFORCED = env_bool("BRIDGEWAY_2FA_ENFORCED", True)
BRIDGEWAY_2FA_ALL = env_bool("BRIDGEWAY_2FA_ALL", False)
BRIDGEWAY_2FA_ROLES = env_list("BRIDGEWAY_2FA_ROLES",
                               ["administrator", "coordinator", "site_lead", "evaluator"])
OTP_TOTP_ISSUER = "Bridgeway"
# Password-reset requests accepted per hour, per address and per e-mail address; beyond them
# the page answers the same way but sends nothing.
BRIDGEWAY_RESET_LIMIT_PER_ADDRESS = env_int("BRIDGEWAY_RESET_LIMIT_PER_ADDRESS", 10)
BRIDGEWAY_RESET_LIMIT_PER_EMAIL = env_int("BRIDGEWAY_RESET_LIMIT_PER_EMAIL", 3)

# The evaluation dashboard caches its figures per data version. Per process by default; a Redis
# URL shares one computation between all web processes (docs/operations.md).
_CACHE_URL = env_str("BRIDGEWAY_CACHE_URL", "")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})}

# Disclosure control on every outcome page, PDF and export: counts from 1 to this minus one
# are shown as "<N", with complementary suppression (docs/outcomes.md).
BRIDGEWAY_SMALL_CELL_THRESHOLD = env_int("BRIDGEWAY_SMALL_CELL_THRESHOLD", 5)

# The audit chain (docs/decisions/0008, docs/operations.md "The audit trail"). Its HMAC keys are
# not SECRET_KEY: "<epoch>:<key>,…", the highest epoch seals, older epochs verify old seals.
# Development and tests use this fixed key; production requires BRIDGEWAY_AUDIT_KEYS.
DEVELOPMENT_AUDIT_KEY = "development-only-audit-key-never-use-in-production"  # noqa: S105 — published on purpose; production refuses it
BRIDGEWAY_AUDIT_KEYS = env_keyring("BRIDGEWAY_AUDIT_KEYS", f"1:{DEVELOPMENT_AUDIT_KEY}")
# Every verify (and `bridgeway audit head`) appends the chain head here; keep it off the
# database host. Empty turns the export off (tests only: production refuses it).
BRIDGEWAY_AUDIT_HEAD_FILE = env_str("BRIDGEWAY_AUDIT_HEAD_FILE",
                                    str(PROJECT_DIR / "var" / "audit-head.txt"))
# Where an uploaded import file waits between its preview and its application (at most a
# day; bridgeway/web/imports). It holds client data: keep it on the server's private disk.
BRIDGEWAY_IMPORT_DIR = env_str("BRIDGEWAY_IMPORT_DIR", str(PROJECT_DIR / "var" / "imports"))
# Addresses that also receive each exported head by e-mail (none by default).
BRIDGEWAY_AUDIT_HEAD_EMAILS = env_list("BRIDGEWAY_AUDIT_HEAD_EMAILS", [])
# A web or worker process tries to seal new audit events after a commit at most this often.
BRIDGEWAY_AUDIT_SEAL_INTERVAL_MS = env_int("BRIDGEWAY_AUDIT_SEAL_INTERVAL_MS", 1000)

# Records kept apart from SECRET_KEY (docs/decisions/0017, docs/operations.md): the research
# extract's pseudonyms and date shifts, the backups' encryption, and how long records are kept.
# Development and tests use published keys; production requires its own.
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-never-use-in-production"  # noqa: S105 — published on purpose; production refuses it
BRIDGEWAY_PSEUDONYM_KEY = env_str("BRIDGEWAY_PSEUDONYM_KEY", DEVELOPMENT_PSEUDONYM_KEY)
# The research extract is k-anonymous on site, gender, age, ward type and length of stay; a
# generalisation may suppress at most this share of rows before a coarser one is chosen.
BRIDGEWAY_EXTRACT_K = env_int("BRIDGEWAY_EXTRACT_K", 5)
BRIDGEWAY_EXTRACT_MAX_SUPPRESSED_PERCENT = env_int("BRIDGEWAY_EXTRACT_MAX_SUPPRESSED_PERCENT", 5)
# `bridgeway backup` encrypts with the highest epoch; every epoch decrypts ("<epoch>:<secret>").
DEVELOPMENT_BACKUP_KEY = "development-only-backup-key-never-use-in-production"  # noqa: S105 — published on purpose; production refuses it
BRIDGEWAY_BACKUP_KEYS = env_keyring("BRIDGEWAY_BACKUP_KEYS", f"1:{DEVELOPMENT_BACKUP_KEY}")
# `bridgeway retention` deletes clients with no activity for this many years (0: never).
BRIDGEWAY_RETENTION_YEARS = env_int("BRIDGEWAY_RETENTION_YEARS", 10)

# Field encryption at rest and blind indexes (bridgeway/core/crypto.py, decision 0013): health
# card numbers and other identifiers. "<epoch>:<secret>,…", never SECRET_KEY nor an audit key;
# the highest epoch encrypts, all decrypt. Development and tests use this published key;
# production requires BRIDGEWAY_FIELD_KEYS.
DEVELOPMENT_FIELD_KEY = "development-only-field-key-never-use-in-production"  # noqa: S105 — published on purpose; production refuses it
BRIDGEWAY_FIELD_KEYS = env_keyring("BRIDGEWAY_FIELD_KEYS", f"1:{DEVELOPMENT_FIELD_KEY}")

# Celery is optional: with no broker configured, scheduled work runs from cron through
# management commands; the same service functions run either way.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"without_template_context": {"()": "bridgeway.core.logs.WithoutTemplateContext"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # A missing template variable is logged with the whole template context attached (names,
    # the CSRF token); the filter keeps the line and drops the context (bridgeway/core/logs.py).
    "loggers": {"django.template": {"filters": ["without_template_context"]}},
    # Log lines carry ids and counts, never names or health information.
    "root": {"handlers": ["console"], "level": env_str("BRIDGEWAY_LOG_LEVEL", "INFO")},
}
