"""The access layer has no tables of its own."""
