"""The dispatcher's side of a visit: schedule it, move it, cancel it."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, User
from sasms.accounts.roles import Capability
from sasms.core.errors import Conflict, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.permissions import require
from sasms.field.choices import MOVABLE_STATUSES, ReportLanguage, VisitStatus
from sasms.field.locks import lock_visit
from sasms.field.models import Visit
from sasms.field.services.common import (
    audit,
    can_be_visit_engineer,
    clean_text,
    local_label,
    person_zone,
    record_step,
    wrong_state,
)
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.services import assign_ticket

MAX_WINDOW = datetime.timedelta(days=7)
MAX_PAST = datetime.timedelta(days=1)


def _check_window(start: datetime.datetime, end: datetime.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(start) or timezone.is_naive(end):
        errors["window_start"] = [_("The time must carry its time zone.")]
    elif end <= start:
        errors["window_end"] = [_("The window must end after it starts.")]
    elif end - start > MAX_WINDOW:
        errors["window_end"] = [_("A visit window can be at most seven days long.")]
    elif end < timezone.now() - MAX_PAST:
        errors["window_end"] = [_("The window lies more than a day in the past.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)


def _check_engineer(engineer: User) -> None:
    if not can_be_visit_engineer(engineer):
        message = _("This person cannot be sent on a visit.")
        raise ServiceError(message, fields={"engineer": [message]})


def _check_contact(contact: Contact | None, ticket: Ticket) -> None:
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        message = _("The contact must belong to the request's customer.")
        raise ServiceError(message, fields={"contact": [message]})


def _refuse_other_holder(ticket: Ticket, engineer: User) -> None:
    holder = ticket.assignee
    message = _(
        "%(number)s is assigned to %(holder)s. Tick “Reassign the request” to give it to %(engineer)s "
        "with the visit, or send %(holder)s."
    ) % {
        "number": ticket.number,
        "holder": (holder.full_name or holder.email) if holder is not None else "—",
        "engineer": engineer.full_name or engineer.email,
    }
    raise Conflict(message, code="assigned_to_other", fields={"reassign": [message]})


def _assign_to_engineer(*, actor: User, ticket: Ticket, engineer: User) -> Ticket:
    """The request goes to the engineer who goes on site (through the tickets app's assignment)."""
    if ticket.assignee_id == engineer.pk:
        return ticket
    return assign_ticket(actor=actor, ticket=ticket, assignee=engineer)


def visit_url(visit: Visit) -> str:
    return f"{settings.SASMS_BASE_URL}{reverse('field:visit', args=[visit.pk])}"


def _tell(user: User | None, visit: Visit, subject: str, lines: list[str], key: str) -> None:
    """One e-mail to a member of staff, in their language, through the outbox."""
    if user is None or not user.email or not user.is_active:
        return
    enqueue_email(
        to=[user.email],
        subject=subject,
        body="\n".join([*lines, "", visit_url(visit)]),
        idempotency_key=key,
    )


def _window_line(visit: Visit) -> str:
    return _("Window: %(start)s – %(end)s") % {
        "start": local_label(visit.window_start),
        "end": local_label(visit.window_end),
    }


def notify_engineer(visit: Visit, *, event_id: int) -> None:
    engineer = visit.engineer
    with translation.override(engineer.language), timezone.override(person_zone(engineer)):
        site = visit.ticket.server.site if visit.ticket.server_id and visit.ticket.server else None
        lines = [
            f"{visit.ticket.number} {visit.ticket.title}",
            visit.ticket.organisation.name,
            _window_line(visit),
        ]
        if site is not None:
            lines.append(f"{site.name} {site.address}".strip())
        _tell(
            engineer,
            visit,
            _("Field visit for %(number)s") % {"number": visit.ticket.number},
            lines,
            f"field:visit:{visit.pk}:event:{event_id}:engineer",
        )


@transaction.atomic
def schedule_visit(
    *,
    actor: User,
    ticket: Ticket,
    engineer: User,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    contact: Contact | None = None,
    access_notes: str = "",
    report_language: str = "",
    reassign: bool = False,
) -> Visit:
    """A visit for ``engineer`` to the request's site within the window; the engineer is told.

    The request is assigned to the engineer with it. A request someone else holds is taken from
    them only when the dispatcher says so (``reassign``); otherwise nothing is scheduled.
    """
    require(actor, Capability.DISPATCH)
    ticket = lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise Conflict(_("Visits can only be scheduled for open requests."))
    _check_engineer(engineer)
    _check_window(window_start, window_end)
    _check_contact(contact, ticket)
    if report_language not in ReportLanguage.values:
        message = _("Unknown language.")
        raise ServiceError(message, fields={"report_language": [message]})
    if ticket.assignee_id not in (None, engineer.pk) and not reassign:
        _refuse_other_holder(ticket, engineer)
    ticket = _assign_to_engineer(actor=actor, ticket=ticket, engineer=engineer)
    now = timezone.now()
    visit = Visit.objects.create(
        ticket=ticket,
        engineer=engineer,
        window_start=window_start,
        window_end=window_end,
        contact=contact if contact is not None else ticket.requester,
        access_notes=clean_text(access_notes, field="access_notes", limit=4000),
        report_language=report_language,
        scheduled_by=actor,
        created_at=now,
        updated_at=now,
    )
    visit.ticket = ticket
    event = record_step(
        visit,
        actor,
        "scheduled",
        now,
        extra={
            "engineer_id": engineer.pk,
            "engineer": engineer.full_name or engineer.email,
            "window_start": window_start.isoformat(),
            "window_end": window_end.isoformat(),
        },
    )
    audit(actor, "schedule", visit, {"engineer": [None, engineer.pk], "window_start": [None, window_start]})
    notify_engineer(visit, event_id=event.pk)
    return visit


@transaction.atomic
def reschedule_visit(
    *,
    actor: User,
    visit: Visit,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    engineer: User | None = None,
    reassign: bool = False,
) -> Visit:
    """A new window (and perhaps another engineer); the engineer confirms the visit again.

    With another engineer, the request follows them when it was unassigned or held by the
    engineer they replace (or when ``reassign``); someone else working on it keeps it.
    """
    require(actor, Capability.DISPATCH)
    visit = lock_visit(visit.pk)
    if visit.status not in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED):
        raise wrong_state(_("Only a visit that has not started can be moved."))
    engineer = engineer or visit.engineer
    _check_engineer(engineer)
    _check_window(window_start, window_end)
    if engineer.pk != visit.engineer_id:
        ticket = lock_ticket(visit.ticket_id)
        if ticket.is_open and (reassign or ticket.assignee_id in (None, visit.engineer_id)):
            visit.ticket = _assign_to_engineer(actor=actor, ticket=ticket, engineer=engineer)
    before = {
        "engineer": visit.engineer_id,
        "window_start": visit.window_start,
        "window_end": visit.window_end,
    }
    now = timezone.now()
    visit.engineer = engineer
    visit.window_start, visit.window_end = window_start, window_end
    visit.status, visit.accepted_at = VisitStatus.SCHEDULED, None
    visit.updated_at = now
    visit.save(
        update_fields=["engineer", "window_start", "window_end", "status", "accepted_at", "updated_at"]
    )
    event = record_step(
        visit,
        actor,
        "rescheduled",
        now,
        extra={
            "engineer_id": engineer.pk,
            "engineer": engineer.full_name or engineer.email,
            "window_start": window_start.isoformat(),
            "window_end": window_end.isoformat(),
        },
    )
    audit(
        actor,
        "reschedule",
        visit,
        {
            "engineer": [before["engineer"], engineer.pk],
            "window_start": [before["window_start"], window_start],
            "window_end": [before["window_end"], window_end],
        },
    )
    notify_engineer(visit, event_id=event.pk)
    return visit


@transaction.atomic
def cancel_visit(*, actor: User, visit: Visit, reason: str) -> Visit:
    """Call a visit off before anyone is on site; the engineer is told."""
    require(actor, Capability.DISPATCH)
    visit = lock_visit(visit.pk)
    if visit.status not in MOVABLE_STATUSES:
        raise wrong_state(_("Only a visit that nobody is on site for can be cancelled."))
    reason = clean_text(reason, field="reason", limit=2000, required=True, label=_("Reason"))
    now = timezone.now()
    before = visit.status
    visit.status, visit.cancelled_at, visit.cancel_reason, visit.updated_at = (
        VisitStatus.CANCELLED,
        now,
        reason,
        now,
    )
    visit.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    event = record_step(visit, actor, "cancelled", now, body=reason)
    audit(actor, "cancel", visit, {"status": [before, visit.status]})
    engineer = visit.engineer
    with translation.override(engineer.language):
        _tell(
            engineer,
            visit,
            _("Field visit for %(number)s cancelled") % {"number": visit.ticket.number},
            [f"{visit.ticket.number} {visit.ticket.title}", reason],
            f"field:visit:{visit.pk}:event:{event.pk}:engineer",
        )
    return visit
