"""Production settings: every value that matters is required; nothing insecure by default."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403 — settings modules extend the base settings
from .base import DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_FIELD_KEY, PROJECT_DIR, database_from_url
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

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind one reverse proxy (as SECURE_PROXY_SSL_HEADER assumes): the client's address for the
# sign-in lockout is the last X-Forwarded-For entry that proxy added.
BRIDGEWAY_PROXY_COUNT = env_int("BRIDGEWAY_PROXY_COUNT", 1)
BRIDGEWAY_2FA_ENFORCED = True  # never off in production, whatever the environment says
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
