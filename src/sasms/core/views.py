import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind, Team, User
from sasms.accounts.roles import Capability, Role
from sasms.core.filtersets import AuditFilterSet
from sasms.core.home import work_for
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import OutboxMessage, OutboxStatus
from sasms.core.selectors import audit_entries_visible_to


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.can(Capability.VIEW_PORTAL):
        return redirect("portal:home")  # a customer's home is the portal
    if user.role == Role.FIELD_ENGINEER and _on_a_phone(request):
        return redirect("field:my_visits")  # on the road, the day's visits are the home
    cards: list[dict[str, Any]] = []
    # Staff see their own work (the sections); the installation's totals are the administrator's work.
    if user.can(Capability.MANAGE_USERS):
        cards.append(
            {
                "label": _("Customers"),
                "value": Organisation.objects.filter(kind=OrganisationKind.CUSTOMER, is_active=True).count(),
            }
        )
        cards.append({"label": _("Teams"), "value": Team.objects.count()})
    if user.can(Capability.MANAGE_USERS):
        cards.append(
            {
                "label": _("Active users"),
                "value": User.objects.filter(is_active=True, is_machine=False).count(),
            }
        )
        cards.append(
            {
                "label": _("Messages waiting to be sent"),
                "value": OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count(),
            }
        )
    if user.is_customer:
        cards.append(
            {
                "label": _("Colleagues with an account"),
                "value": User.objects.filter(organisation_id=user.organisation_id, is_active=True).count(),
            }
        )
    return render(request, "core/home.html", {"cards": cards, "sections": work_for(user)})


def _on_a_phone(request: HttpRequest) -> bool:
    # Browsers put "Mobi" in the user agent of phones (not of tablets): the convention sites rely on.
    return "Mobi" in request.headers.get("User-Agent", "")


class AuditListView(ListPage):
    title = _("Audit trail")
    capability = Capability.VIEW_AUDIT_TRAIL
    filterset_class = AuditFilterSet
    template_name = "core/audit_list.html"
    export_name = "audit-trail"
    empty_message = _("No audit entries match these filters.")
    paginate_by = 50
    columns = [
        Column(_("Time"), attr("created_at")),
        Column(_("Actor"), attr("actor_label")),
        Column(_("Action"), attr("action")),
        Column(_("Object"), lambda e: f"{e.object_type} #{e.object_id} {e.object_label}"),
        Column(
            _("Changes"),
            lambda e: json.dumps(e.changes, ensure_ascii=False) if e.changes else "",
            css="small text-break",
        ),
        Column(_("Channel"), attr("channel")),
        Column(_("Address"), attr("ip_address")),
    ]

    def get_queryset(self) -> Any:
        return audit_entries_visible_to(actor=self.request.user)
