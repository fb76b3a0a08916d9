"""Small hand-built cohorts for outcome tests."""

from __future__ import annotations

from datetime import date

from bridgeway.clients.models import Client, HospitalStay
from bridgeway.core.models import Ward
from tests import factories as f


def stay(client: Client, ward: Ward, admitted: date, discharged: date | None) -> HospitalStay:
    return HospitalStay.objects.create(client=client, ward=ward, hospital=ward.hospital,
                                       admitted_on=admitted, discharged_on=discharged)


def person(name: str, *, gender: str = "man", born: date = date(1980, 1, 1)) -> Client:
    return f.ClientFactory(given_name=name, family_name="Cohort", gender=gender,
                           date_of_birth=born)
