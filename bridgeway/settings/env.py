"""Small typed readers for settings from the environment.

Each reader takes an optional default; production settings pass none, so a missing value
stops the process at start-up instead of running with an insecure fallback. A required value
that is set but empty (``DJANGO_SECRET_KEY=""``, often a template left unfilled) stops it too. A value may also
come from a file named by ``<NAME>_FILE`` (how container secrets are usually mounted).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env_str(name: str, default: str | object = _MISSING) -> str:
    file_name = os.environ.get(f"{name}_FILE")
    value = (Path(file_name).read_text(encoding="utf-8").strip() if file_name
             else os.environ.get(name))
    if value is not None:
        if default is _MISSING and not value.strip():
            where = f"the file named by {name}_FILE" if file_name else name
            raise ImproperlyConfigured(f"The environment variable {name} is required and "
                                       f"{where} is empty; give it a value.")
        return value
    if default is _MISSING:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return str(default)


def env_bool(name: str, default: bool | object = _MISSING) -> bool:
    raw = env_str(name, "" if default is _MISSING else ("1" if default else "0"))
    if raw == "" and default is _MISSING:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int | object = _MISSING) -> int:
    raw = env_str(name, default if default is _MISSING else str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    raw = env_str(name, default if default is _MISSING else ",".join(default))  # type: ignore[arg-type]
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items and default is _MISSING:
        raise ImproperlyConfigured(f"The environment variable {name} is required and lists "
                                   "nothing; give at least one comma-separated value.")
    return items


def env_keyring(name: str, default: str | object = _MISSING) -> dict[int, str]:
    """Numbered keys, ``"1:<key>,2:<key>"``: the highest number signs, every number verifies.

    An empty value, a malformed item or a short key stops the process; messages name the
    variable and the epoch, never the key itself.
    """
    raw = env_str(name, default).strip()
    if not raw:
        raise ImproperlyConfigured(f"The environment variable {name} is empty; it needs at least "
                                   "one key as <epoch>:<key>.")
    keys: dict[int, str] = {}
    for item in raw.split(","):
        epoch_text, sep, key = item.strip().partition(":")
        if not sep or not epoch_text.strip().isdigit() or int(epoch_text) < 1:
            raise ImproperlyConfigured(f"{name}: each item must be <epoch>:<key> with an epoch of "
                                       "1 or more (e.g. 1:…,2:…).")
        epoch = int(epoch_text)
        if epoch in keys:
            raise ImproperlyConfigured(f"{name}: epoch {epoch} is given twice.")
        if len(key.strip()) < 32:
            raise ImproperlyConfigured(f"{name}: the key of epoch {epoch} is shorter than 32 "
                                       "characters.")
        keys[epoch] = key.strip()
    return keys
