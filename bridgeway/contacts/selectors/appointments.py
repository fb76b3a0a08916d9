"""Appointments: one client's, and a supporter's calendar feed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess, clients_for_user
from bridgeway.core.models import Role
from bridgeway.supporters.models import SupporterProfile

from ..models import Appointment


def client_appointments(access: ClientAccess, *, upcoming_only: bool = False) -> list[Appointment]:
    if not access.sees(Info.CONTACT_LOG):
        return []
    qs = Appointment.objects.filter(client=access.client).select_related("supporter__user")
    if upcoming_only:
        qs = qs.filter(starts_at__gte=timezone.now() - timedelta(hours=12),
                       outcome=Appointment.Outcome.PLANNED)
        return list(qs.order_by("starts_at")[:10])
    return list(qs.order_by("-starts_at")[:30])



def feed_appointments(supporter: SupporterProfile, *, now: datetime | None = None) -> list[Appointment]:
    """Planned appointments (last 30 days onward) for clients still matched with the supporter."""
    now = now or timezone.now()
    scope = clients_for_user(supporter.user, Role.PEER_SUPPORTER)
    return list(Appointment.objects.filter(
        supporter=supporter, client__in=scope, starts_at__gte=now - timedelta(days=30))
        .exclude(outcome__in=[Appointment.Outcome.CANCELLED, Appointment.Outcome.RESCHEDULED])
        .select_related("client").order_by("starts_at"))
