"""A client withdrew their consent to take part: the match has ended (clients' consent
service, in the same transaction); here the safety net tells the supporter and gives the
coordinator a task, so a withdrawal is one step for whoever records it (decision 0023).

The supporter is told that the match ended, never why: the reason is the client's, and after
withdrawal nothing is shared any more. The coordinator's task is an alert (rule
`consent_withdrawn`) they resolve once the loop is closed.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.clients.events import ConsentWithdrawn
from bridgeway.core.events import subscribe

from .. import rules as r
from ..notify import notify
from .alerts import coordinators_of, raise_alert


def on_consent_withdrawn(event: ConsentWithdrawn) -> None:
    enrolment = event.enrolment
    ended = event.ended_match
    client = enrolment.client
    name = client.first_name_initial
    supporters = []
    if ended is not None:
        supporters = [ended.supporter.user]
        notify(recipients=supporters, kind="match_ended",
               title=_("Your match with %(name)s has ended") % {"name": name},
               body=_("The client is no longer in peer support with you, from today. Your "
                      "coordinator will be in touch about what comes next."),
               url=reverse("clients:mine"))
    alert, _new = raise_alert(
        actor=event.actor, rule=r.Rule.CONSENT_WITHDRAWN, site=enrolment.site,
        subject_id=client.pk, severity=r.Severity.WARNING, episode=str(enrolment.pk),
        client=client, facts={"match_ended": ended is not None})
    coordinators = coordinators_of({enrolment.site_id})
    notify(recipients=coordinators, kind="consent_withdrawn",
           title=_("%(name)s withdrew from peer support") % {"name": name},
           body=(_("Their match has ended and the peer supporter has been told (not why).")
                 if ended is not None else ""),
           url=reverse("safety:alert", kwargs={"public_id": alert.public_id}), alert=alert)
    record(who=event.actor.who, category="consent", action="notify",
           client_public_id=client.public_id,
           detail=f"consent_withdrawn supporters:{len(supporters)} "
                  f"coordinators:{len(coordinators)} alert:{alert.public_id}")


def connect() -> None:
    subscribe(ConsentWithdrawn, on_consent_withdrawn)
