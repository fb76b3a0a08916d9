"""Logging a contact: validate it against the match, the site and the clock, then write it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.clients.covers import Cover, in_force
from bridgeway.clients.models import Client, Match
from bridgeway.core.actors import Actor
from bridgeway.core.models import ProgramSite

from ..models import MAX_CONTACT_MINUTES, Activity, Contact, Mode, Outcome, Setting
from .common import CLOCK_SKEW, CONTACT_LOG, audit, client_site


@dataclass
class ContactDetails:
    """What a supporter enters for one contact (validated by `validate_contact`)."""

    occurred_at: datetime
    duration_minutes: int | None  # None: nobody met, so no length (required when met)
    mode: str = Mode.IN_PERSON
    setting: str = Setting.COMMUNITY  # "" allowed unless met
    activities: list[str] = field(default_factory=list)
    outcome: str = Outcome.MET
    note: str = ""


def validate_contact(details: ContactDetails, *, match: Match | None,
                     now: datetime | None = None) -> None:
    """Field-level checks shared by the form and the service (the service always runs them)."""
    errors: dict[str, list[str]] = {}
    now = now or timezone.now()
    met = details.outcome == Outcome.MET
    if details.duration_minutes is None:
        if met:
            errors.setdefault("duration_minutes", []).append(_("Enter how long you met."))
    elif details.duration_minutes <= 0:
        errors.setdefault("duration_minutes", []).append(_("Enter a duration of at least 1 minute."))
    elif details.duration_minutes > MAX_CONTACT_MINUTES:
        errors.setdefault("duration_minutes", []).append(
            _("A contact lasts at most 12 hours (720 minutes)."))
    if details.occurred_at is None:
        errors.setdefault("occurred_at", []).append(_("Enter when the contact happened."))
    elif details.occurred_at > now + CLOCK_SKEW:
        errors.setdefault("occurred_at", []).append(_("A contact cannot be dated in the future."))
    if details.mode not in Mode.values:
        errors.setdefault("mode", []).append(_("Choose how you were in contact."))
    if details.setting not in Setting.values and (met or details.setting):
        errors.setdefault("setting", []).append(_("Choose where the contact happened."))
    elif details.setting == Setting.HOME and not (match is not None and match.home_visits_allowed):
        errors.setdefault("setting", []).append(
            _("Home visits are not allowed for this match. Ask your coordinator about a safety plan."))
    unknown = [a for a in details.activities if a not in Activity.values]
    if unknown:
        errors.setdefault("activities", []).append(_("Choose activities from the list."))
    if details.outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Choose what happened."))
    if errors:
        raise ValidationError(errors)


def active_match_for(client: Client, *, site: ProgramSite | None = None) -> Match | None:
    qs = Match.objects.filter(client=client, status=Match.Status.ACTIVE).select_related(
        "supporter__user", "site")
    if site is not None:
        qs = qs.filter(site=site)
    return qs.order_by("-started_on").first()


class AlreadySaved(Exception):  # noqa: N818 — an outcome the door answers, not an error
    """The form with this token was saved before (Back, then Save again): nothing new is
    written; the door shows the saved contact instead."""

    def __init__(self, contact: Contact) -> None:
        super().__init__("This form was already saved.")
        self.contact = contact


def contact_log(*, actor: Actor, client: Client, details: ContactDetails,
                match: Match | None = None, form_token: uuid.UUID | None = None) -> Contact:
    """Log one contact. A supporter logs only for a client actively matched to them.

    `form_token` is the log form's one-time token: a second submit of the same form raises
    AlreadySaved with the contact the first one made (also when both race: the token is
    unique in the database)."""
    if form_token is not None:
        _raise_if_saved(actor, form_token)
    try:
        return _contact_log(actor=actor, client=client, details=details, match=match,
                            form_token=form_token)
    except IntegrityError:
        if form_token is None:
            raise
        _raise_if_saved(actor, form_token)
        raise


def _raise_if_saved(actor: Actor, form_token: uuid.UUID) -> None:
    saved = Contact.objects.filter(form_token=form_token).select_related("client").first()
    if saved is not None:
        if actor.user is None or saved.logged_by_id != actor.user.pk:
            raise ValidationError(_("This form was already used. Open a new one."))
        raise AlreadySaved(saved)


@transaction.atomic
def _contact_log(*, actor: Actor, client: Client, details: ContactDetails, match: Match | None,
                 form_token: uuid.UUID | None) -> Contact:
    if actor.user is None:
        raise ValidationError(_("A contact is logged by a person."))
    if match is None:
        match = active_match_for(client)
    elif match.client_id != client.pk or match.status != Match.Status.ACTIVE:
        raise ValidationError(_("This match is not active for this client."))
    supporter = match.supporter if match else None
    if actor.role == "peer_supporter" and (match is None or match.supporter.user_id != actor.user.pk):
        # A colleague covering the match today logs as themself (decision 0024).
        cover = (Cover.objects.filter(in_force(timezone.localdate()), match=match,
                                      supporter__user=actor.user).select_related("supporter")
                 .first() if match is not None else None)
        if cover is None:
            raise ValidationError(_("You can log contacts only for clients matched with you."))
        supporter = cover.supporter
    site = match.site if match else client_site(client)
    if site is None:
        raise ValidationError(_("This client is not enrolled at a program site."))
    validate_contact(details, match=match)
    contact = Contact(
        client=client, match=match, supporter=supporter, site=site,
        occurred_at=details.occurred_at, duration_minutes=details.duration_minutes,
        mode=details.mode, setting=details.setting, is_group=False,
        activities=sorted(set(details.activities)), outcome=details.outcome,
        note=details.note.strip(), logged_by=actor.user, form_token=form_token,
    )
    contact.save()
    audit(actor, category=CONTACT_LOG, action="create", client=client,
           detail=f"contact:{contact.public_id}")
    return contact
