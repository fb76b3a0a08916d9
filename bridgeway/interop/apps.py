from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    """A door (docs/architecture.md): it parses what other systems send and writes through
    the rooms. Its models only remember where imported rows came from (`ImportKey`) and what
    each import did (`ImportRun`); no domain app imports them."""

    name = "bridgeway.interop"
    label = "interop"
    verbose_name = "Interoperability (imports)"
