"""One client's recovery goals with their progress, and one goal's steps and timeline."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from bridgeway.access.categories import Info
from bridgeway.access.policy import ClientAccess

from ..models import GoalStep, RecoveryGoal


def _goals_with_progress(qs: QuerySet[RecoveryGoal]) -> QuerySet[RecoveryGoal]:
    return qs.annotate(steps_total=Count("steps"),
                       steps_done=Count("steps", filter=Q(steps__done_on__isnull=False))
                       ).order_by("target_date", "title")



def client_goals(access: ClientAccess, *, status: str | None = None,
                 with_steps: bool = True) -> list[RecoveryGoal]:
    """The client's goals with their step counts; the steps themselves only `with_steps`
    (the client page's section shows the counts only)."""
    if not access.sees(Info.GOALS):
        return []
    qs = _goals_with_progress(RecoveryGoal.objects.filter(client=access.client))
    if status is not None:
        qs = qs.filter(status=status)
    if with_steps:
        qs = qs.prefetch_related(Prefetch("steps",
                                          queryset=GoalStep.objects.order_by("position", "id")))
    return list(qs.order_by("status", "target_date", "title"))


def goal_detail(goal: RecoveryGoal) -> RecoveryGoal:
    """Steps and timeline of one goal (the caller has checked access to its client)."""
    return (RecoveryGoal.objects.filter(pk=goal.pk)
            .prefetch_related(Prefetch("steps", queryset=GoalStep.objects.order_by("position", "id")),
                              Prefetch("notes__author"))
            .get())
