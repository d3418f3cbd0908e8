"""The request page's server field: staff set, change or clear the server of an open request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.core.errors import ServiceError
from sasms.tickets import selectors
from sasms.tickets.services.server import server_for_request, set_ticket_server
from sasms.tickets.views.common import staff_actor


class TicketServerForm(forms.Form):
    server = forms.CharField(label=gettext_lazy("Server"), max_length=253, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)
    clear = forms.BooleanField(required=False)


@login_required
@require_POST
def server_view(request: HttpRequest, number: str) -> HttpResponse:
    actor = staff_actor(request)
    ticket = selectors.access_ticket(actor=actor, number=number)
    form = TicketServerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("tickets:detail", number=number)
    data = form.cleaned_data
    try:
        server = (
            None
            if data["clear"]
            else server_for_request(actor=actor, ticket=ticket, identifier=data["server"])
        )
        set_ticket_server(actor=actor, ticket=ticket, server=server, reason=data["reason"])
    except ServiceError as error:
        messages.error(request, error.fields.get("server", [error.message])[0])
    else:
        messages.success(request, _("Server saved.") if server else _("Server removed."))
    return redirect("tickets:detail", number=number)
