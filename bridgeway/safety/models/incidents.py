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
        WITHDRAWN = "withdrawn", _("Withdrawn by the person who reported it")

    class Involved(models.TextChoices):
        """Who the incident involved: filed from a client's page, the client unless the
        reporter says otherwise (then the incident is not kept against that client)."""

        CLIENT = "client", _("The client")
        OTHER = "other", _("Someone else")
        UNKNOWN = "unknown", _("Not known")

    class Place(models.TextChoices):
        WARD = "ward", _("On the ward")
        COMMUNITY = "community", _("In the community")
        HOME = "home", _("At the client's home")
        APPOINTMENT = "appointment", _("At an appointment")
        REMOTE = "remote", _("By phone, text or video")
        OTHER = "other", _("Elsewhere")

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor: nobody was hurt or in danger")
        SERIOUS = "serious", _("Serious: someone was shaken, threatened or at risk")
        CRITICAL = "critical", _("Critical: someone was hurt or is in danger now")

        @property
        def short(self) -> str:
            return str({"minor": _("Minor"), "serious": _("Serious"),
                        "critical": _("Critical")}[self.value])

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="incidents")
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="incidents")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="incidents")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    description = EncryptedTextField(_("what happened, in a few words"), blank=True,
                                     max_length=NOTE)
    involved = models.CharField(_("who was involved"), max_length=10, choices=Involved.choices,
                                default=Involved.CLIENT)
    other_person = models.CharField(_("who else (a role, not a name)"), max_length=200,
                                    blank=True)
    place = models.CharField(_("where"), max_length=20, choices=Place.choices, blank=True)
    severity = models.CharField(_("how serious"), max_length=10, choices=Severity.choices,
                                default=Severity.SERIOUS)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
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

    def __str__(self) -> str:
        # Forms show a localised label (web.safety.forms.incident_label); this one is for logs
        # and the admin: never "Incident object (2)".
        return f"{self.get_kind_display()} ({self.occurred_at:%Y-%m-%d})"

    @property
    def severity_short(self) -> str:
        return self.Severity(self.severity).short if self.severity else ""
