"""Every kind of import, by the name the command and the page use."""

from __future__ import annotations

from .base import Kind
from .clients import KIND as CLIENTS
from .history import STAYS_KIND, VISITS_KIND
from .people import SUPPORTERS_KIND, TRAINING_KIND
from .program import ENROLMENTS_KIND, MATCHES_KIND

# In the order a program imports them: each names rows of the kinds before it by their keys.
KINDS: dict[str, Kind] = {k.name: k for k in (
    CLIENTS, STAYS_KIND, VISITS_KIND, SUPPORTERS_KIND, TRAINING_KIND, ENROLMENTS_KIND,
    MATCHES_KIND)}
