"""Recovery goals and their steps."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bridgeway.access.categories import Info
from bridgeway.access.policy import Action, authorize, client_for_user
from bridgeway.contacts.models import GoalStep, RecoveryGoal
from bridgeway.contacts.selectors import goals as goal_reads
from bridgeway.contacts.services.goals import (
    goal_create,
    goal_note_add,
    goal_set_status,
    goal_step_add,
    goal_step_done,
)
from bridgeway.web.common import user_of
from bridgeway.web.contacts.forms import GoalForm, GoalNoteForm, GoalStatusForm, StepForm
from bridgeway.web.contacts.panels import can_write


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


# --- Goals ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def client_goals(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = client_for_user(user, public_id, category=Info.GOALS)
    form = GoalForm()
    if request.method == "POST":
        actor = authorize(user, Action.LOG_CONTACT, client_access=access, audit_category=Info.GOALS)
        form = GoalForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                goal = goal_create(actor=actor, client=access.client, domain=d["domain"],
                                   title=d["title"], target_date=d.get("target_date"),
                                   steps=(d.get("steps") or "").splitlines())
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("Goal added."))
                return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))
    return render(request, "contacts/goals.html", {
        "client": access.client, "goals": goal_reads.client_goals(access), "form": form,
        "can_write": can_write(access)})


@require_http_methods(["GET", "POST"])
def goal_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    goal = get_object_or_404(RecoveryGoal.objects.select_related("client"), public_id=public_id)
    access = client_for_user(user, goal.client.public_id, category=Info.GOALS)
    step_form, status_form, note_form = StepForm(), GoalStatusForm(initial={"status": goal.status}), GoalNoteForm()
    if request.method == "POST":
        actor = authorize(user, Action.LOG_CONTACT, client_access=access, audit_category=Info.GOALS)
        op = request.POST.get("op", "")
        try:
            if op == "add_step":
                step_form = StepForm(request.POST)
                if step_form.is_valid():
                    goal_step_add(actor=actor, goal=goal, title=step_form.cleaned_data["title"],
                                  due_on=step_form.cleaned_data.get("due_on"))
                    return _back_to_goal(request, goal, _("Step added."))
            elif op in ("step_done", "step_reopen"):
                step_id = _parse_uuid(request.POST.get("step"))
                step = get_object_or_404(GoalStep, goal=goal, public_id=step_id) if step_id else None
                if step is None:
                    raise Http404
                goal_step_done(actor=actor, step=step, done=op == "step_done")
                return _back_to_goal(request, goal, _("Step updated."))
            elif op == "status":
                status_form = GoalStatusForm(request.POST)
                if status_form.is_valid():
                    goal_set_status(actor=actor, goal=goal,
                                    status=status_form.cleaned_data["status"],
                                    note=status_form.cleaned_data.get("note") or "")
                    return _back_to_goal(request, goal, _("Status changed."))
            elif op == "note":
                note_form = GoalNoteForm(request.POST)
                if note_form.is_valid():
                    goal_note_add(actor=actor, goal=goal, text=note_form.cleaned_data["text"])
                    return _back_to_goal(request, goal, _("Note added."))
            else:
                return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as exc:
            target = {"add_step": step_form, "status": status_form, "note": note_form}.get(op)
            if target is None:
                messages.error(request, " ".join(exc.messages))
                return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))
            target.apply_service_error(exc)  # type: ignore[attr-defined]
    return render(request, "contacts/goal.html", {
        "goal": goal_reads.goal_detail(goal), "client": access.client, "can_write": can_write(access),
        "step_form": step_form, "status_form": status_form, "note_form": note_form})


def _back_to_goal(request: HttpRequest, goal: RecoveryGoal, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("contacts:goal", args=[goal.public_id]))
