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
from ..models import Client, HospitalStay
from ..validators import check_expected_discharge
from .common import write_audit


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
    emit(StayDischarged(actor=actor, stay=stay))
    return stay
