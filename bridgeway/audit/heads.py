"""The chain head kept outside the database: `<position>:<epoch>:<hmac>` of the latest seal.

Whoever can rewrite the database can also cut the chain's end off or restore an older copy,
and the chain alone cannot tell; a head the administrator kept can. Every successful verify
(and `bridgeway audit head`, on a schedule) appends the head to `BRIDGEWAY_AUDIT_HEAD_FILE`
and, if configured, e-mails it; the next verify compares against the last one kept.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)
_HEAD = re.compile(r"^(\d+):(\d+):([0-9a-f]{64})$")


class HeadError(ValueError):
    """A head value or head file that cannot be read."""


@dataclass(frozen=True)
class Head:
    position: int
    epoch: int
    hmac: str

    def __str__(self) -> str:
        return f"{self.position}:{self.epoch}:{self.hmac}"

    @classmethod
    def parse(cls, text: str) -> Head:
        match = _HEAD.match(text.strip())
        if not match:
            raise HeadError(f"{text.strip()[:80]!r} is not a chain head "
                            "(<position>:<epoch>:<64 hex digits>).")
        return cls(int(match[1]), int(match[2]), match[3])


def head_file() -> Path | None:
    name: str = getattr(settings, "BRIDGEWAY_AUDIT_HEAD_FILE", "")
    return Path(name) if name.strip() else None


def last_exported() -> Head | None:
    """The newest head in the head file (its last line), or None if nothing was kept yet."""
    path = head_file()
    if path is None or not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    # A line is "<UTC time> <head>"; a bare head (pasted by hand) is accepted too.
    return Head.parse(lines[-1].split()[-1])


def export(head: Head) -> str:
    """Append the head (with the time) to the head file and e-mail it if configured."""
    line = f"{timezone.now().strftime('%Y-%m-%dT%H:%M:%SZ')} {head}"
    path = head_file()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    recipients: list[str] = getattr(settings, "BRIDGEWAY_AUDIT_HEAD_EMAILS", [])
    if recipients:
        try:
            send_mail("Bridgeway audit chain head", f"{line}\n\nKeep this line: "
                      "`bridgeway audit verify --head <value>` checks the chain against it.",
                      None, recipients)
        except (OSError, smtplib.SMTPException):
            # The file holds the head; a mail server being down must not fail the verify.
            logger.warning("audit: the chain head could not be e-mailed", exc_info=True)
    return line
