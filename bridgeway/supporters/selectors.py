"""Reads about peer supporters: capacity and training, computed in the database; supervision
and check-ins at the sites a caller coordinates (the caller decides those sites through
bridgeway.access)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from bridgeway.core.models import ProgramSite, User

from .models import CheckIn, SupervisionSession, SupporterProfile, TrainingRecord


def with_capacity(qs: QuerySet[SupporterProfile]) -> QuerySet[SupporterProfile]:
    """Annotate `active_clients` and `free_places` (max minus active matches)."""
    return qs.annotate(
        active_clients=Coalesce(Count("matches", filter=Q(matches__status="active")),
                                Value(0), output_field=IntegerField()),
    ).annotate(free_places=F("max_active_clients") - F("active_clients"))


def supporters_for_site(site: ProgramSite) -> QuerySet[SupporterProfile]:
    return with_capacity(SupporterProfile.objects.filter(sites=site)).select_related(
        "user", "organisation")


def _current_required(site: ProgramSite, on: date) -> tuple[list[int], QuerySet[TrainingRecord]]:
    """The site's required modules, and the training records of them that are valid on `on`."""
    required = list(site.required_training.values_list("id", flat=True))
    valid = TrainingRecord.objects.filter(module_id__in=required, completed_on__lte=on).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return required, valid


def trained_supporter_ids(site: ProgramSite, on: date) -> set[int]:
    """Supporters holding every training the site requires, current on `on`."""
    required, valid = _current_required(site, on)
    if not required:
        return set(SupporterProfile.objects.filter(sites=site).values_list("id", flat=True))
    counts = (valid.values("supporter_id").annotate(n=Count("module_id", distinct=True))
              .filter(n=len(required)))
    return {row["supporter_id"] for row in counts}


def has_required_training(supporter: SupporterProfile, site: ProgramSite, on: date) -> bool:
    """Whether one supporter holds every training the site requires, current on `on`."""
    required, valid = _current_required(site, on)
    held = set(valid.filter(supporter=supporter).values_list("module_id", flat=True))
    return held == set(required)


def supervision_at(sites: QuerySet[ProgramSite]) -> QuerySet[SupervisionSession]:
    return (SupervisionSession.objects.filter(site__in=sites)
            .select_related("led_by", "site").prefetch_related("supporters__user"))


def supporters_at(sites: QuerySet[ProgramSite]) -> QuerySet[SupporterProfile]:
    return SupporterProfile.objects.filter(sites__in=sites).distinct().select_related("user")


def checkins_for(user: User, sites: QuerySet[ProgramSite]) -> QuerySet[CheckIn]:
    """A supporter sees their own; coordinators those of supporters at `sites` (theirs)."""
    own = Q(supporter__user=user)
    coordinated = Exists(SupporterProfile.sites.through.objects.filter(
        supporterprofile_id=OuterRef("supporter_id"), programsite_id__in=sites.values("id")))
    return (CheckIn.objects.filter(own | Q(coordinated)).select_related("supporter__user")
            .order_by("-created_at"))


def checkins_of(supporter: SupporterProfile) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(supporter=supporter)
