"""The SLA deadline a part for a request has to meet, read through the SLA engine's interface."""

import datetime

from sasms.sla.deadlines import deadlines_for, nearest_pending

PENDING = ("running", "breached")


def part_deadline(ticket_id: int) -> datetime.datetime | None:
    """When the part must be on site: the parts clock if one runs, else the on-site clock, else the
    request's next deadline of any kind (a resolution deadline still bounds the delivery)."""
    clocks = deadlines_for([ticket_id]).get(ticket_id, [])
    for kind in ("parts", "onsite"):
        for deadline in clocks:
            if deadline.clock == kind and deadline.state in PENDING and deadline.due_at is not None:
                return deadline.due_at
    nearest = nearest_pending(clocks)
    return nearest.due_at if nearest is not None else None
