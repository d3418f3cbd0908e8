"""The dispatcher board, batch proposals (compute, review, apply, discard) and the policy page."""

import datetime
import math
from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.dispatch import selectors, services
from sasms.dispatch.access import can_edit_policy, require_dispatcher, require_policy_editor
from sasms.dispatch.chart import Point, build_chart
from sasms.dispatch.engine.facts import site_coordinates
from sasms.dispatch.engine.pool import load_pool
from sasms.dispatch.engine.reasons import render_json
from sasms.dispatch.engine.scoring import factor_label
from sasms.dispatch.filtersets import ProposalFilterSet, ProposalRowFilterSet
from sasms.dispatch.forms import ProposalForm, SettingsForm
from sasms.dispatch.geo import distance_matrix_km, travel_minutes
from sasms.dispatch.models import BatchProposal, ProposalRow
from sasms.tickets.models import Ticket

BOARD_ROWS = 25
CHART_LINKS = 200


def _site_point(ticket: Ticket, kind: str) -> Point | None:
    lat, lon, _name = site_coordinates(ticket)
    if math.isnan(lat):
        return None
    label = f"{ticket.number} {ticket.priority} · {ticket.organisation.name}"
    return Point(lat, lon, label, kind, reverse("tickets:detail", args=[ticket.number]), f"t{ticket.pk}")


@login_required
def board_view(request: HttpRequest) -> HttpResponse:
    actor = require_dispatcher(request.user)
    now = timezone.now()
    settings = selectors.current_settings()
    related = ("server__site__parent", "organisation")
    unassigned = list(selectors.unassigned_requests(actor=actor).select_related(*related)[:BOARD_ROWS])
    at_risk = list(selectors.at_risk_requests(actor=actor, now=now).select_related(*related)[:BOARD_ROWS])
    pool = load_pool(settings=settings, now=now)
    number = request.GET.get("request", "")
    selected = next((t for t in [*unassigned, *at_risk] if t.number == number), None)
    if selected is None and number:
        selected = Ticket.objects.select_related(*related).filter(number=number).first()
    selected = selected or (unassigned[0] if unassigned else None)
    distances = np.full(len(pool), np.nan)
    if selected is not None:
        lat, lon, _site = site_coordinates(selected)
        distances = distance_matrix_km(np.array([lat]), np.array([lon]), pool.lat, pool.lon)[0]
    minutes = travel_minutes(
        distances, road_factor=settings.road_factor, speed_kmh=settings.average_speed_kmh
    )
    engineers: list[dict[str, Any]] = []
    for j, profile in enumerate(pool.profiles):
        available = pool.available_from[j]
        engineers.append(
            {
                "profile": profile,
                "open": int(pool.open_count[j]),
                "capacity": int(pool.capacity[j]),
                "percent": min(100, round(100 * int(pool.open_count[j]) / max(int(pool.capacity[j]), 1))),
                "on_shift": bool(pool.on_shift[j]),
                "on_call": bool(pool.on_call[j]),
                "available_at": datetime.datetime.fromtimestamp(available, tz=datetime.UTC)
                if math.isfinite(available)
                else None,
                "distance": None if math.isnan(distances[j]) else round(float(distances[j]), 1),
                "minutes": None if math.isnan(minutes[j]) else float(minutes[j]),
                "from_position": bool(pool.from_position[j]),
            }
        )
    engineers.sort(key=lambda e: (e["distance"] is None, e["distance"] or 0, str(e["profile"].user)))
    proposal = selectors.latest_open_proposal(actor=actor)
    points = [p for t in unassigned if (p := _site_point(t, "site-open")) is not None]
    points += [p for t in at_risk if (p := _site_point(t, "site-risk")) is not None]
    for j, profile in enumerate(pool.profiles):
        if not math.isnan(pool.lat[j]):
            kind = (
                "engineer-on" if pool.on_shift[j] else "engineer-call" if pool.on_call[j] else "engineer-off"
            )
            label = f"{profile.user} · {int(pool.open_count[j])}/{int(pool.capacity[j])}"
            points.append(
                Point(
                    float(pool.lat[j]),
                    float(pool.lon[j]),
                    label,
                    kind,
                    reverse("dispatch:profile_detail", args=[profile.pk]),
                    f"u{profile.user_id}",
                )
            )
    links: list[tuple[str, str]] = []
    if proposal is not None:
        rows = ProposalRow.objects.filter(
            proposal=proposal, outcome="pending", engineer__isnull=False
        ).select_related("ticket__server__site__parent", "ticket__organisation")[:CHART_LINKS]
        shown = {p.key for p in points}
        for row in rows:
            if (
                f"t{row.ticket_id}" not in shown
                and (point := _site_point(row.ticket, "site-open")) is not None
            ):
                points.append(point)
                shown.add(point.key)
            links.append((f"t{row.ticket_id}", f"u{row.engineer_id}"))
    if selected is not None:
        points = [
            Point(p.latitude, p.longitude, p.label, "site-selected", p.href, p.key)
            if p.key == f"t{selected.pk}"
            else p
            for p in points
        ]
    context = {
        "title": _("Dispatch board"),
        "unassigned": unassigned,
        "at_risk": at_risk,
        "engineers": engineers[:BOARD_ROWS],
        "engineer_total": len(engineers),
        "selected": selected,
        "proposal": proposal,
        "proposal_form": ProposalForm(),
        "chart": build_chart(points, links),
        "now": now,
        "can_edit_policy": can_edit_policy(actor),
    }
    return render(request, "dispatch/board.html", context)


class ProposalListView(ListPage):
    title = gettext_lazy("Batch proposals")
    filterset_class = ProposalFilterSet
    export_name = "batch-proposals"
    empty_message = gettext_lazy("No proposals match these filters.")
    columns = [
        Column(
            gettext_lazy("Computed"),
            attr("created_at"),
            link=lambda p: reverse("dispatch:proposal_detail", args=[p.pk]),
        ),
        Column(gettext_lazy("By"), attr("created_by")),
        Column(gettext_lazy("Status"), attr("get_status_display")),
        Column(gettext_lazy("Requests"), attr("row_count"), css="text-end"),
        Column(gettext_lazy("Proposed"), attr("proposed_count"), css="text-end"),
        Column(gettext_lazy("Assigned"), attr("applied_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.proposals_visible_to(actor=self.request.user).order_by("-created_at", "-id")


def _explained(row: ProposalRow) -> dict[str, Any]:
    return {
        "factors": [
            {
                "label": factor_label(f["key"]),
                "percent": None if f.get("score") is None else round(float(f["score"]) * 100),
                "reason": render_json(f.get("reason") or {}),
            }
            for f in row.factors
        ],
        "reasons": [render_json(r) for r in row.reasons],
        "note": render_json(row.outcome_note) if row.outcome_note else "",
    }


class ProposalDetailView(ListPage):
    filterset_class = ProposalRowFilterSet
    template_name = "dispatch/proposal_detail.html"
    partial_template_name = "dispatch/_proposal_rows.html"
    export_name = "batch-proposal"
    paginate_by = 50
    empty_message = gettext_lazy("No rows match these filters.")
    columns = [
        Column(gettext_lazy("Request"), attr("ticket.number")),
        Column(gettext_lazy("Priority"), attr("ticket.priority")),
        Column(gettext_lazy("Customer"), attr("ticket.organisation.name")),
        Column(gettext_lazy("Deadline"), attr("due_at")),
        Column(gettext_lazy("Engineer"), attr("engineer")),
        Column(gettext_lazy("Score"), attr("score"), css="text-end"),
        Column(gettext_lazy("Travel (min)"), attr("travel_minutes"), css="text-end"),
        Column(gettext_lazy("Outcome"), attr("get_outcome_display")),
        Column(
            gettext_lazy("Why"),
            lambda r: " · ".join(
                [
                    f"{f['label']} {f['percent'] if f['percent'] is not None else '—'} %: {f['reason']}"
                    for f in _explained(r)["factors"]
                ]
                + _explained(r)["reasons"]
            ),
        ),
    ]

    def get_queryset(self) -> Any:
        self.proposal = selectors.access_proposal(actor=self.request.user, proposal_id=self.kwargs["pk"])
        return selectors.proposal_rows(actor=self.request.user, proposal=self.proposal)

    def extra_context(self) -> dict[str, Any]:
        return {
            "title": _("Batch proposal %(id)s") % {"id": self.proposal.pk},
            "proposal": self.proposal,
            "explained": {},
        }

    def _row(self, obj: Any) -> Any:
        row = super()._row(obj)
        row.explained = _explained(obj)  # type: ignore[attr-defined]
        return row


@login_required
@require_POST
def proposal_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_dispatcher(request.user)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("dispatch:board")
    proposal = services.create_proposal(actor=actor, limit=form.cleaned_data["limit"])
    summary = proposal.summary
    messages.success(
        request,
        _("Proposal computed: %(proposed)s of %(requests)s requests have an engineer.")
        % {"proposed": summary.get("proposed", 0), "requests": summary.get("requests", 0)},
    )
    return redirect("dispatch:proposal_detail", pk=proposal.pk)


def _row_ids(request: HttpRequest) -> list[int] | None:
    if request.POST.get("apply_all"):
        return None
    ids = []
    for value in request.POST.getlist("rows"):
        try:
            ids.append(int(value))
        except ValueError as exc:
            raise ServiceError(_("Unknown row."), fields={"rows": [_("Unknown row.")]}) from exc
    return ids


@login_required
@require_POST
def proposal_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    proposal = selectors.access_proposal(actor=actor, proposal_id=pk)
    try:
        result = services.apply_proposal(actor=actor, proposal=proposal, row_ids=_row_ids(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(applied)s assigned, %(skipped)s skipped, %(failed)s refused.")
            % {"applied": result.applied, "skipped": result.skipped, "failed": result.failed},
        )
    return redirect("dispatch:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    proposal: BatchProposal = selectors.access_proposal(actor=actor, proposal_id=pk)
    services.discard_proposal(actor=actor, proposal=proposal)
    messages.success(request, _("Proposal discarded."))
    return redirect("dispatch:board")


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    actor = require_dispatcher(request.user)
    settings = selectors.current_settings()
    editable = can_edit_policy(actor)
    initial: dict[str, Any] = {name: getattr(settings, name) for name in services.policy.SETTINGS_FIELDS}
    for key, value in (settings.external_weights or {}).items():
        initial[f"external_{key}"] = value
    from sasms.dispatch.factors import external_factors

    for factor in external_factors():
        initial.setdefault(
            f"external_{factor.key}", settings.external_weights.get(factor.key, factor.default_weight)
        )
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_policy_editor(actor)
        if form.is_valid():
            try:
                services.update_settings(actor=actor, **form.changes())
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Dispatch policy saved."))
                return redirect("dispatch:settings")
    context = {
        "title": _("Dispatch policy"),
        "form": form,
        "settings": settings,
        "editable": editable,
        "history": AuditEntry.objects.filter(object_type="dispatch.dispatchsettings")[:10],
    }
    return render(request, "dispatch/settings.html", context, status=400 if form.errors else 200)
