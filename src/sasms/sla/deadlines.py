"""What other apps ask of the SLA engine: the deadlines of requests.

Dispatch ranks requests by their nearest deadline, the portal shows the customer the committed
times. Both read through these functions only, never the clock tables directly.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    """One SLA clock of a request as another app sees it.

    ``clock`` is one of ``response``, ``dispatch``, ``onsite``, ``resolution``, ``update``,
    ``parts``; ``state`` one of ``running``, ``paused``, ``met``, ``breached``. ``due_at`` is aware
    UTC (``None`` while paused: the due time moves when the clock resumes); ``met_at`` is set once met.
    """

    ticket_id: int
    clock: str
    label: str
    due_at: datetime.datetime | None
    state: str
    met_at: datetime.datetime | None = None


def deadlines_for(ticket_ids: Iterable[int]) -> dict[int, list[Deadline]]:
    """Every clock of each request, soonest due first (met clocks last)."""
    from sasms.sla.clocks.selectors import deadlines_for as load

    return load(list(ticket_ids))


def nearest_pending(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The soonest running (or breached and still open) clock among ``deadlines``."""
    pending = [d for d in deadlines if d.state in ("running", "breached") and d.due_at is not None]
    return min(pending, key=lambda d: d.due_at or datetime.datetime.max) if pending else None


def next_deadline_for(ticket_ids: Iterable[int]) -> dict[int, Deadline]:
    """The soonest running (or breached and still open) clock of each request that has one."""
    result: dict[int, Deadline] = {}
    for ticket_id, deadlines in deadlines_for(ticket_ids).items():
        nearest = nearest_pending(deadlines)
        if nearest is not None:
            result[ticket_id] = nearest
    return result
