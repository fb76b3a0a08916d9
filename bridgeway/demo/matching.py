"""Demo step for matching: each site's coordinator saves the documented default criteria
(through `criteria_update`, as the criteria page does).

Nothing else is pre-computed: in the demo, Sam (coordinator at Riverside) runs matching live
and Bridgeway proposes Jordan for Daniel; after Sam ends Maya's match ("no rapport", do not
re-match), the next run proposes Alex for her (SCENARIOS.md 1 and 5).
"""

from __future__ import annotations

from bridgeway.access.policy import Action, authorize
from bridgeway.core.models import ProgramSite, User
from bridgeway.demo.context import DemoContext
from bridgeway.matching.services import criteria_update


def generate(ctx: DemoContext) -> None:
    sites: list[ProgramSite] = ctx.data["sites"]
    coordinators: dict[str, User] = ctx.data["coordinators"]
    for done, site in enumerate(sites):
        ctx.progress("matching criteria", done, len(sites))
        actor = authorize(coordinators[site.code], Action.MATCH, site=site)
        criteria_update(actor=actor, site=site, fields={})  # the model's defaults
    ctx.progress("matching criteria", len(sites), len(sites))
