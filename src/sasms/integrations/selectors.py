"""Reads of the integrations, each checking who asks.

Robots, subscriptions and the delivery log are the administrators' (machine-token managers');
classifier models are the service managers'; the triage list is for everyone who works requests.
The caller-ID lookup answers staff and machine accounts, each within what they may see.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound, PermissionDenied
from sasms.core.permissions import require
from sasms.core.tenancy import get_for_actor, scope_to_actor
from sasms.integrations.models import (
    ChatRobot,
    ClassificationReview,
    ClassifierModel,
    Delivery,
    DeliveryAttempt,
    WebhookSubscription,
)
from sasms.integrations.phone import PhoneNumber, candidate_digits, match_key, try_parse
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.models import Ticket
from sasms.tickets.selectors import tickets_visible_to

Actor = User | AnonymousUser
MAX_MATCHES = 10
OPEN_REQUESTS_SHOWN = 10


def _one(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."))
    return found


# --- robots, subscriptions, deliveries -------------------------------------------------------------


def robots_visible_to(*, actor: Actor) -> QuerySet[ChatRobot]:
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    return ChatRobot.objects.select_related("organisation").order_by("name", "id")


def access_robot(*, actor: Actor, robot_id: int) -> ChatRobot:
    robot: ChatRobot = _one(robots_visible_to(actor=actor), robot_id)
    return robot


def subscriptions_visible_to(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    return WebhookSubscription.objects.select_related("organisation").order_by("name", "id")


def access_subscription(*, actor: Actor, subscription_id: int) -> WebhookSubscription:
    subscription: WebhookSubscription = _one(subscriptions_visible_to(actor=actor), subscription_id)
    return subscription


def deliveries_visible_to(*, actor: Actor) -> QuerySet[Delivery]:
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    return Delivery.objects.select_related("organisation", "requested_by").order_by("-created_at", "-id")


def access_delivery(*, actor: Actor, delivery_id: int) -> Delivery:
    delivery: Delivery = _one(
        deliveries_visible_to(actor=actor).select_related("robot", "subscription", "replay_of"), delivery_id
    )
    return delivery


def attempts_of(delivery: Delivery) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")


# --- classifier ------------------------------------------------------------------------------------


def models_visible_to(*, actor: Actor) -> QuerySet[ClassifierModel]:
    require(actor, Capability.MANAGE_SLA)
    return ClassifierModel.objects.select_related("started_by").order_by("-version")


def access_model(*, actor: Actor, model_id: int) -> ClassifierModel:
    model: ClassifierModel = _one(models_visible_to(actor=actor), model_id)
    return model


def reviews_visible_to(*, actor: Actor) -> QuerySet[ClassificationReview]:
    require(actor, Capability.WORK_TICKETS)
    queryset = ClassificationReview.objects.select_related("ticket", "organisation", "model", "reviewed_by")
    return scope_to_actor(queryset, actor=actor).order_by("-created_at", "-id")


def access_review(*, actor: Actor, review_id: int) -> ClassificationReview:
    return get_for_actor(reviews_visible_to(actor=actor), actor=actor, pk=review_id)


def review_of_ticket(*, ticket: Ticket) -> ClassificationReview | None:
    return ClassificationReview.objects.select_related("model", "reviewed_by").filter(ticket=ticket).first()


# --- caller ID -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerMatch:
    """Who has the number: a contact (and their organisation), or only an organisation's line."""

    organisation: Organisation
    contact: Contact | None
    open_requests: list[Ticket]
    open_count: int


def may_look_up_callers(actor: Actor) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    return actor.can(Capability.WORK_TICKETS) or (actor.is_machine and actor.can(Capability.USE_API))


def _digits_of(field: str) -> Any:
    bare: Any = F(field)
    for separator in (" ", "-", "(", ")", "+", ".", "/"):
        bare = Replace(bare, Value(separator), Value(""))
    return bare


def _same_line(stored: str, number: PhoneNumber) -> bool:
    parsed = try_parse(stored)
    return parsed is not None and match_key(parsed) == match_key(number)


def lookup_caller(*, actor: Actor, number: PhoneNumber) -> list[CallerMatch]:
    """Contacts with this number (of organisations the actor may see), else organisations whose
    switchboard it is; each with its open requests, newest first. Empty when nobody has it."""
    if not may_look_up_callers(actor):
        raise PermissionDenied(_("You do not have permission to do this."))
    digits = candidate_digits(number)
    contacts = (
        scope_to_actor(Contact.objects.filter(organisation__is_active=True), actor=actor)
        .annotate(phone_digits=_digits_of("phone"))
        .filter(phone_digits__contains=digits)
        .select_related("organisation")
        .order_by("-is_primary", "name", "id")[: MAX_MATCHES * 5]
    )
    tickets = tickets_visible_to(actor=actor).filter(status__in=OPEN_STATUSES).order_by("-created_at", "-id")
    matches: list[CallerMatch] = []
    for contact in contacts:
        if len(matches) >= MAX_MATCHES or not _same_line(contact.phone, number):
            continue
        own = tickets.filter(requester=contact)
        matches.append(
            CallerMatch(contact.organisation, contact, list(own[:OPEN_REQUESTS_SHOWN]), own.count())
        )
    if matches:
        return matches
    organisations = (
        scope_to_actor(Organisation.objects.filter(is_active=True), actor=actor, organisation_field="self")
        .annotate(phone_digits=_digits_of("phone"))
        .filter(phone_digits__contains=digits)
        .order_by("name", "id")[: MAX_MATCHES * 5]
    )
    for organisation in organisations:
        if len(matches) >= MAX_MATCHES or not _same_line(organisation.phone, number):
            continue
        theirs = tickets.filter(organisation=organisation)
        matches.append(CallerMatch(organisation, None, list(theirs[:OPEN_REQUESTS_SHOWN]), theirs.count()))
    return matches
