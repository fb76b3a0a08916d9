"""Hospital stays: admission, the expected discharge date, discharge."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.core.actors import Actor
from bridgeway.core.events import emit
from bridgeway.core.models import Ward

from ..events import ExpectedDischargeSet, StayAdmitted, StayDischarged
from ..models import Client, Enrolment, EnrolmentStatus, HospitalStay, Match
from ..validators import check_expected_discharge
from .common import change_status, write_audit


@transaction.atomic
def stay_admit(*, actor: Actor, client: Client, ward: Ward, admitted_on: date,
               expected_discharge_on: date | None = None) -> HospitalStay:
    if client.stays.filter(discharged_on__isnull=True).exists():
        raise ValidationError(_("This client already has an open hospital stay."))
    check_expected_discharge(admitted_on, expected_discharge_on)
    stay = HospitalStay.objects.create(client=client, hospital=ward.hospital, ward=ward,
                                       admitted_on=admitted_on,
                                       expected_discharge_on=expected_discharge_on)
    write_audit(actor, category="stay_status", action="admit", client=client,
                detail=f"stay:{stay.public_id}")
    emit(StayAdmitted(actor=actor, stay=stay))
    return stay


@transaction.atomic
def stay_set_expected_discharge(*, actor: Actor, stay: HospitalStay,
                                expected_discharge_on: date | None) -> HospitalStay:
    if stay.discharged_on is not None:
        raise ValidationError(_("This stay has already ended."))
    check_expected_discharge(stay.admitted_on, expected_discharge_on)
    previous = stay.expected_discharge_on
    stay.expected_discharge_on = expected_discharge_on
    stay.save(update_fields=["expected_discharge_on", "updated_at"])
    write_audit(actor, category="discharge_date", action="update", client=stay.client,
                detail=f"stay:{stay.public_id}")
    if previous != expected_discharge_on:
        emit(ExpectedDischargeSet(actor=actor, stay=stay, previous=previous))
    return stay


@transaction.atomic
def stay_discharge(*, actor: Actor, stay: HospitalStay, discharged_on: date,
                   destination: str = "") -> HospitalStay:
    if stay.discharged_on is not None:
        raise ValidationError(_("This stay has already ended."))
    if discharged_on < stay.admitted_on:
        raise ValidationError({"discharged_on": _("Discharge is before admission.")})
    if discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": _("A discharge cannot be recorded in the future.")})
    stay.discharged_on = discharged_on
    stay.discharge_destination = destination
    stay.save(update_fields=["discharged_on", "discharge_destination", "updated_at"])
    write_audit(actor, category="stay_status", action="discharge", client=stay.client,
                detail=f"stay:{stay.public_id}")
    _community_phase_begins(actor=actor, stay=stay)
    emit(StayDischarged(actor=actor, stay=stay))
    return stay


def _community_phase_begins(*, actor: Actor, stay: HospitalStay) -> None:
    """A matched client out of hospital is active in the community: the status follows the
    discharge, whoever records it (ward page, this service from a feed or a command).
    A client still in another hospital stays matched until that stay ends too."""
    if HospitalStay.objects.filter(client_id=stay.client_id, discharged_on__isnull=True).exists():
        return
    matched = (Enrolment.objects.select_for_update(of=("self",)).select_related("client")
               .filter(client_id=stay.client_id, status=EnrolmentStatus.MATCHED,
                       matches__status=Match.Status.ACTIVE))
    for enrolment in matched:
        change_status(actor=actor, enrolment=enrolment, to_status=EnrolmentStatus.ACTIVE,
                      reason=_("Discharged: support continues in the community"))
