"""Models for this app are added by its issue."""
