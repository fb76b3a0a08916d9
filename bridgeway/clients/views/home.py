"""The landing page: sends each person to the home page of their first role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bridgeway.access.policy import grants_for


def home(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)  # type: ignore[arg-type]
    return render(request, "home.html", {"grants": grants})
