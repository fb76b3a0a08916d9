"""Peer supporter profiles, capacity and availability, training records."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.core.choices import Gender
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
