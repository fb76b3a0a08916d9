"""The safety section of the client page: alerts, checklist, binder, bridging, outreach and
the two-tap incident button."""

from __future__ import annotations

from typing import Any

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.core.models import Role
from bridgeway.safety import selectors
from bridgeway.safety.models import Incident


def visible(access: ClientAccess) -> bool:
    return access.sees(Info.SAFETY) or access.sees(Info.BINDER)


def context(access: ClientAccess, request: Any) -> dict[str, Any]:
    """Two queries: the open alerts, and everything else in one summary (selectors)."""
    stay = selectors.current_stay(access) if access.sees(Info.DISCHARGE_DATE) else None
    return {
        "safety_client": access.client,
        "safety_alerts": list(selectors.client_alerts(access)[:10]),
        "care": selectors.care_summary(access, stay),
        "incident_kinds": Incident.Kind.choices,
        # A button only; the write itself is authorised by the access layer.
        "can_report_incident": access.role in {Role.PEER_SUPPORTER, Role.COORDINATOR,
                                               Role.ADMINISTRATOR},
        "stay": stay,
    }
