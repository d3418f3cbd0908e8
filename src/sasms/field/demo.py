"""Demo step of this app (see :mod:`sasms.demo`): field visits for on-site requests.

Requests of the last three weeks about server hardware get a visit by a field engineer, in the
state their request has reached: finished and signed for resolved ones, on site or on the way for
those in progress, scheduled or accepted for assigned ones, with a few declined and cancelled.
Older resolved requests under an on-site (hardware replacement) service had their engineer too,
on site before the request was resolved — except the share fixed remotely — so the on-site SLA
clocks, first-time-fix and visit figures have two years of history like everything else.
Rows are bulk-inserted (visits, work log, parts and their timeline events), so the step stays
fast; service reports are rendered when someone opens them.
"""

import datetime
import io
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.progress import Progress
from sasms.field.choices import VisitStatus
from sasms.field.models import Visit, VisitNote, VisitPart
from sasms.field.storage import save_private
from sasms.tickets.choices import HARDWARE_AREAS, EventKind, ServiceKind, Status
from sasms.tickets.models import Ticket, TicketEvent

VISITS_PER_SCALE = 60
RECENT_DAYS = 21
ON_SITE_SHARE = 0.85  # of older on-site requests an engineer went to; the rest were fixed remotely
SHORTEST_VISITED = datetime.timedelta(hours=4)  # faster fixes were remote
MINUTE = datetime.timedelta(minutes=1)
PARTS = {
    "disk": ("ST4000NM000A", "希捷 4TB SAS 硬盘"),
    "memory": ("M393A4K40DB3-CWE", "32GB DDR4 RDIMM"),
    "psu": ("PWS-1K62A-1R", "1600W 电源模块"),
    "fan": ("FAN-0R4X27", "系统风扇"),
    "raid": ("9361-8I", "RAID 卡"),
    "nic": ("X710-DA2", "10GbE 网卡"),
    "cpu": ("SRKHM", "Xeon Gold 6338"),
    "mainboard": ("MB-X12DPI", "主板"),
    "bmc": ("BMC-AST2600", "BMC 模块"),
}
NOTES = [
    "到场后与客户确认故障现象，前面板 {part} 告警灯常亮。",
    "Collected TSR/日志 before replacement; SEL shows the same error since yesterday.",
    "更换 {part}，开机自检通过，告警消除。",
    "Firmware checked, no update needed. RAID rebuild started, ETA 3 h.",
    "客户确认业务恢复正常，旧件已贴 RMA 标签带回。",
]
SIGNERS = ["王伟", "李娜", "张敏", "刘洋", "陈静", "Zhang Wei", "Alice Chen"]


def _signature() -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(40, 150), (120, 60), (190, 150), (260, 70), (330, 140), (420, 60), (560, 130)],
        fill=(11, 31, 58, 255),
        width=4,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return save_private("signatures", out.getvalue(), ".png")


def _jitter(rng: random.Random, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(str(round(rng.uniform(-0.0008, 0.0008), 6)))).quantize(Decimal("0.000001"))


def _stepper(visit: Visit, events: list[TicketEvent]) -> Callable[..., None]:
    """Adds the visit's timeline events, as the services would have recorded them."""

    def step(name: str, at: datetime.datetime | None, public: bool, body: str = "", **extra: Any) -> None:
        if at is None:
            return
        by_dispatcher = name in ("scheduled", "cancelled")
        actor = visit.scheduled_by if by_dispatcher else visit.engineer
        events.append(
            TicketEvent(
                ticket=visit.ticket,
                created_at=at,
                actor=actor,
                actor_label=(actor.full_name or actor.email) if actor is not None else "system",
                kind=EventKind.VISIT,
                public=public,
                body=body,
                data={"step": name, "visit_id": visit.pk, "occurred_at": at.isoformat(), **extra},
            )
        )

    return step


def _finished_visit(visit: Visit, ticket: Ticket, rng: random.Random) -> bool:
    """Fit a finished visit into the request's life: on site before it was resolved, and long
    enough to replace the part. ``False`` when the request was resolved too fast for a visit."""
    resolved = ticket.resolved_at
    if resolved is None or resolved - ticket.created_at < SHORTEST_VISITED:
        return False
    span = resolved - ticket.created_at
    scheduled = ticket.created_at + min(span / 10, datetime.timedelta(minutes=rng.randint(10, 60)))
    accepted = scheduled + datetime.timedelta(minutes=rng.randint(2, 15))
    checked_in = max(ticket.created_at + span * rng.uniform(0.3, 0.6), accepted + 30 * MINUTE)
    checked_out = min(checked_in + datetime.timedelta(minutes=rng.randint(60, 180)), resolved - 5 * MINUTE)
    visit.created_at = scheduled
    visit.accepted_at = accepted
    visit.travel_started_at = max(
        accepted + MINUTE, checked_in - datetime.timedelta(minutes=rng.randint(25, 80))
    )
    visit.checked_in_at = checked_in
    visit.checked_out_at = checked_out
    visit.signed_at = checked_out - 3 * MINUTE
    visit.window_start = checked_in - datetime.timedelta(minutes=rng.randint(0, 30))
    visit.window_end = visit.window_start + datetime.timedelta(hours=2)
    return True


def _open_visit_times(visit: Visit, target: str, start: datetime.datetime, rng: random.Random) -> None:
    """The steps a visit of a request still open has reached, before its window ``start``."""
    moment = visit.created_at
    if target in (VisitStatus.ACCEPTED, VisitStatus.TRAVELLING, VisitStatus.ON_SITE):
        moment += datetime.timedelta(minutes=rng.randint(2, 20))
        visit.accepted_at = moment
    if target == VisitStatus.DECLINED:
        visit.declined_at = moment + 7 * MINUTE
        visit.decline_reason = rng.choice(["另一现场紧急故障，无法按时到达。", "Off sick today."])
    if target == VisitStatus.CANCELLED:
        visit.cancelled_at = moment + 30 * MINUTE
        visit.cancel_reason = "客户远程恢复，无需上门。"
    if target in (VisitStatus.TRAVELLING, VisitStatus.ON_SITE):
        moment = max(moment, start - datetime.timedelta(minutes=rng.randint(30, 70)))
        visit.travel_started_at = moment
    if target == VisitStatus.ON_SITE:
        visit.checked_in_at = moment + datetime.timedelta(minutes=rng.randint(25, 80))


def _with_on_site_terms(tickets: list[Ticket]) -> list[Ticket]:
    """The requests whose entitlement promised an engineer on site (an on-site SLA target)."""
    from sasms.sla.clocks.store import ProductTerms, calendar_ids_by_coverage, terms_for
    from sasms.sla.models import ClockKind

    calendars = calendar_ids_by_coverage()
    products: dict[str, ProductTerms] = {}
    return [
        ticket
        for ticket in tickets
        if (terms := terms_for(ticket, calendars, products)).calendar_id is not None
        and terms.target_for(ClockKind.ONSITE, ticket.priority) is not None
    ]


def _target(ticket: Ticket) -> str:
    """The visit state that fits how far the request has got."""
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        return VisitStatus.CHECKED_OUT
    if ticket.status in (Status.IN_PROGRESS, Status.WAITING_PARTS):
        return VisitStatus.ON_SITE
    return VisitStatus.SCHEDULED


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    now = timezone.now()
    engineers = list(User.objects.filter(role=Role.FIELD_ENGINEER, is_active=True).order_by("id"))
    dispatchers = list(User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("id"))
    if not engineers:
        return
    tickets = list(
        Ticket.objects.filter(
            created_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
            component__in=sorted(HARDWARE_AREAS),
            server__isnull=False,
        )
        .exclude(status=Status.CANCELLED)
        .filter(
            Q(priority__in=["P1", "P2"])
            | Q(type="rma")
            | Q(status__in=[Status.IN_PROGRESS, Status.WAITING_PARTS])
        )
        .select_related("server__site", "requester", "assignee")
        .order_by("-created_at")[: VISITS_PER_SCALE * scale]
    )
    history = list(
        Ticket.objects.filter(
            created_at__lt=now - datetime.timedelta(days=RECENT_DAYS),
            service_kind=ServiceKind.HARDWARE_REPLACEMENT,
            status__in=[Status.RESOLVED, Status.CLOSED],
            server__isnull=False,
        )
        .select_related("server__site", "requester", "assignee")
        .order_by("created_at")
    )
    history = [t for t in _with_on_site_terms(history) if rng.random() < ON_SITE_SHARE]
    tickets += history
    if not tickets:
        return
    signature = _signature()
    visits: list[Visit] = []
    for ticket in tickets:
        target = _target(ticket)
        roll = rng.random()
        if target == VisitStatus.SCHEDULED:
            target = rng.choices(
                [
                    VisitStatus.SCHEDULED,
                    VisitStatus.ACCEPTED,
                    VisitStatus.TRAVELLING,
                    VisitStatus.DECLINED,
                    VisitStatus.CANCELLED,
                ],
                [35, 35, 15, 8, 7],
            )[0]
        elif target == VisitStatus.ON_SITE and roll < 0.25:
            target = VisitStatus.TRAVELLING
        scheduled = ticket.created_at + datetime.timedelta(minutes=rng.randint(10, 90))
        scheduled = min(scheduled, now - 5 * MINUTE)
        start = scheduled + datetime.timedelta(hours=rng.choice([1, 2, 3, 4, 20]))
        engineer = (
            ticket.assignee
            if ticket.assignee and ticket.assignee.role == Role.FIELD_ENGINEER
            else rng.choice(engineers)
        )
        visit = Visit(
            ticket=ticket,
            engineer=engineer,
            status=target,
            window_start=start,
            window_end=start + datetime.timedelta(hours=2),
            contact=ticket.requester,
            access_notes=rng.choice(
                ["", "凭工牌从 2 号门进入，机房需陪同。", "Loading dock B; ask for the on-duty admin."]
            ),
            scheduled_by=rng.choice(dispatchers) if dispatchers else None,
            created_at=scheduled,
            updated_at=scheduled,
        )
        if target == VisitStatus.CHECKED_OUT:
            # A resolved request: the visit's times come from the request's own life.
            if not _finished_visit(visit, ticket, rng):
                continue  # resolved too fast for anyone to have gone on site: a remote fix
        else:
            _open_visit_times(visit, target, start, rng)
        if target in (VisitStatus.ON_SITE, VisitStatus.CHECKED_OUT):
            site = ticket.server.site if ticket.server else None
            visit.latitude = _jitter(rng, site.latitude if site else None)
            visit.longitude = _jitter(rng, site.longitude if site else None)
            visit.accuracy_m = rng.randint(5, 60) if visit.latitude is not None else None
            visit.distance_to_site_m = rng.randint(5, 120) if visit.latitude is not None else None
        if visit.checked_out_at is not None:
            visit.work_summary = "更换故障部件，系统恢复正常。Faulty part replaced; system healthy."
            visit.signer_name = rng.choice(SIGNERS)
            visit.signature_file = signature
            # Demo reports count as sent; opening one renders it on the spot.
            visit.report_generated_at = visit.checked_out_at + MINUTE
            visit.report_sent_to = ticket.requester.email if ticket.requester else ""
        if any(
            t is not None and t > now
            for t in (visit.checked_out_at, visit.checked_in_at, visit.travel_started_at)
        ):
            continue  # a path that would end in the future: leave this request without a visit
        visit.updated_at = max(
            t for t in (visit.created_at, visit.accepted_at, visit.checked_out_at, visit.checked_in_at) if t
        )
        visits.append(visit)
    Visit.objects.bulk_create(visits, batch_size=500)
    notes: list[VisitNote] = []
    parts: list[VisitPart] = []
    events: list[TicketEvent] = []
    counted: list[int] = []
    for visit in visits:
        ticket = visit.ticket
        part_number, part_name = PARTS.get(ticket.component, ("FRU-GENERIC", "部件"))

        step = _stepper(visit, events)
        step(
            "scheduled",
            visit.created_at,
            True,
            engineer_id=visit.engineer_id,
            engineer=visit.engineer.full_name,
        )
        step("accepted", visit.accepted_at, False)
        step("declined", visit.declined_at, False, visit.decline_reason)
        step("cancelled", visit.cancelled_at, True, visit.cancel_reason)
        step("travelling", visit.travel_started_at, True)
        if visit.checked_in_at is not None:
            counted.append(ticket.pk)
            step(
                "checked_in",
                visit.checked_in_at,
                True,
                latitude=float(visit.latitude) if visit.latitude is not None else None,
                longitude=float(visit.longitude) if visit.longitude is not None else None,
                accuracy=visit.accuracy_m,
                engineer_id=visit.engineer_id,
            )
            first = visit.checked_in_at + datetime.timedelta(minutes=10)
            notes.append(
                VisitNote(
                    visit=visit,
                    body=NOTES[0].format(part=part_name),
                    occurred_at=first,
                    author=visit.engineer,
                )
            )
            notes.append(
                VisitNote(visit=visit, body=NOTES[1], occurred_at=first + 15 * MINUTE, author=visit.engineer)
            )
        if visit.checked_out_at is not None and visit.checked_in_at is not None:
            used = visit.checked_in_at + datetime.timedelta(minutes=35)
            serial = f"ZC{rng.randint(100000, 999999)}"
            removed = f"ZC{rng.randint(100000, 999999)}"
            parts.append(
                VisitPart(
                    visit=visit,
                    part_number=part_number,
                    quantity=1,
                    serial=serial,
                    removed_serial=removed,
                    occurred_at=used,
                    author=visit.engineer,
                )
            )
            events.append(
                TicketEvent(
                    ticket=ticket,
                    created_at=used,
                    actor=visit.engineer,
                    actor_label=visit.engineer.full_name,
                    kind=EventKind.PARTS,
                    public=False,
                    data={
                        "step": "used",
                        "visit_id": visit.pk,
                        "part_number": part_number,
                        "quantity": 1,
                        "serial": serial,
                        "removed_serial": removed,
                        "occurred_at": used.isoformat(),
                    },
                )
            )
            notes.append(
                VisitNote(
                    visit=visit,
                    body=NOTES[2].format(part=part_name),
                    occurred_at=used + MINUTE,
                    author=visit.engineer,
                )
            )
            step("signed", visit.signed_at, True, signer_name=visit.signer_name)
            step("checked_out", visit.checked_out_at, True, on_site_minutes=visit.on_site_minutes)
    VisitNote.objects.bulk_create(notes, batch_size=1000)
    VisitPart.objects.bulk_create(parts, batch_size=1000)
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    Ticket.objects.filter(pk__in=counted).update(visit_count=F("visit_count") + 1)
    progress("field visits", len(visits), len(visits))
    state["field"] = {"visits": len(visits)}
