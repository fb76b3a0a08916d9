"""The peer supporter's day on a phone, and the coordinator's view of the site.

Views parse, call the access layer / selectors / services, and respond. Every page showing
client data writes exactly one audit event (client_for_user for one client, audit_list for
lists); every write is a service that audits itself.
"""
