"""A small program at site A: program clients, usual care, a before-period, ED visits, contacts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bridgeway.clients.models import Client, Enrolment, HospitalStay, Match
from bridgeway.outcomes.models import EDVisit

NAMES = ["Aurelio", "Bettina", "Casimir", "Delphine", "Evander", "Fenella", "Gideon", "Honora",
         "Ignatius", "Jessamy", "Kasimir", "Leocadia"]


@pytest.fixture
def program_data(world):
    """36 clients at site A (program start 2024-01-01): 12 program, 12 usual care, 12 before."""
    clients = Client.objects.bulk_create([
        Client(given_name=NAMES[i % 12], family_name=f"Zebulon{i}", date_of_birth=date(1970 + i % 30, 5, 1),
               gender="woman" if i % 2 else "man", phone=f"519-555-{1000 + i}")
        for i in range(36)])
    stays, enrol = [], []
    for i, c in enumerate(clients):
        group = i // 12  # 0 program, 1 usual care, 2 before
        admitted = date(2024, 2, 1) + timedelta(days=7 * (i % 12)) if group < 2 else \
            date(2022, 2, 1) + timedelta(days=20 * (i % 12))
        discharged = admitted + timedelta(days=20 + (i % 5) * 3 - (5 if group == 0 else 0))
        stays.append(HospitalStay(client=c, ward=world.ward_a, hospital=world.hospital_a,
                                  admitted_on=admitted, discharged_on=discharged))
        if i % 3 == 0:  # a readmission for a third of them
            back = discharged + timedelta(days=10 + i)
            stays.append(HospitalStay(client=c, ward=world.ward_a, hospital=world.hospital_a,
                                      admitted_on=back, discharged_on=back + timedelta(days=6)))
            EDVisit.objects.create(client=c, hospital=world.hospital_a,
                                   visited_on=discharged + timedelta(days=3))
    HospitalStay.objects.bulk_create(stays)
    first = {s.client_id: s for s in sorted(stays, key=lambda s: s.admitted_on, reverse=True)}
    now = world.enrolment_a.status_changed_at
    for c in clients[:12]:
        enrol.append(Enrolment(client=c, site=world.site_a, status="active", status_changed_at=now,
                               referred_on=first[c.id].admitted_on, stay=first[c.id],
                               social_relationships="unsatisfied" if c.id % 2 else "satisfied"))
    Enrolment.objects.bulk_create(enrol)
    Match.objects.bulk_create([
        Match(enrolment=e, client=e.client, supporter=world.supporter, site=world.site_a,
              started_on=e.referred_on + timedelta(days=3)) for e in enrol])
    return clients
