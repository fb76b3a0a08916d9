"""The peer supporter's day: contacts, group sessions, appointments, recovery goals, calendar feeds.

Safety and outcomes read `Contact` by these field names (client, occurred_at, outcome, setting,
duration_minutes, supporter); keep them stable.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import Client, Match
from bridgeway.core.fields import NOTE, EncryptedCharField, EncryptedJSONField, EncryptedTextField
from bridgeway.core.models import BaseModel, ProgramSite
from bridgeway.supporters.models import SupporterProfile

MAX_CONTACT_MINUTES = 12 * 60


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")


class Setting(models.TextChoices):
    WARD = "ward", _("On the ward")
    COMMUNITY = "community", _("In the community")
    HOME = "home", _("Client's home")
    APPOINTMENT = "appointment", _("At an appointment")


class Activity(models.TextChoices):
    ROUTINE = "routine", _("Routine and daily-living skills")
    LEISURE = "leisure", _("Leisure or outing")
    GOAL_WORK = "goal_work", _("Goal work")
    ADVOCACY = "advocacy", _("Advocacy at an appointment")
    EMOTIONAL_SUPPORT = "emotional_support", _("Emotional support, listening")
    COMMUNITY_RESOURCES = "community_resources", _("Community resources")


class Outcome(models.TextChoices):
    MET = "met", _("Met")
    NO_SHOW = "no_show", _("Client did not show")
    NOT_REACHED = "not_reached", _("Could not reach")
    CANCELLED_CLIENT = "cancelled_client", _("Cancelled by client")
    CANCELLED_SUPPORTER = "cancelled_supporter", _("Cancelled by supporter")


class GroupSession(BaseModel):
    """An on-ward or community group; each client present gets one Contact (is_group=True).

    Scheduled first (weekly ones share a `series`), its attendance taken once it has started
    (`attendance_taken_at`); a group recorded after the fact gets both at once (decision 0024).
    """

    class Kind(models.TextChoices):
        ON_WARD = "on_ward", _("On-ward group")
        COMMUNITY = "community", _("Community group")

    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="group_sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTACT_MINUTES)])
    facilitators = models.ManyToManyField(SupporterProfile, related_name="group_sessions",
                                          verbose_name=_("facilitators"))
    note = EncryptedTextField(_("note"), blank=True, max_length=NOTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    series = models.UUIDField(null=True, blank=True, editable=False)
    attendance_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["site", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"


class Contact(BaseModel):
    """One contact between a peer supporter and a client (or a client's attendance at a group)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="contacts")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="contacts")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField(_("when"))
    # Empty when nobody met (a "could not reach" call has no length); every reader of minutes
    # counts met contacts only.
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTACT_MINUTES)])
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices,
                               default=Setting.COMMUNITY, blank=True)
    is_group = models.BooleanField(_("group"), default=False)
    group_session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, null=True,
                                      blank=True, related_name="contacts")
    activities = models.JSONField(_("activities"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               default=Outcome.MET)
    note = EncryptedTextField(_("note"), blank=True, max_length=NOTE)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    # The log form's one-time token: a second submit of the same form finds this contact
    # instead of making another (docs/decisions/0022).
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["supporter", "occurred_at"]),
            models.Index(fields=["site", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(duration_minutes__isnull=True)
                           | models.Q(duration_minutes__gte=1,
                                      duration_minutes__lte=MAX_CONTACT_MINUTES)),
                name="contact_duration_range"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_mode_display()}"

    def activity_labels(self) -> list[str]:
        labels = dict(Activity.choices)
        return [str(labels.get(a, a)) for a in self.activities or []]

    @property
    def was_corrected(self) -> bool:
        return self.version > 1


class ContactVersion(BaseModel):
    """A contact as it was before a correction or a deletion: the trail of every change.

    Kept when the contact itself is deleted (the contact's id stays in contact_public_id), so
    the coordinator can still read what was removed, by whom and when.
    """

    class Change(models.TextChoices):
        EDITED = "edited", _("Corrected")
        DELETED = "deleted", _("Deleted")

    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="versions")
    contact_public_id = models.UUIDField(db_index=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=10, choices=Change.choices)
    # The replaced values: occurred_at (ISO), duration_minutes, mode, setting, activities,
    # outcome, note.
    values = EncryptedJSONField()  # the note among them: encrypted like the contact's
    reason = EncryptedCharField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # The correction form's one-time token (a second submit changes nothing).
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-version", "-id"]
        constraints = [models.UniqueConstraint(fields=["contact_public_id", "version"],
                                               name="contact_version_once")]

    def __str__(self) -> str:
        return f"contact {self.contact_public_id} v{self.version} ({self.change})"


class Appointment(BaseModel):
    """An appointment the supporter will accompany the client to (with the client's consent)."""

    class Outcome(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ATTENDED = "attended", _("Attended together")
        CLIENT_WENT_ALONE = "client_alone", _("Client went alone")
        MISSED = "missed", _("Missed")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Reminder(models.IntegerChoices):
        NONE = 0, _("No reminder")
        MIN_30 = 30, _("30 minutes before")
        HOUR_1 = 60, _("1 hour before")
        HOUR_2 = 120, _("2 hours before")
        DAY_1 = 1440, _("1 day before")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="appointments")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="appointments")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="appointments")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(
        _("expected length (minutes)"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTACT_MINUTES)])
    place = models.CharField(_("place"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    reminder_minutes = models.PositiveIntegerField(_("reminder"), choices=Reminder.choices,
                                                   default=Reminder.HOUR_1)
    consent_to_accompany = models.BooleanField(
        _("the client agrees that the supporter accompanies them"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               default=Outcome.PLANNED)
    outcome_note = EncryptedTextField(_("how it went"), blank=True, max_length=NOTE)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["supporter", "starts_at"]),
                   models.Index(fields=["client", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.starts_at:%Y-%m-%d %H:%M})"


class GoalDomain(models.TextChoices):
    WORK = "work", _("Work")
    SCHOOL = "school", _("School")
    HOUSING = "housing", _("Housing")
    SOCIAL = "social", _("Social connection")
    ROUTINE_HEALTH = "routine_health", _("Routine and health")
    LEISURE = "leisure", _("Leisure")
    OTHER = "other", _("Other")


class RecoveryGoal(BaseModel):
    """A goal in the client's own words, worked on with their peer supporter."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        PAUSED = "paused", _("Paused")
        DROPPED = "dropped", _("Dropped")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="recovery_goals")
    site = models.ForeignKey(ProgramSite, on_delete=models.PROTECT, related_name="recovery_goals")
    domain = models.CharField(_("area of life"), max_length=20, choices=GoalDomain.choices)
    title = models.CharField(_("goal, in the client's words"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["status", "target_date", "title"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return self.title


class GoalStep(BaseModel):
    goal = models.ForeignKey(RecoveryGoal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("step"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class GoalNote(BaseModel):
    """The goal's timeline: progress notes and the changes made to it."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Progress note")
        CREATED = "created", _("Goal set")
        STEP_ADDED = "step_added", _("Step added")
        STEP_DONE = "step_done", _("Step done")
        STATUS = "status", _("Status changed")
        EDITED = "edited", _("Goal changed")

    goal = models.ForeignKey(RecoveryGoal, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = EncryptedTextField(_("note"), max_length=NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(BaseModel):
    """A private iCalendar feed of a supporter's appointments; the token is the only key."""

    supporter = models.ForeignKey(SupporterProfile, on_delete=models.CASCADE,
                                  related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["supporter"], condition=models.Q(revoked_at__isnull=True),
                                    name="calendar_feed_one_live_per_supporter"),
        ]

    def __str__(self) -> str:
        return f"feed {self.supporter_id} ({'revoked' if self.revoked_at else 'live'})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
