"""`bridgeway scan`: every safety-net rule as one set-based query, then one diff in SQL.

Each rule is an ORM queryset (annotations, Subquery, Exists) that yields the set of
(rule, subject) hits. The scan compiles each one into `INSERT INTO safety_scanhit SELECT ...`
so the hits never travel through Python, then diffs the staging table against the open
alerts with a handful of UPDATE/INSERT ... SELECT statements: new hits open alerts, vanished
hits resolve theirs (auto-resolution), changed severities are updated. The number of
statements depends on the number of rules (and distinct per-site threshold values for two
rules), never on the number of clients, contacts or alerts. Everything runs in one
transaction under a lock, so it is idempotent and safe to run from cron and Celery at once.

Thresholds are per site (SafetyThresholds); a site's value enters the SQL as a CASE over
site ids with the date cutoff computed in Python (rules.cutoff), so the same SQL runs on
SQLite and PostgreSQL.

Modules: context.py (the day, zone and per-site thresholds as SQL), queries.py (each rule's
SQL), run.py (staging the hits and the diff against the open alerts).
"""

from __future__ import annotations

from .context import ScanContext, context_for
from .queries import rule_queries
from .run import ScanResult, evaluate

__all__ = ["ScanContext", "ScanResult", "context_for", "evaluate", "rule_queries"]
