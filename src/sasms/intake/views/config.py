"""Settings pages: mailboxes, alert sources (token shown once) and BMC endpoints (administrators)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.roles import Capability
from sasms.core import secrets
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, attr
from sasms.core.models import AuditEntry
from sasms.core.permissions import require
from sasms.intake import selectors
from sasms.intake.choices import BmcIdentity, PollStatus
from sasms.intake.filtersets import AlertSourceFilterSet, BmcEndpointFilterSet, MailboxFilterSet
from sasms.intake.forms import AlertSourceForm, BmcEndpointForm, MailboxForm
from sasms.intake.models import AlertSource, BmcEndpoint
from sasms.intake.redfish import RedfishError
from sasms.intake.services import config as services
from sasms.intake.services.bmc import (
    event_subscriptions,
    poll_endpoint,
    push_destination,
    subscribe_events,
    unsubscribe_events,
)
from sasms.intake.services.common import CONFIGURE
from sasms.intake.services.mail import poll_mailbox
from sasms.intake.views.common import IntakeList, actor_of, tabs

_STATUS_BADGES = {
    PollStatus.OK: "success",
    PollStatus.FAULT: "warning",
    PollStatus.UNREACHABLE: "danger",
    PollStatus.ERROR: "danger",
    PollStatus.NEVER: "secondary",
    PollStatus.MISMATCH: "danger",
}
_IDENTITY_BADGES = {BmcIdentity.VERIFIED: "success", BmcIdentity.MISMATCH: "danger"}


def _history(request: HttpRequest, obj: Model | None) -> Any:
    if obj is None or not actor_of(request).can(Capability.VIEW_AUDIT_TRAIL):
        return None
    return AuditEntry.objects.filter(object_type=f"intake.{obj._meta.model_name}", object_id=str(obj.pk))[:10]


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel: str,
    obj: Model | None,
    status: int | None = None,
    side_template: str = "",
) -> HttpResponse:
    context = {
        "side_template": side_template,
        "form": form,
        "title": title,
        "cancel_url": cancel,
        "object": obj,
        "history": _history(request, obj),
        "intake_tabs": tabs(request),
    }
    if status is None:
        status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "intake/form.html", context, status=status)


# --- Mailboxes -------------------------------------------------------------------------------------


class MailboxListView(IntakeList):
    title = gettext_lazy("Mailboxes")
    capability = CONFIGURE
    filterset_class = MailboxFilterSet
    export_name = "mailboxes"
    empty_message = gettext_lazy("No mailboxes match these filters.")
    create_url_name = "intake:mailbox_create"
    create_label = gettext_lazy("New mailbox")
    row_actions_template = "intake/_mailbox_actions.html"
    columns = [
        Column(
            gettext_lazy("Name"), attr("name"), link=lambda m: reverse("intake:mailbox_edit", args=[m.pk])
        ),
        Column(gettext_lazy("E-mail address"), attr("address")),
        Column(gettext_lazy("IMAP server"), lambda m: f"{m.host}:{m.port}"),
        Column(gettext_lazy("Folder"), attr("folder")),
        Column(gettext_lazy("Default customer"), attr("organisation.name")),
        Column(gettext_lazy("Replies come here"), attr("reply_to")),
        Column(gettext_lazy("Active"), attr("is_active")),
        Column(gettext_lazy("Last success"), attr("last_success_at")),
        Column(
            gettext_lazy("Last error"), attr("last_error"), badge=lambda m: "danger" if m.last_error else ""
        ),
    ]

    def get_queryset(self) -> Any:
        return selectors.mailboxes_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def mailbox_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    mailbox = selectors.access_mailbox(actor=actor, mailbox_id=pk) if pk else None
    initial = {f: getattr(mailbox, f) for f in services.MAILBOX_FIELDS} if mailbox else {}
    form = MailboxForm(request.POST or None, initial=initial, creating=mailbox is None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password") or ""
        try:
            if mailbox is None:
                mailbox = services.create_mailbox(actor=actor, password=password, **data)
            else:
                mailbox = services.update_mailbox(actor=actor, mailbox=mailbox, password=password, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Mailbox “%s” saved.") % mailbox.name)
            return redirect("intake:mailbox_list")
    title = _("Edit mailbox") if mailbox else _("New mailbox")
    return _form_page(request, form, title=title, cancel=reverse("intake:mailbox_list"), obj=mailbox)


@login_required
@require_POST
def mailbox_poll_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    mailbox = selectors.access_mailbox(actor=actor, mailbox_id=pk)
    poll = poll_mailbox(mailbox)
    if poll.busy:
        messages.warning(request, _("Another poll of this mailbox is running."))
    elif poll.error:
        messages.error(request, _("The mailbox could not be read: %(error)s") % {"error": poll.error})
    else:
        messages.success(
            request,
            _("%(count)d new messages read from “%(name)s”.")
            % {"count": poll.fetched - poll.duplicates, "name": mailbox.name},
        )
    return redirect("intake:mailbox_list")


# --- Alert sources ---------------------------------------------------------------------------------


class AlertSourceListView(IntakeList):
    title = gettext_lazy("Alert sources")
    capability = CONFIGURE
    filterset_class = AlertSourceFilterSet
    export_name = "alert-sources"
    empty_message = gettext_lazy("No alert sources match these filters.")
    create_url_name = "intake:source_create"
    create_label = gettext_lazy("New alert source")
    row_actions_template = "intake/_source_actions.html"
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=lambda s: reverse("intake:source_edit", args=[s.pk])),
        Column(gettext_lazy("Format"), attr("get_kind_display")),
        Column(
            gettext_lazy("Webhook"),
            lambda s: reverse("intake:alert_webhook", args=[s.pk]),
            css="font-monospace small",
        ),
        Column(gettext_lazy("Token"), lambda s: f"{s.token_prefix}…", css="font-monospace small"),
        Column(gettext_lazy("Default customer"), attr("organisation.name")),
        Column(gettext_lazy("Opens requests for"), attr("get_min_severity_display")),
        Column(gettext_lazy("Correlation window (min)"), attr("correlation_minutes"), css="text-end"),
        Column(gettext_lazy("Resolve untouched requests"), attr("auto_resolve")),
        Column(gettext_lazy("Active"), attr("is_active")),
        Column(gettext_lazy("Last delivery"), attr("last_received_at")),
    ]

    def get_queryset(self) -> Any:
        return selectors.alert_sources_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


def _token_page(request: HttpRequest, source: AlertSource, token: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("intake:alert_webhook", args=[source.pk]))
    return render(
        request,
        "intake/token.html",
        {"source": source, "token": token, "webhook_url": url, "intake_tabs": tabs(request)},
    )


@login_required
def source_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    source = selectors.access_alert_source(actor=actor, source_id=pk) if pk else None
    initial = {f: getattr(source, f) for f in services.SOURCE_FIELDS} if source else {}
    form = AlertSourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if source is None:
                issued = services.create_alert_source(actor=actor, **form.cleaned_data)
                return _token_page(request, issued.source, issued.token)
            source = services.update_alert_source(actor=actor, source=source, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Alert source “%s” saved.") % source.name)
            return redirect("intake:source_list")
    title = _("Edit alert source") if source else _("New alert source")
    return _form_page(request, form, title=title, cancel=reverse("intake:source_list"), obj=source)


@login_required
@require_POST
def source_token_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    source = selectors.access_alert_source(actor=actor, source_id=pk)
    issued = services.rotate_alert_source_token(actor=actor, source=source)
    return _token_page(request, issued.source, issued.token)


# --- BMC endpoints ---------------------------------------------------------------------------------


class BmcListView(IntakeList):
    title = gettext_lazy("BMC endpoints")
    capability = CONFIGURE
    filterset_class = BmcEndpointFilterSet
    export_name = "bmc-endpoints"
    empty_message = gettext_lazy("No BMC endpoints match these filters.")
    create_url_name = "intake:bmc_create"
    create_label = gettext_lazy("New BMC endpoint")
    row_actions_template = "intake/_bmc_actions.html"
    columns = [
        Column(
            gettext_lazy("BMC address"),
            attr("base_url"),
            link=lambda e: reverse("intake:bmc_edit", args=[e.pk]),
        ),
        Column(
            gettext_lazy("Server"),
            attr("server"),
            link=lambda e: reverse("assets:server_detail", args=[e.server_id]),
        ),
        Column(gettext_lazy("Customer"), attr("server.organisation.name")),
        Column(
            gettext_lazy("Status"),
            attr("get_last_status_display"),
            badge=lambda e: _STATUS_BADGES.get(e.last_status, "secondary"),
        ),
        Column(
            gettext_lazy("Identity"),
            attr("get_identity_status_display"),
            badge=lambda e: _IDENTITY_BADGES.get(e.identity_status, "secondary"),
        ),
        Column(gettext_lazy("Last polled"), attr("last_polled_at")),
        Column(gettext_lazy("Poll every (min)"), attr("poll_interval_minutes"), css="text-end"),
        Column(gettext_lazy("Last error"), attr("last_error")),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.bmc_endpoints_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def bmc_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    endpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk) if pk else None
    initial: dict[str, Any] = {}
    if endpoint is not None:
        initial = {f: getattr(endpoint, f) for f in services.BMC_FIELDS}
        initial["server"] = endpoint.server.serial
    form = BmcEndpointForm(request.POST or None, initial=initial, creating=endpoint is None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password") or ""
        server = data.pop("server")
        if endpoint is None and data.get("log_since") is None:
            data.pop("log_since")  # the service starts a new endpoint's log at registration
        try:
            if endpoint is None:
                endpoint = services.create_bmc_endpoint(actor=actor, server=server, password=password, **data)
            else:
                endpoint = services.update_bmc_endpoint(
                    actor=actor, endpoint=endpoint, password=password, server=server, **data
                )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("BMC endpoint %s saved.") % endpoint.address)
            return redirect("intake:bmc_list")
    title = _("Edit BMC endpoint") if endpoint else _("New BMC endpoint")
    return _form_page(
        request,
        form,
        title=title,
        cancel=reverse("intake:bmc_list"),
        obj=endpoint,
        side_template="intake/_bmc_identity.html" if endpoint else "",
    )


@login_required
@require_POST
def bmc_poll_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    endpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk)
    poll = poll_endpoint(endpoint)
    if poll.busy:
        messages.warning(request, _("Another poll of this BMC is running."))
    elif poll.status == PollStatus.MISMATCH:
        messages.error(request, _("Identity mismatch: %(error)s") % {"error": poll.error})
    elif poll.error:
        messages.error(request, _("The BMC could not be polled: %(error)s") % {"error": poll.error})
    else:
        messages.success(
            request,
            _("BMC polled: %(faults)d new faults, %(recovered)d recovered, %(opened)d requests opened.")
            % {"faults": poll.new_faults, "recovered": poll.recovered, "opened": len(poll.requests_opened)},
        )
    return redirect("intake:bmc_list")


@login_required
@require_POST
def bmc_push_token_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    endpoint: BmcEndpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk)
    issued = services.issue_bmc_push_token(actor=actor, endpoint=endpoint)
    url = request.build_absolute_uri(reverse("intake:bmc_events", args=[endpoint.pk]))
    return render(
        request,
        "intake/push_token.html",
        {"endpoint": issued.endpoint, "token": issued.token, "push_url": url, "intake_tabs": tabs(request)},
    )


def _bmc_failure(request: HttpRequest, error: Exception) -> None:
    messages.error(request, _("The BMC did not do it: %(error)s") % {"error": error})


@login_required
@require_POST
def bmc_subscribe_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe SASMS to the BMC's EventService (push), with a fresh secret Context."""
    actor = actor_of(request)
    require(actor, CONFIGURE)
    endpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk)
    try:
        uri = subscribe_events(actor=actor, endpoint=endpoint)
    except (RedfishError, secrets.SecretError) as error:
        _bmc_failure(request, error)
    else:
        messages.success(
            request, _("The BMC now pushes its events to SASMS (subscription %(uri)s).") % {"uri": uri or "—"}
        )
    return redirect("intake:bmc_edit", pk=endpoint.pk)


@login_required
@require_POST
def bmc_unsubscribe_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, CONFIGURE)
    endpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk)
    try:
        deleted = unsubscribe_events(actor=actor, endpoint=endpoint)
    except (RedfishError, secrets.SecretError) as error:
        _bmc_failure(request, error)
    else:
        if deleted:
            messages.success(
                request, _("Event subscriptions deleted on the BMC: %(uris)s.") % {"uris": ", ".join(deleted)}
            )
        else:
            messages.info(
                request, _("The BMC had no event subscription of SASMS; the push token is retired.")
            )
    return redirect("intake:bmc_edit", pk=endpoint.pk)


@login_required
@require_GET
def bmc_subscriptions_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The BMC's event subscriptions as it lists them now (read from the BMC on each visit)."""
    actor = actor_of(request)
    require(actor, CONFIGURE)
    endpoint = selectors.access_bmc_endpoint(actor=actor, endpoint_id=pk)
    error = ""
    found: list[Any] = []
    try:
        found = event_subscriptions(actor=actor, endpoint=endpoint)
    except (RedfishError, secrets.SecretError) as failure:
        error = str(failure)
    return render(
        request,
        "intake/bmc_subscriptions.html",
        {
            "endpoint": endpoint,
            "subscriptions": found,
            "error": error,
            "destination": push_destination(endpoint),
            "intake_tabs": tabs(request),
        },
        status=502 if error else 200,
    )
