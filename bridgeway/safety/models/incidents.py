"""Safety incidents, supervision (a debrief follows an incident) and supporters' check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupporterProfile


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
