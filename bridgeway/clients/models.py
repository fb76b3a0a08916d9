"""Clients, hospital stays, enrolment with its history, consent, and the match (care team).

The match lives here, low in the layers, because access, contacts and safety all depend on
who supports whom; the matching app only proposes matches and creates them via a service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgeway.core.choices import Gender, Strength
from bridgeway.core.fields import LONG_TEXT, EncryptedCharField, EncryptedTextField
from bridgeway.core.models import (
    BaseModel,
    Interest,
    Language,
    Organisation,
    ProgramSite,
    Ward,
    fsa_validator,
)
from bridgeway.core.text import digits_only, normalise_name
from bridgeway.supporters.models import SupporterProfile


class DerivedField(models.CharField):
    """A column computed from other fields of the row each time it is written (save and
    bulk_create both call pre_save), so search columns cannot drift from what they index.
    QuerySet.update() and bulk_update() bypass it: write names through save or bulk_create."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = _DERIVATIONS[self.source](model_instance)
        setattr(model_instance, self.attname, value)
        return value


_DERIVATIONS: dict[str, Callable[[Any], str]] = {
    "name": lambda c: normalise_name(c.given_name, c.family_name),
    "phone": lambda c: digits_only(c.phone),
}


class Client(BaseModel):
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices,
                              default=Gender.UNDISCLOSED)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    languages = models.ManyToManyField(Language, related_name="clients", blank=True,
                                       verbose_name=_("preferred languages"))
    interests = models.ManyToManyField(Interest, related_name="clients", blank=True)
    # Preferences for a peer supporter; each either preferred (scored) or required (a filter).
    pref_gender = models.CharField(_("preferred supporter gender"), max_length=20,
                                   choices=Gender.choices, blank=True)
    pref_gender_strength = models.CharField(max_length=10, choices=Strength.choices,
                                            default=Strength.NONE)
    pref_age_min = models.PositiveSmallIntegerField(
        _("preferred supporter age from"), null=True, blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(100)])
    pref_age_max = models.PositiveSmallIntegerField(
        _("preferred supporter age to"), null=True, blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(100)])
    pref_age_strength = models.CharField(max_length=10, choices=Strength.choices,
                                         default=Strength.NONE)
    pref_language = models.ForeignKey(Language, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("preferred supporter language"))
    pref_language_strength = models.CharField(max_length=10, choices=Strength.choices,
                                              default=Strength.NONE)
    availability = models.JSONField(_("days and times available"), default=list, blank=True)
    home_fsa = models.CharField(_("home area (postal FSA)"), max_length=3, blank=True,
                                validators=[fsa_validator])
    # Consent-gated categories (see access.policy): contact details, background, safety notes.
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    # Free text about the client, encrypted at rest (decision 0020).
    background = EncryptedTextField(_("background the client chooses to share"), blank=True,
                                    max_length=LONG_TEXT)
    safety_notes = EncryptedTextField(_("safety notes"), blank=True, max_length=LONG_TEXT)
    # Search columns (bridgeway/clients/search.py): the name unaccented and lower-case (a
    # trigram GIN index on PostgreSQL, migration 0003) and the phone's digits.
    search_name = DerivedField(max_length=201, source="name")
    phone_digits = DerivedField(max_length=30, source="phone", db_index=True)
    # Set when an administrator merged this record into another (clients/merge.py): the row
    # stays, as the record of what was merged; its id redirects to the survivor.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_from", editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"]),
                   models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def first_name_initial(self) -> str:
        """What emails and calendar feeds may carry: first name and last initial."""
        return f"{self.given_name} {self.family_name[:1]}."

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class HospitalStay(BaseModel):
    class Destination(models.TextChoices):
        HOME = "home", _("Home")
        SUPPORTED_HOUSING = "supported_housing", _("Supported housing")
        SHELTER = "shelter", _("Shelter")
        OTHER_HOSPITAL = "other_hospital", _("Another hospital")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="stays")
    hospital = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="stays",
                                 limit_choices_to={"kind": Organisation.Kind.HOSPITAL})
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="stays")
    admitted_on = models.DateField(_("admitted on"))
    expected_discharge_on = models.DateField(_("expected discharge"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharge_destination = models.CharField(_("discharge destination"), max_length=30,
                                             choices=Destination.choices, blank=True)

    class Meta:
        ordering = ["-admitted_on"]
        indexes = [models.Index(fields=["client", "admitted_on"]),
                   models.Index(fields=["hospital", "discharged_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_discharge_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward} {self.admitted_on}–{self.discharged_on or ''}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class EnrolmentStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    CONSENTED = "consented", _("Consented")
    WAITLISTED = "waitlisted", _("Waitlisted")
    MATCHED = "matched", _("Matched")
    ACTIVE = "active", _("Active in community")
    ON_HOLD = "on_hold", _("On hold")
    FINISHED = "finished", _("Finished")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined")


CLOSED_STATUSES = frozenset({EnrolmentStatus.FINISHED, EnrolmentStatus.WITHDRAWN,
                             EnrolmentStatus.DECLINED})
OPEN_STATUSES = frozenset(set(EnrolmentStatus) - CLOSED_STATUSES)


class Enrolment(BaseModel):
    class Intensity(models.TextChoices):
        STANDARD = "standard", _("Standard")
        INTENSIVE = "intensive", _("More intensive support")

    class SocialRelationships(models.TextChoices):
        """Baseline satisfaction with social relationships (TDM trials' "lonely" subgroup)."""

        UNKNOWN = "", _("Not recorded")
        SATISFIED = "satisfied", _("Satisfied")
        NEUTRAL = "neutral", _("Neutral")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="enrolments")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.REFERRED)
    status_changed_at = models.DateTimeField(_("status changed"))
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    referral_note = EncryptedTextField(_("referral note"), blank=True, max_length=LONG_TEXT)
    stay = models.ForeignKey(HospitalStay, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="enrolments", verbose_name=_("stay at referral"))
    waitlisted_since = models.DateTimeField(_("waitlisted since"), null=True, blank=True)
    priority = models.BooleanField(
        _("priority on the waitlist"), default=False,
        help_text=_("Set when a match ended and the client returns to the waitlist."))
    support_intensity = models.CharField(_("support needed"), max_length=20,
                                         choices=Intensity.choices, default=Intensity.STANDARD)
    social_relationships = models.CharField(_("baseline social relationships"), max_length=20,
                                            choices=SocialRelationships.choices, blank=True)

    class Meta:
        ordering = ["-referred_on"]
        indexes = [models.Index(fields=["site", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "site"],
                condition=~Q(status__in=sorted(s.value for s in CLOSED_STATUSES)),
                name="enrolment_one_open_per_client_site",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class EnrolmentStatusChange(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=EnrolmentStatus.choices)
    changed_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class ConsentCategory(models.TextChoices):
    """What a client may choose to share with their peer supporter."""

    CONTACT_DETAILS = "contact_details", _("Contact details")
    DISCHARGE_DATE = "discharge_date", _("Discharge date")
    STAY_STATUS = "stay_status", _("Hospital stay and readmission status")
    BACKGROUND = "background", _("Background the client chooses to share")
    SAFETY_NOTES = "safety_notes", _("Safety notes")


class ConsentRecord(models.Model):
    """One version of a client's consent; the highest version for an enrolment is in force."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="consents")
    version = models.PositiveIntegerField()
    participation = models.BooleanField(_("agrees to take part in peer support"))
    share_contact_details = models.BooleanField(_("share contact details"), default=False)
    share_discharge_date = models.BooleanField(_("share discharge date"), default=False)
    share_stay_status = models.BooleanField(_("share stay and readmission status"), default=False)
    share_background = models.BooleanField(_("share background"), default=False)
    share_safety_notes = models.BooleanField(_("share safety notes"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    note = EncryptedCharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "version"],
                                               name="consent_unique_version")]

    def shared_categories(self) -> frozenset[str]:
        if not self.participation:
            return frozenset()
        return frozenset(
            category.value for category in ConsentCategory
            if getattr(self, f"share_{category.value}")
        )


class Match(BaseModel):
    """Who supports whom, from when to when: the care team of one enrolment."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        CLIENT_ASKED = "client_asked", _("Client asked")
        SUPPORTER_ASKED = "supporter_asked", _("Supporter asked")
        NO_RAPPORT = "no_rapport", _("No rapport")
        SUPPORTER_LEFT = "supporter_left", _("Supporter left")
        SAFETY = "safety", _("Safety")
        COMPLETED = "completed", _("Support completed")
        DROPPED_OUT = "dropped_out", _("Client dropped out")
        WITHDREW = "withdrew", _("Client withdrew consent")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="matches")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="matches")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT, related_name="matches")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices,
                                  blank=True)
    end_note = EncryptedCharField(_("end note"), max_length=300, blank=True)
    do_not_rematch = models.BooleanField(_("do not match this pair again"), default=False)
    home_visits_allowed = models.BooleanField(_("home visits allowed (with a safety plan)"),
                                              default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["supporter", "status"]), models.Index(fields=["site", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["enrolment"], condition=Q(status="active"),
                                    name="match_one_active_per_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} ↔ {self.client_id} ({self.status})"


class IdentifierKind(models.TextChoices):
    MRN = "mrn", _("Medical record number")
    HEALTH_CARD = "health_card", _("Health card number")
    OTHER = "other", _("Other identifier")


class ClientIdentifier(BaseModel):
    """A number that names a client in another system: the hospital's MRN, the health card.

    The value is stored encrypted (bridgeway.core.crypto) and found by its blind index, a keyed
    hash of the normalised value, so uniqueness and exact lookup never need the plaintext.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    # The MRN's issuer; none for a provincial health card or another identifier.
    hospital = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+",
                                 limit_choices_to={"kind": Organisation.Kind.HOSPITAL})
    label = models.CharField(_("what identifier"), max_length=60, blank=True,
                             help_text=_("For another identifier: what it is, e.g. a shelter ID."))
    value_encrypted = models.TextField(editable=False)
    blind_index = models.CharField(max_length=80, editable=False, db_index=True)
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("Where the number came from: referral, a file, a system."))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "hospital", "blind_index"],
                                    condition=Q(hospital__isnull=False),
                                    name="identifier_unique_per_hospital"),
            models.UniqueConstraint(fields=["kind", "blind_index"],
                                    condition=Q(hospital__isnull=True),
                                    name="identifier_unique_without_hospital"),
            models.CheckConstraint(condition=~Q(kind="mrn") | Q(hospital__isnull=False),
                                   name="identifier_mrn_has_hospital"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.client_id})"

    @property
    def value(self) -> str:
        from bridgeway.core.crypto import decrypt

        return decrypt(self.value_encrypted)


class ClientMerge(models.Model):
    """An administrator's merge of a duplicate record into the surviving one."""

    survivor = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges")
    merged = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="merge")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_at = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=300)
    moved = models.JSONField(default=dict, help_text="Rows moved, per table.")

    class Meta:
        ordering = ["-merged_at"]


from .covers import Cover  # noqa: E402,F401 — registered with the app (decision 0024)
