"""Reads of intake rows, and the look-ups that place what arrives: sender → contact, labels → server.

Intake configuration, alerts, processed mail and triage are staff matters: customers see none of it
(the pages and the API refuse them first; these querysets return nothing for them as well).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import CUSTOMER_ROLES, Capability
from sasms.assets.models import Server, ServerStatus
from sasms.core.errors import NotFound
from sasms.intake.alerts import ServerRef
from sasms.intake.models import (
    Alert,
    AlertSource,
    BmcEndpoint,
    BmcFault,
    Mailbox,
    ProcessedMessage,
    TriageItem,
)
from sasms.intake.services.common import CONFIGURE, WORK

Actor = User | AnonymousUser
M = TypeVar("M", bound=Model)


def _can(actor: Actor, capability: Capability) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.can(capability))


# --- Lists -----------------------------------------------------------------------------------------


def mailboxes_visible_to(*, actor: Actor) -> QuerySet[Mailbox]:
    queryset = Mailbox.objects.select_related("organisation")
    return queryset if _can(actor, CONFIGURE) else queryset.none()


def alert_sources_visible_to(*, actor: Actor) -> QuerySet[AlertSource]:
    queryset = AlertSource.objects.select_related("organisation")
    return queryset if _can(actor, CONFIGURE) else queryset.none()


def bmc_endpoints_visible_to(*, actor: Actor) -> QuerySet[BmcEndpoint]:
    queryset = BmcEndpoint.objects.select_related("server", "server__organisation", "server__model")
    return queryset if _can(actor, CONFIGURE) else queryset.none()


def alerts_visible_to(*, actor: Actor) -> QuerySet[Alert]:
    queryset = Alert.objects.select_related("source", "server", "ticket", "triage")
    return queryset if _can(actor, WORK) else queryset.none()


def messages_visible_to(*, actor: Actor) -> QuerySet[ProcessedMessage]:
    queryset = ProcessedMessage.objects.select_related("mailbox", "ticket")
    return queryset if _can(actor, WORK) else queryset.none()


def triage_visible_to(*, actor: Actor) -> QuerySet[TriageItem]:
    queryset = TriageItem.objects.select_related(
        "message", "source", "suggested_organisation", "resolved_by", "ticket"
    )
    return queryset if _can(actor, WORK) else queryset.none()


def _one(queryset: QuerySet[M], pk: object) -> M:
    """One row by id, or ``NotFound`` — the same answer for "no such row" and "not yours"."""
    try:
        return queryset.get(pk=int(str(pk)))
    except (ObjectDoesNotExist, ValueError):
        raise NotFound(_("Not found.")) from None


def access_mailbox(*, actor: Actor, mailbox_id: object) -> Mailbox:
    return _one(mailboxes_visible_to(actor=actor), mailbox_id)


def access_alert_source(*, actor: Actor, source_id: object) -> AlertSource:
    return _one(alert_sources_visible_to(actor=actor), source_id)


def access_bmc_endpoint(*, actor: Actor, endpoint_id: object) -> BmcEndpoint:
    return _one(bmc_endpoints_visible_to(actor=actor), endpoint_id)


def access_triage_item(*, actor: Actor, item_id: object) -> TriageItem:
    return _one(triage_visible_to(actor=actor), item_id)


def access_message(*, actor: Actor, message_id: object) -> ProcessedMessage:
    return _one(messages_visible_to(actor=actor), message_id)


def alerts_of_ticket(ticket_id: int) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(ticket_id=ticket_id)
        .select_related("source")
        .order_by("-last_received_at", "-id")
    )


def faults_of_ticket(ticket_id: int) -> QuerySet[BmcFault]:
    return BmcFault.objects.filter(ticket_id=ticket_id).order_by("-first_seen_at", "-id")


def open_triage_count() -> int:
    return TriageItem.objects.filter(status="open").count()


# --- Who wrote this e-mail -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    address: str
    staff: User | None  # a service-desk account with this address
    customer_users: tuple[User, ...]
    contacts: tuple[Contact, ...]

    @property
    def organisations(self) -> set[int]:
        return {c.organisation_id for c in self.contacts} | {u.organisation_id for u in self.customer_users}


def identify_sender(address: str, *, organisation: Organisation | None = None) -> Sender:
    """Accounts and contacts with this address (case-insensitive), at ``organisation`` when given."""
    wanted = address.strip().lower()
    if not wanted:
        return Sender(address="", staff=None, customer_users=(), contacts=())
    users = list(
        User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower=wanted, is_active=True, is_machine=False
        )
    )
    staff = next((u for u in users if u.can(Capability.WORK_TICKETS)), None)
    customers = [u for u in users if u.role in CUSTOMER_ROLES and u.organisation.is_active]
    contacts = Contact.objects.annotate(email_lower=Lower("email")).filter(
        email_lower=wanted, organisation__is_active=True
    )
    if organisation is not None:
        contacts = contacts.filter(organisation=organisation)
        customers = [u for u in customers if u.organisation_id == organisation.pk]
    return Sender(
        address=wanted,
        staff=staff,
        customer_users=tuple(customers),
        contacts=tuple(contacts.select_related("organisation").order_by("-is_primary", "pk")),
    )


# --- Which server is this alert about --------------------------------------------------------------


def _candidates(ref: ServerRef, queryset: QuerySet[Server]) -> QuerySet[Server]:
    value = ref.value
    if ref.kind == "serial":
        return queryset.filter(serial__iexact=value)
    if ref.kind == "asset_tag":
        return queryset.filter(asset_tag__iexact=value)
    if ref.kind == "bmc":
        return queryset.filter(Q(bmc_address__iexact=value) | Q(bmc_endpoint__address__iexact=value))
    if ref.kind == "hostname":
        short = value.split(".", 1)[0]
        names = Q(hostname__iexact=value) | Q(hostname__istartswith=f"{value}.")
        if short != value:
            names |= Q(hostname__iexact=short)
        return queryset.filter(names)
    if ref.kind == "ip":
        return queryset.filter(Q(bmc_address=value) | Q(hostname=value) | Q(bmc_endpoint__address=value))
    return queryset.none()


def match_server(refs: Sequence[ServerRef], *, organisation: Organisation | None = None) -> Server | None:
    """The one server the identifiers name, strongest first; an identifier that fits two servers
    (a serial at two vendors, a short host name) is skipped rather than guessed."""
    queryset = Server.objects.exclude(status=ServerStatus.DECOMMISSIONED)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    for ref in refs:
        found = list(_candidates(ref, queryset).distinct()[:2])
        if len(found) == 1:
            return found[0]
    return None
