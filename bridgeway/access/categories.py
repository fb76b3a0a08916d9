"""Information categories: what the access layer grants and what the audit names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgeway.clients.models import ConsentCategory


class Info(models.TextChoices):
    IDENTITY = "identity", _("Name and date of birth")
    PROFILE = "profile", _("Languages, interests and preferences")
    CONTACT_DETAILS = ConsentCategory.CONTACT_DETAILS.value, ConsentCategory.CONTACT_DETAILS.label
    DISCHARGE_DATE = ConsentCategory.DISCHARGE_DATE.value, ConsentCategory.DISCHARGE_DATE.label
    STAY_STATUS = ConsentCategory.STAY_STATUS.value, ConsentCategory.STAY_STATUS.label
    BACKGROUND = ConsentCategory.BACKGROUND.value, ConsentCategory.BACKGROUND.label
    SAFETY_NOTES = ConsentCategory.SAFETY_NOTES.value, ConsentCategory.SAFETY_NOTES.label
    # Every identifier (health card, hospital MRNs, others): staff only, never an evaluator or
    # a peer supporter (decision 0013).
    HEALTH_CARD = "health_card", _("Health card and record numbers")
    REFERRAL = "referral", _("Referral")
    ENROLMENT = "enrolment", _("Enrolment status")
    CONSENT = "consent", _("Consent")
    MATCH = "match", _("Peer supporter match")
    # Peer contacts: CONTACT_LOG is that a contact happened (when, how long, mode, setting,
    # activities, outcome); CONTACT_NOTES is the supporter's free-text note. Notes are private
    # to the supporter and the coordinator: ward staff get CONTACT_LOG only (WARD_STAFF below),
    # and bridgeway.contacts.selectors.note_visible also hides from a peer supporter the notes
    # of contacts they did not log (a former supporter's).
    CONTACT_LOG = "contact_log", _("That contacts happened")
    CONTACT_NOTES = "contact_notes", _("Contact notes")
    GOALS = "goals", _("Recovery goals")
    BINDER = "binder", _("Communication binder")
    SAFETY = "safety", _("Safety-net alerts and incidents")
    AUDIT = "audit", _("Access history")
    CASELOAD = "caseload", _("Lists of clients")


CONSENT_GATED = frozenset(c.value for c in ConsentCategory)
ALL = frozenset(i.value for i in Info)

# Coordinators and administrators see the whole record of clients in scope.
FULL = ALL
# Site leads own implementation, not the peer relationship: a supporter's contact notes are
# private to the supporter and the coordinator, so site leads see that contacts happened only.
SITE_LEAD = ALL - {Info.CONTACT_NOTES.value}
# Ward staff are the client's clinical team: they see the hospital-held record, that peer
# contacts happened (not the supporter's notes), and what the client shared with the peer
# program only where it concerns their care (safety notes), not the client's private background.
WARD_STAFF = ALL - {Info.CONTACT_NOTES.value, Info.BACKGROUND.value}
# A matched peer supporter always sees who the client is, their preferences, the match, the
# contact log with their own notes, goals and the binder entries meant for them; the
# consent-gated categories only when the client shares them.
SUPPORTER_BASE = frozenset({
    Info.IDENTITY.value, Info.PROFILE.value, Info.ENROLMENT.value, Info.MATCH.value,
    Info.CONTACT_LOG.value, Info.CONTACT_NOTES.value, Info.GOALS.value, Info.BINDER.value,
    Info.SAFETY.value, Info.CASELOAD.value,
})
