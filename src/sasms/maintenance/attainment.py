"""PM attainment (巡检达成率): planned PM visits against those done on time.

The population is every visit of a *confirmed* plan whose due date (the last day of its planned
month) falls in the period. A visit is *done* when its field visit has been checked out, and *done
on time* when that happened on or before the due date (local date of the check-out). Cancelled
visits are left out. Attainment = on time / planned; "—" when nothing was planned. Grouped per
contract, per customer and per month of the due date. ``docs/kpis.md`` documents it; the KPI
dashboard and the customer's portal read it from here.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from sasms.accounts.models import User
from sasms.maintenance.choices import PlanStatus, PmVisitStatus
from sasms.maintenance.models import PmVisit
from sasms.maintenance.selectors import pm_visits_visible_to


@dataclass
class AttainmentRow:
    key: Any
    label: str
    planned: int = 0
    done: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        return self.on_time / self.planned if self.planned else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.0f}%"


@dataclass
class Attainment:
    total: AttainmentRow
    by_contract: list[AttainmentRow]
    by_customer: list[AttainmentRow]
    by_month: list[AttainmentRow]


def population(
    *,
    actor: User | AnonymousUser,
    start: datetime.date,
    end: datetime.date,
    organisation_id: int | None = None,
) -> QuerySet[PmVisit]:
    queryset = (
        pm_visits_visible_to(actor=actor)
        .filter(plan__status=PlanStatus.CONFIRMED, due_date__gte=start, due_date__lte=end)
        .exclude(status=PmVisitStatus.CANCELLED)
    )
    if organisation_id is not None:
        queryset = queryset.filter(organisation_id=organisation_id)
    return queryset


def pm_attainment(
    *,
    actor: User | AnonymousUser,
    start: datetime.date,
    end: datetime.date,
    organisation_id: int | None = None,
) -> Attainment:
    """Planned, done and done-on-time PM visits due in ``start``–``end`` (local dates, inclusive).
    One query; tenant-scoped through the visits' selector."""
    rows = population(actor=actor, start=start, end=end, organisation_id=organisation_id).values_list(
        "plan__contract_id",
        "plan__contract__number",
        "organisation_id",
        "organisation__name",
        "due_date",
        "field_visit__checked_out_at",
    )
    total = AttainmentRow("all", "")
    contracts: dict[Any, AttainmentRow] = {}
    customers: dict[Any, AttainmentRow] = {}
    months: dict[Any, AttainmentRow] = {}
    for contract_id, number, org_id, org_name, due, checked_out in rows.order_by():
        month = due.replace(day=1)
        targets = (
            total,
            contracts.setdefault(contract_id, AttainmentRow(contract_id, number)),
            customers.setdefault(org_id, AttainmentRow(org_id, org_name)),
            months.setdefault(month, AttainmentRow(month, f"{month:%Y-%m}")),
        )
        done = checked_out is not None
        on_time = done and timezone.localdate(checked_out) <= due
        for row in targets:
            row.planned += 1
            row.done += int(done)
            row.on_time += int(on_time)
    return Attainment(
        total=total,
        by_contract=sorted(contracts.values(), key=lambda r: r.label),
        by_customer=sorted(customers.values(), key=lambda r: r.label),
        by_month=sorted(months.values(), key=lambda r: r.key),
    )
