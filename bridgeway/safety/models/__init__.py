"""Safety net models, by topic: alerts (thresholds, alerts, the scan's rows, notifications),
care (checklist, binder, bridging, outreach) and incidents. Supervision and check-ins are
the supporters' own (bridgeway.supporters.models).

Django finds an app's models through this module, so every model is imported here.
"""

from __future__ import annotations

from .alerts import (
    ALERT_ACTIONS,
    OPEN_ALERT,
    Alert,
    AlertLog,
    Notification,
    OwnerRoleChoice,
    RuleChoice,
    SafetyThresholds,
    ScanHit,
    ScanRun,
    SeverityChoice,
)
from .care import Binder, BinderEntry, Bridging, DischargeChecklist, OutreachCase, OutreachStep
from .incidents import Incident

__all__ = [
    "ALERT_ACTIONS", "OPEN_ALERT", "Alert", "AlertLog", "Binder", "BinderEntry", "Bridging",
    "DischargeChecklist", "Incident", "Notification", "OutreachCase", "OutreachStep",
    "OwnerRoleChoice", "RuleChoice", "SafetyThresholds", "ScanHit", "ScanRun", "SeverityChoice",
]
