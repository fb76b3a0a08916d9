"""Writes for matching, by topic: runs.py (criteria, a matching run) and decisions.py
(approve, reject, swap, a match by hand, ending to re-match, notices)."""

from __future__ import annotations

from .decisions import (
    match_by_hand,
    match_end_for_rematch,
    notices_mark_read,
    proposal_approve,
    proposal_reject,
    proposal_swap,
)
from .runs import (
    RunOutcome,
    criteria_update,
    matching_run,
    run_sites,
    summarise,
    unmatched_reasons,
    write_run_rows,
)

__all__ = [
    "RunOutcome", "criteria_update", "match_by_hand", "match_end_for_rematch", "matching_run",
    "notices_mark_read", "proposal_approve", "proposal_reject", "proposal_swap", "run_sites",
    "summarise", "unmatched_reasons", "write_run_rows",
]
