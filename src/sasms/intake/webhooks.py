"""Machine endpoints: monitoring alert webhooks and Redfish EventService pushes.

Each caller authenticates with its own bearer token (``Authorization: Bearer …``); only a digest of
the token is stored. Answers are JSON in the API's error shape: 401 without a token, 403 with a
wrong one (or an inactive source), 413 for a body over the limit, 400 naming every bad field, 503
when the database stays busy (monitoring systems retry 5xx, so nothing is lost). Nothing is stored
unless the request is authenticated and valid.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited  # type: ignore[import-untyped]

from sasms.core.api.errors import error_body
from sasms.intake.alerts import MAX_BODY_BYTES, ValidationError, load_json
from sasms.intake.models import AlertSource, BmcEndpoint
from sasms.intake.services.alerts import ingest_alerts, parse_payload
from sasms.intake.services.config import digests_match

logger = logging.getLogger(__name__)
MAX_EVENTS = 500


def _error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    response = JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="sasms-intake"'
    return response


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _read_body(request: HttpRequest, limit: int) -> bytes | JsonResponse:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _error(400, "invalid", _("The Content-Length header is not a number."))
    too_large = _("The body is larger than %(limit)d bytes.") % {"limit": limit}
    if declared > limit:
        return _error(413, "too_large", too_large)
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(413, "too_large", too_large)
    return body


def _invalid(exc: ValidationError) -> JsonResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(error.path, []).append(error.message)
    first = exc.errors[0] if exc.errors else None
    if first is not None and first.path == "$":
        return _error(
            400, first.code, _("The body is not valid JSON: %(problem)s") % {"problem": first.message}, fields
        )
    return _error(400, "invalid", _("The payload has invalid fields."), fields)


def _throttled(request: HttpRequest) -> JsonResponse | None:
    """429 when this address sends too much, or has failed authentication too often lately."""
    flooding = is_ratelimited(
        request, group="webhooks", key="ip", rate=settings.SASMS_WEBHOOK_RATE, increment=True
    )
    guessing = is_ratelimited(
        request, group="webhooks-auth-failed", key="ip", rate=settings.SASMS_WEBHOOK_AUTH_FAILURE_RATE
    )
    if flooding or guessing:
        response = _error(429, "throttled", _("Too many requests from this address; try again shortly."))
        response["Retry-After"] = "60"
        return response
    return None


def _auth_failed(request: HttpRequest, response: JsonResponse) -> JsonResponse:
    is_ratelimited(
        request,
        group="webhooks-auth-failed",
        key="ip",
        rate=settings.SASMS_WEBHOOK_AUTH_FAILURE_RATE,
        increment=True,
    )
    return response


def _method_not_allowed() -> JsonResponse:
    response = _error(405, "method_not_allowed", _("Use POST."))
    response["Allow"] = "POST"
    return response


@csrf_exempt
def alert_webhook(request: HttpRequest, source_id: int) -> JsonResponse:
    """POST alerts in the source's format (Alertmanager v4, Zabbix, or SASMS generic JSON)."""
    if request.method != "POST":
        return _method_not_allowed()
    throttled = _throttled(request)
    if throttled is not None:
        return throttled
    token = _bearer(request)
    if token is None:
        return _error(
            401, "not_authenticated", _("Send the source's token as “Authorization: Bearer <token>”.")
        )
    source = AlertSource.objects.filter(pk=source_id).first()
    if source is None or not digests_match(token, source.token_digest):
        return _auth_failed(
            request, _error(403, "invalid_token", _("The token is not valid for this alert source."))
        )
    if not source.is_active:
        return _error(403, "source_inactive", _("This alert source is switched off."))
    body = _read_body(request, MAX_BODY_BYTES)
    if isinstance(body, JsonResponse):
        return body
    try:
        alerts = parse_payload(source, body)
    except ValidationError as exc:
        return _invalid(exc)
    try:
        result = ingest_alerts(source=source, alerts=alerts)
    except OperationalError:
        logger.exception("alert delivery to source %s could not be stored", source.pk)
        response = _error(503, "busy", _("The alerts could not be stored now; please retry."))
        response["Retry-After"] = "5"
        return response
    return JsonResponse({"status": "ok", **result.as_dict()}, json_dumps_params={"ensure_ascii": False})


def _event_problems(data: Any) -> dict[str, list[str]]:
    if not isinstance(data, dict):
        return {"$": [_("Expected a Redfish Event object.")]}
    events = data.get("Events")
    if not isinstance(events, list):
        return {"Events": [_("This field is required and must be a list.")]}
    if len(events) > MAX_EVENTS:
        return {"Events": [_("At most %(count)d events per delivery.") % {"count": MAX_EVENTS}]}
    return {
        f"Events[{i}]": [_("Expected an object.")] for i, e in enumerate(events) if not isinstance(e, dict)
    }


def _context(body: bytes) -> Any:
    """The Event's Context (top level since Event 1.1; inside each event in older BMCs)."""
    try:
        data = load_json(body)
    except ValidationError:
        return None
    if not isinstance(data, dict):
        return None
    events = data.get("Events")
    first = events[0] if isinstance(events, list) and events and isinstance(events[0], dict) else {}
    return data.get("Context") or first.get("Context")


@csrf_exempt
def bmc_event_push(request: HttpRequest, endpoint_id: int) -> JsonResponse:
    """A Redfish EventService subscription's destination: a pushed event makes the BMC due now."""
    if request.method != "POST":
        return _method_not_allowed()
    throttled = _throttled(request)
    if throttled is not None:
        return throttled
    token = _bearer(request)
    body = b""
    if token is None:
        # A subscription made by SASMS carries the push token as its Context: most BMCs cannot add
        # an Authorization header to their deliveries, but every one echoes the Context.
        read = _read_body(request, MAX_BODY_BYTES)
        if isinstance(read, JsonResponse):
            return read
        body = read
        context = _context(body)
        token = context.strip() if isinstance(context, str) and context.strip() else None
    if token is None:
        return _error(
            401, "not_authenticated", _("Send the endpoint's push token as “Authorization: Bearer <token>”.")
        )
    endpoint = BmcEndpoint.objects.filter(pk=endpoint_id).first()
    if (
        endpoint is None
        or not endpoint.push_token_digest
        or not digests_match(token, endpoint.push_token_digest)
    ):
        return _error(403, "invalid_token", _("The token is not valid for this BMC endpoint."))
    if not endpoint.is_active:
        return _error(403, "endpoint_inactive", _("This BMC endpoint is switched off."))
    if not body:
        read = _read_body(request, MAX_BODY_BYTES)
        if isinstance(read, JsonResponse):
            return read
        body = read
    try:
        data = load_json(body)
    except ValidationError as exc:
        return _invalid(exc)
    problems = _event_problems(data)
    if problems:
        return _error(400, "invalid", _("The payload has invalid fields."), problems)
    now = timezone.now()
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(last_event_at=now, next_poll_at=now)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # With workers, poll right away; in-process, the next scheduler tick polls the due endpoint.
        from sasms.intake.tasks import poll_bmc

        transaction.on_commit(lambda: poll_bmc.delay(endpoint.pk))
    return JsonResponse({"status": "accepted", "events": len(data["Events"])}, status=202)


@csrf_exempt
def noop(request: HttpRequest) -> JsonResponse:
    """Answers without touching the database: the baseline of the alert ingestion benchmark."""
    if request.method == "POST":
        request.read(MAX_BODY_BYTES)
    return JsonResponse({"status": "ok"})
