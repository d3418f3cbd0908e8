"""What intake received: alerts and processed e-mails (service desk), with the raw e-mail download."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy

from sasms.core.errors import NotFound
from sasms.core.lists import Column, attr
from sasms.core.permissions import require
from sasms.intake import selectors
from sasms.intake.choices import AlertState, Outcome
from sasms.intake.filtersets import AlertFilterSet, MessageFilterSet
from sasms.intake.services.common import WORK
from sasms.intake.services.mail import mail_storage
from sasms.intake.views.common import IntakeList, actor_of

_OUTCOME_BADGES = {
    Outcome.CREATED: "success",
    Outcome.COMMENTED: "primary",
    Outcome.TRIAGED: "warning",
    Outcome.FAILED: "danger",
}


def _ticket_link(obj: Any) -> str:
    return reverse("tickets:detail", args=[obj.ticket.number]) if obj.ticket_id else ""


class AlertListView(IntakeList):
    title = gettext_lazy("Alerts")
    capability = WORK
    filterset_class = AlertFilterSet
    export_name = "alerts"
    empty_message = gettext_lazy("No alerts match these filters.")
    columns = [
        Column(gettext_lazy("Last received"), attr("last_received_at")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda a: "danger" if a.status == AlertState.FIRING else "success",
        ),
        Column(gettext_lazy("Severity"), attr("get_severity_display")),
        Column(gettext_lazy("Alert"), attr("name")),
        Column(gettext_lazy("Summary"), attr("summary")),
        Column(gettext_lazy("Device"), attr("incident_key"), css="small"),
        Column(
            gettext_lazy("Server"),
            attr("server"),
            link=lambda a: reverse("assets:server_detail", args=[a.server_id]) if a.server_id else "",
        ),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(
            gettext_lazy("Triage"),
            lambda a: a.triage.get_status_display() if a.triage_id else "",
            link=lambda a: reverse("intake:triage_detail", args=[a.triage_id]) if a.triage_id else "",
        ),
        Column(gettext_lazy("Source"), attr("source.name")),
        Column(gettext_lazy("Started"), attr("starts_at")),
        Column(gettext_lazy("Ended"), attr("ends_at")),
        Column(gettext_lazy("Deliveries"), attr("receive_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.alerts_visible_to(actor=self.request.user)


class MessageListView(IntakeList):
    title = gettext_lazy("E-mails")
    capability = WORK
    filterset_class = MessageFilterSet
    export_name = "intake-emails"
    empty_message = gettext_lazy("No e-mails match these filters.")
    row_actions_template = "intake/_message_actions.html"
    columns = [
        Column(gettext_lazy("Processed"), attr("processed_at")),
        Column(
            gettext_lazy("From"), lambda m: f"{m.sender_name} <{m.sender}>" if m.sender_name else m.sender
        ),
        Column(gettext_lazy("Subject"), attr("subject")),
        Column(
            gettext_lazy("Outcome"),
            attr("get_outcome_display"),
            badge=lambda m: _OUTCOME_BADGES.get(m.outcome, "secondary"),
        ),
        Column(gettext_lazy("Service request"), attr("ticket.number"), link=_ticket_link),
        Column(gettext_lazy("Mailbox"), attr("mailbox.name")),
        Column(gettext_lazy("Message-ID"), attr("message_id"), css="small text-break"),
        Column(gettext_lazy("Size"), attr("size"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.messages_visible_to(actor=self.request.user)


@login_required
def message_raw_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The e-mail exactly as received (``.eml``), for staff who need the original."""
    actor = actor_of(request)
    require(actor, WORK)
    record = selectors.access_message(actor=actor, message_id=pk)
    storage = mail_storage()
    if not record.raw_name or not storage.exists(record.raw_name):
        raise NotFound(gettext_lazy("The original e-mail is no longer stored."))
    return FileResponse(
        storage.open(record.raw_name, "rb"),
        as_attachment=True,
        filename=f"email-{record.pk}.eml",
        content_type="message/rfc822",
    )
