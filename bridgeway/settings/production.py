"""Production settings: every value that matters is required; nothing insecure by default."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403 — settings modules extend the base settings
from .base import (
    DEVELOPMENT_AUDIT_KEY,
    DEVELOPMENT_BACKUP_KEY,
    DEVELOPMENT_FIELD_KEY,
    DEVELOPMENT_PSEUDONYM_KEY,
    PROJECT_DIR,
    database_from_url,
)
from .env import env_bool, env_int, env_keyring, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL")
BRIDGEWAY_BASE_URL = env_str("BRIDGEWAY_BASE_URL")
BRIDGEWAY_AUDIT_KEYS = env_keyring("BRIDGEWAY_AUDIT_KEYS")
if {SECRET_KEY, DEVELOPMENT_AUDIT_KEY} & set(BRIDGEWAY_AUDIT_KEYS.values()):
    # A key shared with SECRET_KEY leaks with it; the development key is published.
    raise ImproperlyConfigured("BRIDGEWAY_AUDIT_KEYS must not contain DJANGO_SECRET_KEY or the "
                               "development audit key; generate its own key.")
BRIDGEWAY_FIELD_KEYS = env_keyring("BRIDGEWAY_FIELD_KEYS")
if {SECRET_KEY, DEVELOPMENT_FIELD_KEY, *BRIDGEWAY_AUDIT_KEYS.values()} & set(
        BRIDGEWAY_FIELD_KEYS.values()):
    # Field keys guard data at rest: one shared with SECRET_KEY or the audit chain leaks with
    # it, and the development key is published.
    raise ImproperlyConfigured("BRIDGEWAY_FIELD_KEYS must not contain DJANGO_SECRET_KEY, an audit "
                               "key or the development field key; generate its own key.")
BRIDGEWAY_AUDIT_HEAD_FILE = env_str("BRIDGEWAY_AUDIT_HEAD_FILE",
                                    str(PROJECT_DIR / "var" / "audit-head.txt"))
if not BRIDGEWAY_AUDIT_HEAD_FILE.strip():
    raise ImproperlyConfigured("BRIDGEWAY_AUDIT_HEAD_FILE is empty; name the file that keeps the "
                               "exported audit chain heads.")

# The research extract's pseudonym key: held by the administrator, never SECRET_KEY (0017).
BRIDGEWAY_PSEUDONYM_KEY = env_str("BRIDGEWAY_PSEUDONYM_KEY")
if len(BRIDGEWAY_PSEUDONYM_KEY.strip()) < 32 or BRIDGEWAY_PSEUDONYM_KEY in {
        SECRET_KEY, DEVELOPMENT_PSEUDONYM_KEY, *BRIDGEWAY_AUDIT_KEYS.values(),
        *BRIDGEWAY_FIELD_KEYS.values()}:
    raise ImproperlyConfigured("BRIDGEWAY_PSEUDONYM_KEY must be at least 32 characters and differ "
                               "from DJANGO_SECRET_KEY, the audit and field keys and the development key.")

BRIDGEWAY_BACKUP_KEYS = env_keyring("BRIDGEWAY_BACKUP_KEYS")
if {SECRET_KEY, DEVELOPMENT_BACKUP_KEY, BRIDGEWAY_PSEUDONYM_KEY, *BRIDGEWAY_AUDIT_KEYS.values(),
        *BRIDGEWAY_FIELD_KEYS.values()} & set(BRIDGEWAY_BACKUP_KEYS.values()):
    raise ImproperlyConfigured("BRIDGEWAY_BACKUP_KEYS must not contain DJANGO_SECRET_KEY, another "
                               "Bridgeway key or the development backup key; generate its own.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind one reverse proxy (as SECURE_PROXY_SSL_HEADER assumes): the client's address for the
# sign-in lockout is the last X-Forwarded-For entry that proxy added.
BRIDGEWAY_PROXY_COUNT = env_int("BRIDGEWAY_PROXY_COUNT", 1)
BRIDGEWAY_2FA_ENFORCED = True  # never off in production, whatever the environment says
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
# Every subdomain is HTTPS-only too, and the header asks to be preloaded (browsers then never try
# plain HTTP). Both can be turned off for a deployment that shares its domain with HTTP hosts;
# `check --deploy` then warns, as it should (docs/operations.md).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
