"""Safety net: thresholds, alerts, notifications, binder, bridging, discharge checklist,
outreach, incidents, supervision and supporter check-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Enrolment, HospitalStay
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupporterProfile

from . import rules as r


class RuleChoice(models.TextChoices):
    NO_FIRST_CONTACT = r.Rule.NO_FIRST_CONTACT.value, _("No contact after discharge")
    CONTACT_LAPSE = r.Rule.CONTACT_LAPSE.value, _("Contact has lapsed")
    MISSED_CONTACTS = r.Rule.MISSED_CONTACTS.value, _("Missed contacts in a row")
    READMISSION = r.Rule.READMISSION.value, _("Readmitted to hospital")
    NO_WARD_CONTACT = r.Rule.NO_WARD_CONTACT.value, _("Discharged without an on-ward contact")
    UNDER_COMMITMENT = r.Rule.UNDER_COMMITMENT.value, _("Under the weekly commitment")
    PROPOSAL_PENDING = r.Rule.PROPOSAL_PENDING.value, _("Proposal waiting for approval")
    WAITLIST_LONG = r.Rule.WAITLIST_LONG.value, _("Long on the waitlist")
    INCIDENT = r.Rule.INCIDENT.value, _("Safety incident")
    TALK_REQUESTED = r.Rule.TALK_REQUESTED.value, _("Peer supporter would like to talk")
    BREAK_REQUESTED = r.Rule.BREAK_REQUESTED.value, _("Peer supporter needs a break")


class SeverityChoice(models.TextChoices):
    INFO = r.Severity.INFO.value, _("Information")
    WARNING = r.Severity.WARNING.value, _("Warning")
    URGENT = r.Severity.URGENT.value, _("Urgent")


class OwnerRoleChoice(models.TextChoices):
    SUPPORTER = r.OwnerRole.SUPPORTER.value, _("Peer supporter")
    COORDINATOR = r.OwnerRole.COORDINATOR.value, _("Coordinators")
    SITE_LEAD = r.OwnerRole.SITE_LEAD.value, _("Site lead")


def _days(label: Any, default: int,
          maximum: int = 730) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=default,
                                       validators=[MinValueValidator(1), MaxValueValidator(maximum)])


class SafetyThresholds(models.Model):
    """A site's thresholds; a site without a row uses rules.DEFAULTS."""

    D = r.DEFAULTS
    site = models.OneToOneField(ProgramSite, on_delete=models.CASCADE,
                                related_name="safety_thresholds")
    first_contact_days = _days(_("first community contact within (days)"), D.first_contact_days)
    lapse_warning_days = _days(_("no contact warning after (days)"), D.lapse_warning_days)
    lapse_urgent_days = _days(_("no contact urgent after (days)"), D.lapse_urgent_days)
    followup_days = _days(_("follow-up period after discharge (days)"), D.followup_days, 1100)
    missed_in_a_row = _days(_("missed contacts in a row"), D.missed_in_a_row, 10)
    ward_contact_lookback_days = _days(_("look back for discharges without ward contact (days)"),
                                       D.ward_contact_lookback_days)
    commitment_weeks = _days(_("weeks under commitment in a row"), D.commitment_weeks, 12)
    proposal_days = _days(_("proposal approval within (days)"), D.proposal_days)
    waitlist_days = _days(_("waitlisted longer than (days)"), D.waitlist_days)
    updated_at = models.DateTimeField(auto_now=True)

    def as_rules(self) -> r.Thresholds:
        return r.Thresholds(**{n: getattr(self, n) for n in r.Thresholds.names()})


OPEN_ALERT = ~Q(status="resolved")


class Alert(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SNOOZED = "snoozed", _("Snoozed")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        AUTO = "auto", _("Condition cleared")
        MANUAL = "manual", _("Resolved by a person")

    rule = models.CharField(_("rule"), max_length=30, choices=RuleChoice.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=SeverityChoice.choices)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.OPEN)
    site = models.ForeignKey(ProgramSite, on_delete=models.CASCADE, related_name="safety_alerts")
    # The subject: a client, a supporter, or an incident, by rule (rules.SPECS); subject_id
    # repeats its integer key so one constraint covers every kind.
    subject_id = models.BigIntegerField()
    client = models.ForeignKey(Client, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="safety_alerts")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="safety_alerts")
    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="alerts")
    # What makes this occurrence distinct (a stay, a last-contact date...); a person's
    # resolution holds until the episode changes, so the scan does not re-raise it.
    episode = models.CharField(max_length=64, blank=True)
    owner_role = models.CharField(_("owner"), max_length=20, choices=OwnerRoleChoice.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="safety_alerts_owned")
    due_on = models.DateField(_("due"))
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["site", "status"]),
                   models.Index(fields=["rule", "subject_id", "episode"])]
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_id"], condition=OPEN_ALERT,
                                    name="safety_alert_one_open_per_rule_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} #{self.subject_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


ALERT_ACTIONS = {
    "raised": _("raised"), "acknowledged": _("acknowledged"), "snoozed": _("snoozed"),
    "resolved": _("resolved"), "escalated": _("escalated"),
    "auto_resolved": _("resolved by itself (condition cleared)"),
}


class AlertLog(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    action = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def action_label(self) -> str:
        return str(ALERT_ACTIONS.get(self.action, self.action))


class ScanHit(models.Model):
    """Staging rows of one scan (inside its transaction): which rules hold for which subject."""

    rule = models.CharField(max_length=30)
    subject_id = models.BigIntegerField()
    site_id = models.BigIntegerField()
    client_id = models.BigIntegerField(null=True)
    supporter_id = models.BigIntegerField(null=True)
    severity = models.CharField(max_length=10)
    episode = models.CharField(max_length=64)
    owner_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["rule", "subject_id"])]


class ScanRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    hits = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]


class Notification(models.Model):
    """One entry in a person's in-app inbox (and, if emailed, the same words by email)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="safety_notifications")
    kind = models.CharField(max_length=30)
    # Titles and bodies carry at most a client's first name and last initial.
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]


class DischargeChecklist(models.Model):
    """Pre-discharge checklist for one stay of a client."""

    stay = models.OneToOneField(HospitalStay, on_delete=models.CASCADE,
                                related_name="discharge_checklist")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    met_on_ward_on = models.DateField(_("met on the ward"), null=True, blank=True)
    community_plan_agreed_on = models.DateField(_("community contact plan agreed"), null=True,
                                                blank=True)
    first_meeting_on = models.DateField(_("first community meeting booked for"), null=True,
                                        blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class Binder(models.Model):
    """A client's communication binder: one named person is in charge of it."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="binder")
    in_charge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("in charge"))
    updated_at = models.DateTimeField(auto_now=True)


class BinderEntry(BaseModel):
    class Category(models.TextChoices):
        DISCHARGE_PLANNING = "discharge_planning", _("Discharge planning")
        APPOINTMENT = "appointment", _("Appointment")
        CONCERN = "concern", _("Concern")
        UPDATE = "update", _("Update")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="binder_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    author_role = models.CharField(_("role"), max_length=20)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.TextField(_("entry"), max_length=2000)
    staff_only = models.BooleanField(
        _("not for the peer supporter"), default=False,
        help_text=_("Only ward staff, bridging staff and coordinators will see it."))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "created_at"])]

    @property
    def author_role_label(self) -> str:
        from bridgeway.core.models import Role

        try:
            return str(Role(self.author_role).label)
        except ValueError:
            return self.author_role


class Bridging(BaseModel):
    """Bridging: the inpatient staff member stays involved until a community provider is in."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="bridgings")
    stay = models.ForeignKey(HospitalStay, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("bridging staff member"))
    started_on = models.DateField(_("started on"))
    established_on = models.DateField(
        _("relationship with community provider established on"), null=True, blank=True)
    provider = models.CharField(_("community provider"), max_length=200, blank=True)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=Q(established_on__isnull=True),
                                    name="safety_one_open_bridging_per_client"),
        ]

    @property
    def is_open(self) -> bool:
        return self.established_on is None


class OutreachCase(BaseModel):
    class Outcome(models.TextChoices):
        RE_ENGAGED = "re_engaged", _("Re-engaged")
        DECLINED = "declined", _("Declined further support")
        LOST = "lost", _("Lost to follow-up")
        WITHDREW = "withdrew", _("Withdrew from the program")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="outreach_cases")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=Q(closed_at__isnull=True),
                                    name="safety_one_open_outreach_per_client"),
        ]


class OutreachStep(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        HOME_VISIT = "home_visit", _("Home visit")
        LETTER = "letter", _("Letter")
        VIA_STAFF = "via_staff", _("Through hospital or community staff")
        OTHER = "other", _("Other")

    case = models.ForeignKey(OutreachCase, on_delete=models.CASCADE, related_name="steps")
    taken_on = models.DateField(_("date"))
    method = models.CharField(_("what was tried"), max_length=20, choices=Method.choices)
    reached = models.BooleanField(_("reached the client"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")

    class Meta:
        ordering = ["taken_on", "id"]


class Incident(BaseModel):
    class Kind(models.TextChoices):
        VERBAL_AGGRESSION = "verbal_aggression", _("Verbal aggression")
        THREAT = "threat", _("Threat")
        BOUNDARY = "boundary", _("Boundary issue")
        RISK_DISCLOSURE = "risk_disclosure", _("Disclosure of risk")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FOLLOW_UP = "follow_up", _("Follow-up recorded")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="incidents")
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="incidents")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="incidents")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    description = models.TextField(_("details (optional)"), blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(_("follow-up"), blank=True, max_length=2000)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_at"]


class SupervisionSession(BaseModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual supervision")
        GROUP = "group", _("Group supervision")
        DEBRIEF = "debrief", _("Debrief after an incident")

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    supporters = models.ManyToManyField(SupporterProfile, related_name="supervision_sessions",
                                        verbose_name=_("peer supporters"))
    incident = models.ForeignKey(Incident, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="debriefs")
    notes = models.TextField(_("notes (private)"), blank=True, max_length=4000)

    class Meta:
        ordering = ["-held_on", "-id"]


class CheckIn(BaseModel):
    """A peer supporter's private check-in: only they and their coordinators see it."""

    class Feeling(models.TextChoices):
        FINE = "fine", _("Doing fine")
        TALK = "talk", _("I'd like to talk")
        BREAK = "break", _("I need a break")

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="check_ins")
    feeling = models.CharField(_("how are you doing?"), max_length=10, choices=Feeling.choices)
    note = models.CharField(_("anything to add (optional)"), max_length=500, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
