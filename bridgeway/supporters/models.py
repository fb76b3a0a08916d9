"""Peer supporter profiles, capacity and availability, training records, and their own
wellbeing: supervision sessions and private check-ins (DESIGN.md places them here)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.core.choices import Gender
from bridgeway.core.fields import LONG_TEXT, SHORT_NOTE, EncryptedCharField, EncryptedTextField
from bridgeway.core.models import (
    BaseModel,
    Interest,
    Language,
    Organisation,
    ProgramSite,
    TrainingModule,
    fsa_validator,
)


class SupporterProfile(BaseModel):
    class Employment(models.TextChoices):
        PAID = "paid", _("Paid")
        VOLUNTEER = "volunteer", _("Volunteer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left the program")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="supporter_profile")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supporters",
        limit_choices_to={"kind": Organisation.Kind.PEER_ORGANISATION},
    )
    sites = models.ManyToManyField(ProgramSite, related_name="supporters",
                                   verbose_name=_("sites served"))
    employment = models.CharField(_("paid or volunteer"), max_length=20, choices=Employment.choices)
    hours_per_week = models.DecimalField(
        _("hours available per week"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    availability = models.JSONField(_("days and times available"), default=list, blank=True)
    max_active_clients = models.PositiveSmallIntegerField(
        _("maximum active clients"), default=3, validators=[MinValueValidator(0), MaxValueValidator(30)]
    )
    languages = models.ManyToManyField(Language, related_name="supporters", blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    interests = models.ManyToManyField(Interest, related_name="supporters", blank=True)
    home_fsa = models.CharField(_("home area (postal FSA)"), max_length=3, blank=True,
                                validators=[fsa_validator])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    status_reason = models.CharField(_("reason for status"), max_length=200, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class TrainingRecord(BaseModel):
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="training_records")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.module} ({self.completed_on})"


class SupervisionSession(BaseModel):
    """Supervision of peer supporters by their coordinator. A debrief after an incident is one
    kind; the safety net links the incident to it (safety.Incident.debriefs)."""

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
    notes = EncryptedTextField(_("notes (private)"), blank=True, max_length=LONG_TEXT)

    class Meta:
        # The table it had in the safety app (decision 0012): moved without copying a row.
        db_table = "safety_supervisionsession"
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
    note = EncryptedCharField(_("anything to add (optional)"), max_length=SHORT_NOTE, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        db_table = "safety_checkin"  # the table it had in the safety app (decision 0012)
        ordering = ["-created_at"]
