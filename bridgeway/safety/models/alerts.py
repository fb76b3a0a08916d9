"""Alerts of the safety net: the rule choices, a site's thresholds, alerts and their log, the
scan's staging rows and runs, and the in-app notifications alerts send."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client
from bridgeway.core.fields import SHORT_NOTE, EncryptedCharField, EncryptedTextField
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupporterProfile

from .. import rules as r


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
    CONSENT_WITHDRAWN = r.Rule.CONSENT_WITHDRAWN.value, _("Client withdrew consent")


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
    resolution_note = EncryptedCharField(_("note"), max_length=SHORT_NOTE, blank=True)

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
    note = EncryptedCharField(max_length=SHORT_NOTE, blank=True)

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
    body = EncryptedTextField(blank=True)  # may quote an alert's note
    url = models.CharField(max_length=300, blank=True)
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
