"""Notifications: an in-app inbox entry and, for people with an email address, an email.

An email never carries client details: its subject is the notification's title, which names a
client by first name and last initial at most (Client.first_name_initial), and its body is a
fixed sentence with a link. Whatever detail a notice has (a date, a count) stays in the app,
behind sign-in and the access layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.models import User

from .models import Alert, Notification

_emails_on: ContextVar[bool] = ContextVar("safety_emails_on", default=True)


@contextmanager
def without_email() -> Iterator[None]:
    """Inbox entries only (the demo generator: no console full of emails)."""
    token = _emails_on.set(False)
    try:
        yield
    finally:
        _emails_on.reset(token)


def absolute(url: str) -> str:
    return settings.BRIDGEWAY_BASE_URL.rstrip("/") + url


def email_body(url: str) -> str:
    return _("There is something new for you in Bridgeway.\n\nOpen it here (sign-in "
             "required): %(link)s\n\nThis email holds no personal details on purpose.") % {
        "link": absolute(url)}


def notify(*, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "",
           alert: Alert | None = None, email: bool = True) -> list[Notification]:
    """Add one inbox entry per distinct recipient; email those with an address after commit."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk not in seen and user.is_active:
            seen.add(user.pk)
            rows.append(Notification(recipient=user, kind=kind, title=title[:200], body=body,
                                     url=url, alert=alert))
    return deliver(rows, email=email)


def deliver(rows: list[Notification], *, email: bool = True) -> list[Notification]:
    """Store prepared inbox entries in one statement and email them (one connection)."""
    email = email and _emails_on.get()
    now = timezone.now()
    for row in rows:
        row.emailed_at = now if (email and row.recipient.email) else None
    created = Notification.objects.bulk_create(rows)
    if email:
        messages = [EmailMessage(subject=f"Bridgeway: {row.title}"[:200],
                                 body=email_body(row.url), to=[row.recipient.email])
                    for row in rows if row.recipient.email]
        if messages:
            transaction.on_commit(lambda: _send(messages))
    return created


def _send(messages: list[EmailMessage]) -> None:
    connection = get_connection(fail_silently=True)
    connection.send_messages(messages)
