"""Field encryption: round trip, key rotation, blind indexes that survive a rotation."""

from __future__ import annotations

import pytest
from django.test import override_settings

from bridgeway.core import crypto

OLD = {1: "o" * 40}
BOTH = {1: "o" * 40, 2: "n" * 40}
NEW_ONLY = {2: "n" * 40}


def test_round_trip_and_ciphertext_hides_the_value() -> None:
    token = crypto.encrypt("9876543217AB")
    assert "9876543217" not in token
    assert crypto.decrypt(token) == "9876543217AB"
    assert crypto.encrypt("9876543217AB") != token  # random IV: equal values do not look equal


def test_a_new_key_still_reads_old_tokens_and_rotate_moves_them() -> None:
    with override_settings(BRIDGEWAY_FIELD_KEYS=OLD):
        old_token = crypto.encrypt("secret")
        old_index = crypto.blind_index("secret")
    with override_settings(BRIDGEWAY_FIELD_KEYS=BOTH):
        assert crypto.current_epoch() == 2
        assert crypto.decrypt(old_token) == "secret"
        assert crypto.needs_rotation(old_index)
        assert old_index in crypto.blind_indexes("secret")  # found during the transition
        new_token = crypto.rotate(old_token)
        new_index = crypto.blind_index("secret")
        assert crypto.index_epoch(new_index) == 2 and new_index != old_index
    with override_settings(BRIDGEWAY_FIELD_KEYS=NEW_ONLY):
        assert crypto.decrypt(new_token) == "secret"
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(old_token)  # the old key is gone: unrotated data is unreadable
        assert crypto.blind_indexes("secret") == [new_index]


def test_blind_index_is_keyed_and_deterministic() -> None:
    with override_settings(BRIDGEWAY_FIELD_KEYS=OLD):
        first = crypto.blind_index("health_card|9876543217")
        assert crypto.blind_index("health_card|9876543217") == first
        assert crypto.blind_index("health_card|9876543218") != first
    with override_settings(BRIDGEWAY_FIELD_KEYS={1: "x" * 40}):
        assert crypto.blind_index("health_card|9876543217") != first  # same epoch, other key
