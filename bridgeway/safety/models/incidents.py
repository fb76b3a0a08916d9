"""Safety incidents, and the supervision sessions held as their debriefs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client
from bridgeway.core.fields import NOTE, EncryptedTextField
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupervisionSession, SupporterProfile


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
    description = EncryptedTextField(_("details (optional)"), blank=True, max_length=NOTE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    follow_up = EncryptedTextField(_("follow-up"), blank=True, max_length=NOTE)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    # Supervision belongs to supporters (below safety); the safety net keeps the link from an
    # incident to the sessions that debriefed it.
    debriefs = models.ManyToManyField(SupervisionSession, blank=True, related_name="incidents",
                                      verbose_name=_("debriefs"))

    class Meta:
        ordering = ["-occurred_at"]
