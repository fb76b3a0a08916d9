"""The administrator's import page: upload, preview (every bad row, every likely duplicate,
what would change), then apply. Both steps call the same `run_import` as the command; the
preview is its dry run. Between the two the file waits in a private folder under a random
name (settings.BRIDGEWAY_IMPORT_DIR), and is deleted when applied or after a day."""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bridgeway.access.policy import Action, audit_view, authorize, denied, has_role
from bridgeway.core.models import Role, User
from bridgeway.interop.imports.engine import ImportResult, run_import
from bridgeway.interop.imports.kinds import KINDS
from bridgeway.interop.models import ImportRun
from bridgeway.web.common import user_of
from bridgeway.web.imports.forms import UploadForm

SESSION_KEY = "bridgeway_import_pending"
KEEP_SECONDS = 24 * 3600
CATEGORY = "import"


def _folder() -> Path:
    folder = Path(settings.BRIDGEWAY_IMPORT_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.upload"):  # forgotten previews: a file is kept a day at most
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _admin(request: HttpRequest, detail: str) -> User:
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR):
        raise denied(user, category=CATEGORY, detail=detail)
    return user


def _run(user: User, pending: dict[str, Any], *, dry_run: bool, detail: str) -> ImportResult:
    actor = authorize(user, Action.IMPORT_DATA, audit_category=CATEGORY, detail=detail)
    path = Path(settings.BRIDGEWAY_IMPORT_DIR) / f"{pending['token']}.upload"
    up_to = date.fromisoformat(pending["complete_up_to"]) if pending["complete_up_to"] else None
    with path.open("rb") as stream:
        return run_import(actor=actor, kind=pending["kind"], stream=stream,
                          file_name=pending["name"], source=pending["source"], dry_run=dry_run,
                          complete_up_to=up_to, size=path.stat().st_size)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    user = _admin(request, "imports:index")
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        with (_folder() / f"{token}.upload").open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        pending = {"token": token, "name": Path(upload.name or "file").name[:200],
                   "kind": form.cleaned_data["kind"], "source": form.cleaned_data["source"],
                   "complete_up_to": (form.cleaned_data["complete_up_to"].isoformat()
                                      if form.cleaned_data["complete_up_to"] else "")}
        result = _run(user, pending, dry_run=True, detail="imports:preview")
        if result.ok:
            request.session[SESSION_KEY] = pending
        else:
            (_folder() / f"{token}.upload").unlink(missing_ok=True)
    elif request.method == "GET":
        audit_view(user, category=CATEGORY, detail="imports:index")
    return render(request, "imports/index.html", {
        "form": form, "result": result, "kinds": KINDS.values(),
        "runs": ImportRun.objects.select_related("by")[:20]})


@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    user = _admin(request, "imports:apply")
    pending = request.session.pop(SESSION_KEY, None)
    path = Path(settings.BRIDGEWAY_IMPORT_DIR) / f"{pending['token']}.upload" if pending else None
    if pending is None or path is None or not path.exists():
        messages.error(request, _("Nothing to apply: upload the file and preview it again."))
        return redirect("imports:index")
    try:
        result = _run(user, pending, dry_run=False, detail="imports:apply")
    finally:
        path.unlink(missing_ok=True)
    if result.applied:
        c = result.counts
        messages.success(request, _(
            "Imported %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d "
            "unchanged.") % {"rows": result.rows, "created": c.created, "updated": c.updated,
                             "unchanged": c.unchanged})
    else:
        messages.error(request, _("The file was refused when applied (the data changed since "
                                  "the preview); nothing was written. Preview it again."))
    return redirect("imports:index")


