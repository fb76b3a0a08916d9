"""`bridgeway rotate_field_keys`: re-encrypt identifiers under the newest field key.

Add the new key to BRIDGEWAY_FIELD_KEYS with a higher epoch ("1:old,2:new"), restart, run
this, then remove the old key (docs/operations.md "Field encryption keys").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bridgeway.clients.identity import identifiers_rotate
from bridgeway.core import crypto
from bridgeway.core.actors import Actor


class Command(BaseCommand):
    help = "Re-encrypt and re-index every identifier made under an older BRIDGEWAY_FIELD_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = identifiers_rotate(actor=Actor.system("rotate_field_keys"))
        self.stdout.write(f"Re-encrypted {changed} identifier(s) under key epoch "
                          f"{crypto.current_epoch()}.")
