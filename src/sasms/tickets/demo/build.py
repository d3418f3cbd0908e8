"""Two years of service-request history for the demo, bulk-inserted.

About 20 000 requests per ``scale`` over the last 730 days, each with a timeline (creation,
assignment, work, replies and internal notes, waits for parts, resolution, closure) whose times
follow from the priority; requests too young to have reached the end of their path are still open,
which gives realistic queues. Every request is indexed for search as its chunk is written. Rows
are bulk-inserted without per-row audit entries so that the demo stays fast; SOP checklists are
created for the last 60 days only (older ones would never be read).
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from sasms.accounts.models import Contact, Organisation, OrganisationKind, Team, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server, ServerStatus
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.demo.fastinsert import insert_rows
from sasms.tickets.demo.texts import (
    CUSTOMER_REPLIES,
    KINDS,
    NOTES,
    REPLIES,
    ROOT_CAUSES,
    SLOTS,
    SUMMARIES,
)
from sasms.tickets.models import ChecklistItem, DailyCounter, Ticket, TicketEvent
from sasms.tickets.priority import priority_for
from sasms.tickets.search import index_texts, texts_for
from sasms.tickets.sop import SOP_STEPS, service_kind_for

if TYPE_CHECKING:
    from sasms.contracts.models import Contract, ServiceProduct
    from sasms.tickets.services.create import FallbackProducts

Progress = Callable[[str, int, int], None]
REQUESTS_PER_SCALE = 20_000
DAYS = 730
CHUNK = 2_000
CHECKLIST_DAYS = 60
# Hours until resolution, by priority: (low, high) of a triangular distribution.
RESOLVE_HOURS = {"P1": (1.0, 8.0), "P2": (4.0, 30.0), "P3": (12.0, 96.0), "P4": (24.0, 200.0)}
MINUTE = datetime.timedelta(minutes=1)


@dataclass
class Step:
    at: datetime.datetime
    kind: str
    actor: User | None
    public: bool
    body: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    status: str | None = None  # the status after this step


@dataclass(frozen=True)
class DemoServer:
    """What the coverage rule reads about a server, read once for the whole run."""

    pk: int
    status: str
    eosl_date: datetime.date | None
    warranty_start: datetime.date | None
    warranty_end: datetime.date | None
    zone: ZoneInfo


@dataclass
class Context:
    rng: random.Random
    now: datetime.datetime
    agents: list[User]
    engineers: list[User]
    teams: list[Team]
    servers: dict[int, list[DemoServer]]
    contacts: dict[int, list[Contact]]
    cumulative: list[int]


def _arrival(rng: random.Random, start: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """A random moment of the span; mostly working hours on weekdays, as calls come in."""
    while True:
        moment = start + datetime.timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
        local = timezone.localtime(moment)
        weight = (1.0 if local.weekday() < 5 else 0.35) * (1.0 if 8 <= local.hour < 19 else 0.25)
        if rng.random() < weight:
            return moment


def _contracts_by_server() -> dict[int, list["Contract"]]:
    """Each server's contracts, as ``entitlement_for`` reads them (current owner's, any status)."""
    from sasms.contracts.models import Contract, CoveredServer

    contracts = {
        c.pk: c for c in Contract.objects.select_related("product").prefetch_related("product__targets")
    }
    by_server: dict[int, list[Contract]] = defaultdict(list)
    rows = CoveredServer.objects.filter(contract__organisation=F("server__organisation")).values_list(
        "server_id", "contract_id"
    )
    for server_id, contract_id in rows.iterator(chunk_size=5000):
        by_server[server_id].append(contracts[contract_id])
    return by_server


def _memoised_fallback() -> "FallbackProducts":
    from sasms.tickets.services.create import _fallback_product

    memo: dict[str, ServiceProduct | None] = {}

    def fallback(source: str) -> "ServiceProduct | None":
        if source not in memo:
            memo[source] = _fallback_product(source)
        return memo[source]

    return fallback


def _snapshot(
    server: DemoServer | None,
    created: datetime.datetime,
    contracts: dict[int, list["Contract"]],
    fallback: "FallbackProducts",
) -> dict[str, Any]:
    """The request's snapshot from the same rule and the same shape as ``create_ticket``'s."""
    from sasms.contracts.entitlement import decide
    from sasms.core.zones import day_in
    from sasms.tickets.services.create import snapshot_from

    if server is None:
        return snapshot_from(None, created, fallback=fallback)
    result = decide(
        status=server.status,
        eosl_date=server.eosl_date,
        warranty_start=server.warranty_start,
        warranty_end=server.warranty_end,
        contracts=contracts.get(server.pk, ()),
        day=day_in(server.zone, created),
    )
    return snapshot_from(result, created, fallback=fallback)


def _path(ctx: Context, ticket: Ticket, resolution_code: str, requester: Contact | None) -> list[Step]:
    """The whole life of a request; the caller keeps the steps that have already happened."""
    rng, t = ctx.rng, ticket.created_at
    agent, engineer = rng.choice(ctx.agents), rng.choice(ctx.engineers)
    steps = [
        Step(
            t,
            EventKind.CREATED,
            agent,
            True,
            data={"channel": ticket.channel, "priority": ticket.priority},
            status=Status.NEW,
        )
    ]
    if rng.random() < 0.03:
        steps.append(
            Step(
                t + rng.randint(5, 600) * MINUTE,
                EventKind.STATUS,
                agent,
                True,
                "客户取消 Cancelled by the customer",
                {"action": "cancel", "from": Status.NEW, "to": Status.CANCELLED},
                Status.CANCELLED,
            )
        )
        return steps
    low, high = RESOLVE_HOURS[ticket.priority]
    total = datetime.timedelta(hours=rng.triangular(low, high, low + (high - low) / 4))
    t += min(total / 10, rng.randint(2, 45) * MINUTE)
    steps.append(
        Step(
            t,
            EventKind.ASSIGNED,
            agent,
            False,
            data={
                "assignee": engineer.full_name,
                "assignee_id": engineer.pk,
                "from_status": Status.NEW,
                "to_status": Status.ASSIGNED,
            },
            status=Status.ASSIGNED,
        )
    )
    t += rng.randint(2, 30) * MINUTE
    steps.append(
        Step(
            t,
            EventKind.STATUS,
            engineer,
            True,
            data={"action": "start", "from": Status.ASSIGNED, "to": Status.IN_PROGRESS},
            status=Status.IN_PROGRESS,
        )
    )
    t += rng.randint(3, 40) * MINUTE
    steps.append(Step(t, EventKind.REPLY, engineer, True, rng.choice(REPLIES)))
    if rng.random() < 0.3:
        t += rng.randint(5, 90) * MINUTE
        steps.append(Step(t, EventKind.NOTE, engineer, False, rng.choice(NOTES)))
    waited = ticket.category == "hardware" and rng.random() < 0.35
    if waited:
        t += total / 4
        steps.append(
            Step(
                t,
                EventKind.STATUS,
                engineer,
                True,
                data={"action": "wait_parts", "from": Status.IN_PROGRESS, "to": Status.WAITING_PARTS},
                status=Status.WAITING_PARTS,
            )
        )
        t += total / 3
        steps.append(
            Step(
                t,
                EventKind.STATUS,
                engineer,
                True,
                data={"action": "resume", "from": Status.WAITING_PARTS, "to": Status.IN_PROGRESS},
                status=Status.IN_PROGRESS,
            )
        )
    if requester is not None and rng.random() < 0.4:
        t += rng.randint(10, 240) * MINUTE
        steps.append(
            Step(
                t,
                EventKind.REPLY,
                None,
                True,
                rng.choice(CUSTOMER_REPLIES),
                {"from_customer": requester.name},
            )
        )
    resolve_at = max(t + MINUTE, ticket.created_at + total)
    summary = SUMMARIES.get(resolution_code, SUMMARIES["advice_given"])
    steps.append(
        Step(
            resolve_at,
            EventKind.STATUS,
            engineer,
            True,
            summary,
            {"action": "resolve", "from": Status.IN_PROGRESS, "to": Status.RESOLVED, "waited": waited},
            Status.RESOLVED,
        )
    )
    if rng.random() < 0.6:
        close_at = resolve_at + datetime.timedelta(hours=rng.uniform(1, 48))
        steps.append(
            Step(
                close_at,
                EventKind.STATUS,
                agent,
                True,
                "客户确认 Customer confirmed",
                {"action": "close", "from": Status.RESOLVED, "to": Status.CLOSED, "confirmed": True},
                Status.CLOSED,
            )
        )
    else:
        steps.append(
            Step(
                resolve_at + datetime.timedelta(days=7),
                EventKind.STATUS,
                None,
                True,
                "Closed automatically after 7 days without objection.",
                {"action": "close", "from": Status.RESOLVED, "to": Status.CLOSED},
                Status.CLOSED,
            )
        )
    for step in steps:
        step.data.setdefault("engineer", engineer.pk)
    return steps


def _apply(ticket: Ticket, steps: list[Step], rng: random.Random, resolution_code: str) -> None:
    for step in steps:
        if step.status is not None:
            ticket.status = step.status
        if step.kind == EventKind.ASSIGNED:
            ticket.assignee_id = step.data["assignee_id"]
        if (
            ticket.first_response_at is None
            and step.kind == EventKind.REPLY
            and step.actor is not None
            and step.public
        ):
            ticket.first_response_at = step.at
        if step.data.get("action") == "resolve":
            ticket.resolved_at = step.at
            ticket.resolution_code = resolution_code
            ticket.resolution_summary = step.body
            causes = ROOT_CAUSES.get(resolution_code, [])
            ticket.root_cause = rng.choice(causes) if causes else ""
            ticket.work_minutes = rng.randint(15, 480)
            ticket.first_time_fix = not step.data.get("waited", False)
        if step.data.get("action") in ("close", "cancel"):
            ticket.closed_at = step.at
            if step.data.get("confirmed"):
                ticket.customer_confirmed_at = step.at
    ticket.updated_at = steps[-1].at


def _context(rng: random.Random, now: datetime.datetime) -> Context | None:
    customers = list(Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).values_list("pk", flat=True))
    staff = list(
        User.objects.filter(
            is_active=True,
            is_machine=False,
            role__in=[Role.AGENT, Role.DISPATCHER, Role.ENGINEER, Role.FIELD_ENGINEER, Role.SERVICE_MANAGER],
        )
    )
    if not customers or not staff:
        return None
    agents = [u for u in staff if u.role in (Role.AGENT, Role.DISPATCHER)] or staff
    engineers = [
        u for u in staff if u.role in (Role.ENGINEER, Role.FIELD_ENGINEER, Role.SERVICE_MANAGER)
    ] or staff
    from sasms.core.zones import zone_named

    servers: dict[int, list[DemoServer]] = defaultdict(list)
    rows = Server.objects.exclude(status=ServerStatus.DECOMMISSIONED).values_list(
        "pk",
        "organisation_id",
        "status",
        "model__eosl_date",
        "warranty_start",
        "warranty_end",
        "site_id",
        "site__time_zone",
        "organisation__time_zone",
    )
    for pk, organisation_id, status, eosl, start, end, site, site_zone, own_zone in rows.order_by("pk"):
        zone = zone_named(site_zone if site is not None else own_zone)
        servers[organisation_id].append(DemoServer(pk, status, eosl, start, end, zone))
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(organisation_id__in=customers):
        contacts[contact.organisation_id].append(contact)
    cumulative, running = [], 0
    for kind in KINDS:
        running += kind[0]
        cumulative.append(running)
    return Context(rng, now, agents, engineers, list(Team.objects.all()), servers, contacts, cumulative)


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    now = timezone.now()
    ctx = _context(rng, now)
    if ctx is None:
        return
    organisations = sorted(set(ctx.servers) | set(ctx.contacts))
    total = REQUESTS_PER_SCALE * scale
    arrivals = sorted(_arrival(rng, now - datetime.timedelta(days=DAYS), now) for _ in range(total))
    sequences: dict[datetime.date, int] = defaultdict(int)
    contracts = _contracts_by_server()
    fallback = _memoised_fallback()
    checklist_from = now - datetime.timedelta(days=CHECKLIST_DAYS)
    made = 0
    for offset in range(0, total, CHUNK):
        tickets: list[Ticket] = []
        paths: list[list[Step]] = []
        for created in arrivals[offset : offset + CHUNK]:
            kind = KINDS[_pick(rng, ctx.cumulative)]
            _weight, type_, category, component, impact, urgency, texts, resolution_code = kind
            organisation_id = rng.choice(organisations)
            org_servers = ctx.servers.get(organisation_id, [])
            server = rng.choice(org_servers) if org_servers and type_ != "consultation" else None
            requester = (
                rng.choice(ctx.contacts[organisation_id]) if ctx.contacts.get(organisation_id) else None
            )
            title, description = rng.choice(texts)
            slot = rng.choice(SLOTS.get(component, ["-"]))
            day = timezone.localtime(created).date()
            sequences[day] += 1
            snapshot = _snapshot(server, created, contracts, fallback)
            if rng.random() < 0.2:  # impact and urgency as the agent judged this call
                impact = rng.choice(["1", "2", "3"])
            ticket = Ticket(
                number=f"SR{day:%Y%m%d}{sequences[day]:05d}",
                organisation_id=organisation_id,
                requester=requester,
                server_id=server.pk if server else None,
                entitlement=snapshot,
                entitled=bool(snapshot["covered"]),
                time_and_materials=""
                if snapshot["covered"]
                else rng.choice(["accepted", "accepted", "declined", "pending"]),
                channel=rng.choices(
                    ["phone", "email", "portal", "monitoring", "bmc", "api"], [35, 20, 20, 15, 7, 3]
                )[0],
                type=type_,
                category=category,
                component=component,
                service_kind=service_kind_for(type=type_, category=category),
                impact=impact,
                urgency=urgency,
                priority=priority_for(impact=impact, urgency=urgency),
                title=title,
                description=description.replace("{slot}", slot),
                tier=rng.choices([1, 2, 3], [70, 25, 5])[0],
                team=rng.choice(ctx.teams) if ctx.teams else None,
                created_at=created,
                updated_at=created,
            )
            steps = [s for s in _path(ctx, ticket, resolution_code, requester) if s.at <= now]
            _apply(ticket, steps, rng, resolution_code)
            tickets.append(ticket)
            paths.append(steps)
        Ticket.objects.bulk_create(tickets, batch_size=CHUNK)
        _children(tickets, paths, checklist_from)
        _index(tickets, paths)
        made += len(tickets)
        progress("service requests", made, total)
    DailyCounter.objects.bulk_create(
        [DailyCounter(day=d, value=v) for d, v in sequences.items()], batch_size=CHUNK
    )
    state["tickets"] = {"requests": total}


def _pick(rng: random.Random, cumulative: list[int]) -> int:
    point = rng.uniform(0, cumulative[-1])
    for index, bound in enumerate(cumulative):
        if point <= bound:
            return index
    return len(cumulative) - 1


EVENT_COLUMNS = ("ticket", "created_at", "actor", "actor_label", "kind", "public", "body", "data")
ITEM_COLUMNS = ("ticket", "position", "code", "done", "done_at")


def _index(tickets: list[Ticket], paths: list[list[Step]]) -> None:
    """Search documents of a chunk, from the rows in hand: one upsert per batch, nothing read back."""
    index_texts(
        (
            texts_for(
                ticket_id=ticket.pk,
                number=ticket.number,
                title=ticket.title,
                description=ticket.description,
                organisation_id=ticket.organisation_id,
                updated_at=ticket.updated_at,
                resolution_summary=ticket.resolution_summary,
                root_cause=ticket.root_cause,
                replies=[s.body for s in steps if s.kind == EventKind.REPLY and s.public],
                notes=[
                    s.body
                    for s in steps
                    if s.kind == EventKind.NOTE or (s.kind == EventKind.REPLY and not s.public)
                ],
            )
            for ticket, steps in zip(tickets, paths, strict=True)
        ),
        batch_size=CHUNK,
    )


def _children(tickets: list[Ticket], paths: list[list[Step]], checklist_from: datetime.datetime) -> None:
    events: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    watchers = []
    through = Ticket.watchers.through
    for ticket, steps in zip(tickets, paths, strict=True):
        for step in steps:
            label = step.actor.full_name if step.actor else step.data.get("from_customer", "system")
            actor_id = step.actor.pk if step.actor else None
            events.append((ticket.pk, step.at, actor_id, label, step.kind, step.public, step.body, step.data))
        if ticket.assignee_id:
            watchers.append(through(ticket_id=ticket.pk, user_id=ticket.assignee_id))
        if ticket.created_at >= checklist_from:
            done = ticket.status in (Status.RESOLVED, Status.CLOSED)
            items.extend(
                (ticket.pk, i, code, done, ticket.resolved_at if done else None)
                for i, code in enumerate(SOP_STEPS[ticket.service_kind])
            )
    insert_rows(TicketEvent, EVENT_COLUMNS, events)
    insert_rows(ChecklistItem, ITEM_COLUMNS, items)
    through.objects.bulk_create(watchers, batch_size=5000)
