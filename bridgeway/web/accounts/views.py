"""The landing page sends each person to the home page of their first role; admin home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bridgeway.access.categories import Info
from bridgeway.access.policy import denied, grants_for, has_role, sites_for
from bridgeway.core.models import Role, User
from bridgeway.web.common import user_of


def role_home_url(user: User) -> str | None:
    """The URL of the home page of the user's first role (ROLE_ORDER), if any."""
    for grant in grants_for(user):
        if grant.role == Role.ADMINISTRATOR:
            return reverse("admin_home")
        if grant.role in (Role.COORDINATOR, Role.SITE_LEAD) and grant.site is not None:
            return reverse("clients:site_dashboard", kwargs={"site_code": grant.site.code})
        if grant.role == Role.WARD_STAFF:
            return reverse("clients:ward_home")
        if grant.role == Role.PEER_SUPPORTER:
            return reverse("clients:mine")
        if grant.role == Role.EVALUATOR:
            return reverse("clients:evaluation")
        if grant.role == Role.PRIVACY_OFFICER:
            return reverse("audit:people")
    return None


def home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    target = role_home_url(user)
    if target is not None:
        return redirect(target)
    return render(request, "home.html", {"grants": grants_for(user)})


def admin_home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not has_role(user, Role.ADMINISTRATOR):
        raise denied(user, category=Info.AUDIT, detail="page:admin_home")
    lookup_error = ""
    username = request.GET.get("username", "").strip()
    if username:
        found = User.objects.filter(username=username).first()
        if found is not None:
            return redirect("audit:user_log", public_id=found.public_id)
        lookup_error = "not_found"
    return render(request, "clients/admin_home.html", {
        "sites": sites_for(user, Role.ADMINISTRATOR).select_related("hospital"),
        "username": username, "lookup_error": lookup_error,
    })
