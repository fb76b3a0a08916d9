"""A merged-away client id redirects to the surviving record (decision 0013).

The access layer raises ClientMerged (a 404 to any door that does not know it) only for a
user who may see the survivor; here a page request for the old id is answered with the same
path under the survivor's id."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from bridgeway.access.policy import ClientMerged


class MergedClientRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ClientMerged):
            return None
        path = request.path.replace(str(exception.merged), str(exception.survivor))
        if path == request.path:  # the id was not in the path (a query or a form): the page
            path = f"/clients/{exception.survivor}/"
        return HttpResponseRedirect(path)
