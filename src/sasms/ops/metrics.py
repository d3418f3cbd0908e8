"""Prometheus metrics for SASMS itself, at ``/metrics``.

* ``sasms_http_request_duration_seconds{view,method,status}`` — a histogram filled by
  :class:`sasms.ops.middleware.RequestMetricsMiddleware` (the URL name, never the raw path), with
  ``sasms_http_request_db_seconds{view,method}`` and ``sasms_http_request_render_seconds{view,method}``
  splitting it into database and template time (the ``Server-Timing`` header of each response).
* ``sasms_outbox_pending`` / ``sasms_outbox_oldest_pending_age_seconds`` (through the partial
  index on pending rows; no count of failed rows: it would scan the whole table every scrape).
* ``sasms_sla_clocks_due`` / ``sasms_sla_sweep_lag_seconds`` — clocks whose ``next_check_at`` has
  passed and the age of the oldest: a sweep that keeps up keeps this under its period (60 s).
* ``sasms_celery_queue_length{queue}`` — LLEN of each queue's list when the broker is Redis.

Gunicorn runs several processes: set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, wiped at
each start) so the histogram is summed over all of a node's workers. The gauges are read from
PostgreSQL/Redis at scrape time, so every node reports the same values (scrape one, or use max()).

Access: a bearer token (``SASMS_METRICS_TOKEN``) or a client address in
``SASMS_METRICS_ALLOWED_NETWORKS`` (default: loopback only).
"""

import datetime
import hmac
import ipaddress
import os
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from sasms.core.middleware import client_ip

# The queues of DESIGN.md §5; any other queue named in CELERY_TASK_ROUTES is added.
KNOWN_QUEUES = ("default", "intake", "notify", "sla", "reports", "ml")
# Kombu's Redis transport keeps priority levels 3, 6, 9 in keys "<queue>\x06\x16<priority>".
_REDIS_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
DEFAULT_ALLOWED_NETWORKS = ("127.0.0.0/8", "::1/128")

REQUEST_REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_LATENCY = Histogram(
    "sasms_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL name, method and status class.",
    labelnames=("view", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REQUEST_REGISTRY,
)
# Where the time of each view goes (the same split as the Server-Timing header).
REQUEST_DB_TIME = Histogram(
    "sasms_http_request_db_seconds",
    "Time an HTTP request spent in database queries, by URL name and method.",
    labelnames=("view", "method"),
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REQUEST_REGISTRY,
)
REQUEST_RENDER_TIME = Histogram(
    "sasms_http_request_render_seconds",
    "Time an HTTP request spent rendering templates (queries run while rendering excluded).",
    labelnames=("view", "method"),
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REQUEST_REGISTRY,
)


def queue_names() -> list[str]:
    names = list(KNOWN_QUEUES)
    default_queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "default")
    routes: dict[str, dict[str, Any]] = getattr(settings, "CELERY_TASK_ROUTES", {}) or {}
    for queue in [default_queue, *(r.get("queue", "") for r in routes.values())]:
        if queue and queue not in names:
            names.append(queue)
    return names


def _age_seconds(moment: datetime.datetime | None, now: datetime.datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


class SasmsCollector(Collector):
    """Gauges read at scrape time: outbox backlog, SLA sweep lag and broker queue depth."""

    def collect(self) -> Iterable[Metric]:
        yield from self._outbox()
        yield from self._sla()
        yield from self._queues()

    def _outbox(self) -> Iterator[Metric]:
        from sasms.core.models import OutboxMessage, OutboxStatus

        now = timezone.now()
        pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        agg = pending.aggregate(oldest=Min("created_at"))
        yield GaugeMetricFamily(
            "sasms_outbox_pending", "Outbox messages waiting to be delivered.", pending.count()
        )
        yield GaugeMetricFamily(
            "sasms_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox message (0 when none).",
            _age_seconds(agg["oldest"], now),
        )

    def _sla(self) -> Iterator[Metric]:
        from sasms.sla.models import SlaClock

        now = timezone.now()
        due = SlaClock.objects.filter(next_check_at__isnull=False, next_check_at__lte=now)
        oldest = due.aggregate(oldest=Min("next_check_at"))["oldest"]
        yield GaugeMetricFamily("sasms_sla_clocks_due", "SLA clocks whose next check has come.", due.count())
        yield GaugeMetricFamily(
            "sasms_sla_sweep_lag_seconds",
            "How long the oldest due SLA clock has waited for the sweep (0 when none).",
            _age_seconds(oldest, now),
        )

    def _queues(self) -> Iterator[Metric]:
        url: str = getattr(settings, "CELERY_BROKER_URL", "") or ""
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return
        import redis

        family = GaugeMetricFamily(
            "sasms_celery_queue_length",
            "Tasks waiting in each Celery queue (Redis broker).",
            labels=["queue"],
        )
        up = GaugeMetricFamily("sasms_broker_up", "1 when the broker answered the scrape.")
        try:
            client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
            with client.pipeline(transaction=False) as pipe:
                names = queue_names()
                for name in names:
                    for suffix in _REDIS_PRIORITY_SUFFIXES:
                        pipe.llen(name + suffix)
                lengths = pipe.execute()
            client.close()
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        step = len(_REDIS_PRIORITY_SUFFIXES)
        for index, name in enumerate(names):
            family.add_metric([name], sum(lengths[index * step : (index + 1) * step]))
        up.add_metric([], 1)
        yield family
        yield up


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_RequestCollector())
    registry.register(SasmsCollector())
    return registry


class _RequestCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        return REQUEST_REGISTRY.collect()


def _client_allowed(request: HttpRequest) -> bool:
    token: str = getattr(settings, "SASMS_METRICS_TOKEN", "") or ""
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    networks = getattr(settings, "SASMS_METRICS_ALLOWED_NETWORKS", None)
    if networks is None:
        networks = DEFAULT_ALLOWED_NETWORKS
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _client_allowed(request):
        return JsonResponse({"detail": "metrics are restricted"}, status=403)
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
