"""Development and demo settings: SQLite by default, console email, DEBUG on."""

from __future__ import annotations

from .base import *  # noqa: F403 — settings modules extend the base settings
from .env import env_bool, env_list, env_str

DEBUG = True
# Not a secret: only used by the local demo; production requires DJANGO_SECRET_KEY.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-bridgeway-demo")  # noqa: S105 — development only
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# The demo signs in with published passwords and no phone: two-step verification is not
# enforced here unless asked for (BRIDGEWAY_2FA_ENFORCED=1), and the pages still offer it.
# Production always enforces it (docs/decisions/0015).
BRIDGEWAY_2FA_ENFORCED = env_bool("BRIDGEWAY_2FA_ENFORCED", False)
