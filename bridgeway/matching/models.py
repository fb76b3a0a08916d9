"""Matching: per-site criteria, matching runs, proposals and the supporter's "new match" notices.

The engine (engine.py) is pure; these models hold its inputs (criteria), its outputs
(proposals with their explanation) and the coordinator's decisions on them. Creating the
actual match always goes through bridgeway.clients.services.match_create.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Enrolment, Match
from bridgeway.core.fields import EncryptedCharField
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupporterProfile

WEIGHT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class MatchingCriteria(BaseModel):
    """How one site matches: hard constraints (a pair is not allowed) and soft weights (points).

    Defaults are documented in docs/matching.md and mirrored by engine.Criteria.
    """

    site = models.OneToOneField(ProgramSite, on_delete=models.CASCADE,
                                related_name="matching_criteria")
    # Hard constraints that a coordinator may switch. Always on: supporter active (not paused,
    # not left), free capacity, serves the site, client's required language/gender/age, no
    # "do not re-match" flag for the pair.
    require_training = models.BooleanField(
        _("require the site's training"), default=True,
        help_text=_("Only supporters with every training the site requires, still valid today."))
    require_hours = models.BooleanField(
        _("require weekly hours for one more client"), default=True,
        help_text=_("Supporter's weekly hours must cover one more client at the site's weekly "
                    "commitment."))
    require_shared_language = models.BooleanField(
        _("require a shared language"), default=True,
        help_text=_("When the client lists languages, the supporter must speak at least one."))
    max_distance_km = models.PositiveIntegerField(
        _("maximum distance between home areas (km)"), null=True, blank=True, default=60,
        validators=[MaxValueValidator(1000)],
        help_text=_("Empty: no limit. Unknown home areas never block a pair."))
    # Soft criteria: points for a perfect fit on each criterion.
    weight_interests = models.PositiveSmallIntegerField(_("shared interests"), default=30,
                                                        validators=WEIGHT_VALIDATORS)
    weight_age = models.PositiveSmallIntegerField(_("age closeness"), default=20,
                                                  validators=WEIGHT_VALIDATORS)
    weight_gender = models.PositiveSmallIntegerField(_("gender"), default=20,
                                                     validators=WEIGHT_VALIDATORS)
    weight_language = models.PositiveSmallIntegerField(_("preferred language"), default=15,
                                                       validators=WEIGHT_VALIDATORS)
    weight_distance = models.PositiveSmallIntegerField(_("home-area proximity"), default=15,
                                                       validators=WEIGHT_VALIDATORS)
    weight_availability = models.PositiveSmallIntegerField(_("availability overlap"), default=10,
                                                           validators=WEIGHT_VALIDATORS)
    weight_intensity = models.PositiveSmallIntegerField(_("support intensity vs paid/volunteer"),
                                                        default=10, validators=WEIGHT_VALIDATORS)
    weight_waiting = models.PositiveSmallIntegerField(_("waiting time"), default=10,
                                                      validators=WEIGHT_VALIDATORS)
    site_language = models.CharField(
        _("language everyone at the site speaks"), max_length=60, default="English",
        help_text=_("Sharing it earns no language points and is not named in reasons."))
    age_span_years = models.PositiveSmallIntegerField(
        _("age difference that scores nothing (years)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(80)])
    distance_span_km = models.PositiveSmallIntegerField(
        _("distance that scores nothing (km)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    waiting_span_days = models.PositiveSmallIntegerField(
        _("wait that scores full points (days)"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(730)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = _("matching criteria")
        verbose_name_plural = _("matching criteria")

    def __str__(self) -> str:
        return f"{self.site} — {_('matching criteria')}"


class MatchingRun(BaseModel):
    """One run of the engine for a site's waitlist (or one client)."""

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="matching_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    parameters = models.JSONField(_("criteria used"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    single_enrolment = models.ForeignKey(Enrolment, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.site} {self.created_at:%Y-%m-%d %H:%M}"


class Proposal(BaseModel):
    """The engine's proposal of one supporter for one waiting client, with its explanation."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="proposals")
    # No index of their own on supporter and match: nothing looks proposals up by them (a
    # run writes ~10^4 rows at once, and every index costs), and neither is ever deleted
    # while it has proposals in practice (matches are kept; supporters with matches are
    # protected).
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="proposals", db_index=False)
    # A copy of the enrolment's site, for the open-by-site index below (no separate index
    # on site). No database-level foreign key either: the enrolment's own key already ties
    # the row to an existing site, PROTECT still applies in the ORM, and checking a second
    # key costs ~0.1 s per 17,000 proposals a large run writes.
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="proposals",
                             db_index=False, db_constraint=False)
    score = models.FloatField(_("score"))
    contributions = models.JSONField(_("points per criterion"), default=dict)
    # The reason in words is derived from the records when a page shows the proposal
    # (selectors.explain_proposals, like its next best alternatives) and stored here when
    # the proposal is decided, so the history keeps what the coordinator read.
    reason = models.TextField(_("why"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", db_index=False)
    decision_note = EncryptedCharField(_("note"), max_length=300, blank=True)
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="proposals", db_index=False)

    class Meta:
        ordering = ["-created_at", "id"]
        # Every read by site or age asks for open proposals only (the proposals page, the
        # pending-proposal alert), so both indexes hold open proposals only: superseding a
        # run's proposals (a non-HOT update) then adds no entry to them, and they stay the
        # size of the open set rather than of the whole history.
        indexes = [models.Index(fields=["site"], condition=Q(status="proposed"),
                                name="proposal_open_by_site"),
                   models.Index(fields=["created_at"], condition=Q(status="proposed"),
                                name="proposal_open_by_age")]
        constraints = [
            models.UniqueConstraint(fields=["enrolment"], condition=Q(status="proposed"),
                                    name="proposal_one_open_per_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} → {self.enrolment_id} ({self.status})"


class UnmatchedReport(models.Model):
    """A client a run could not match, with the constraint that blocks them (in words)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    reason = models.TextField()

    class Meta:
        ordering = ["id"]


class MatchNotice(models.Model):
    """'You have a new match' for a peer supporter, until they open it."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="match_notices")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
