import ipaddress
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from sasms.core.context import Origin, acting_from
from sasms.core.text import clean_submitted


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client as the outermost of our own proxies saw it.

    ``SASMS_PROXY_COUNT`` says how many proxies (nginx, a load balancer) stand in front of the web
    nodes; each appends the address it received from to X-Forwarded-For, so the trusted entry is
    the N-th from the right. Entries further left are whatever the client sent and are never used:
    a forged header cannot pick someone else's rate-limit bucket or audit address. Without proxies
    (the default), REMOTE_ADDR is the client.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = getattr(settings, "SASMS_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote  # the request did not come through every proxy: only REMOTE_ADDR is known
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def ratelimit_key_ip(request: HttpRequest) -> str:
    """django-ratelimit's client address (RATELIMIT_IP_META_KEY): the same one the audit records."""
    return client_ip(request) or ""


def _cleaned(data: QueryDict) -> Any:
    cleaned = clean_submitted(data)
    if cleaned is not data:
        cleaned._mutable = False  # as Django hands it over: views must copy before changing it
    return cleaned


class CleanInputMiddleware:
    """Drops NUL and other control characters from query strings and form posts.

    They mean nothing in a search box, a filter or a name, and PostgreSQL refuses NUL in any text,
    so a view that reads ``request.GET`` or ``request.POST`` directly would answer 500. Views
    exempt from CSRF (machine endpoints that read the raw body) keep their body unread.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _cleaned(request.GET)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return
        # The CSRF check reads the form just the same; the files stay as they were uploaded.
        request.POST = _cleaned(request.POST)


class RequestContextMiddleware:
    """Records the origin of every request for the audit trail and tags the response with an id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            request_id=request_id,
        )
        with acting_from(origin):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ServiceErrorMiddleware:
    """Turns a refused use case that escaped a view into the right status page, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from sasms.core.errors import NotFound, PermissionDenied, ServiceError

        if isinstance(exception, NotFound):
            return render(request, "404.html", {"message": exception.message}, status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"message": exception.message}, status=403)
        if isinstance(exception, ServiceError):
            return render(request, "400.html", {"message": exception.message}, status=exception.status)
        return None
