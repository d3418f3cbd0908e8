"""Choosing where a request's part comes from (parts-first dispatch).

The depot chosen is the nearest one that holds enough free stock and can get the part on site
before the request's SLA deadline (the parts or on-site clock; see :mod:`sasms.parts.deadlines`).
When no depot can, the nearest depot with stock still serves, and a transfer from it to the depot
closest to the site is proposed, so the part is there for the next visit.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from sasms.parts.availability import (
    DepotOption,
    Position,
    depot_options,
    nearest_depot,
    site_position,
    suggested_parts,
)
from sasms.parts.deadlines import part_deadline
from sasms.parts.models import Depot, Part
from sasms.parts.quality import allowed_conditions
from sasms.tickets.models import Ticket


@dataclass(frozen=True)
class TransferProposal:
    source: Depot
    target: Depot
    available: int


@dataclass
class PartPlan:
    part: Part
    options: list[DepotOption] = field(default_factory=list)
    best: DepotOption | None = None
    transfer: TransferProposal | None = None

    @property
    def meets_sla(self) -> bool | None:
        return self.best.meets_sla if self.best is not None else False


@dataclass
class RequestPlan:
    due: datetime.datetime | None
    site: Position | None
    plans: list[PartPlan]


def choose(options: list[DepotOption], quantity: int) -> DepotOption | None:
    """The first option (SLA-meeting first, then nearest) with ``quantity`` free."""
    return next((o for o in options if o.available >= quantity), None)


def _transfer(options: list[DepotOption], target: Depot | None, quantity: int) -> TransferProposal | None:
    if target is None:
        return None
    source = next((o for o in options if o.available >= quantity and o.depot.pk != target.pk), None)
    if source is None:
        return None
    return TransferProposal(source=source.depot, target=target, available=source.available)


def plan_parts(
    ticket: Ticket,
    parts: list[Part],
    *,
    quantity: int = 1,
    now: datetime.datetime | None = None,
    due: datetime.datetime | None = None,
    with_deadline: bool = True,
    conditions: Sequence[str] | None = None,
) -> RequestPlan:
    """Where each of ``parts`` should come from; ``conditions`` defaults to what the contract allows."""
    now = now or timezone.now()
    if with_deadline and due is None:
        due = part_deadline(ticket.pk)
    site = site_position(ticket)
    # A contract that promises new parts is planned on new stock only (see sasms.parts.quality).
    options = depot_options(
        part_ids=[p.pk for p in parts],
        site=site,
        due=due,
        now=now,
        conditions=allowed_conditions(ticket) if conditions is None else conditions,
    )
    target: Depot | None = None
    plans = []
    for part in parts:
        found = options.get(part.pk, [])
        best = choose(found, quantity)
        plan = PartPlan(part=part, options=found, best=best)
        if best is None or best.meets_sla is False:
            if target is None:
                target = nearest_depot(site)
            plan.transfer = _transfer(found, target, quantity)
        plans.append(plan)
    return RequestPlan(due=due, site=site, plans=plans)


def plan_request(ticket: Ticket, *, now: datetime.datetime | None = None) -> RequestPlan:
    """The suggested parts of ``ticket``, each with its depots and the one to reserve from."""
    return plan_parts(ticket, suggested_parts(ticket), now=now)
