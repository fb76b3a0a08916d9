"""Who is acting: a user in one of their roles. Services take an Actor, never a bare request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bridgeway.audit.writer import SYSTEM, Who

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    role: str
    site_code: str = ""

    @property
    def who(self) -> Who:
        if self.user is None:
            return SYSTEM
        return Who(public_id=self.user.public_id, username=self.user.username,
                   role=self.role, site_code=self.site_code)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """Background jobs and commands: audited as the system, with the job's label as role."""
        return cls(user=None, role=label)
