"""The search page behind the search box of every staff page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bridgeway.access.search import search_clients
from bridgeway.web.common import user_of

MAX_QUERY = 100  # longer text is cut: a name, a date and a number fit well within it


def search(request: HttpRequest) -> HttpResponse:
    """An evaluator is refused (audited) by search_clients even with an empty box."""
    text = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    result = search_clients(user_of(request), text)
    return render(request, "clients/search.html", {"q": text, "result": result})
