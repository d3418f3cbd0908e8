"""A health check of a customer's servers from what SASMS knows: facts gathered in bulk, then rules.

Facts come from the CMDB (model life cycle, warranty, parts and firmware the BMC reported), the BMC
polls (last result, open faults: predicted failures, redundancy lost, health warnings), contracts,
requests (repeats in 90 days, open ones), firmware baselines and open campaign items. Each rule
gives a reason with a grade and a recommended action; a server's grade is its worst reason's.
Drive media life and memory error counts are used where a BMC reported them as faults; SASMS does not
store the raw counters.

Gathering is a fixed number of queries per check (not per server): a 10 000-server customer costs
the same dozen queries as a ten-server one, only larger.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from sasms.assets.models import Component, ComponentKind, Server, ServerStatus
from sasms.contracts.models import CoveredServer
from sasms.proactive.matching import images_of_type
from sasms.proactive.models import CLOSED_ITEM_STATUSES, CampaignItem, FirmwareBaseline, FirmwareType, Grade
from sasms.proactive.versions import Incomparable, compare

REPEAT_DAYS = 90
REPEAT_AMBER, REPEAT_RED = 3, 5
EXPIRY_DAYS = 90
EOSL_SOON_DAYS = 180
BMC_STALE_DAYS = 7
_RANK = {"info": 0, Grade.GREEN: 0, Grade.AMBER: 1, Grade.RED: 2}
CHUNK = 2000


@dataclass
class Facts:
    server_id: int
    serial: str
    hostname: str
    model: str
    eol: datetime.date | None
    eosl: datetime.date | None
    warranty_end: datetime.date | None
    warranty_active: bool
    bmc_status: str | None = None
    bmc_success: datetime.datetime | None = None
    faults: list[tuple[str, str, str, str]] = field(default_factory=list)  # (part kind, kind, severity, name)
    psus: int = 0
    drift: list[tuple[str, str, str]] = field(default_factory=list)  # (type, installed, recommended)
    requests_90d: int = 0
    open_requests: int = 0
    open_best_priority: str = ""
    contract_end: datetime.date | None = None
    campaign_priority: int | None = None


def _reason(code: str, grade: str, action: str = "", **params: Any) -> dict[str, Any]:
    return {"code": code, "grade": str(grade), "action": action, "params": params}


def score(facts: Facts, *, today: datetime.date, now: datetime.datetime) -> tuple[str, list[dict[str, Any]]]:
    """The server's grade and its reasons (worst first)."""
    reasons: list[dict[str, Any]] = []
    for part_kind, kind, severity, name in facts.faults:
        if part_kind == "empty_bay":
            reasons.append(_reason("redundancy_lost", Grade.RED, "replace", part=name))
        elif kind == "predictive_failure":
            reasons.append(_reason("predicted_failure", Grade.RED, "replace", part=name))
        elif severity == "critical":
            reasons.append(_reason("part_critical", Grade.RED, "replace", part=name))
        else:
            reasons.append(_reason("part_warning", Grade.AMBER, "replace", part=name))
    if facts.psus == 1:
        reasons.append(_reason("psu_not_redundant", Grade.AMBER, "replace"))
    if facts.bmc_status is None:
        reasons.append(_reason("not_monitored", "info"))
    elif facts.bmc_success is None or facts.bmc_success < now - datetime.timedelta(days=BMC_STALE_DAYS):
        reasons.append(_reason("bmc_stale", Grade.AMBER, "check_bmc", days=BMC_STALE_DAYS))
    for component_type, installed, recommended in facts.drift:
        reasons.append(
            _reason(
                "below_baseline",
                Grade.AMBER,
                "upgrade_firmware",
                image=component_type,
                installed=installed,
                recommended=recommended,
            )
        )
    if facts.campaign_priority is not None:
        grade = Grade.RED if facts.campaign_priority <= 2 else Grade.AMBER
        reasons.append(_reason("advisory_open", grade, "upgrade_firmware", priority=facts.campaign_priority))
    if facts.requests_90d >= REPEAT_AMBER:
        grade = Grade.RED if facts.requests_90d >= REPEAT_RED else Grade.AMBER
        reasons.append(_reason("repeat_faults", grade, "replace", count=facts.requests_90d, days=REPEAT_DAYS))
    if facts.eosl is not None and facts.eosl <= today:
        reasons.append(_reason("eosl_past", Grade.RED, "refresh", date=facts.eosl.isoformat()))
    elif facts.eosl is not None and facts.eosl <= today + datetime.timedelta(days=EOSL_SOON_DAYS):
        reasons.append(_reason("eosl_soon", Grade.AMBER, "refresh", date=facts.eosl.isoformat()))
    elif facts.eol is not None and facts.eol <= today:
        reasons.append(_reason("eol_past", "info", date=facts.eol.isoformat()))
    covered_until = max(
        [
            d
            for d in (facts.contract_end, facts.warranty_end if facts.warranty_active else None)
            if d is not None
        ],
        default=None,
    )
    if covered_until is None:
        reasons.append(_reason("not_covered", Grade.RED, "renew"))
    elif covered_until <= today + datetime.timedelta(days=EXPIRY_DAYS):
        reasons.append(_reason("coverage_expiring", Grade.AMBER, "renew", date=covered_until.isoformat()))
    if facts.open_requests:
        grade = Grade.RED if facts.open_best_priority in ("P1", "P2") else Grade.AMBER
        reasons.append(_reason("open_requests", grade, "follow_up", count=facts.open_requests))
    reasons.sort(key=lambda r: -_RANK[r["grade"]])
    worst = max((_RANK[r["grade"]] for r in reasons), default=0)
    return ([Grade.GREEN, Grade.AMBER, Grade.RED][worst].value, reasons)


def describe(reason: dict[str, Any]) -> str:
    """One reason in the reader's language."""
    p = reason.get("params") or {}
    texts = {
        "redundancy_lost": _("Redundancy lost: %(part)s is missing or failed."),
        "predicted_failure": _("The BMC predicts a failure of %(part)s."),
        "part_critical": _("%(part)s reports a critical fault."),
        "part_warning": _("%(part)s reports a warning."),
        "psu_not_redundant": _("Only one power supply: no redundancy."),
        "not_monitored": _("No BMC is polled for this server."),
        "bmc_stale": _("No successful BMC poll in the last %(days)s days."),
        "below_baseline": _("%(image)s firmware %(installed)s is below the recommended %(recommended)s."),
        "advisory_open": _("An open firmware advisory applies (priority P%(priority)s)."),
        "repeat_faults": _("%(count)s requests in the last %(days)s days."),
        "eosl_past": _("Past end of service life (%(date)s)."),
        "eosl_soon": _("End of service life on %(date)s."),
        "eol_past": _("The model reached end of life on %(date)s."),
        "not_covered": _("Neither warranty nor an active contract covers this server."),
        "coverage_expiring": _("Warranty and contracts end on %(date)s."),
        "open_requests": _("%(count)s open requests."),
    }
    template = texts.get(str(reason.get("code")), str(reason.get("code")))
    if "image" in p:
        p = {**p, "image": str(dict(FirmwareType.choices).get(p["image"], p["image"]))}
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return template


def action_label(action: str) -> str:
    return {
        "replace": _("Replace the part"),
        "upgrade_firmware": _("Upgrade firmware"),
        "renew": _("Renew the contract"),
        "refresh": _("Plan a hardware refresh"),
        "follow_up": _("Follow up the open requests"),
        "check_bmc": _("Check the BMC connection"),
    }.get(action, action)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def gather(organisation_id: int, *, today: datetime.date, now: datetime.datetime) -> list[Facts]:
    """Facts of the customer's servers in service (decommissioned servers are left out)."""
    from sasms.intake.models import BmcEndpoint, BmcFault
    from sasms.tickets.choices import OPEN_STATUSES
    from sasms.tickets.models import Ticket

    servers = (
        Server.objects.filter(organisation_id=organisation_id)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .order_by("serial")
        .values_list(
            "pk",
            "serial",
            "hostname",
            "model_id",
            "model__name",
            "model__eol_date",
            "model__eosl_date",
            "warranty_start",
            "warranty_end",
        )
    )
    facts: dict[int, Facts] = {}
    model_of: dict[int, int] = {}
    for pk, serial, hostname, model_id, model, eol, eosl, w_start, w_end in servers.iterator(chunk_size=5000):
        active = w_end is not None and w_end >= today and (w_start is None or w_start <= today)
        facts[pk] = Facts(pk, serial, hostname, model, eol, eosl, w_end, active)
        model_of[pk] = model_id
    ids = list(facts)
    since = now - datetime.timedelta(days=REPEAT_DAYS)
    baselines = defaultdict(list)
    for baseline in FirmwareBaseline.objects.filter(model_id__in=set(model_of.values())):
        baselines[baseline.model_id].append(baseline)
    for chunk in _chunks(ids):
        for server_id, status, success in BmcEndpoint.objects.filter(server_id__in=chunk).values_list(
            "server_id", "last_status", "last_success_at"
        ):
            facts[server_id].bmc_status, facts[server_id].bmc_success = status, success
        for server_id, part_kind, kind, severity, name, slot in BmcFault.objects.filter(
            server_id__in=chunk, status="open"
        ).values_list("server_id", "component_kind", "kind", "severity", "component_name", "slot"):
            facts[server_id].faults.append((part_kind, kind, severity, slot or name or part_kind))
        for server_id, count in (
            Component.objects.filter(server_id__in=chunk, kind=ComponentKind.PSU, removed_at__isnull=True)
            .values("server_id")
            .annotate(n=Count("id"))
            .values_list("server_id", "n")
        ):
            facts[server_id].psus = count
        tickets = Ticket.objects.filter(server_id__in=chunk)
        for server_id, count in (
            tickets.filter(created_at__gte=since)
            .values("server_id")
            .annotate(n=Count("id"))
            .values_list("server_id", "n")
        ):
            facts[server_id].requests_90d = count
        for server_id, count, best in (
            tickets.filter(status__in=OPEN_STATUSES)
            .values("server_id")
            .annotate(n=Count("id"), p=Min("priority"))
            .values_list("server_id", "n", "p")
        ):
            facts[server_id].open_requests, facts[server_id].open_best_priority = count, best
        for server_id, end in (
            CoveredServer.objects.filter(
                server_id__in=chunk,
                contract__status="active",
                contract__start_date__lte=today,
                contract__end_date__gte=today,
            )
            .values("server_id")
            .annotate(end=Max("contract__end_date"))
            .values_list("server_id", "end")
        ):
            facts[server_id].contract_end = end
        for server_id, priority in (
            CampaignItem.objects.filter(server_id__in=chunk)
            .exclude(status__in=[*CLOSED_ITEM_STATUSES])
            .values("server_id")
            .annotate(p=Min("priority"))
            .values_list("server_id", "p")
        ):
            facts[server_id].campaign_priority = priority
        with_baseline = [pk for pk in chunk if baselines.get(model_of[pk])]
        if with_baseline:
            _drift(facts, model_of, baselines, with_baseline)
    return list(facts.values())


def _drift(
    facts: dict[int, Facts],
    model_of: dict[int, int],
    baselines: dict[int, list[FirmwareBaseline]],
    server_ids: list[int],
) -> None:
    """Images below their model's recommended version (each distinct version compared once)."""
    verdict: dict[tuple[str, str], bool] = {}
    kinds = {b.component_type for bs in baselines.values() for b in bs}
    for component_type in kinds:
        queryset = images_of_type(
            Component.objects.filter(server_id__in=server_ids), component_type=component_type
        )
        for server_id, slot, description, version in queryset.values_list(
            "server_id", "slot", "description", "firmware"
        ):
            for baseline in baselines.get(model_of[server_id], []):
                if baseline.component_type != component_type:
                    continue
                name = baseline.component_name.lower()
                if name and name not in slot.lower() and name not in description.lower():
                    continue
                key = (version, baseline.recommended_version)
                if key not in verdict:
                    try:
                        verdict[key] = compare(version, baseline.recommended_version) < 0
                    except Incomparable:
                        verdict[key] = False
                if verdict[key]:
                    entry = (component_type, version, baseline.recommended_version)
                    if entry not in facts[server_id].drift:
                        facts[server_id].drift.append(entry)
