"""The engineer's phone: the PM checklist of a field visit, under ``/field/`` so that the field
app's service worker keeps the page for offline use, and the endpoint the phone's queue sends
each answer to (``field/queue.js`` — the same queue, key and retry rules as every visit step)."""

import datetime
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasms.core.errors import ServiceError
from sasms.maintenance import selectors, services
from sasms.maintenance.choices import FINDING_RESULTS, Result
from sasms.maintenance.views.common import actor_of, refused


def _error(error: ServiceError) -> JsonResponse:
    body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    return JsonResponse(body, status=error.status)


@login_required
def checklist_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One block per server, one row per check; answers go through the phone's queue."""
    actor = actor_of(request)
    pm_visit = selectors.pm_visit_of_field_visit(actor=actor, field_visit_id=pk)
    services.require_checklist_rights(actor, pm_visit)
    language = get_language() or "en"
    given = {(a.server_id, a.item_id): a for a in selectors.answers_of(pm_visit)}
    blocks = []
    for server in pm_visit.servers.select_related("model").order_by("serial"):
        lines = [
            {"item": item, "label": item.label_for(language), "answer": given.get((server.pk, item.pk))}
            for item in services.active_items(services.template_for(server))
        ]
        blocks.append({"server": server, "lines": lines})
    context = {
        "title": _("PM checklist"),
        "pm_visit": pm_visit,
        "field_visit": pm_visit.field_visit,
        "blocks": blocks,
        "results": Result.choices,
        "finding_results": sorted(FINDING_RESULTS),
        "tab": "visits",
    }
    return render(request, "maintenance/checklist.html", context)


def _payload(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    return dict(request.POST.items())


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or request.headers.get("Accept") == "application/json"


def _parsed(data: dict[str, Any]) -> tuple[uuid.UUID | None, datetime.datetime | None]:
    key = occurred_at = None
    try:
        key = uuid.UUID(str(data["key"])) if data.get("key") else None
    except ValueError as exc:
        raise ServiceError(_("Invalid key."), fields={"key": [_("Invalid key.")]}) from exc
    try:
        occurred_at = parse_datetime(str(data["occurred_at"])) if data.get("occurred_at") else None
    except ValueError:
        occurred_at = None
    if data.get("occurred_at") and occurred_at is None:
        raise ServiceError(_("Invalid time."), fields={"occurred_at": [_("Invalid time.")]})
    return key, occurred_at


@login_required
@require_POST
def answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """``{key, occurred_at, server, item, result, value, note}`` → the stored answer (JSON), once."""
    actor = actor_of(request)
    data = _payload(request)
    try:
        pm_visit = selectors.pm_visit_of_field_visit(actor=actor, field_visit_id=pk)
        key, occurred_at = _parsed(data)
        answer, duplicate = services.record_answer(
            actor=actor,
            pm_visit=pm_visit,
            server_id=data.get("server", ""),
            item_id=data.get("item", ""),
            result=str(data.get("result", "")),
            value=str(data.get("value", ""))[:201],
            note=str(data.get("note", ""))[:2001],
            key=key,
            occurred_at=occurred_at,
        )
    except ServiceError as error:
        if _wants_json(request):
            return _error(error)
        refused(request, error)
        return redirect("maintenance:checklist", pk=pk)
    if not _wants_json(request):
        return redirect("maintenance:checklist", pk=pk)
    return JsonResponse(
        {"key": str(answer.key), "duplicate": duplicate, "id": answer.pk, "result": answer.result}
    )


@login_required
@require_POST
def finding_view(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """One tap: the finding becomes a request (needs the network: a request number is issued)."""
    actor = actor_of(request)
    pm_visit = selectors.pm_visit_of_field_visit(actor=actor, field_visit_id=pk)
    answer = selectors.answers_of(pm_visit).filter(pk=answer_pk).first()
    if answer is None:
        messages.error(request, _("Not found."))
        return redirect("maintenance:checklist", pk=pk)
    try:
        ticket = services.raise_finding(actor=actor, answer=answer)
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(
            request, _("Request %(number)s raised for this finding.") % {"number": ticket.number}
        )
    return redirect("maintenance:checklist", pk=pk)
