"""Field encryption at rest and keyed blind indexes, with rotatable keys (decision 0013).

Keys come from ``BRIDGEWAY_FIELD_KEYS`` ("<epoch>:<secret>,…", never SECRET_KEY): the highest
epoch encrypts and indexes, every epoch still decrypts and is searched, so a new key can be
added, the data re-encrypted (`bridgeway rotate_field_keys`), and the old key removed.

Each secret is stretched into two independent keys (HMAC-SHA256 with a fixed label): a Fernet
key (AES-128-CBC + HMAC, from `cryptography`) and a blind-index key. A blind index is
``"<epoch>:<hex HMAC>"`` of a normalised value, so equal values are found by equality on an
indexed column without the database ever holding the value; the epoch prefix tells which rows
still need re-indexing after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "blind_index", "blind_indexes", "current_epoch", "decrypt",
           "encrypt", "index_epoch", "needs_rotation", "rotate"]


def _derive(secret: str, label: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), label, hashlib.sha256).digest()


@cache
def _keyring(frozen: tuple[tuple[int, str], ...]) -> tuple[int, MultiFernet, dict[int, bytes]]:
    if not frozen:
        raise ImproperlyConfigured("BRIDGEWAY_FIELD_KEYS holds no key.")
    newest_first = sorted(frozen, reverse=True)
    fernets = [Fernet(base64.urlsafe_b64encode(_derive(secret, b"bridgeway-field-encryption")))
               for _epoch, secret in newest_first]
    index_keys = {epoch: _derive(secret, b"bridgeway-blind-index") for epoch, secret in frozen}
    return newest_first[0][0], MultiFernet(fernets), index_keys


def _keys() -> tuple[int, MultiFernet, dict[int, bytes]]:
    # Keyed on the setting's value so tests that override it get their own keyring.
    keys: dict[int, str] = settings.BRIDGEWAY_FIELD_KEYS
    return _keyring(tuple(sorted(keys.items())))


def current_epoch() -> int:
    return _keys()[0]


def encrypt(plaintext: str) -> str:
    """A Fernet token (ASCII) of `plaintext` under the newest key."""
    return _keys()[1].encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of a token made under any configured key; InvalidToken otherwise."""
    return _keys()[1].decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """The same plaintext re-encrypted under the newest key."""
    return _keys()[1].rotate(token.encode("ascii")).decode("ascii")


def _index(key: bytes, epoch: int, normalised: str) -> str:
    return f"{epoch}:{hmac.new(key, normalised.encode('utf-8'), hashlib.sha256).hexdigest()}"


def blind_index(normalised: str) -> str:
    """The blind index of an already normalised value under the newest key (for writes)."""
    epoch, _fernet, index_keys = _keys()
    return _index(index_keys[epoch], epoch, normalised)


def blind_indexes(normalised: str) -> list[str]:
    """The value's blind index under every configured key (for lookups during a rotation)."""
    _epoch, _fernet, index_keys = _keys()
    return [_index(key, epoch, normalised) for epoch, key in sorted(index_keys.items())]


def index_epoch(index: str) -> int:
    return int(index.partition(":")[0])


def needs_rotation(index: str) -> bool:
    """True when a row's blind index (and so its ciphertext) predates the newest key."""
    return index_epoch(index) != current_epoch()
