"""What every field service shares: who may act on a visit, step times, timeline and audit rows."""

import datetime
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from sasms.core.zones import zone_named
from sasms.field.choices import VisitStatus
from sasms.field.locks import lock_visit
from sasms.field.models import Visit
from sasms.tickets.choices import EventKind
from sasms.tickets.events import record_event
from sasms.tickets.models import TicketEvent

# Steps the customer may read on their request's timeline; the rest is the provider's business.
PUBLIC_STEPS = frozenset(
    {"scheduled", "rescheduled", "cancelled", "travelling", "checked_in", "checked_out", "signed"}
)


def clock_skew() -> datetime.timedelta:
    """How far a phone's clock may run ahead of the server's (default two minutes)."""
    return datetime.timedelta(seconds=int(getattr(settings, "SASMS_FIELD_CLOCK_SKEW_SECONDS", 120)))


def can_be_visit_engineer(user: User) -> bool:
    """Field engineers, and engineers with a dispatch profile, can be sent on site; agents,
    dispatchers, administrators, customers and machine accounts cannot."""
    from sasms.field.selectors import engineer_filter

    if not (user.is_active and not user.is_machine and user.can(Capability.WORK_TICKETS)):
        return False
    return User.objects.filter(engineer_filter(), pk=user.pk).exists()


def max_check_in_distance_m() -> int:
    """How far from the site a check-in may be without a reason (default one kilometre)."""
    return int(getattr(settings, "SASMS_FIELD_CHECK_IN_MAX_DISTANCE_M", 1000))


def require_engineer_of(actor: User | None, visit: Visit) -> User:
    """Only the visit's own engineer records its steps; other staff are told so, others see nothing."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("You do not have permission to do this."))
    if actor.pk == visit.engineer_id and actor.is_active:
        return actor
    if actor.can(Capability.WORK_TICKETS):
        raise PermissionDenied(
            _("This visit is assigned to another engineer; only they can record its steps.")
        )
    raise NotFound(_("Not found."))


def wrong_state(message: str) -> Conflict:
    return Conflict(message, code="invalid_state", fields={"action": [message]})


def lock_for_engineer(actor: User | None, visit: Visit) -> tuple[User, Visit]:
    """The visit under its row lock, and its engineer (only they record its steps)."""
    visit = lock_visit(visit.pk)
    return require_engineer_of(actor, visit), visit


def finished_error(visit: Visit) -> ServiceError:
    messages = {
        VisitStatus.DECLINED: _("The visit was declined."),
        VisitStatus.CANCELLED: _("The visit was cancelled."),
        VisitStatus.CHECKED_OUT: _("The visit is finished: the engineer has checked out."),
    }
    return wrong_state(messages.get(VisitStatus(visit.status), _("This step is not possible now.")))


def require_on_site_work(visit: Visit) -> None:
    """Work-log entries and the signature need the engineer to have checked in."""
    if visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.TRAVELLING):
        raise wrong_state(_("Check in on site first."))
    if visit.status not in (VisitStatus.ON_SITE, VisitStatus.CHECKED_OUT):
        raise finished_error(visit)


def person_zone(user: User) -> ZoneInfo:
    return zone_named(user.time_zone)


def local_label(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def step_time(
    visit: Visit,
    occurred_at: datetime.datetime | None,
    *,
    not_before: datetime.datetime | None = None,
    not_before_message: str = "",
) -> datetime.datetime:
    """The moment a step really happened, as the phone says, checked for sense.

    A phone that was offline sends the time it recorded; it may not lie in the future (beyond a
    small clock skew, which is then clipped to now), nor before the visit was scheduled, nor before
    the step it follows (``not_before``, e.g. check-out before check-in).
    """
    now = timezone.now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        message = _("The time must carry its time zone.")
        raise ServiceError(message, fields={"occurred_at": [message]})
    skew = clock_skew()
    if occurred_at > now + skew:
        message = _("The time lies in the future; check the phone's clock.")
        raise ServiceError(message, code="time_in_future", fields={"occurred_at": [message]})
    if occurred_at < visit.created_at - skew:
        message = _("The time lies before the visit was scheduled (%(at)s); check the phone's clock.") % {
            "at": local_label(visit.created_at)
        }
        raise ServiceError(message, code="time_too_early", fields={"occurred_at": [message]})
    if not_before is not None and occurred_at < not_before - skew:
        raise ServiceError(
            not_before_message, code="time_too_early", fields={"occurred_at": [not_before_message]}
        )
    return min(occurred_at, now).astimezone(datetime.UTC)


def record_step(
    visit: Visit,
    actor: User | None,
    step: str,
    at: datetime.datetime,
    *,
    body: str = "",
    extra: Mapping[str, Any] | None = None,
) -> TicketEvent:
    """The visit step on the request's timeline (``EventKind.VISIT``), with the real time."""
    data: dict[str, Any] = {"step": step, "visit_id": visit.pk, "occurred_at": at.isoformat()}
    data.update(extra or {})
    return record_event(
        ticket=visit.ticket,
        actor=actor,
        kind=EventKind.VISIT,
        public=step in PUBLIC_STEPS,
        body=body,
        data=data,
    )


def audit(
    actor: User | None, action: str, visit: Visit, changes: Mapping[str, list[Any]] | None = None
) -> None:
    record_audit(
        actor=actor,
        action=f"visit.{action}",
        target=visit,
        changes=changes,
        organisation=visit.ticket.organisation,
    )


def clean_text(value: str, *, field: str, limit: int, required: bool = False, label: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        message = _("%(field)s is required.") % {"field": label} if label else _("This field is required.")
        raise ServiceError(message, fields={field: [message]})
    if len(text) > limit:
        message = _("At most %(limit)d characters.") % {"limit": limit}
        raise ServiceError(message, fields={field: [message]})
    return text
