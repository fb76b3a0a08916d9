"""Writing the plans with bulk inserts, and what the step leaves in ctx.data."""

from __future__ import annotations

import uuid
from datetime import timedelta

from bridgeway.clients.identity import identifier_build
from bridgeway.clients.models import (
    Client,
    ClientIdentifier,
    ConsentRecord,
    Enrolment,
    EnrolmentStatusChange,
    HospitalStay,
    IdentifierKind,
    Match,
)
from bridgeway.core.models import (
    RoleAssignment,
    User,
)
from bridgeway.demo.context import new_uuid
from bridgeway.supporters.models import SupporterProfile, TrainingRecord

from .base import BuilderBase
from .plans import (
    BATCH,
    S,
    SupporterInfo,
    _at,
)


def _derived_uuid(client: Client, what: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"bridgeway-demo:identifier:{client.public_id}:{what}")


class WriteMixin(BuilderBase):
    def write_people(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(self.grants, batch_size=BATCH)
        infos = list(self.scripted.values()) + [
            i for infos in self.supporter_info.values() for i in infos]
        unique: dict[int, SupporterInfo] = {id(i): i for i in infos}
        self.all_supporters = list(unique.values())
        SupporterProfile.objects.bulk_create([i.profile for i in self.all_supporters],
                                             batch_size=BATCH)
        sites_t = SupporterProfile.sites.through
        langs_t = SupporterProfile.languages.through
        ints_t = SupporterProfile.interests.through
        sites_rows, lang_rows, int_rows, training = [], [], [], []
        coordinator_of = self.coordinators
        for info in self.all_supporters:
            pk = info.profile.pk
            sites_rows += [sites_t(supporterprofile_id=pk, programsite_id=self.sites[s].pk)
                           for s in info.sites]
            lang_rows += [langs_t(supporterprofile_id=pk, language_id=self.languages[c].pk)
                          for c in sorted(info.languages)]
            int_rows += [ints_t(supporterprofile_id=pk, interest_id=self.interests[c].pk)
                         for c in sorted(info.interests)]
            for code, on in sorted(info.ready_on.items()):
                module = self.modules[code]
                training.append(TrainingRecord(
                    public_id=new_uuid(self.ctx), supporter=info.profile, module=module,
                    completed_on=on, recorded_by=coordinator_of[info.sites[0]],
                    expires_on=(on + timedelta(days=module.valid_for_days)
                                if module.valid_for_days else None)))
            safety = info.ready_on.get("safety")
            if safety and safety + timedelta(days=700) <= self.today:  # renewed safety training
                renewed = safety + timedelta(days=self.rng.randint(650, 700))
                training.append(TrainingRecord(
                    public_id=new_uuid(self.ctx), supporter=info.profile, module=self.modules["safety"],
                    completed_on=renewed, recorded_by=coordinator_of[info.sites[0]],
                    expires_on=renewed + timedelta(days=730)))
        sites_t.objects.bulk_create(sites_rows, batch_size=BATCH)
        langs_t.objects.bulk_create(lang_rows, batch_size=BATCH)
        ints_t.objects.bulk_create(int_rows, batch_size=BATCH)
        TrainingRecord.objects.bulk_create(training, batch_size=BATCH)

    def write_clients(self) -> None:
        ctx, plans = self.ctx, self.plans
        Client.objects.bulk_create([p.client for p in plans], batch_size=BATCH)
        ctx.progress("clients: writing", 1, 5)
        langs_t, ints_t = Client.languages.through, Client.interests.through
        langs_t.objects.bulk_create([langs_t(client_id=p.client.pk, language_id=lang.pk)
                                     for p in plans for lang in p.languages], batch_size=BATCH)
        ints_t.objects.bulk_create([ints_t(client_id=p.client.pk, interest_id=i.pk)
                                    for p in plans for i in p.interests], batch_size=BATCH)
        stays: list[HospitalStay] = []
        index_stays: list[HospitalStay] = []
        for p in plans:
            made = [HospitalStay(public_id=new_uuid(ctx), client=p.client, hospital=s.ward.hospital,
                                 ward=s.ward, admitted_on=s.admitted_on,
                                 expected_discharge_on=s.expected_discharge_on,
                                 discharged_on=s.discharged_on,
                                 discharge_destination=s.destination) for s in p.stays]
            stays += made
            index_stays.append(made[p.index_stay])
        HospitalStay.objects.bulk_create(stays, batch_size=BATCH)
        self._write_identifiers()
        ctx.progress("clients: writing", 2, 5)
        enrolments: list[Enrolment] = []
        for p, stay in zip(plans, index_stays, strict=True):
            last_status, last_on, _ = p.steps[-1]
            waitlisted = [(i, d) for i, (s, d, _) in enumerate(p.steps) if s == S.WAITLISTED]
            enrolments.append(Enrolment(
                public_id=new_uuid(ctx), client=p.client, site=p.site, status=last_status,
                status_changed_at=_at(last_on, len(p.steps) - 1), referred_on=p.referred_on,
                referred_by=p.referrer, referral_note=p.note, stay=stay,
                waitlisted_since=_at(waitlisted[-1][1], waitlisted[-1][0]) if waitlisted else None,
                priority=p.priority and last_status == S.WAITLISTED,
                support_intensity=p.intensity, social_relationships=p.social))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        ctx.progress("clients: writing", 3, 5)
        history: list[EnrolmentStatusChange] = []
        consents: list[ConsentRecord] = []
        matches: list[Match] = []
        for p, enrolment in zip(plans, enrolments, strict=True):
            coordinator = self.coordinators[p.site.code]
            previous = ""
            for i, (status, on, reason) in enumerate(p.steps):
                history.append(EnrolmentStatusChange(
                    enrolment=enrolment, from_status=previous, to_status=status,
                    changed_at=_at(on, i), reason=reason,
                    actor=p.referrer if status == S.REFERRED else coordinator))
                previous = status
            for version, consent in enumerate(p.consents, start=1):
                consents.append(ConsentRecord(
                    enrolment=enrolment, version=version, participation=consent.participation,
                    recorded_by=coordinator, recorded_at=_at(consent.on, 0, -5), note=consent.note,
                    **{f"share_{name}": consent.participation and name in consent.share
                       for name in ("contact_details", "discharge_date", "stay_status",
                                    "background", "safety_notes")}))
            for segment in p.segments:
                matches.append(Match(
                    public_id=new_uuid(ctx), enrolment=enrolment, client=p.client,
                    supporter=segment.supporter, site=p.site,
                    status=Match.Status.ACTIVE if segment.end is None else Match.Status.ENDED,
                    started_on=segment.start, ended_on=segment.end,
                    end_reason=segment.end_reason, end_note=segment.end_note,
                    do_not_rematch=segment.do_not_rematch,
                    home_visits_allowed=self.rng.random() < 0.3, created_by=coordinator))
        EnrolmentStatusChange.objects.bulk_create(history, batch_size=BATCH)
        ConsentRecord.objects.bulk_create(consents, batch_size=BATCH)
        Match.objects.bulk_create(matches, batch_size=BATCH)
        ctx.progress("clients: writing", 5, 5)
        self.enrolments, self.stays, self.matches = enrolments, stays, matches

    def _write_identifiers(self) -> None:
        """Each client's health card (when the plan has one) and an MRN at every hospital that
        admitted them. Their ids and MRNs draw nothing from the generator, so adding them left
        every other drawn value of the step as it was."""
        rows: list[ClientIdentifier] = []
        seen_cards: set[str] = set()
        for n, p in enumerate(self.plans):
            if p.health_card and p.health_card[:10] not in seen_cards:
                seen_cards.add(p.health_card[:10])
                rows.append(identifier_build(
                    client=p.client, kind=IdentifierKind.HEALTH_CARD, value=p.health_card,
                    source="demo", public_id=_derived_uuid(p.client, "health_card")))
            hospitals = {s.ward.hospital.code: s.ward.hospital for s in p.stays}
            for code, hospital in sorted(hospitals.items()):
                rows.append(identifier_build(
                    client=p.client, kind=IdentifierKind.MRN, value=f"{code[:3].upper()}{100000 + n}",
                    hospital=hospital, source="demo", public_id=_derived_uuid(p.client, code)))
        ClientIdentifier.objects.bulk_create(rows, batch_size=BATCH)

    def publish(self) -> None:
        data = self.ctx.data
        data["sites"] = list(self.sites.values())
        data["hospitals"] = list(self.hospitals.values())
        data["peer_organisations"] = list(self.peer_orgs.values())
        data["wards"] = [w for wards in self.wards.values() for w in wards]
        data["supporters"] = [i.profile for i in self.all_supporters]
        data["clients"] = [p.client for p in self.plans]
        data["enrolments"] = self.enrolments
        data["stays"] = self.stays
        data["matches"] = self.matches
        data["personas"] = dict(self.personas)
        data["coordinators"] = dict(self.coordinators)
        data["site_leads"] = dict(self.site_leads)
        data["daniel"] = self.daniel
        data["maya"] = self.maya
        data["scenario_supporters"] = {k: i.profile for k, i in self.scripted.items()}
