"""Opening a service request: numbering, entitlement snapshot, priority, SOP checklist."""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.core.audit import changed_fields, snapshot
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.tickets.choices import (
    Category,
    Channel,
    ComponentArea,
    EventKind,
    Level,
    ServiceKind,
    TicketType,
    TimeAndMaterials,
)
from sasms.tickets.events import notify, record_event
from sasms.tickets.locks import next_daily_sequence
from sasms.tickets.models import ChecklistItem, Ticket
from sasms.tickets.priority import priority_for
from sasms.tickets.search import index_new_ticket
from sasms.tickets.services.common import audit
from sasms.tickets.sop import SOP_STEPS, service_kind_for

if TYPE_CHECKING:
    from sasms.contracts.entitlement import Entitlement
    from sasms.contracts.models import ServiceProduct

CREATE_AUDIT_FIELDS = (
    "number",
    "organisation",
    "requester",
    "server",
    "channel",
    "type",
    "category",
    "component",
    "impact",
    "urgency",
    "priority",
    "title",
    "status",
    "tier",
    "entitled",
)


def format_number(day: datetime.date, sequence: int) -> str:
    """``SR`` + local date + five-digit sequence of the day, e.g. ``SR2026112400042``."""
    return f"SR{day:%Y%m%d}{sequence:05d}"


FallbackProducts = Callable[[str], "ServiceProduct | None"]


def _fallback_product(source: str) -> "ServiceProduct | None":
    from sasms.contracts.models import ServiceProduct

    code = settings.SASMS_SLA_FALLBACK_PRODUCTS.get(source, "")
    return ServiceProduct.objects.filter(code=code).prefetch_related("targets").first() if code else None


def _targets_of(product: "ServiceProduct | None") -> dict[str, dict[str, int | None]]:
    from sasms.contracts.selectors import target_table

    return target_table(product) if product is not None else {}


def entitlement_snapshot(server: Server | None, at: datetime.datetime) -> dict[str, Any]:
    """What the request is entitled to, as plain JSON kept with the request for good."""
    if server is None:
        return snapshot_from(None, at)
    # contracts depend on assets, not on us
    from sasms.contracts.entitlement import entitlement_for

    return snapshot_from(entitlement_for(server=server, at=at), at)


def snapshot_from(
    result: "Entitlement | None", at: datetime.datetime, *, fallback: FallbackProducts = _fallback_product
) -> dict[str, Any]:
    """The snapshot of one answer of the coverage rule (``None``: no server named).

    The one place the snapshot's shape is made: opening a request, setting its server later and
    the demo generator (which passes a memoised ``fallback``) all come here.
    """
    from sasms.contracts.entitlement import describe, rule_of

    if result is None:
        sla_product = fallback("none")
        return {
            "covered": False,
            "source": "none",
            "rule": "no_server",
            "reason": "no_server",
            "message": "no_server",
            "params": {},
            "reason_text": "No server was named.",
            "sla_product_code": sla_product.code if sla_product else "",
            "sla_coverage_hours": sla_product.coverage_hours if sla_product else "",
            "pause_when_waiting": True,
            "targets": _targets_of(sla_product),
            "taken_at": at.isoformat(),
        }
    with translation.override("en"):
        english_text = describe(result.message, result.params)
    product = result.product
    # The clocks need targets even without a contract: the warranty works to the basic-warranty
    # product's targets, an uncovered request to the time-and-materials product's response targets.
    sla_product = product or fallback("warranty" if result.source == "warranty" else "none")
    return {
        "covered": result.covered,
        "source": result.source,
        "rule": rule_of(result),
        "reason": result.reason,
        # Shown through the message key in the reader's language; the English text is for exports.
        "message": result.message,
        "params": dict(result.params),
        "reason_text": english_text,
        "contract_id": result.contract.pk if result.contract else None,
        "contract_number": result.contract.number if result.contract else "",
        "product_code": product.code if product else "",
        "product_name": product.name if product else "",
        "coverage_hours": product.coverage_hours if product else "",
        "sla_product_code": sla_product.code if sla_product else "",
        "sla_coverage_hours": sla_product.coverage_hours if sla_product else "",
        "pause_when_waiting": sla_product.pause_when_waiting_customer if sla_product else True,
        "time_and_materials_product": bool(product and product.time_and_materials),
        "coverage_ends": result.coverage_ends.isoformat() if result.coverage_ends else None,
        "targets": _targets_of(sla_product),
        "taken_at": at.isoformat(),
    }


def _check_choice(value: str, choices: type[Any], field: str, errors: dict[str, list[str]]) -> None:
    if value not in choices.values:
        errors.setdefault(field, []).append(_("“%s” is not a valid choice.") % value)


@transaction.atomic
def create_ticket(
    *,
    actor: User | None,
    organisation: Organisation,
    title: str,
    description: str = "",
    requester: Contact | None = None,
    server: Server | None = None,
    channel: str = Channel.PHONE,
    type: str = TicketType.INCIDENT,
    category: str = Category.HARDWARE,
    component: str = "",
    impact: str = Level.MEDIUM,
    urgency: str = Level.MEDIUM,
    service_kind: str = "",
    team: Team | None = None,
    created_at: datetime.datetime | None = None,
) -> Ticket:
    """Open a request. Staff open requests for any customer; customer users for their own."""
    own_customer = (
        actor is not None and actor.can(Capability.VIEW_PORTAL) and actor.organisation_id == organisation.pk
    )
    if actor is not None and not actor.can(Capability.WORK_TICKETS) and not own_customer:
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    for value, choices, field in (
        (channel, Channel, "channel"),
        (type, TicketType, "type"),
        (category, Category, "category"),
        (impact, Level, "impact"),
        (urgency, Level, "urgency"),
    ):
        _check_choice(value, choices, field, errors)
    if component:
        _check_choice(component, ComponentArea, "component", errors)
    if service_kind:
        _check_choice(service_kind, ServiceKind, "service_kind", errors)
    if requester is not None and requester.organisation_id != organisation.pk:
        errors["requester"] = [_("The requester belongs to another organisation.")]
    if server is not None and server.organisation_id != organisation.pk:
        errors["server"] = [_("The server belongs to another organisation.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)

    now = created_at or timezone.now()
    day = timezone.localdate(now)
    entitlement = entitlement_snapshot(server, now)
    ticket = Ticket(
        # Taken first: the day's sequence holds no lock (PostgreSQL) and SQLite's single writer
        # holds the database for the whole transaction anyway (sasms.tickets.locks).
        number=format_number(day, next_daily_sequence(day)),
        organisation=organisation,
        requester=requester,
        server=server,
        entitlement=entitlement,
        entitled=bool(entitlement["covered"]),
        time_and_materials="" if entitlement["covered"] else TimeAndMaterials.PENDING,
        channel=channel,
        type=type,
        category=category,
        component=component,
        service_kind=service_kind or service_kind_for(type=type, category=category),
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact=impact, urgency=urgency),
        title=title.strip()[:200],
        description=description,
        team=team,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    ticket.save()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(ticket=ticket, position=i, code=code)
        for i, code in enumerate(SOP_STEPS[ticket.service_kind])
    )
    if actor is not None and actor.can(Capability.WORK_TICKETS):
        ticket.watchers.add(actor)
    event = record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.CREATED,
        public=True,
        data={"channel": channel, "priority": ticket.priority, "entitled": ticket.entitled},
    )
    index_new_ticket(ticket)
    audit(actor, "create", ticket, changed_fields({}, snapshot(ticket, CREATE_AUDIT_FIELDS)))
    if requester is not None and requester.email:
        notify(
            event=event,
            recipients=[requester.email],
            message=lambda: (
                _("[%(number)s] We have received your request: %(title)s")
                % {"number": ticket.number, "title": ticket.title},
                _("Your service request %(number)s has been opened with priority %(priority)s.")
                % {"number": ticket.number, "priority": ticket.priority},
            ),
        )
    return ticket
