"""Demo step for matching: each site starts with the documented default criteria.

Nothing else is pre-computed: in the demo, Sam (coordinator at Riverside) runs matching
live and Bridgeway proposes Jordan for Daniel; after Sam ends Maya's match ("no rapport",
do not re-match), the next run proposes Alex for her.
"""

from __future__ import annotations

from bridgeway.demo.context import DemoContext
from bridgeway.matching.models import MatchingCriteria


def generate(ctx: DemoContext) -> None:
    sites = ctx.data.get("sites", [])
    ctx.progress("matching criteria", 0, len(sites))
    existing = set(MatchingCriteria.objects.values_list("site_id", flat=True))
    MatchingCriteria.objects.bulk_create([MatchingCriteria(site=site) for site in sites
                                          if site.id not in existing])
    ctx.progress("matching criteria", len(sites), len(sites))
