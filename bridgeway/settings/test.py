"""Test settings: SQLite in memory unless DATABASE_URL names another database."""

from __future__ import annotations

import os
import tempfile

from .base import *  # noqa: F403 — settings modules extend the base settings
from .base import database_from_url

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105  # nosec B105 — tests only
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Several test runs may share one server; a suffix keeps their databases apart.
    DATABASES["default"]["TEST"] = {
        "NAME": "test_bridgeway" + os.environ.get("BRIDGEWAY_TEST_DB_SUFFIX", "")
    }
# No head file unless a test names one (tests/audit use a temporary file each).
BRIDGEWAY_AUDIT_HEAD_FILE = ""
# Uploaded import files wait here between preview and apply; never inside the repository.
BRIDGEWAY_IMPORT_DIR = os.path.join(tempfile.gettempdir(), f"bridgeway-test-imports-{os.getpid()}")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
