"""Cover: a colleague supports a matched client for a while, when their supporter rests.

The cover names the match it covers, so the client, the enrolment (and its consent) and the
usual supporter come from the match; the access layer lets the covering supporter see the
client with the same consented categories from `starts_on` to `ends_on` (both included) and
not a day outside it: the end needs no job, the dates are the rule (decision 0024).

Defined apart from models.py (which imports it, so Django registers it) to keep that module
small; it refers to the match by name, so it imports nothing from models.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from bridgeway.core.fields import EncryptedCharField
from bridgeway.core.models import BaseModel
from bridgeway.supporters.models import SupporterProfile


class Cover(BaseModel):
    match = models.ForeignKey("clients.Match", on_delete=models.PROTECT, related_name="covers")
    supporter = models.ForeignKey(SupporterProfile, on_delete=models.PROTECT,
                                  related_name="covers", verbose_name=_("covering supporter"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (included)"))
    note = EncryptedCharField(_("note"), max_length=300, blank=True)  # a handover note (0020)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["supporter", "ends_on"]),
                   models.Index(fields=["match", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="cover_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"cover {self.supporter_id} for match {self.match_id}"

    def is_current(self, day: date) -> bool:
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on


def in_force(day: date, prefix: str = "") -> Q:
    """Covers in force on `day` (not cancelled, `day` within their dates, the match still
    active), as a filter on Cover, or on a model that reaches Cover by `prefix`."""
    return Q(**{f"{prefix}starts_on__lte": day, f"{prefix}ends_on__gte": day,
                f"{prefix}cancelled_at__isnull": True, f"{prefix}match__status": "active"})


def not_over(day: date) -> QuerySet[Cover]:
    """Covers in force or planned (not cancelled, not ended before `day`)."""
    return Cover.objects.filter(ends_on__gte=day, cancelled_at__isnull=True,
                                match__status="active")


def planned_or_current(match_covers: QuerySet[Cover], day: date) -> QuerySet[Cover]:
    """Of a match's covers (`match.covers`), those not over on `day`, earliest first."""
    return (match_covers.filter(ends_on__gte=day, cancelled_at__isnull=True)
            .select_related("supporter__user").order_by("starts_on"))


def covers_of(client: Any) -> QuerySet[Cover]:
    """Every cover of one client (the caller got the client from the access layer)."""
    return Cover.objects.filter(match__client=client)


def cover_of_client(client_covers: QuerySet[Cover], public_id: Any) -> Cover | None:
    """One of a client's covers (`covers_of(access.client)`), or None."""
    return client_covers.filter(public_id=public_id).select_related("match__site").first()


def next_cover_fields(day: date) -> dict[str, Subquery]:
    """Annotations for a Match queryset: the cover in force on `day`, else the next planned
    one — who (first and last name), from, to and its public id — read in the match's own
    query, so the client page shows a cover without one more query."""
    cover = (Cover.objects.filter(match=OuterRef("pk"), ends_on__gte=day,
                                  cancelled_at__isnull=True).order_by("starts_on"))
    return {name: Subquery(cover.values(path)[:1]) for name, path in (
        ("cover_first_name", "supporter__user__first_name"),
        ("cover_last_name", "supporter__user__last_name"),
        ("cover_from", "starts_on"), ("cover_to", "ends_on"), ("cover_public_id", "public_id"))}


def covers_involving(supporter: SupporterProfile, day: date,
                     visible_clients: QuerySet) -> list[Cover]:
    """Covers not over on `day` that `supporter` gives or whose match is theirs, for their
    profile. Each carries `client_visible`: whether the client is in `visible_clients` (the
    viewer's scope from the access layer), so a page names only clients the viewer may see."""
    return list(not_over(day).filter(Q(supporter=supporter) | Q(match__supporter=supporter))
                .select_related("supporter__user", "match__supporter__user", "match__client")
                .annotate(client_visible=Exists(visible_clients.filter(
                    pk=OuterRef("match__client_id"))))
                .order_by("starts_on", "id"))
