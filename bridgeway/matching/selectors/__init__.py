"""Reads for matching, by topic:

- pages.py: the waitlist, proposals, matches and notices the pages list (scoped to the user);
- bulk.py: a run's inputs as numpy columns, straight from the database (decode.py turns rows
  into columns);
- engine_inputs.py: a site's criteria, and the inputs one record per person for a few pairs;
- explanations.py: a proposal's reason and alternatives, "why not this supporter?".
"""

from __future__ import annotations

from .bulk import Columns, load_columns
from .engine_inputs import Inputs, criteria_for_site, criteria_from_row, load_inputs
from .explanations import explain_proposals, why_not
from .pages import (
    active_matches_for_user,
    match_by_public_id,
    match_history,
    notices_for,
    proposal_by_public_id,
    proposals_for_user,
    supporters_at_site,
    waitlist,
    waitlist_for_user,
)

__all__ = [
    "Columns", "Inputs", "active_matches_for_user", "criteria_for_site", "criteria_from_row",
    "explain_proposals", "load_columns", "load_inputs", "match_by_public_id", "match_history",
    "notices_for", "proposal_by_public_id", "proposals_for_user", "supporters_at_site",
    "waitlist", "waitlist_for_user", "why_not",
]
