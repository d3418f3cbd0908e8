"""Reads of service requests, scoped to what the acting user may see.

Staff who work tickets see every request; customer users see their own organisation's; everyone
else sees none. Internal notes and staff-only events never reach customers.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from sasms.accounts.models import Contact, Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.core.tenancy import get_for_actor
from sasms.tickets.choices import OPEN_STATUSES, WAITING_STATUSES, Status
from sasms.tickets.models import Attachment, SavedView, Ticket, TicketEvent, TicketLink

Actor = User | AnonymousUser
# Shorter fragments of a serial or host name would match too much of a fleet to be of use.
PARTIAL_SERVER_MIN_LENGTH = 4
QUEUES = ("mine", "team", "unassigned", "waiting", "at_risk", "breached", "open", "all")


def is_staff_reader(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.can(Capability.WORK_TICKETS))


def tickets_visible_to(*, actor: Actor) -> QuerySet[Ticket]:
    queryset = Ticket.objects.select_related("organisation", "server", "requester", "assignee", "team")
    if not actor.is_authenticated or not actor.is_active:
        return queryset.none()
    if is_staff_reader(actor):
        return queryset
    if actor.can(Capability.VIEW_PORTAL):
        return queryset.filter(organisation_id=actor.organisation_id)
    return queryset.none()


def queue(*, actor: Actor, name: str) -> QuerySet[Ticket]:
    """A staff work queue; customers get nothing (the page refuses them first)."""
    if not is_staff_reader(actor):
        return Ticket.objects.none()
    assert isinstance(actor, User)
    queryset = tickets_visible_to(actor=actor)
    if name == "mine":
        return queryset.filter(assignee=actor, status__in=OPEN_STATUSES)
    if name == "team":
        return queryset.filter(team__in=actor.teams.all(), status__in=OPEN_STATUSES)
    if name == "unassigned":
        return queryset.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
    if name == "waiting":
        return queryset.filter(status__in=WAITING_STATUSES)
    if name == "open":
        return queryset.filter(status__in=OPEN_STATUSES)
    if name in ("at_risk", "breached"):
        from sasms.sla.clocks import selectors as sla  # the SLA app builds on tickets

        open_requests = queryset.filter(status__in=OPEN_STATUSES)
        return sla.at_risk(open_requests) if name == "at_risk" else sla.breached(open_requests)
    return queryset


def access_ticket(*, actor: Actor, number: str) -> Ticket:
    """One request by SR number, or ``NotFound`` — also for another customer's request."""
    queryset = tickets_visible_to(actor=actor).select_related("server__model", "server__site", "merged_into")
    return get_for_actor(queryset, actor=actor, number=number)


def access_ticket_by_id(*, actor: Actor, ticket_id: int) -> Ticket:
    return get_for_actor(tickets_visible_to(actor=actor), actor=actor, pk=ticket_id)


def timeline_for(*, actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id")
    if is_staff_reader(actor):
        return events
    return events.filter(public=True)


def comments_for(*, actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    return timeline_for(actor=actor, ticket=ticket).filter(kind__in=("reply", "note"))


def attachments_for(*, actor: Actor, ticket: Ticket) -> QuerySet[Attachment]:
    files = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
    return files if is_staff_reader(actor) else files.filter(internal=False)


def access_attachment(*, actor: Actor, ticket: Ticket, attachment_id: int) -> Attachment:
    return get_for_actor(
        attachments_for(actor=actor, ticket=ticket),
        actor=actor,
        organisation_field="ticket__organisation",
        pk=attachment_id,
    )


def links_for(*, ticket: Ticket) -> QuerySet[TicketLink]:
    return TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket)).select_related("source", "target")


def related_for(*, actor: Actor, ticket: Ticket, limit: int = 10) -> list[Ticket]:
    """Linked requests, then other requests on the same server, newest first."""
    linked_ids = {
        link.target_id if link.source_id == ticket.pk else link.source_id for link in links_for(ticket=ticket)
    }
    visible = tickets_visible_to(actor=actor).exclude(pk=ticket.pk)
    condition = Q(pk__in=linked_ids)
    if ticket.server_id:
        condition |= Q(server_id=ticket.server_id)
    return list(visible.filter(condition).order_by("-created_at")[:limit])


def find_server(*, actor: Actor, organisation: Organisation | None, identifier: str) -> list[Server]:
    """Servers whose serial number, hostname or asset tag is ``identifier`` (case-insensitive).

    With no exact match, servers where any of them contains ``identifier`` (at least four characters,
    so that two typed letters do not list a whole fleet).
    """
    from sasms.assets.selectors import servers_visible_to

    value = identifier.strip()
    if not value:
        return []
    visible = servers_visible_to(actor=actor)
    if organisation is not None:
        visible = visible.filter(organisation=organisation)
    exact = list(
        visible.filter(Q(serial__iexact=value) | Q(hostname__iexact=value) | Q(asset_tag__iexact=value))[:20]
    )
    if exact or len(value) < PARTIAL_SERVER_MIN_LENGTH:
        return exact
    # Callers read out part of a serial (often its last characters from a label): any part will do.
    partial = Q(serial__icontains=value) | Q(hostname__icontains=value) | Q(asset_tag__icontains=value)
    return list(visible.filter(partial).order_by("serial", "id")[:20])


def find_callers(*, actor: Actor, query: str, limit: int = 20) -> list[Contact]:
    """Contacts whose phone number, name, company, e-mail or portal user matches what the agent typed.

    Staff only. A portal user is found through the contact with the same e-mail address.
    """
    value = query.strip()
    if len(value) < 2 or not is_staff_reader(actor):
        return []
    digits = "".join(ch for ch in value if ch.isdigit())
    # A caller gives a name, a company, an e-mail address or a portal log-in: any of them finds them.
    portal_emails = User.objects.filter(
        Q(full_name__icontains=value) | Q(email__icontains=value),
        organisation__kind=OrganisationKind.CUSTOMER,
        is_active=True,
    ).values("email")
    condition = (
        Q(name__icontains=value)
        | Q(organisation__name__icontains=value)
        | Q(email__icontains=value)
        | Q(email__in=portal_emails)
    )
    contacts = Contact.objects.filter(erased_at__isnull=True)
    if len(digits) >= 4:
        # Phone numbers are typed in many shapes (+86 138-0013 8000); compare digits only.
        bare: Any = F("phone")
        for separator in (" ", "-", "(", ")", "+", "."):
            bare = Replace(bare, Value(separator), Value(""))
        contacts = contacts.annotate(phone_digits=bare)
        condition |= Q(phone_digits__contains=digits[-8:])
    return list(
        contacts.filter(condition, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")[:limit]
    )


def ticket_page_prefetch(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.prefetch_related(
        Prefetch("watchers", queryset=User.objects.only("id", "full_name", "email")), "checklist"
    )


def status_counts(*, actor: Actor) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        tickets_visible_to(actor=actor)
        .filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {Status(r["status"]).value: r["n"] for r in rows}


def saved_views_for(*, actor: Actor) -> QuerySet[SavedView]:
    """Only the owner sees their saved views."""
    if not is_staff_reader(actor):
        return SavedView.objects.none()
    return SavedView.objects.filter(owner_id=actor.pk).order_by("name")
