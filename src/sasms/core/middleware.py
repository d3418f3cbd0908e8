import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sasms.core.context import Origin, acting_from


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, the deployment's proxy sets REMOTE_ADDR correctly (see docs/deploy notes);
    # X-Forwarded-For is not trusted here because any client can forge it.
    return request.META.get("REMOTE_ADDR") or None


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
