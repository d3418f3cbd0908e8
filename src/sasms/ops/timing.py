"""Where a request's time goes: database, template rendering, total.

:class:`sasms.ops.middleware.RequestMetricsMiddleware` opens a :class:`RequestTimings` for each
request; every database connection's execute wrapper adds the time of each query to it, and the
template backend :class:`TimedDjangoTemplates` adds the time of each top-level render (minus the
queries run while rendering, which are already counted as database time, so the parts never
overlap). The middleware sends the figures as a ``Server-Timing`` header (browsers show it in their
network panel) and fills the per-view histograms of ``/metrics``.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.http import HttpRequest
from django.template.backends.django import DjangoTemplates, Template


@dataclass
class RequestTimings:
    db: float = 0.0
    queries: int = 0
    render: float = 0.0
    render_depth: int = 0

    def header(self, total: float) -> str:
        """The ``Server-Timing`` value; durations in milliseconds as the specification wants."""
        return (
            f'db;dur={self.db * 1000:.1f};desc="{self.queries} queries", '
            f"render;dur={self.render * 1000:.1f}, total;dur={total * 1000:.1f}"
        )


_current: ContextVar[RequestTimings | None] = ContextVar("sasms_ops_timings", default=None)


def current_timings() -> RequestTimings | None:
    return _current.get()


def _db_wrapper(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    timings = _current.get()
    if timings is None:  # a thread started by the view, or a request served without the middleware
        return execute(sql, params, many, context)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        timings.db += time.perf_counter() - started
        timings.queries += 1


@contextmanager
def timing_request() -> Iterator[RequestTimings]:
    """Count the database and render time of the current request (on every configured database)."""
    timings = RequestTimings()
    token = _current.set(timings)
    wrapped = []
    try:
        for alias in connections:
            connection = connections[alias]
            connection.execute_wrappers.append(_db_wrapper)
            wrapped.append(connection)
        yield timings
    finally:
        for connection in wrapped:
            # Remove ours only (a test's CaptureQueriesContext may have stacked its own after it).
            for index in range(len(connection.execute_wrappers) - 1, -1, -1):
                if connection.execute_wrappers[index] is _db_wrapper:
                    del connection.execute_wrappers[index]
                    break
        _current.reset(token)


class _TimedTemplate(Template):
    def render(self, context: Any = None, request: HttpRequest | None = None) -> Any:
        timings = _current.get()
        if timings is None or timings.render_depth:  # nested render_to_string: counted by the outer one
            return super().render(context, request)
        timings.render_depth += 1
        db_before = timings.db
        started = time.perf_counter()
        try:
            return super().render(context, request)
        finally:
            timings.render_depth -= 1
            timings.render += (time.perf_counter() - started) - (timings.db - db_before)


class TimedDjangoTemplates(DjangoTemplates):
    """Django's template backend, timing each top-level render for ``Server-Timing``."""

    def from_string(self, template_code: str) -> Template:
        return _TimedTemplate(super().from_string(template_code).template, self)

    def get_template(self, template_name: str) -> Template:
        return _TimedTemplate(super().get_template(template_name).template, self)
