"""What the access rules need to know about one client, read once per request.

A decision asks "is the client enrolled at this site?", "did they stay at this hospital?"
for every grant of the user and again for every button on the page; each question used to be
its own query. `ClientFacts` reads the client's enrolments and stays once (when first asked),
and the client record reuses the same lists for its stays and enrolments sections.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar, cast

from bridgeway.clients.models import Client, Enrolment, HospitalStay

T = TypeVar("T")


class ClientFacts:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._reads: dict[str, Any] = {}

    def remember(self, key: str, read: Callable[[], T]) -> T:
        """`read()` once per request: the page and its panels share what it returns."""
        if key not in self._reads:
            self._reads[key] = read()
        return cast(T, self._reads[key])

    def has_read(self, key: str) -> bool:
        return key in self._reads

    @cached_property
    def enrolments(self) -> list[Enrolment]:
        """Every enrolment of the client with its site, in the model's order (newest first)."""
        return list(Enrolment.objects.filter(client=self.client).select_related("site"))

    @cached_property
    def stays(self) -> list[HospitalStay]:
        """Every stay with its hospital and ward, newest first (a list page's prefetch is used
        when there is one)."""
        prefetched = getattr(self.client, "_prefetched_objects_cache", {}).get("stays")
        if prefetched is not None:
            return sorted(prefetched, key=lambda s: (s.admitted_on, s.pk), reverse=True)
        return list(HospitalStay.objects.filter(client=self.client)
                    .select_related("hospital", "ward").order_by("-admitted_on", "-id"))

    def enrolled_at_site(self, site_id: int | None) -> bool:
        return site_id is not None and any(e.site_id == site_id for e in self.enrolments)

    def known_at_hospital(self, hospital_id: int | None) -> bool:
        """A stay there, or an enrolment at a program site of that hospital."""
        if hospital_id is None:
            return False
        return (any(s.hospital_id == hospital_id for s in self.stays)
                or any(e.site.hospital_id == hospital_id for e in self.enrolments))
