"""Running the scan as a service: evaluate every rule, record the run, audit it, and tell
owners about new alerts (one digest each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from bridgeway.core.actors import Actor
from bridgeway.core.models import Role, RoleAssignment, User

from .. import rules as r
from ..models import Alert, Notification, ScanRun
from ..notify import deliver
from ..scan import ScanResult, context_for, evaluate
from .alerts import audit


@transaction.atomic
def scan_run(*, actor: Actor | None = None, today: dt.date | None = None,
             now: dt.datetime | None = None, notify_people: bool = True) -> ScanResult:
    """Evaluate every rule once (idempotent), audit it, and tell owners about new alerts."""
    actor = actor or Actor.system("scan")
    started = timezone.now()
    ctx = context_for(today=today, now=now)
    result = evaluate(ctx)
    ScanRun.objects.create(started_at=started, finished_at=timezone.now(), hits=result.hits,
                           created=result.created, updated=result.updated,
                           resolved=result.resolved)
    audit(actor, "scan", detail=(f"hits:{result.hits} created:{result.created} "
                                  f"resolved:{result.resolved} updated:{result.updated}"))
    if notify_people and result.created:
        _notify_new(ctx.now)
    return result


def _notify_new(created_at: dt.datetime) -> None:
    """One digest per coordinator of each site with new alerts, one per supporter owner."""
    rows = (Alert.objects.filter(created_at=created_at, rule__in=r.SCANNED_RULES)
            .values("site_id", "owner_id").annotate(n=Count("id")))
    per_site: dict[int, int] = defaultdict(int)
    per_owner: dict[int, int] = defaultdict(int)
    for row in rows:
        per_site[row["site_id"]] += row["n"]
        if row["owner_id"]:
            per_owner[row["owner_id"]] += row["n"]
    url = reverse("safety:inbox")
    grants = (RoleAssignment.objects.filter(role=Role.COORDINATOR, site_id__in=per_site,
                                            active=True).select_related("user", "site"))
    per_user: dict[User, int] = defaultdict(int)
    for g in grants:
        per_user[g.user] += per_site[g.site_id or 0]
    for user in User.objects.filter(id__in=per_owner):
        per_user[user] += per_owner[user.id]
    deliver([Notification(recipient=user, kind="scan_digest", url=url,
                          title=ngettext("%(n)d new safety-net alert to look at",
                                         "%(n)d new safety-net alerts to look at", n)
                          % {"n": n})
             for user, n in per_user.items() if user.is_active])

