"""Writes for clients, stays, enrolments, consent and matches.

Every function is keyword-only, atomic, and writes its audit event in the same transaction.
Permission to act is decided before the call by the access layer, which hands over the Actor.
One module per subject; callers import from the package.
"""

from __future__ import annotations

from .clients import ClientDetails, client_refer, client_update
from .enrolment import (
    ENDS_MATCH,
    NEEDS_MATCH,
    TRANSITIONS,
    consent_record,
    enrolment_change_status,
    enrolment_waitlist,
)
from .matches import match_create, match_end, supporter_free_capacity
from .stays import stay_admit, stay_discharge, stay_set_expected_discharge

__all__ = [
    "ENDS_MATCH", "NEEDS_MATCH", "TRANSITIONS", "ClientDetails", "client_refer", "client_update",
    "consent_record", "enrolment_change_status", "enrolment_waitlist",
    "match_create", "match_end", "stay_admit",
    "stay_discharge", "stay_set_expected_discharge", "supporter_free_capacity",
]
