"""Recovery goals: create, add and tick steps, change status, add a note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.clients.models import Client
from bridgeway.core.actors import Actor

from ..models import GoalDomain, GoalNote, GoalStep, RecoveryGoal
from .common import GOALS, audit, client_site

# --- Recovery goals -------------------------------------------------------------------------

def _goal_note(goal: RecoveryGoal, actor: Actor, kind: str, text: str) -> GoalNote:
    assert actor.user is not None  # noqa: S101  # nosec B101 — services below check it first
    return GoalNote.objects.create(goal=goal, kind=kind, text=text[:2000], author=actor.user)


@transaction.atomic
def goal_create(*, actor: Actor, client: Client, domain: str, title: str,
                target_date: date | None = None, steps: Sequence[str] = ()) -> RecoveryGoal:
    if actor.user is None:
        raise ValidationError(_("A goal is recorded by a person."))
    errors: dict[str, list[str]] = {}
    if domain not in GoalDomain.values:
        errors["domain"] = [_("Choose an area of life.")]
    if not title.strip():
        errors["title"] = [_("Write the goal in the client's words.")]
    if target_date is not None and target_date < timezone.localdate() - timedelta(days=365):
        errors["target_date"] = [_("The target date is too far in the past.")]
    site = client_site(client)
    if site is None:
        errors.setdefault("title", []).append(_("This client is not enrolled at a program site."))
    if errors:
        raise ValidationError(errors)
    assert site is not None  # noqa: S101  # nosec B101 — checked above
    goal = RecoveryGoal.objects.create(client=client, site=site, domain=domain,
                                       title=title.strip(), target_date=target_date,
                                       status=RecoveryGoal.Status.ACTIVE,
                                       status_changed_at=timezone.now(), created_by=actor.user)
    _goal_note(goal, actor, GoalNote.Kind.CREATED, goal.title)
    for position, step in enumerate(s for s in steps if s.strip()):
        GoalStep.objects.create(goal=goal, title=step.strip()[:200], position=position)
    audit(actor, category=GOALS, action="create", client=client, detail=f"goal:{goal.public_id}")
    return goal


@transaction.atomic
def goal_step_add(*, actor: Actor, goal: RecoveryGoal, title: str,
                  due_on: date | None = None) -> GoalStep:
    if not title.strip():
        raise ValidationError({"title": _("Describe the step.")})
    position = (goal.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    step = GoalStep.objects.create(goal=goal, title=title.strip()[:200], due_on=due_on,
                                   position=position)
    _goal_note(goal, actor, GoalNote.Kind.STEP_ADDED, step.title)
    audit(actor, category=GOALS, action="add_step", client=goal.client,
           detail=f"goal:{goal.public_id}")
    return step


@transaction.atomic
def goal_step_done(*, actor: Actor, step: GoalStep, done: bool = True,
                   on: date | None = None) -> GoalStep:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"done_on": _("A step cannot be done in the future.")})
    step.done_on = on if done else None
    step.save(update_fields=["done_on", "updated_at"])
    text = step.title if done else _("Reopened: %(step)s") % {"step": step.title}
    _goal_note(step.goal, actor, GoalNote.Kind.STEP_DONE if done else GoalNote.Kind.EDITED, text)
    audit(actor, category=GOALS, action="step_done" if done else "step_reopen",
           client=step.goal.client, detail=f"goal:{step.goal.public_id}")
    return step


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: RecoveryGoal, status: str, note: str = "") -> RecoveryGoal:
    if status not in RecoveryGoal.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == goal.status:
        raise ValidationError({"status": _("The goal already has this status.")})
    previous = goal.status
    goal.status = status
    goal.status_changed_at = timezone.now()
    goal.save(update_fields=["status", "status_changed_at", "updated_at"])
    label = RecoveryGoal.Status(status).label
    text = f"{RecoveryGoal.Status(previous).label} → {label}" + (f": {note.strip()}" if note.strip() else "")
    _goal_note(goal, actor, GoalNote.Kind.STATUS, text)
    audit(actor, category=GOALS, action="status", client=goal.client,
           detail=f"goal:{goal.public_id}:{previous}->{status}")
    return goal


@transaction.atomic
def goal_note_add(*, actor: Actor, goal: RecoveryGoal, text: str) -> GoalNote:
    if not text.strip():
        raise ValidationError({"text": _("Write a short progress note.")})
    note = _goal_note(goal, actor, GoalNote.Kind.NOTE, text.strip())
    audit(actor, category=GOALS, action="note", client=goal.client,
           detail=f"goal:{goal.public_id}")
    return note
