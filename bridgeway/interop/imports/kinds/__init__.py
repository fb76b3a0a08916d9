"""Every kind of import, by the name the command and the page use."""

from __future__ import annotations

from .base import Kind
from .clients import KIND as CLIENTS
from .history import STAYS_KIND, VISITS_KIND

KINDS: dict[str, Kind] = {k.name: k for k in (CLIENTS, STAYS_KIND, VISITS_KIND)}
