"""The evaluation of one scope: `evaluate(filters)` is what the dashboard, the PDF and the
exports show (see core.py)."""

from __future__ import annotations

from .core import Evaluation, Filters, compute, evaluate, threshold

__all__ = ["Evaluation", "Filters", "compute", "evaluate", "threshold"]
