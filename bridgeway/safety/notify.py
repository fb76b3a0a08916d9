"""Notifications: an in-app inbox entry and, for people with an email address, an email.

An email never carries personal details: its subject says only what kind of notice it is (fixed
text per kind, EMAIL_SUBJECTS; never the notification's title, which names a client by first name
and initial or a supporter by name) and its body is a fixed sentence with a link. Whatever detail
a notice has (a name, a date, a count) stays in the app, behind sign-in and the access layer.
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
from django.utils.translation import gettext_lazy

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


# Subjects by notification kind: what kind of notice, never who or when (an e-mail subject is
# shown on lock screens and kept by mail servers outside the custodian's control).
EMAIL_SUBJECTS = {
    "alert_escalated": gettext_lazy("A safety-net alert was escalated to you"),
    "scan_digest": gettext_lazy("New safety-net alerts to look at"),
    "expected_discharge": gettext_lazy("A discharge notice"),
    "discharged": gettext_lazy("A discharge notice"),
    "admitted": gettext_lazy("A hospital stay notice"),
    "incident": gettext_lazy("A safety incident was reported"),
    "match_ended": gettext_lazy("One of your matches has ended"),
    "consent_withdrawn": gettext_lazy("A client withdrew from peer support"),
    "match_new": gettext_lazy("You have a new match"),
}
DEFAULT_EMAIL_SUBJECT = gettext_lazy("Something new for you")


def email_subject(kind: str) -> str:
    """The subject for a notification kind: fixed text, no personal data (check-in kinds too)."""
    return "Bridgeway: " + str(EMAIL_SUBJECTS.get(kind, DEFAULT_EMAIL_SUBJECT))


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
        messages = [EmailMessage(subject=email_subject(row.kind),
                                 body=email_body(row.url), to=[row.recipient.email])
                    for row in rows if row.recipient.email]
        if messages:
            transaction.on_commit(lambda: _send(messages))
    return created


def _send(messages: list[EmailMessage]) -> None:
    connection = get_connection(fail_silently=True)
    connection.send_messages(messages)
