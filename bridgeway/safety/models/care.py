"""Care around one client: the pre-discharge checklist, the communication binder, bridging
and outreach for a client drifting away."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Enrolment, HospitalStay
from bridgeway.core.fields import NOTE, EncryptedCharField, EncryptedTextField
from bridgeway.core.models import BaseModel

from .alerts import Alert


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
    text = EncryptedTextField(_("entry"), max_length=NOTE)
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
    outcome_note = EncryptedCharField(_("note"), max_length=300, blank=True)
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
    note = EncryptedCharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+")

    class Meta:
        ordering = ["taken_on", "id"]
