"""Times every request into the latency histogram and exposes the request to the JSON logs.

Put it FIRST in ``MIDDLEWARE`` so the figure includes every other middleware.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sasms.ops.context import serving
from sasms.ops.metrics import REQUEST_LATENCY

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = "5xx"
        try:
            with serving(request):
                response = self.get_response(request)
            status = f"{response.status_code // 100}xx"
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            # URL names only (bounded label set); paths that match nothing share one label.
            view = (match.view_name or match._func_path) if match is not None else "unmatched"
            REQUEST_LATENCY.labels(
                view=view, method=request.method if request.method in _METHODS else "other", status=status
            ).observe(time.perf_counter() - started)
