"""The triage queue: what intake could not place, and the three decisions a person can take."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, attr
from sasms.core.permissions import require
from sasms.intake import selectors
from sasms.intake.choices import TriageStatus
from sasms.intake.filtersets import TriageFilterSet
from sasms.intake.forms import TriageAttachForm, TriageCreateForm, TriageDiscardForm
from sasms.intake.services import triage as services
from sasms.intake.services.common import WORK
from sasms.intake.views.common import IntakeList, actor_of, tabs


class TriageListView(IntakeList):
    title = gettext_lazy("Triage")
    capability = WORK
    filterset_class = TriageFilterSet
    export_name = "triage"
    empty_message = gettext_lazy("No triage items match these filters.")
    columns = [
        Column(gettext_lazy("Received"), attr("created_at")),
        Column(gettext_lazy("Channel"), attr("get_channel_display")),
        Column(gettext_lazy("Reason"), attr("get_reason_display")),
        Column(
            gettext_lazy("Summary"),
            attr("summary"),
            link=lambda t: reverse("intake:triage_detail", args=[t.pk]),
        ),
        Column(gettext_lazy("From"), attr("origin")),
        Column(gettext_lazy("Suggested customer"), attr("suggested_organisation.name")),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda t: "warning" if t.status == TriageStatus.OPEN else "secondary",
        ),
        Column(gettext_lazy("Decision"), attr("get_resolution_display")),
        Column(
            gettext_lazy("Service request"),
            attr("ticket.number"),
            link=lambda t: reverse("tickets:detail", args=[t.ticket.number]) if t.ticket_id else "",
        ),
    ]

    def get_queryset(self) -> Any:
        queryset = selectors.triage_visible_to(actor=self.request.user)
        if "status" not in self.request.GET:
            queryset = queryset.filter(status=TriageStatus.OPEN)  # the queue: open items unless asked
        return queryset


@login_required
def triage_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, WORK)
    item = selectors.access_triage_item(actor=actor, item_id=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and item.status != TriageStatus.OPEN:
        messages.warning(request, _("Someone has already decided this item."))
        return redirect("intake:triage_detail", item.pk)
    create_form = TriageCreateForm(
        request.POST if action == "create" else None,
        initial={"organisation": item.suggested_organisation_id},
        prefix="create",
    )
    attach_form = TriageAttachForm(
        request.POST if action == "attach" else None,
        initial={"number": item.payload.get("ticket", "") if isinstance(item.payload, dict) else ""},
        prefix="attach",
    )
    discard_form = TriageDiscardForm(request.POST if action == "discard" else None, prefix="discard")
    status = 200
    if action:
        try:
            if action == "create" and create_form.is_valid():
                data = create_form.cleaned_data
                ticket = services.create_request_from_triage(
                    actor=actor,
                    item=item,
                    organisation=data["organisation"],
                    server=data["server"],
                    title=data["title"],
                    add_contact=data["add_contact"],
                    note=data["note"],
                )
                messages.success(request, _("Request %s opened.") % ticket.number)
                return redirect("tickets:detail", ticket.number)
            if action == "attach" and attach_form.is_valid():
                ticket = services.attach_triage_to_request(
                    actor=actor,
                    item=item,
                    ticket=attach_form.cleaned_data["number"],
                    note=attach_form.cleaned_data["note"],
                )
                messages.success(request, _("Added to request %s.") % ticket.number)
                return redirect("tickets:detail", ticket.number)
            if action == "discard" and discard_form.is_valid():
                services.discard_triage(actor=actor, item=item, note=discard_form.cleaned_data["note"])
                messages.success(request, _("Item discarded."))
                return redirect("intake:triage_list")
        except ServiceError as error:
            form = {"create": create_form, "attach": attach_form}.get(action, discard_form)
            add_service_error(form, error)
        status = 400
    context = {
        "item": item,
        "alerts": list(item.alerts.select_related("server").order_by("-last_received_at")[:100]),
        "attachments": services.attachment_names(item),
        "create_form": create_form,
        "attach_form": attach_form,
        "discard_form": discard_form,
        "is_open": item.status == TriageStatus.OPEN,
        "intake_tabs": tabs(request),
    }
    return render(request, "intake/triage_detail.html", context, status=status)
