"""SLA attainment and penalties, grouped by request, contract, customer, team, priority, clock or month.

A clock counts once it is decided: met in time (met, never breached) or breached (met late or not
met yet). Running clocks that are still within target and stopped clocks (cancelled requests) do
not count. Progress-update clocks count their missed cycles as breaches and their kept cycles as
met. Penalties follow each contract's product: a fixed amount, or a percentage of the contract's
monthly fee, per breached target.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.contracts.models import Contract, PenaltyKind
from sasms.sla.models import ClockKind, ClockState, SlaClock

GROUPS: dict[str, Any] = {
    "contract": _("Contract"),
    "customer": _("Customer"),
    "team": _("Team"),
    "priority": _("Priority"),
    "clock": _("Clock"),
    "month": _("Month"),
    "request": _("Service request"),
}
UNGROUPED = "—"


@dataclass
class AttainmentRow:
    key: str
    decided: int
    met: int
    breached: int
    penalty: Decimal

    @property
    def attainment(self) -> float | None:
        return round(100 * self.met / self.decided, 1) if self.decided else None


def _group_expression(group: str) -> Any:
    return {
        "contract": KeyTextTransform("contract_number", "ticket__entitlement"),
        "customer": F("ticket__organisation__name"),
        "team": F("ticket__team__name"),
        "priority": F("ticket__priority"),
        "clock": F("kind"),
        "month": TruncMonth("ticket__created_at"),
        "request": F("ticket__number"),
    }[group]


def clocks_for_report(
    *,
    actor: User,
    start: datetime.date,
    end: datetime.date,
    organisation_id: int | None = None,
    priority: str = "",
    clock: str = "",
) -> QuerySet[SlaClock]:
    """Clocks of the requests opened from ``start`` to ``end`` (local dates, inclusive) that the
    reader may see: staff everything, a customer administrator their own organisation only."""
    queryset = SlaClock.objects.filter(
        ticket__created_at__date__gte=start, ticket__created_at__date__lte=end
    ).exclude(state=ClockState.STOPPED, breached_at__isnull=True)
    if not actor.can(Capability.VIEW_ALL_ORGANISATIONS):
        queryset = queryset.filter(ticket__organisation_id=actor.organisation_id)
    if organisation_id:
        queryset = queryset.filter(ticket__organisation_id=organisation_id)
    if priority:
        queryset = queryset.filter(ticket__priority=priority)
    if clock:
        queryset = queryset.filter(kind=clock)
    return queryset


def attainment(queryset: QuerySet[SlaClock], *, group: str) -> list[AttainmentRow]:
    """One row per group value, worst attainment first; penalties summed per contract terms."""
    on_time = Q(state=ClockState.MET, breached_at__isnull=True) & ~Q(kind=ClockKind.UPDATE)
    breached = Q(breached_at__isnull=False) & ~Q(kind=ClockKind.UPDATE)
    update = Q(kind=ClockKind.UPDATE)
    rows = (
        queryset.annotate(group_key=_group_expression(group), contract_key=_group_expression("contract"))
        .values("group_key", "contract_key")
        .annotate(
            met=Count("id", filter=on_time),
            breached=Count("id", filter=breached),
            updates_kept=Coalesce(Sum(F("cycle") - 1 - F("cycles_missed"), filter=update), 0),
            updates_missed=Coalesce(Sum("cycles_missed", filter=update), 0),
        )
        .order_by()
    )
    merged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    breaches_by_contract: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = _label(row["group_key"])
        met = row["met"] + max(row["updates_kept"], 0)
        missed = row["breached"] + row["updates_missed"]
        merged[key][0] += met
        merged[key][1] += missed
        if row["contract_key"] and missed:
            breaches_by_contract[(key, row["contract_key"])] += missed
    rates = _penalty_rates({number for _key, number in breaches_by_contract})
    penalties: dict[str, Decimal] = defaultdict(Decimal)
    for (key, number), missed in breaches_by_contract.items():
        penalties[key] += rates.get(number, Decimal(0)) * missed
    result = [
        AttainmentRow(key, met + missed, met, missed, penalties[key].quantize(Decimal("0.01")))
        for key, (met, missed) in merged.items()
        if met + missed
    ]
    result.sort(key=lambda r: (r.attainment if r.attainment is not None else 101, r.key))
    return result


def _label(value: Any) -> str:
    if value is None or value == "":
        return UNGROUPED
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m}"
    return str(value)


def _penalty_rates(numbers: set[str]) -> dict[str, Decimal]:
    """The penalty per breached target of each contract, in CNY."""
    rates: dict[str, Decimal] = {}
    for contract in Contract.objects.filter(number__in=numbers).select_related("product"):
        product = contract.product
        if product.penalty_kind == PenaltyKind.AMOUNT:
            rates[contract.number] = product.penalty_value
        elif product.penalty_kind == PenaltyKind.PERCENT:
            rates[contract.number] = contract.monthly_fee * product.penalty_value / 100
    return rates


def totals(rows: list[AttainmentRow]) -> AttainmentRow:
    return AttainmentRow(
        str(_("Total")),
        sum(r.decided for r in rows),
        sum(r.met for r in rows),
        sum(r.breached for r in rows),
        sum((r.penalty for r in rows), Decimal(0)),
    )
