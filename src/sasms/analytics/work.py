"""What each staff member's home page shows: their own work, read through the apps' selectors.

A section appears when the reader's capabilities give them that work; each holds a few rows (the
most urgent first), the full count and a link to the list that shows all of them, so the counts on
the home page always agree with the lists they open.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability, Role
from sasms.field import selectors as field_selectors
from sasms.parts import selectors as parts_selectors
from sasms.parts.choices import ReservationStatus
from sasms.sla.models import ClockState, SlaClock
from sasms.tickets import selectors as ticket_selectors
from sasms.tickets.choices import Priority

ROWS_PER_SECTION = 8
# Requests older than this count as ageing in a manager's backlog.
AGEING_DAYS = 7


@dataclass(frozen=True)
class WorkRow:
    label: str
    detail: str
    url: str
    when: datetime.datetime | None = None
    day: datetime.date | None = None  # a due day without a time (returns)
    flag: str = ""  # "danger" or "warning": the row needs attention first


@dataclass(frozen=True)
class WorkFigure:
    label: str | Promise
    value: int
    url: str = ""


@dataclass
class WorkSection:
    key: str
    title: str | Promise
    count: int
    url: str
    rows: list[WorkRow] = field(default_factory=list)
    figures: list[WorkFigure] = field(default_factory=list)
    empty: str | Promise = ""


def _queue_url(name: str) -> str:
    return reverse("tickets:queue" if name == "open" else f"tickets:queue_{name}")


def _ticket_rows(queryset: QuerySet[Any]) -> list[WorkRow]:
    return [
        WorkRow(
            label=f"{ticket.number} · {ticket.title}",
            detail=" · ".join(
                part
                for part in (
                    ticket.get_priority_display(),
                    ticket.organisation.name,
                    ticket.get_status_display(),
                )
                if part
            ),
            url=reverse("tickets:detail", args=[ticket.number]),
            when=ticket.created_at,
            flag="danger" if ticket.priority == Priority.P1 else "",
        )
        for ticket in queryset[:ROWS_PER_SECTION]
    ]


def _queue_section(
    actor: User, key: str, queue: str, title: str | Promise, empty: str | Promise
) -> WorkSection:
    queryset = ticket_selectors.queue(actor=actor, name=queue).order_by("priority", "created_at", "id")
    return WorkSection(
        key=key,
        title=title,
        count=queryset.count(),
        url=_queue_url(queue),
        rows=_ticket_rows(queryset),
        empty=empty,
    )


def _deadlines(actor: User) -> WorkSection:
    """The next SLA deadlines of the reader's own open requests, soonest first."""
    mine = ticket_selectors.queue(actor=actor, name="mine")
    clocks = (
        SlaClock.objects.filter(ticket__in=mine.values("pk"), state=ClockState.RUNNING, due_at__isnull=False)
        .select_related("ticket")
        .order_by("due_at", "id")
    )
    now = timezone.now()
    rows = [
        WorkRow(
            label=f"{clock.ticket.number} · {clock.ticket.title}",
            detail=str(clock.get_kind_display()),
            url=reverse("tickets:detail", args=[clock.ticket.number]),
            when=clock.due_at,
            flag="danger"
            if clock.due_at and clock.due_at <= now
            else ("warning" if clock.risk_at and clock.risk_at <= now else ""),
        )
        for clock in clocks[:ROWS_PER_SECTION]
    ]
    return WorkSection(
        key="deadlines",
        title=_("Next SLA deadlines"),
        count=clocks.count(),
        url=_queue_url("mine"),
        rows=rows,
        empty=_("No running SLA clock on your requests."),
    )


def _visits_today(actor: User) -> WorkSection:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    visits = (
        field_selectors.my_visits(actor=actor)
        .filter(window_start__gte=start, window_start__lt=start + datetime.timedelta(days=1))
        .select_related("ticket", "ticket__organisation")
    )
    rows = [
        WorkRow(
            label=f"{visit.ticket.number} · {visit.ticket.title}",
            detail=f"{visit.ticket.organisation.name} · {visit.get_status_display()}",
            url=reverse("field:visit", args=[visit.pk]),
            when=visit.window_start,
        )
        for visit in visits[:ROWS_PER_SECTION]
    ]
    return WorkSection(
        key="visits",
        title=_("Visits today"),
        count=visits.count(),
        url=reverse("field:my_visits"),
        rows=rows,
        empty=_("No visit today."),
    )


def _reservations_to_pick(actor: User) -> WorkSection:
    reservations = (
        parts_selectors.reservations_visible_to(actor=actor)
        .filter(status=ReservationStatus.RESERVED)
        .select_related("ticket", "part", "depot")
        .order_by("needed_by", "id")
    )
    now = timezone.now()
    rows = [
        WorkRow(
            label=f"{reservation.part.part_number} × {reservation.quantity}",
            detail=f"{reservation.depot.name} · {reservation.ticket.number}",
            url=reverse("tickets:detail", args=[reservation.ticket.number]),
            when=reservation.needed_by,
            flag="danger" if reservation.needed_by and reservation.needed_by <= now else "",
        )
        for reservation in reservations[:ROWS_PER_SECTION]
    ]
    return WorkSection(
        key="reservations",
        title=_("Reservations to pick"),
        count=reservations.count(),
        url=f"{reverse('parts:reservation_list')}?{urlencode({'status': ReservationStatus.RESERVED})}",
        rows=rows,
        empty=_("Nothing to pick."),
    )


def _overdue_returns(actor: User) -> WorkSection:
    returns = (
        parts_selectors.overdue_returns(actor=actor)
        .select_related("ticket", "part", "depot")
        .order_by("due_date", "id")
    )
    rows = [
        WorkRow(
            label=f"{item.part.part_number} · {item.removed_serial or item.ticket.number}",
            detail=f"{item.depot.name} · {item.ticket.number}",
            url=reverse("tickets:detail", args=[item.ticket.number]),
            day=item.due_date,
            flag="danger",
        )
        for item in returns[:ROWS_PER_SECTION]
    ]
    return WorkSection(
        key="returns",
        title=_("Overdue returns"),
        count=returns.count(),
        url=f"{reverse('parts:return_list')}?{urlencode({'overdue': 'yes'})}",
        rows=rows,
        empty=_("No return is overdue."),
    )


def _backlog(actor: User) -> WorkSection:
    """Open requests by priority, and how many have waited longer than a week."""
    open_requests = ticket_selectors.queue(actor=actor, name="open")
    by_priority = {row["priority"]: row["n"] for row in _count_by(open_requests, "priority")}
    ageing_since = timezone.now() - datetime.timedelta(days=AGEING_DAYS)
    queue = _queue_url("open")
    figures = [
        WorkFigure(label, by_priority.get(value, 0), f"{queue}?{urlencode({'priority': value})}")
        for value, label in Priority.choices
    ]
    figures.append(
        WorkFigure(_("Open for over 7 days"), open_requests.filter(created_at__lt=ageing_since).count())
    )
    return WorkSection(
        key="backlog",
        title=_("Backlog"),
        count=sum(by_priority.values()),
        url=queue,
        figures=figures,
        empty=_("No open request."),
    )


def _count_by(queryset: QuerySet[Any], column: str) -> QuerySet[Any]:
    counted: QuerySet[Any] = queryset.order_by().values(column).annotate(n=Count("id"))
    return counted


def _agent_sections(actor: User) -> list[WorkSection]:
    return [
        _queue_section(
            actor, "mine", "mine", _("My open requests"), _("No open request is assigned to you.")
        ),
        _queue_section(actor, "waiting", "waiting", _("Waiting"), _("Nothing is waiting.")),
        _deadlines(actor),
    ]


def sections_for(actor: User) -> list[WorkSection]:
    """The reader's work, most pressing kind first; empty for customers (their home is the portal)."""
    if actor.is_customer or not actor.is_active:
        return []
    sections: list[WorkSection] = []
    if actor.can(Capability.MANAGE_SLA) and actor.can(Capability.VIEW_REPORTS):
        sections.append(
            _queue_section(
                actor, "breached", "breached", _("SLA breaches"), _("No open request is breached.")
            )
        )
        sections.append(_backlog(actor))
    if actor.can(Capability.DISPATCH):
        sections.append(
            _queue_section(
                actor, "unassigned", "unassigned", _("Unassigned requests"), _("Every request has an owner.")
            )
        )
        sections.append(
            _queue_section(
                actor, "at_risk", "at_risk", _("At risk"), _("No request is close to its SLA target.")
            )
        )
    if actor.can(Capability.FIELD_VISITS) or actor.role in (Role.ENGINEER, Role.FIELD_ENGINEER):
        sections.append(_visits_today(actor))
    if actor.can(Capability.WORK_TICKETS) and not actor.can(Capability.MANAGE_SLA):
        sections.extend(_agent_sections(actor))
    if actor.can(Capability.MANAGE_PARTS):
        sections.extend([_reservations_to_pick(actor), _overdue_returns(actor)])
    return _unique(sections)


def _unique(sections: Sequence[WorkSection]) -> list[WorkSection]:
    seen: set[str] = set()
    out = []
    for section in sections:
        if section.key not in seen:
            seen.add(section.key)
            out.append(section)
    return out
