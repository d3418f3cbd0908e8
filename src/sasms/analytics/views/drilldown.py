"""``/analytics/requests/``: the requests behind one number of a dashboard (list, filter, export).

The figure is named by ``metric`` (and ``bucket`` / ``kind`` / ``component``) with the dashboard's
own filter parameters; the rows are ``kpis.drilldown_q`` over the requests the reader may see, so
the list always counts what the card showed. A customer is pinned to their own organisation by
``KpiFilter.for_actor``; an engineer without report rights to their own requests.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.analytics import kpis
from sasms.analytics.filtersets import DrilldownFilterSet
from sasms.analytics.forms import BUCKET_CHOICES, METRIC_CHOICES, DrilldownForm
from sasms.analytics.views.common import is_customer, require_any, sees_all_figures, signed_in
from sasms.assets.models import ServerModel, Vendor
from sasms.core.lists import Column, ListPage, attr
from sasms.sla.models import ClockKind
from sasms.tickets.choices import ComponentArea
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import tickets_visible_to

PRIORITY_BADGES = {"P1": "danger", "P2": "warning", "P3": "info", "P4": "secondary"}


def drilldown_queryset(form: DrilldownForm, actor: User) -> QuerySet[Ticket]:
    """The requests behind the form's figure that ``actor`` may see (none for invalid input)."""
    if not form.is_valid():
        return Ticket.objects.none()
    data = form.cleaned_data
    overrides: dict[str, Any] = {}
    if not is_customer(actor) and not sees_all_figures(actor):
        overrides["engineer_id"] = actor.pk  # an engineer's figures are their own
    kpi_filter = form.kpi_filter(**overrides)
    condition = kpis.drilldown_q(
        kpi_filter, data["metric"], bucket=data.get("bucket") or "", kind=data.get("kind") or ""
    )
    return tickets_visible_to(actor=actor).filter(condition).distinct()


def describe(form: DrilldownForm) -> list[str]:
    """The figure and filters in words, shown above the list."""
    if not form.is_valid():
        return []
    data = form.cleaned_data
    parts = [str(dict(METRIC_CHOICES)[data["metric"]]), f"{data['start']:%Y-%m-%d} – {data['end']:%Y-%m-%d}"]
    bucket = data.get("bucket") or ""
    if bucket in dict(BUCKET_CHOICES):
        parts.append(str(dict(BUCKET_CHOICES)[bucket]))
    elif bucket.startswith("component:") and bucket[10:]:
        parts.append(str(ComponentArea(bucket[10:]).label))
    elif bucket.startswith(("vendor:", "model:")):
        parts.append(_group_label(bucket))
    if data.get("kind"):
        parts.append(str(ClockKind(data["kind"]).label))
    for name in ("organisation", "team", "vendor", "model", "engineer"):
        if data.get(name) is not None:
            parts.append(f"{form.fields[name].label}: {data[name]}")
    for name in ("priority", "category"):
        if data.get(name):
            choices: Any = form.fields[name]
            parts.append(f"{form.fields[name].label}: {dict(choices.choices)[data[name]]}")
    return parts


def _group_label(bucket: str) -> str:
    by, _sep, key = bucket.partition(":")
    if not key:
        return str(gettext_lazy("Unknown"))
    model = Vendor if by == "vendor" else ServerModel
    row = model.objects.filter(pk=int(key)).first()
    return str(row) if row is not None else key


class _DrilldownPage(ListPage):
    title = gettext_lazy("Requests behind the figure")
    filterset_class = DrilldownFilterSet
    template_name = "analytics/drilldown.html"
    export_name = "analytics-requests"
    empty_message = gettext_lazy("No requests match these filters.")
    form: DrilldownForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = signed_in(request)
        require_any(
            actor,
            Capability.VIEW_PORTAL,
            Capability.VIEW_REPORTS,
            Capability.DISPATCH,
            Capability.WORK_TICKETS,
            Capability.FIELD_VISITS,
        )
        if not is_customer(actor):
            require_any(actor, Capability.WORK_TICKETS, Capability.FIELD_VISITS)  # staff read requests
        self.form = DrilldownForm(request.GET, actor=actor)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Ticket]:
        assert isinstance(self.request.user, User)
        return drilldown_queryset(self.form, self.request.user).order_by("-created_at", "-id")

    def extra_context(self) -> dict[str, Any]:
        params = self.request.GET.copy()
        for name in ("metric", "bucket", "kind", "q", "status", "page", "export"):
            params.pop(name, None)
        back = reverse("analytics:home")
        return {
            "form": self.form,
            "description": describe(self.form),
            "carried": [(k, v) for k, v in self.request.GET.items() if k in self.form.fields and v],
            "back_url": f"{back}?{params.urlencode()}" if params else back,
        }


class StaffDrilldownView(_DrilldownPage):
    columns: ClassVar[list[Column]] = [
        Column(
            gettext_lazy("SR number"),
            attr("number"),
            link=lambda t: reverse("tickets:detail", args=[t.number]),
            css="text-nowrap",
        ),
        Column(
            gettext_lazy("Priority"),
            attr("priority"),
            badge=lambda t: PRIORITY_BADGES.get(t.priority, "light"),
        ),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Title"), attr("title")),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Assignee"), attr("assignee.full_name")),
        Column(gettext_lazy("Created"), attr("created_at"), css="text-nowrap"),
        Column(pgettext_lazy("date", "Resolved"), attr("resolved_at"), css="text-nowrap"),
    ]


class CustomerDrilldownView(_DrilldownPage):
    columns: ClassVar[list[Column]] = [
        Column(
            gettext_lazy("SR number"),
            attr("number"),
            link=lambda t: reverse("portal:request_detail", args=[t.number]),
            css="text-nowrap",
        ),
        Column(
            gettext_lazy("Priority"),
            attr("priority"),
            badge=lambda t: PRIORITY_BADGES.get(t.priority, "light"),
        ),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Title"), attr("title")),
        Column(gettext_lazy("Server"), attr("server.serial")),
        Column(gettext_lazy("Created"), attr("created_at"), css="text-nowrap"),
        Column(pgettext_lazy("date", "Resolved"), attr("resolved_at"), css="text-nowrap"),
    ]


_staff_view = StaffDrilldownView.as_view()
_customer_view = CustomerDrilldownView.as_view()


def drilldown_view(request: HttpRequest) -> HttpResponseBase:
    """Customers get their portal's request links; staff the request pages."""
    user = request.user
    if isinstance(user, User) and is_customer(user):
        return _customer_view(request)
    return _staff_view(request)
