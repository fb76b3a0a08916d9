"""Writes for the peer supporter's day: contacts, groups, appointments, goals, calendar feeds.

Every function is keyword-only, atomic and audited in the same transaction. Whether the actor
may act is decided before the call by the access layer (`authorize(..., Action.LOG_CONTACT)`),
which hands over the Actor; the services re-check what only they can know (the match, the
site, the clock) and raise ValidationError with field names so forms show the error in place.

By topic: contacts.py (log a contact), groups.py, appointments.py, goals.py, calendar.py (the
feed); common.py holds what they share.
"""
