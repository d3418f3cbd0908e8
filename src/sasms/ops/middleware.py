"""Times every request into the latency histograms, sends ``Server-Timing`` and exposes the request
to the JSON logs.

Put it FIRST in ``MIDDLEWARE`` so the figure includes every other middleware.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sasms.ops.context import serving
from sasms.ops.metrics import REQUEST_DB_TIME, REQUEST_LATENCY, REQUEST_RENDER_TIME
from sasms.ops.timing import current_timings, timing_request

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if current_timings() is not None:  # listed twice in MIDDLEWARE: the outer one measures
            return self.get_response(request)
        started = time.perf_counter()
        status = "5xx"
        with timing_request() as timings:
            try:
                with serving(request):
                    response = self.get_response(request)
                status = f"{response.status_code // 100}xx"
                total = time.perf_counter() - started
                response["Server-Timing"] = timings.header(total)
                return response
            finally:
                match = getattr(request, "resolver_match", None)
                # URL names only (bounded label set); paths that match nothing share one label.
                view = (match.view_name or match._func_path) if match is not None else "unmatched"
                method = request.method if request.method in _METHODS else "other"
                REQUEST_LATENCY.labels(view=view, method=method, status=status).observe(
                    time.perf_counter() - started
                )
                REQUEST_DB_TIME.labels(view=view, method=method).observe(timings.db)
                REQUEST_RENDER_TIME.labels(view=view, method=method).observe(timings.render)
