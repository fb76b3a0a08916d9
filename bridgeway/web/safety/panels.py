"""The safety section of the client page: alerts, checklist, binder, bridging, outreach and
the two-tap incident button."""

from __future__ import annotations

from typing import Any

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess
from bridgeway.core.models import Role
from bridgeway.safety import selectors
from bridgeway.safety.models import BinderEntry, Incident


def visible(access: ClientAccess) -> bool:
    return access.sees(Info.SAFETY) or access.sees(Info.BINDER)


def context(access: ClientAccess, request: Any) -> dict[str, Any]:
    stay = selectors.current_stay(access)
    return {
        "safety_client": access.client,
        "safety_alerts": list(selectors.client_alerts(access)[:10]),
        "binder_entries": list(selectors.binder_entries(access)[:5]),
        "binder_in_charge": selectors.binder_in_charge(access),
        "binder_categories": BinderEntry.Category.choices,
        "incident_kinds": Incident.Kind.choices,
        # A button only; the write itself is authorised by the access layer.
        "can_report_incident": access.role in {Role.PEER_SUPPORTER, Role.COORDINATOR,
                                               Role.ADMINISTRATOR},
        "stay": stay if (stay and access.sees(Info.DISCHARGE_DATE)) else None,
        "checklist": selectors.checklist_for(stay) if access.sees(Info.DISCHARGE_DATE) else None,
        "bridging": selectors.bridgings(access).first(),
        "outreach": selectors.outreach(access),
    }
