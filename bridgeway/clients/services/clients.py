"""Referral and the client's own details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.core.models import Interest, Language, ProgramSite, Ward

from ..identity import health_card_set
from ..models import CLOSED_STATUSES, Client, Enrolment, EnrolmentStatusChange, HospitalStay
from ..validators import check_expected_discharge
from .common import S, write_audit


@dataclass
class ClientDetails:
    given_name: str
    family_name: str
    date_of_birth: date
    health_card_number: str = ""
    gender: str = "undisclosed"
    pronouns: str = ""
    home_fsa: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    # Preferences for a peer supporter (each none / preferred / required).
    pref_gender: str = ""
    pref_gender_strength: str = "none"
    pref_age_min: int | None = None
    pref_age_max: int | None = None
    pref_age_strength: str = "none"
    pref_language: Language | None = None
    pref_language_strength: str = "none"


def _set_profile(client: Client, languages: list[Language] | None,
                 interests: list[Interest] | None) -> None:
    if languages is not None:
        client.languages.set(languages)
    if interests is not None:
        client.interests.set(interests)


@transaction.atomic
def client_refer(
    *,
    actor: Actor,
    site: ProgramSite,
    details: ClientDetails,
    ward: Ward,
    admitted_on: date,
    expected_discharge_on: date | None = None,
    note: str = "",
    client: Client | None = None,
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
) -> Enrolment:
    """Ward staff or a coordinator refer an inpatient: client, current stay, enrolment."""
    if ward.hospital_id != site.hospital_id:
        raise ValidationError({"ward": _("This ward is not at the site's hospital.")})
    check_expected_discharge(admitted_on, expected_discharge_on)
    if client is None:
        fields = {k: v for k, v in details.__dict__.items() if k != "health_card_number"}
        client = Client(**fields)
        client.full_clean()
        client.save()
        _set_profile(client, languages, interests)
        if details.health_card_number:
            health_card_set(actor=actor, client=client, value=details.health_card_number,
                            source="referral")
    elif client.enrolments.exclude(status__in=CLOSED_STATUSES).exists():
        # Referred again only when nothing is open (the client page offers it only then).
        raise ValidationError(_("This client is already in the program; a new referral is "
                                "possible once their enrolment has closed."))
    stay = client.stays.filter(hospital_id=site.hospital_id, discharged_on__isnull=True).first()
    if stay is None:
        stay = HospitalStay.objects.create(
            client=client, hospital_id=site.hospital_id, ward=ward, admitted_on=admitted_on,
            expected_discharge_on=expected_discharge_on)
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        client=client, site=site, status=S.REFERRED, status_changed_at=now,
        referred_on=timezone.localdate(), referred_by=actor.user, referral_note=note, stay=stay)
    EnrolmentStatusChange.objects.create(enrolment=enrolment, from_status="", to_status=S.REFERRED,
                                         changed_at=now, actor=actor.user, reason=_("Referred"))
    write_audit(actor, category="referral", action="create", client=client,
                detail=f"enrolment:{enrolment.public_id}")
    return enrolment


@transaction.atomic
def client_update(
    *,
    actor: Actor,
    client: Client,
    fields: dict[str, Any],
    languages: list[Language] | None = None,
    interests: list[Interest] | None = None,
) -> Client:
    fields = dict(fields)
    health_card = fields.pop("health_card_number", None)
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    _set_profile(client, languages, interests)
    write_audit(actor, category="identity", action="update", client=client,
                detail="fields:" + ",".join(sorted(fields))[:180])
    if health_card is not None:
        health_card_set(actor=actor, client=client, value=health_card, source="client details")
    return client
