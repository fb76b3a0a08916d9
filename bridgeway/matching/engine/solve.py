"""The optimal assignment: a minimum-cost flow (OR-Tools SimpleMinCostFlow).

client -> supporter (capacity 1), supporter -> sink (free places), client -> sink
"unassigned" bypass (cost 0). Every pair costs -(bonus + score), scaled to integers
(SCALE per point); the bonus (max score + 1) makes matching one more client always worth
more than any gain in score, so the optimum matches as many clients as possible and, among
those, maximises the total score. Tie-breaker: each pair cost also carries its supporter's
rank in the client's candidate list (canonical key order), multiplied below the score
resolution, so among assignments of equal score the solver picks the one preferring
earlier supporters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .bits import F64, I64
from .rules import Criteria

SCALE = 10_000  # integer cost units per point of score


@dataclass
class Solution:
    chosen: I64  # per pair: 1 if used
    objective: int  # sum of integer (bonus + score) units over chosen pairs
    status_ok: bool


def integer_scores(score: F64, criteria: Criteria) -> I64:
    bonus = criteria.max_score + 1.0
    out: I64 = np.rint((bonus + score) * SCALE).astype(np.int64)
    return out


def solve(n_clients: int, n_supporters: int, pc: I64, ps: I64, units: I64, cap: I64,
          tie_break: bool = True) -> Solution:
    """Maximise the sum of `units` over chosen pairs (client pc[k], supporter ps[k]), each
    client at most once, each supporter at most `cap` times. Pairs must be in canonical
    order (client, then supporter)."""
    n_pairs = pc.size
    if n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, True)
    if tie_break:
        # rank of each pair within its client's candidate list (pairs sorted by client)
        starts = np.r_[0, np.flatnonzero(np.diff(pc)) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, n_pairs]))
        rank = np.arange(n_pairs, dtype=np.int64) - group_start
        k = int(rank.max()) * n_clients + 1
        if int(units.max()) * k * (n_clients + n_supporters + 2) > 2**61:
            k, rank = 1, np.zeros(n_pairs, np.int64)
        costs = -units * k + rank
    else:
        costs = -units
    sink = n_clients + n_supporters
    used_sup = np.unique(ps)
    starts_arr = np.concatenate([pc, n_clients + used_sup, np.arange(n_clients)])
    ends_arr = np.concatenate([n_clients + ps, np.full(used_sup.size, sink),
                               np.full(n_clients, sink)])
    caps = np.concatenate([np.ones(n_pairs, np.int64), cap[used_sup],
                           np.ones(n_clients, np.int64)])
    arc_costs = np.concatenate([costs, np.zeros(used_sup.size + n_clients, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(starts_arr, ends_arr, caps, arc_costs)
    supplies = np.concatenate([np.ones(n_clients, np.int64), [-n_clients]])
    smcf.set_nodes_supplies(np.concatenate([np.arange(n_clients), [sink]]), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return Solution(np.zeros(n_pairs, np.int64), 0, False)
    flows = np.asarray(smcf.flows(arcs[:n_pairs]), dtype=np.int64)
    return Solution(flows, int(units[flows > 0].sum()), True)
