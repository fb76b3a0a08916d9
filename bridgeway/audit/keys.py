"""The audit chain's keys and the two MACs made with them (decision 0008).

Keys come from `BRIDGEWAY_AUDIT_KEYS` (epoch -> key), never from SECRET_KEY: whoever can read
or change the database but does not hold the key cannot write a row or a seal that verifies.
The highest epoch signs; every configured epoch verifies, so old seals stay checkable after a
rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64


class EventFields(Protocol):
    """What the MACs read from an event (the model, or a migration's historical model)."""

    seq: Any
    nonce: Any
    xact: Any
    occurred_at: Any
    actor_public_id: Any
    actor_username: str
    role: str
    site_code: str
    client_public_id: Any
    category: str
    action: str
    outcome: str
    detail: str
    subjects: str
    mac_epoch: int
    mac: str


def keyring() -> dict[int, bytes]:
    keys: dict[int, str] = getattr(settings, "BRIDGEWAY_AUDIT_KEYS", {})
    if not keys:
        raise ImproperlyConfigured("BRIDGEWAY_AUDIT_KEYS holds no key.")
    return {int(epoch): key.encode("utf-8") for epoch, key in keys.items()}


def signing_epoch() -> int:
    return max(keyring())


def _mac(epoch: int, message: str) -> str:
    key = keyring().get(epoch)
    if key is None:
        raise KeyError(epoch)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def content(event: EventFields) -> str:
    """The writer's part of a row, canonical: what the writer's MAC covers.

    The seq and the transaction id are assigned by the database during the insert, so they
    are covered by the seal instead.
    """
    fields = {
        "nonce": str(event.nonce),
        # Normalised to UTC: a caller may pass an aware time in another zone, and the
        # database hands it back in UTC.
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor": str(event.actor_public_id or ""),
        "username": event.actor_username,
        "role": event.role,
        "site": event.site_code,
        "client": str(event.client_public_id or ""),
        "category": event.category,
        "action": event.action,
        "outcome": event.outcome,
        "detail": event.detail,
        "subjects": event.subjects,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def event_mac(event: EventFields, epoch: int | None = None) -> tuple[int, str]:
    """(epoch, hex HMAC) of the row's content, signed with the given or the newest key."""
    epoch = signing_epoch() if epoch is None else epoch
    return epoch, _mac(epoch, "event|" + content(event))


def event_mac_ok(event: EventFields) -> bool:
    try:
        expected = event_mac(event, event.mac_epoch)[1]
    except KeyError:
        return False
    return hmac.compare_digest(expected, event.mac)


def seal_mac(*, epoch: int, position: int, prev: str, event: EventFields) -> str:
    """The link: binds the previous link, the position and the whole row (its MAC included)."""
    message = "|".join(["seal", str(position), prev, str(event.seq), str(event.xact),
                        str(event.mac_epoch), event.mac, content(event)])
    return _mac(epoch, message)
