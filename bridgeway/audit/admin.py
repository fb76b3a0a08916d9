"""The audit trail is not in the Django admin: reading it is itself audited, on the
access-report pages (/audit/clients/<id>/, /audit/users/<id>/), and it is append-only."""
