"""Pages of the safety net. Views parse, ask the access layer and selectors, call services.

Every page showing client data writes exactly one audit event: client_for_user for one
client, audit_list for lists. Writes are services, authorised by access.policy.authorize.
"""
