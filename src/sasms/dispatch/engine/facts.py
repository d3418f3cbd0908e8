"""What scoring needs to know about the requests: site, vendor, skills asked, deadlines, urgency."""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sasms.dispatch.choices import CertificationPolicy
from sasms.dispatch.models import DispatchSettings
from sasms.sla.deadlines import deadlines_for
from sasms.tickets.choices import HARDWARE_AREAS, Category
from sasms.tickets.models import Ticket

PRIORITY_WEIGHT = {"P1": 4.0, "P2": 3.0, "P3": 2.0, "P4": 1.0}
TICKET_RELATED = ("server__model__vendor", "server__site__parent")


@dataclass(frozen=True)
class TicketFacts:
    ticket: Ticket
    category: str
    component: str
    vendor_id: int | None
    vendor_name: str
    site_lat: float
    site_lon: float  # NaN when the site (and its data centre) has no coordinates
    site_name: str
    needs_certification: bool
    due_at: datetime.datetime | None  # the next deadline of any running clock
    due_clock: str
    onsite_due_at: datetime.datetime | None  # the on-site clock, if it runs
    urgency: float
    # By when someone must be on site: the on-site clock, else the resolution clock (nobody
    # resolves a hardware fault before getting there). ``None`` when neither runs.
    arrival_due_at: datetime.datetime | None = None


def site_coordinates(ticket: Ticket) -> tuple[float, float, str]:
    """The site's coordinates, or its data centre's for a room without its own."""
    server = ticket.server
    site = server.site if server is not None else None
    while site is not None:
        if site.latitude is not None and site.longitude is not None:
            return float(site.latitude), float(site.longitude), site.name
        site = site.parent
    name = server.site.name if server is not None and server.site is not None else ""
    return math.nan, math.nan, name


def urgency_of(priority: str, due_at: datetime.datetime | None, now: datetime.datetime) -> float:
    """Priority weight times time pressure: an overdue request weighs 4×, one due in 1 h 2.5×."""
    weight = PRIORITY_WEIGHT.get(priority, 2.0)
    if due_at is None:
        return weight
    hours_left = max((due_at - now).total_seconds() / 3600, 0.0)
    return weight * (1.0 + 3.0 / (1.0 + hours_left))


def needs_certification(ticket: Ticket, policy: str) -> bool:
    if ticket.server is None:
        return False
    if policy == CertificationPolicy.ALWAYS:
        return True
    if policy == CertificationPolicy.HARDWARE:
        return ticket.category == Category.HARDWARE or ticket.component in HARDWARE_AREAS
    return False


def facts_for(
    tickets: Sequence[Ticket], *, settings: DispatchSettings, now: datetime.datetime
) -> list[TicketFacts]:
    """Facts of each request (load them with ``select_related(*TICKET_RELATED)``); one deadline query."""
    deadlines = deadlines_for([t.pk for t in tickets]) if tickets else {}
    result = []
    for ticket in tickets:
        pending = [
            d
            for d in deadlines.get(ticket.pk, [])
            if d.state in ("running", "breached") and d.due_at is not None
        ]
        nearest = min(pending, key=lambda d: d.due_at or now) if pending else None
        onsite = next((d for d in pending if d.clock == "onsite"), None)
        resolution = next((d for d in pending if d.clock == "resolution"), None)
        arrival_due = onsite or resolution
        vendor = ticket.server.model.vendor if ticket.server is not None else None
        lat, lon, site_name = site_coordinates(ticket)
        due_at = nearest.due_at if nearest is not None else None
        result.append(
            TicketFacts(
                ticket=ticket,
                category=ticket.category,
                component=ticket.component,
                vendor_id=vendor.pk if vendor is not None else None,
                vendor_name=vendor.name if vendor is not None else "",
                site_lat=lat,
                site_lon=lon,
                site_name=site_name,
                needs_certification=needs_certification(ticket, settings.certification_policy)
                and vendor is not None,
                due_at=due_at,
                due_clock=nearest.clock if nearest is not None else "",
                onsite_due_at=onsite.due_at if onsite is not None else None,
                urgency=urgency_of(ticket.priority, due_at, now),
                arrival_due_at=arrival_due.due_at if arrival_due is not None else None,
            )
        )
    return result
