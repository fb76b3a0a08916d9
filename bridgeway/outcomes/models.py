"""Outcome evaluation's own tables: per-diems, ED visits, reflections, codebook and coding.

Outcome measures themselves are not stored: they are computed from stays, enrolments,
matches and contacts on demand (see analysis/ and stats/), and cached per data version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client
from bridgeway.core.french import in_language
from bridgeway.core.models import BaseModel, Organisation, ProgramSite, Ward

# Documented defaults used when a hospital has no per-diem of its own (CAD per bed-day).
# Illustrative Ontario-like figures; every report prints which value it used and where from.
DEFAULT_PER_DIEM: dict[str, Decimal] = {
    Ward.WardType.ACUTE.value: Decimal("1100.00"),
    Ward.WardType.TERTIARY.value: Decimal("750.00"),
}


class PerDiem(BaseModel):
    """The cost of one inpatient bed-day at a hospital for one ward type."""

    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="per_diems",
                                 limit_choices_to={"kind": Organisation.Kind.HOSPITAL})
    ward_type = models.CharField(_("ward type"), max_length=20, choices=Ward.WardType.choices)
    amount = models.DecimalField(_("cost per bed-day (CAD)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    source = models.CharField(_("source of the figure"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["hospital__name", "ward_type"]
        constraints = [models.UniqueConstraint(fields=["hospital", "ward_type"],
                                               name="per_diem_unique_hospital_ward_type")]

    def __str__(self) -> str:
        return f"{self.hospital} {self.ward_type}: {self.amount}"


class DataSource(models.TextChoices):
    """Sources whose completeness an evaluator (or an import) declares."""

    STAYS = "stays", _("Admissions and discharges")
    ED_VISITS = "ed_visits", _("Emergency department visits")


class DataCoverage(BaseModel):
    """Where one hospital's data from one source are complete: follow-up ends there.

    Set on the Evaluation settings page, or written by an import (CSV, HL7 ADT) through
    `services.coverage_declare`. Without a row, the source is taken as complete up to today
    (data entered in Bridgeway as things happen), and the dashboard says so.
    """

    source = models.CharField(_("data source"), max_length=20, choices=DataSource.choices)
    hospital = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                 limit_choices_to={"kind": Organisation.Kind.HOSPITAL})
    period_start = models.DateField(_("records from"))
    period_end = models.DateField(_("records to"))
    complete_up_to = models.DateField(
        _("complete up to"),
        help_text=_("The last day for which every record of this source has arrived."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["hospital__name", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "hospital"],
                                    name="data_coverage_unique_source_hospital"),
            models.CheckConstraint(condition=Q(period_start__lte=F("complete_up_to"))
                                   & Q(complete_up_to__lte=F("period_end")),
                                   name="data_coverage_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.source}: {self.complete_up_to}"


class WardAssignment(models.TextChoices):
    PROGRAM = "program", _("Program ward")
    COMPARISON = "comparison", _("Comparison ward")


class ProgramWard(BaseModel):
    """A ward declared as part of a site's program, or as its comparison (usual-care) ward.

    A site with no declared wards takes the wards where referrals were made as its program
    wards; declaring comparison wards turns on the ward-level comparison.
    """

    site = models.ForeignKey(ProgramSite, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    assignment = models.CharField(_("assignment"), max_length=20, choices=WardAssignment.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["site", "ward__name"]
        constraints = [models.UniqueConstraint(fields=["site", "ward"],
                                               name="program_ward_unique_site_ward")]


class EDVisit(BaseModel):
    """An emergency department visit, where the hospital records them."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ed_visits")
    hospital = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ed_visits",
                                 limit_choices_to={"kind": Organisation.Kind.HOSPITAL})
    visited_on = models.DateField(_("visited on"))
    mental_health = models.BooleanField(_("mental-health related"), default=True)

    class Meta:
        ordering = ["-visited_on"]
        indexes = [models.Index(fields=["client", "visited_on"]),
                   models.Index(fields=["hospital", "visited_on"])]


class Descriptor(models.TextChoices):
    """The three descriptors of the seed paper's data-analysis matrix."""

    WORKED_WELL = "worked_well", _("What worked well")
    NOT_SO_WELL = "not_so_well", _("What did not work so well")
    SUGGESTIONS = "suggestions", _("Suggestions for improvement")


class RespondentRole(models.TextChoices):
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    STAFF = "staff", _("Hospital staff")
    CLIENT = "client", _("Client")


class Codebook(BaseModel):
    """Themes and subthemes for coding feedback; one per program site or one program-wide."""

    name = models.CharField(_("name"), max_length=200)
    site = models.OneToOneField(ProgramSite, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="codebook",
                                help_text=_("Empty: the program-wide codebook."))

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="themes")
    descriptor = models.CharField(_("descriptor"), max_length=20, choices=Descriptor.choices)
    name = models.CharField(_("theme"), max_length=200)
    name_fr = models.CharField(_("theme in French"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["codebook", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["codebook", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (decision 0025)."""
        return in_language(self.name, self.name_fr)


class Subtheme(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="subthemes")
    name = models.CharField(_("subtheme"), max_length=200)
    name_fr = models.CharField(_("subtheme in French"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["theme", "name"], name="subtheme_unique_name")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_fr)


class Reflection(BaseModel):
    """One structured reflection (focus group or form) from a respondent group at a time point.

    Only de-identified text is stored: names of people known to Bridgeway, phone numbers,
    emails and health card numbers are removed when the reflection is recorded, so nobody,
    including evaluators, ever reads identifiers from feedback.
    """

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="reflections")
    respondent_role = models.CharField(_("respondents"), max_length=20,
                                       choices=RespondentRole.choices)
    timepoint_months = models.PositiveSmallIntegerField(
        _("months after the program started"), default=6,
        validators=[MinValueValidator(1), MaxValueValidator(120)])
    collected_on = models.DateField(_("collected on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")

    class Meta:
        ordering = ["-collected_on"]


class Excerpt(BaseModel):
    """One de-identified passage of a reflection under a descriptor, coded to a subtheme."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="excerpts")
    descriptor = models.CharField(_("descriptor"), max_length=20, choices=Descriptor.choices)
    text = models.TextField(_("excerpt (de-identified)"))
    subtheme = models.ForeignKey(Subtheme, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="excerpts")
    exemplar = models.BooleanField(_("exemplar quote"), default=False)
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    coded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reflection", "id"]
