"""Reads for the contacts app, by topic, always scoped through the access layer.

- caseload.py: the supporter's caseload, the coordinator's site view, weekly summaries
- contacts.py: one client's contact log and the log form's starting values
- goals.py, appointments.py, groups.py: one topic each (the calendar feed reads its own)
- common.py: zones and weeks, the signed-in supporter's profile, link templates
"""
