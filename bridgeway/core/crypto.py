"""Field encryption at rest and keyed blind indexes, with rotatable keys (decision 0013).

Keys come from ``BRIDGEWAY_FIELD_KEYS`` ("<epoch>:<secret>,…", never SECRET_KEY): the highest
epoch encrypts and indexes, every epoch still decrypts and is searched, so a new key can be
added, the data re-encrypted (`bridgeway rotate_field_keys`), and the old key removed.

Each secret is stretched into two independent keys (HMAC-SHA256 with a fixed label): a Fernet
key (AES-128-CBC + HMAC, from `cryptography`) and a blind-index key. A blind index is
``"<epoch>:<hex HMAC>"`` of a normalised value, so equal values are found by equality on an
indexed column without the database ever holding the value; the epoch prefix tells which rows
still need re-indexing after a rotation.

The key ring is built once per value of the setting (key derivation and Fernet set-up are not
free, and every encrypted field of every row read calls in here); Django's `setting_changed`
signal, sent by `override_settings`, drops it so a test that changes the keys gets its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

__all__ = ["InvalidToken", "blind_index", "blind_indexes", "current_epoch", "decrypt",
           "encrypt", "index_epoch", "is_current", "keyring_builds", "needs_rotation", "rotate"]


def _derive(secret: str, label: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), label, hashlib.sha256).digest()


@dataclass(frozen=True)
class Keyring:
    epoch: int  # the newest: it encrypts and indexes
    newest: Fernet
    fernet: MultiFernet  # every configured key, newest first
    index_keys: dict[int, bytes]


_ring: Keyring | None = None
_builds = 0


def _keyring(frozen: tuple[tuple[int, str], ...]) -> Keyring:
    if not frozen:
        raise ImproperlyConfigured("BRIDGEWAY_FIELD_KEYS holds no key.")
    newest_first = sorted(frozen, reverse=True)
    fernets = [Fernet(base64.urlsafe_b64encode(_derive(secret, b"bridgeway-field-encryption")))
               for _epoch, secret in newest_first]
    index_keys = {epoch: _derive(secret, b"bridgeway-blind-index") for epoch, secret in frozen}
    global _builds  # noqa: PLW0603 — a counter for tests, see keyring_builds
    _builds += 1
    return Keyring(newest_first[0][0], fernets[0], MultiFernet(fernets), index_keys)


def _keys() -> Keyring:
    global _ring  # noqa: PLW0603 — the one cached key ring, dropped when the setting changes
    if _ring is None:
        keys: dict[int, str] = settings.BRIDGEWAY_FIELD_KEYS
        _ring = _keyring(tuple(sorted(keys.items())))
    return _ring


def keyring_builds() -> int:
    """How many times the key ring was built (tests check it is built once per setting)."""
    return _builds


def _forget_keyring(*, setting: str, **_kwargs: Any) -> None:
    # A Django signal on purpose (decision 0004 keeps signals out of the domain): only
    # override_settings and settings reloads send it.
    global _ring  # noqa: PLW0603 — see _keys
    if setting == "BRIDGEWAY_FIELD_KEYS":
        _ring = None


setting_changed.connect(_forget_keyring, dispatch_uid="bridgeway-field-keyring")


def current_epoch() -> int:
    return _keys().epoch


def encrypt(plaintext: str) -> str:
    """A Fernet token (ASCII) of `plaintext` under the newest key."""
    return _keys().fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of a token made under any configured key; InvalidToken otherwise."""
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError as exc:  # plain text with accents is no token either
        raise InvalidToken from exc
    return _keys().fernet.decrypt(raw).decode("utf-8")


def is_current(token: str) -> bool:
    """True when `token` was made under the newest key (a rotation can skip it)."""
    try:
        _keys().newest.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate(token: str) -> str:
    """The same plaintext re-encrypted under the newest key."""
    return _keys().fernet.rotate(token.encode("ascii")).decode("ascii")


def _index(key: bytes, epoch: int, normalised: str) -> str:
    return f"{epoch}:{hmac.new(key, normalised.encode('utf-8'), hashlib.sha256).hexdigest()}"


def blind_index(normalised: str) -> str:
    """The blind index of an already normalised value under the newest key (for writes)."""
    ring = _keys()
    return _index(ring.index_keys[ring.epoch], ring.epoch, normalised)


def blind_indexes(normalised: str) -> list[str]:
    """The value's blind index under every configured key (for lookups during a rotation)."""
    return [_index(key, epoch, normalised) for epoch, key in sorted(_keys().index_keys.items())]


def index_epoch(index: str) -> int:
    return int(index.partition(":")[0])


def needs_rotation(index: str) -> bool:
    """True when a row's blind index (and so its ciphertext) predates the newest key."""
    return index_epoch(index) != current_epoch()
