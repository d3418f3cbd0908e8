"""Refusing oversized uploads before their bytes are read.

Two limits, both answered with 413 (the JSON error shape on ``/api/``, a page elsewhere):

* a request whose ``Content-Length`` passes ``SASMS_REQUEST_MAX_BYTES`` (default: five files of
  the upload limit plus 1 MB of form fields) is refused before any of its body is read;
* one file passing ``SASMS_UPLOAD_MAX_BYTES`` (default 20 MB, or the request attachment limit if
  that is higher) stops the reading as soon as its bytes pass the limit, so a 90 MB file is read
  no further than 20 MB.

A body without ``Content-Length`` (chunked) is never read by Django at all: it counts as empty.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException

from sasms.core.api.errors import error_body

MB = 1024 * 1024


def upload_max_bytes() -> int:
    attachments = int(getattr(settings, "SASMS_TICKET_ATTACHMENT_MAX_BYTES", 0) or 0)
    return max(int(settings.SASMS_UPLOAD_MAX_BYTES), attachments)


def request_max_bytes() -> int:
    return int(settings.SASMS_REQUEST_MAX_BYTES)


def too_large_message(limit: int) -> str:
    return _("The upload is larger than %(mb)s MB; nothing was saved.") % {"mb": round(limit / MB, 1)}


class UploadTooLarge(APIException):
    """Raised while a file is streamed in; the API answers it as 413 JSON by itself."""

    status_code = 413
    default_code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(detail=too_large_message(limit), code="too_large")
        self.limit = limit


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: stops reading the body once one file passes the limit."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        limit = upload_max_bytes()
        if start + len(raw_data) > limit:
            raise UploadTooLarge(limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


def _too_large(request: HttpRequest, limit: int, *, page: bool = True) -> HttpResponse:
    message = too_large_message(limit)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("too_large", message), status=413)
    elif page:
        response = render(request, "413.html", {"message": message}, status=413)
    else:
        # Before the user is known (refused by Content-Length alone): a page without the menu.
        body = f"<!doctype html><title>413</title><p>{escape(message)}</p>"
        response = HttpResponse(body, status=413, content_type="text/html; charset=utf-8")
    response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response


class UploadLimitMiddleware:
    """Placed before anything reads a form: refuses by ``Content-Length`` first, then parses
    multipart forms of page views here so a file over the limit becomes a 413 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > request_max_bytes():
            return _too_large(request, request_max_bytes(), page=False)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # API views (csrf-exempt, parsed by DRF) answer UploadTooLarge themselves; machine
        # endpoints that read the raw body keep it unread.
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        if not (request.content_type or "").startswith("multipart/"):
            return None
        try:
            request.FILES  # noqa: B018 - parse now, where an oversized file can be answered
        except UploadTooLarge as exc:
            return _too_large(request, exc.limit)
        return None
