"""Groups: who may be recorded at a group and where, who was present, a supporter's feed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from bridgeway.access.policy import clients_for_user, sites_for
from bridgeway.core.models import ProgramSite, Role, User
from bridgeway.supporters.models import SupporterProfile

from ..models import Contact, GroupSession
from .common import supporter_profile

# --- Groups and the calendar ----------------------------------------------------------------

def group_candidates(user: User, site: ProgramSite) -> QuerySet:
    """Clients the user may record at a group of `site`: in their access scope and enrolled
    (open) at the site."""
    from bridgeway.clients.models import CLOSED_STATUSES, Client

    return (Client.objects.filter(pk__in=clients_for_user(user).values("pk"))
            .filter(enrolments__site=site).exclude(enrolments__status__in=CLOSED_STATUSES)
            .distinct().order_by("given_name", "family_name"))


def group_sites(user: User) -> list[ProgramSite]:
    """Sites where the user may record a group: their coordinator sites and the sites the
    supporter serves (site leads oversee, they do not record)."""
    sites = set(sites_for(user, Role.COORDINATOR))
    profile = supporter_profile(user)
    if profile is not None:
        sites |= set(profile.sites.all())
    return sorted(sites, key=lambda s: s.name)



def feed_groups(supporter: SupporterProfile, *, now: datetime | None = None) -> list[GroupSession]:
    now = now or timezone.now()
    return list(GroupSession.objects.filter(facilitators=supporter, starts_at__gte=now - timedelta(days=30))
                .order_by("starts_at"))



def group_attendees(user: User, session: GroupSession) -> list:
    """The clients present at a group whom this user may see (others are only counted)."""
    return list(clients_for_user(user).filter(
        pk__in=Contact.objects.filter(group_session=session).values("client_id"))
        .order_by("given_name", "family_name"))


def groups_at(site: ProgramSite, *, now: datetime | None = None
              ) -> tuple[list[GroupSession], list[GroupSession]]:
    """The site's groups to come (soonest first) and past ones (latest first, the last 50),
    each with its facilitators and `present` (how many attended). Five queries however many."""
    now = now or timezone.now()
    qs = (GroupSession.objects.filter(site=site).annotate(present=Count("contacts"))
          .prefetch_related(Prefetch("facilitators", queryset=SupporterProfile.objects
                                     .select_related("user").order_by("user__first_name"))))
    return (list(qs.filter(starts_at__gte=now).order_by("starts_at")[:100]),
            list(qs.filter(starts_at__lt=now).order_by("-starts_at")[:50]))
