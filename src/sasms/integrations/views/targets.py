"""Chat robots and webhook subscriptions (administrators): lists, forms, test messages."""

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
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.core.permissions import require
from sasms.integrations import selectors, services
from sasms.integrations.choices import EventType
from sasms.integrations.crypto import SecretUnreadable, decrypt
from sasms.integrations.filtersets import RobotFilterSet, WebhookFilterSet
from sasms.integrations.forms import RobotForm, WebhookForm
from sasms.integrations.models import WebhookSubscription
from sasms.integrations.views.common import actor_of


def _events_text(events: list[str]) -> str:
    labels = []
    for value in events:
        try:
            labels.append(str(EventType(value).label))
        except ValueError:
            labels.append(value)
    return ", ".join(labels)


def _history(actor: Any, obj: Any) -> Any:
    if not actor.can(Capability.VIEW_AUDIT_TRAIL):
        return None
    meta = obj._meta
    return AuditEntry.objects.filter(
        object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(obj.pk)
    )[:10]


class RobotListView(ListPage):
    title = gettext_lazy("Chat robots")
    capability = Capability.MANAGE_MACHINE_TOKENS
    filterset_class = RobotFilterSet
    template_name = "integrations/target_list.html"
    export_name = "chat-robots"
    empty_message = gettext_lazy("No robots match these filters.")
    create_url_name = "integrations:robot_create"
    create_label = gettext_lazy("New robot")
    columns = [
        Column(
            gettext_lazy("Name"), attr("name"), link=lambda r: reverse("integrations:robot_edit", args=[r.pk])
        ),
        Column(gettext_lazy("Platform"), attr("get_kind_display")),
        Column(gettext_lazy("Webhook address"), attr("url_hint")),
        Column(gettext_lazy("Signed"), attr("has_secret")),
        Column(gettext_lazy("Events"), lambda r: _events_text(r.events)),
        Column(gettext_lazy("Only for customer"), attr("organisation.name")),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.robots_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True

    def extra_context(self) -> dict[str, Any]:
        return {"tab": "robots"}


class WebhookListView(ListPage):
    title = gettext_lazy("Webhooks")
    capability = Capability.MANAGE_MACHINE_TOKENS
    filterset_class = WebhookFilterSet
    template_name = "integrations/target_list.html"
    export_name = "webhooks"
    empty_message = gettext_lazy("No webhooks match these filters.")
    create_url_name = "integrations:webhook_create"
    create_label = gettext_lazy("New webhook")
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda s: reverse("integrations:webhook_edit", args=[s.pk]),
        ),
        Column(gettext_lazy("URL"), attr("url")),
        Column(gettext_lazy("Events"), lambda s: _events_text(s.events)),
        Column(gettext_lazy("Only for customer"), attr("organisation.name")),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.subscriptions_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True

    def extra_context(self) -> dict[str, Any]:
        return {"tab": "webhooks"}


# --- robots --------------------------------------------------------------------------------------


@login_required
def robot_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    robot = selectors.access_robot(actor=actor, robot_id=pk) if pk is not None else None
    initial = (
        {
            "name": robot.name,
            "kind": robot.kind,
            "events": robot.events,
            "organisation": robot.organisation_id,
            "is_active": robot.is_active,
        }
        if robot is not None
        else {"events": [EventType.CREATED_URGENT, EventType.SLA_BREACHED], "is_active": True}
    )
    form = RobotForm(request.POST or None, initial=initial, editing=robot is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        remove_secret = data.pop("remove_secret", False)
        try:
            if robot is None:
                robot = services.create_robot(actor=actor, **data)
            else:
                secret = data.pop("secret")
                if remove_secret:
                    data["secret"] = ""
                elif secret:
                    data["secret"] = secret
                robot = services.update_robot(actor=actor, robot=robot, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Robot “%s” saved.") % robot.name)
            return redirect("integrations:robot_list")
    context = {
        "form": form,
        "target": robot,
        "kind": "robot",
        "title": robot.name if robot else _("New robot"),
        "history": _history(actor, robot) if robot else None,
        "cancel_url": reverse("integrations:robot_list"),
    }
    return render(request, "integrations/target_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def robot_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    robot = selectors.access_robot(actor=actor, robot_id=pk)
    services.delete_robot(actor=actor, robot=robot)
    messages.success(request, _("Robot “%s” deleted.") % robot.name)
    return redirect("integrations:robot_list")


@login_required
@require_POST
def robot_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    robot = selectors.access_robot(actor=actor, robot_id=pk)
    return _after_test(request, services.send_test_message(actor=actor, target=robot).pk)


def _after_test(request: HttpRequest, delivery_id: int) -> HttpResponse:
    messages.info(request, _("Test message queued; its delivery is shown below."))
    return redirect("integrations:delivery_detail", pk=delivery_id)


# --- webhooks ------------------------------------------------------------------------------------


@login_required
def webhook_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    subscription = selectors.access_subscription(actor=actor, subscription_id=pk) if pk is not None else None
    initial = (
        {
            "name": subscription.name,
            "url": subscription.url,
            "events": subscription.events,
            "organisation": subscription.organisation_id,
            "is_active": subscription.is_active,
        }
        if subscription is not None
        else {"events": [EventType.CREATED, EventType.STATUS_CHANGED], "is_active": True}
    )
    form = WebhookForm(request.POST or None, initial=initial, editing=subscription is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if subscription is None:
                subscription = services.create_subscription(actor=actor, **data)
            else:
                subscription = services.update_subscription(actor=actor, subscription=subscription, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Webhook “%s” saved.") % subscription.name)
            return redirect("integrations:webhook_edit", pk=subscription.pk)
    secret = ""
    if subscription is not None:
        try:
            secret = decrypt(subscription.secret_encrypted)
        except SecretUnreadable:
            secret = ""
    context = {
        "form": form,
        "target": subscription,
        "kind": "webhook",
        "secret": secret,
        "title": subscription.name if subscription else _("New webhook"),
        "history": _history(actor, subscription) if subscription else None,
        "cancel_url": reverse("integrations:webhook_list"),
    }
    return render(request, "integrations/target_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def webhook_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    subscription = selectors.access_subscription(actor=actor, subscription_id=pk)
    services.delete_subscription(actor=actor, subscription=subscription)
    messages.success(request, _("Webhook “%s” deleted.") % subscription.name)
    return redirect("integrations:webhook_list")


@login_required
@require_POST
def webhook_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    subscription: WebhookSubscription = selectors.access_subscription(actor=actor, subscription_id=pk)
    return _after_test(request, services.send_test_message(actor=actor, target=subscription).pk)
