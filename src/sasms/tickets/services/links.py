"""Links between requests and merging duplicates."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.tickets.choices import EventKind, LinkKind, ResolutionCode, Status
from sasms.tickets.events import record_event
from sasms.tickets.locks import lock_tickets
from sasms.tickets.models import Ticket, TicketLink
from sasms.tickets.search import index_ticket
from sasms.tickets.services.common import audit, require_staff
from sasms.tickets.services.workflow import transition_ticket


@transaction.atomic
def link_tickets(*, actor: User | None, source: Ticket, target: Ticket, kind: str) -> TicketLink:
    """``source`` is related to / a duplicate of / the parent of ``target``."""
    require_staff(actor)
    if kind not in LinkKind.values:
        raise ServiceError(_("Unknown link kind."), fields={"kind": [_("Unknown link kind.")]})
    if source.pk == target.pk:
        raise ServiceError(
            _("A request cannot be linked to itself."),
            fields={"target": [_("A request cannot be linked to itself.")]},
        )
    if (
        kind == LinkKind.PARENT_OF
        and TicketLink.objects.filter(source=target, target=source, kind=kind).exists()
    ):
        raise Conflict(
            _("That request is already the parent of this one."),
            fields={"target": [_("That request is already the parent of this one.")]},
        )
    lock_tickets([source.pk, target.pk])
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(source=source, target=target, kind=kind, created_by=actor)
    except IntegrityError as exc:
        raise Conflict(
            _("These requests are already linked this way."),
            fields={"target": [_("These requests are already linked this way.")]},
        ) from exc
    data = {"kind": kind, "target": target.number, "source": source.number}
    record_event(ticket=source, actor=actor, kind=EventKind.LINK, data={**data, "direction": "out"})
    record_event(ticket=target, actor=actor, kind=EventKind.LINK, data={**data, "direction": "in"})
    audit(actor, "link", source, {kind: [None, target.number]})
    return link


@transaction.atomic
def merge_tickets(*, actor: User, duplicate: Ticket, into: Ticket) -> Ticket:
    """Close ``duplicate`` as a duplicate of ``into``: watchers move over, both timelines say so."""
    require_staff(actor)
    if duplicate.pk == into.pk:
        raise ServiceError(
            _("A request cannot be merged into itself."),
            fields={"into": [_("A request cannot be merged into itself.")]},
        )
    if duplicate.organisation_id != into.organisation_id:
        raise ServiceError(
            _("Only requests of the same customer can be merged."),
            fields={"into": [_("Only requests of the same customer can be merged.")]},
        )
    locked = {t.pk: t for t in lock_tickets([duplicate.pk, into.pk])}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.status in (Status.CLOSED, Status.CANCELLED):
        raise Conflict(_("Merge into an open request."), fields={"into": [_("Merge into an open request.")]})
    if duplicate.status in (Status.CLOSED, Status.CANCELLED) or duplicate.merged_into_id:
        raise Conflict(_("This request is already closed."), code="transition_refused")
    link_tickets(actor=actor, source=duplicate, target=into, kind=LinkKind.DUPLICATE_OF)
    into.watchers.add(*duplicate.watchers.all())
    summary = _("Duplicate of %(number)s.") % {"number": into.number}
    if duplicate.status in (Status.NEW, Status.ASSIGNED):
        duplicate = transition_ticket(actor=actor, ticket=duplicate, action="cancel", reason=summary)
    else:
        if duplicate.status == Status.IN_PROGRESS or duplicate.status.startswith("waiting"):
            duplicate = transition_ticket(
                actor=actor,
                ticket=duplicate,
                action="resolve",
                resolution_code=ResolutionCode.DUPLICATE,
                resolution_summary=summary,
            )
        duplicate = transition_ticket(
            actor=actor, ticket=duplicate, action="close", confirmed=True, reason=summary
        )
    Ticket.objects.filter(pk=duplicate.pk).update(merged_into=into)
    duplicate.merged_into = into
    # The request kept is found by its duplicates' words too.
    index_ticket(into)
    record_event(
        ticket=into, actor=actor, kind=EventKind.MERGED, public=True, data={"duplicate": duplicate.number}
    )
    audit(actor, "merge", duplicate, {"merged_into": [None, into.number]})
    return into
