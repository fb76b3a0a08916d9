"""Organisations, program sites, wards, accounts and roles; reference data shared by apps."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .french import in_language

fsa_validator = RegexValidator(
    r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]$",
    _("Enter the first three characters of a Canadian postal code, such as N6A."),
)


class BaseModel(models.Model):
    """Public UUID for URLs and the API (integer keys never leave the database) and timestamps."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __repr__(self) -> str:
        # Not Django's "<Client: Daniel Tremblay>": Django's own error messages quote the repr,
        # and error messages end up in logs (bridgeway/core/logs.py).
        return f"<{type(self).__name__} {self.public_id}>"


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, default="en", choices=[("en", "English"), ("fr", "Français")]
    )

    def __repr__(self) -> str:
        return f"<User {self.public_id}>"  # a username is often a name (see BaseModel)

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        PEER_ORGANISATION = "peer_org", _("Community peer organisation")

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(BaseModel):
    class WardType(models.TextChoices):
        ACUTE = "acute", _("Acute")
        TERTIARY = "tertiary", _("Tertiary")

    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="wards",
        limit_choices_to={"kind": Organisation.Kind.HOSPITAL},
    )
    name = models.CharField(_("name"), max_length=120)
    ward_type = models.CharField(_("ward type"), max_length=20, choices=WardType.choices)

    class Meta:
        ordering = ["hospital__name", "name"]
        constraints = [models.UniqueConstraint(fields=["hospital", "name"], name="ward_unique_name")]

    def __str__(self) -> str:
        return f"{self.hospital.name} — {self.name}"


class TrainingModule(BaseModel):
    """A training a peer supporter can complete (e.g. OPDI Core Essentials level 1, 1R, 2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("level"), default=0, help_text=_("Higher numbers are more advanced; used for ordering.")
    )
    valid_for_days = models.PositiveIntegerField(
        _("valid for (days)"), null=True, blank=True, help_text=_("Empty: never expires.")
    )

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class ProgramSite(BaseModel):
    """A TDM program at one hospital, served by one or more community peer organisations."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites",
        limit_choices_to={"kind": Organisation.Kind.HOSPITAL},
    )
    peer_organisations = models.ManyToManyField(
        Organisation, related_name="served_sites", blank=True,
        limit_choices_to={"kind": Organisation.Kind.PEER_ORGANISATION},
    )
    time_zone = models.CharField(_("time zone"), max_length=60, default="America/Toronto")
    program_start_date = models.DateField(_("program start date"), null=True, blank=True)
    weekly_commitment_minutes = models.PositiveIntegerField(
        _("weekly commitment per client (minutes)"), default=60, validators=[MinValueValidator(1)]
    )
    required_training = models.ManyToManyField(
        TrainingModule, related_name="required_by_sites", blank=True,
        verbose_name=_("training required before matching"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_fr = models.CharField(_("name in French"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (decision 0025)."""
        return in_language(self.name, self.name_fr)


class Interest(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_fr = models.CharField(_("name in French"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_fr)


class PostalArea(models.Model):
    """Centroid of a forward sortation area (first three postal code characters)."""

    fsa = models.CharField(max_length=3, unique=True, validators=[fsa_validator])
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.fsa


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SITE_LEAD = "site_lead", _("Site lead")
    COORDINATOR = "coordinator", _("Peer support coordinator")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    WARD_STAFF = "ward_staff", _("Ward staff")
    EVALUATOR = "evaluator", _("Evaluator")
    # Reads the access history of their organisation's clients and staff; no client record.
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


class StaffKind(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    BRIDGING = "bridging", _("Bridging staff")
    OTHER = "other", _("Other ward staff")


class RoleAssignment(BaseModel):
    """One role a person holds, scoped to a site or organisation. A person may hold several.

    coordinator and site lead: a program site. Peer supporter: a peer organisation. Ward staff:
    a hospital. Evaluator: a site, or none for the whole program. Privacy officer: an
    organisation (the custodian they answer for). Administrator: no scope.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    site = models.ForeignKey(ProgramSite, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="role_assignments")
    staff_kind = models.CharField(_("staff kind"), max_length=20, choices=StaffKind.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "site", "organisation"],
                                    name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        scope = self.site or self.organisation or _("everywhere")
        return f"{self.user} — {self.get_role_display()} ({scope})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        needs_site = {Role.COORDINATOR, Role.SITE_LEAD}
        if self.role in needs_site and not self.site_id:
            raise ValidationError({"site": _("This role is held for a program site.")})
        org = self.organisation if self.organisation_id else None
        if self.role == Role.WARD_STAFF and (org is None or org.kind != Organisation.Kind.HOSPITAL):
            raise ValidationError({"organisation": _("Ward staff belong to a hospital.")})
        if self.role == Role.PRIVACY_OFFICER and org is None:
            raise ValidationError({"organisation": _(
                "A privacy officer answers for an organisation: choose it.")})
        if self.role == Role.PEER_SUPPORTER and (
            org is None or org.kind != Organisation.Kind.PEER_ORGANISATION
        ):
            raise ValidationError({"organisation": _("Peer supporters belong to a peer organisation.")})


class Invitation(BaseModel):
    """A single-use, expiring link for a new account to set its first password.

    Only a hash of the token is stored: a database reader cannot take over a pending account.
    Issuing a new invitation revokes the user's older ones (`revoked_at`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
