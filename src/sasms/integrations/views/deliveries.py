"""The delivery log: every message to robots and webhooks, each attempt, and replays."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import OutboxMessage
from sasms.integrations import selectors, services
from sasms.integrations.choices import DeliveryStatus, EventType
from sasms.integrations.filtersets import DeliveryFilterSet
from sasms.integrations.messages import TEST_EVENT
from sasms.integrations.models import Delivery
from sasms.integrations.services.deliveries import TOPIC
from sasms.integrations.views.common import actor_of

STATUS_BADGES = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.RETRYING: "warning",
    DeliveryStatus.SUCCEEDED: "success",
    DeliveryStatus.FAILED: "danger",
    DeliveryStatus.CANCELLED: "light",
}


def event_label(value: str) -> str:
    if value == TEST_EVENT:
        return _("Test message")
    try:
        return str(EventType(value).label)
    except ValueError:
        return value


class DeliveryListView(ListPage):
    title = gettext_lazy("Delivery log")
    capability = Capability.MANAGE_MACHINE_TOKENS
    filterset_class = DeliveryFilterSet
    template_name = "integrations/target_list.html"
    export_name = "deliveries"
    empty_message = gettext_lazy("No deliveries match these filters.")
    columns = [
        Column(
            gettext_lazy("Time"),
            attr("created_at"),
            link=lambda d: reverse("integrations:delivery_detail", args=[d.pk]),
        ),
        Column(gettext_lazy("Recipient"), attr("target_label")),
        Column(gettext_lazy("Target"), attr("get_target_kind_display")),
        Column(gettext_lazy("Event"), lambda d: event_label(d.event_type)),
        Column(gettext_lazy("SR number"), attr("ticket_number")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda d: STATUS_BADGES.get(d.status, "light"),
        ),
        Column(gettext_lazy("Attempts"), attr("attempts"), css="text-end"),
        Column(gettext_lazy("Last HTTP status"), attr("last_status_code"), css="text-end"),
        Column(gettext_lazy("Last error"), attr("last_error")),
        Column(gettext_lazy("Replay of"), lambda d: f"#{d.replay_of_id}" if d.replay_of_id else ""),
    ]

    def get_queryset(self) -> Any:
        return selectors.deliveries_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        return {"tab": "deliveries"}


@login_required
def delivery_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    delivery: Delivery = selectors.access_delivery(actor=actor, delivery_id=pk)
    next_try = (
        OutboxMessage.objects.filter(idempotency_key=f"{TOPIC}:{delivery.pk}", status="pending")
        .values_list("available_at", flat=True)
        .first()
        if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
        else None
    )
    context = {
        "delivery": delivery,
        "event_label": event_label(delivery.event_type),
        "attempts": selectors.attempts_of(delivery),
        "replays": delivery.replays.order_by("-created_at")[:20],
        "payload": json.dumps(delivery.payload, ensure_ascii=False, indent=2, sort_keys=True),
        "badge": STATUS_BADGES.get(DeliveryStatus(delivery.status), "light"),
        "next_try": next_try,
        "can_replay": delivery.robot_id is not None or delivery.subscription_id is not None,
        "title": _("Delivery #%(id)s") % {"id": delivery.pk},
    }
    return render(request, "integrations/delivery_detail.html", context)


@login_required
@require_POST
def delivery_replay_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    delivery = selectors.access_delivery(actor=actor, delivery_id=pk)
    try:
        replay = services.replay_delivery(actor=actor, delivery=delivery)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("integrations:delivery_detail", pk=delivery.pk)
    messages.success(request, _("Replay queued as delivery #%(id)s.") % {"id": replay.pk})
    return redirect("integrations:delivery_detail", pk=replay.pk)
