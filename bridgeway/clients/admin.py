"""Client records are deliberately not in the Django admin.

The admin is for reference data (organisations, wards, sites, accounts, training). Every
view and change of client data goes through bridgeway.access and the services, which audit
it; an admin screen would bypass both.
"""
