"""The engineer's steps through a visit: accept or decline, travel, check in, check out, signature.

Each step is allowed from certain states only; a refused step says why and changes nothing.
``occurred_at`` is the time the phone recorded (see :func:`~.common.step_time`).
"""

import datetime
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, ServiceError
from sasms.core.geo import great_circle_m
from sasms.core.outbox import enqueue_email
from sasms.field.choices import VisitStatus
from sasms.field.images import clean_signature
from sasms.field.models import Visit
from sasms.field.services.common import (
    audit,
    clean_text,
    finished_error,
    local_label,
    lock_for_engineer,
    max_check_in_distance_m,
    record_step,
    require_on_site_work,
    step_time,
    wrong_state,
)
from sasms.field.services.scheduling import visit_url
from sasms.field.storage import delete_private, save_private
from sasms.tickets import transitions
from sasms.tickets.choices import WAITING_STATUSES, Status
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.services import assign_ticket, transition_ticket


def _save(visit: Visit, *fields: str) -> None:
    visit.updated_at = timezone.now()
    visit.save(update_fields=[*fields, "updated_at"])


def _work_starts(actor: User, visit: Visit, *, resume: bool) -> None:
    """The engineer is on the job: the request moves to "in progress" through the status machine.

    An unassigned request is taken by the engineer first (new → assigned → in progress); one
    waiting for the customer or for parts resumes once the engineer travels or arrives
    (``resume``). Every move is the tickets app's own, with its timeline entry.
    """
    ticket = lock_ticket(visit.ticket_id)
    if not ticket.is_open:
        return
    if ticket.status == Status.NEW and ticket.assignee_id is None:
        ticket = assign_ticket(actor=actor, ticket=ticket, assignee=actor)
    if ticket.status == Status.ASSIGNED:
        action = "start"
    elif resume and ticket.status in WAITING_STATUSES:
        action = "resume"
    else:
        return
    if transitions.refusal(actor=actor, ticket=ticket, name=action) is None:
        visit.ticket = transition_ticket(actor=actor, ticket=ticket, action=action)


@transaction.atomic
def accept_visit(*, actor: User, visit: Visit, occurred_at: datetime.datetime | None = None) -> Visit:
    actor, visit = lock_for_engineer(actor, visit)
    if visit.status == VisitStatus.ACCEPTED:
        raise wrong_state(_("You have already accepted this visit."))
    if visit.status != VisitStatus.SCHEDULED:
        raise finished_error(visit)
    at = step_time(visit, occurred_at)
    visit.status, visit.accepted_at = VisitStatus.ACCEPTED, at
    _save(visit, "status", "accepted_at")
    record_step(visit, actor, "accepted", at)
    audit(actor, "accept", visit, {"status": [VisitStatus.SCHEDULED, visit.status]})
    _work_starts(actor, visit, resume=False)
    return visit


@transaction.atomic
def decline_visit(
    *, actor: User, visit: Visit, reason: str, occurred_at: datetime.datetime | None = None
) -> Visit:
    """The engineer cannot go; the dispatcher who scheduled it hears why and schedules anew."""
    actor, visit = lock_for_engineer(actor, visit)
    if visit.status not in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED):
        raise (
            finished_error(visit)
            if visit.status != VisitStatus.TRAVELLING
            else wrong_state(_("You are already on your way; ask the dispatcher to cancel the visit."))
        )
    reason = clean_text(reason, field="reason", limit=2000, required=True, label=_("Reason"))
    at = step_time(visit, occurred_at)
    before = visit.status
    visit.status, visit.declined_at, visit.decline_reason = VisitStatus.DECLINED, at, reason
    _save(visit, "status", "declined_at", "decline_reason")
    event = record_step(visit, actor, "declined", at, body=reason)
    audit(actor, "decline", visit, {"status": [before, visit.status]})
    dispatcher = visit.scheduled_by
    if dispatcher is not None and dispatcher.is_active and dispatcher.email:
        with translation.override(dispatcher.language):
            enqueue_email(
                to=[dispatcher.email],
                subject=_("%(engineer)s declined the visit for %(number)s")
                % {"engineer": actor.full_name or actor.email, "number": visit.ticket.number},
                body=f"{reason}\n\n{visit_url(visit)}",
                idempotency_key=f"field:visit:{visit.pk}:event:{event.pk}:dispatcher",
            )
    return visit


@transaction.atomic
def start_travel(*, actor: User, visit: Visit, occurred_at: datetime.datetime | None = None) -> Visit:
    actor, visit = lock_for_engineer(actor, visit)
    if visit.status == VisitStatus.SCHEDULED:
        raise wrong_state(_("Accept the visit first."))
    if visit.status == VisitStatus.TRAVELLING:
        raise wrong_state(_("You are already on your way."))
    if visit.status == VisitStatus.ON_SITE:
        raise wrong_state(_("You have already checked in on site."))
    if visit.status != VisitStatus.ACCEPTED:
        raise finished_error(visit)
    at = step_time(visit, occurred_at)
    visit.status, visit.travel_started_at = VisitStatus.TRAVELLING, at
    _save(visit, "status", "travel_started_at")
    record_step(visit, actor, "travelling", at)
    audit(actor, "travel", visit, {"status": [VisitStatus.ACCEPTED, visit.status]})
    _work_starts(actor, visit, resume=True)
    return visit


def _position(
    latitude: float | None, longitude: float | None, accuracy: float | None
) -> tuple[Decimal | None, Decimal | None, int | None]:
    if latitude is None and longitude is None:
        return None, None, None
    errors: dict[str, list[str]] = {}
    if latitude is None or longitude is None:
        errors["latitude" if latitude is None else "longitude"] = [_("Send both latitude and longitude.")]
    else:
        if not (math.isfinite(latitude) and -90 <= latitude <= 90):
            errors["latitude"] = [_("Latitude must lie between -90 and 90.")]
        if not (math.isfinite(longitude) and -180 <= longitude <= 180):
            errors["longitude"] = [_("Longitude must lie between -180 and 180.")]
    if accuracy is not None and not (math.isfinite(accuracy) and 0 <= accuracy <= 1_000_000):
        errors["accuracy"] = [_("Accuracy must be a distance in metres.")]
    if errors:
        raise ServiceError(_("The position is not valid."), fields=errors)
    assert latitude is not None
    assert longitude is not None
    quantum = Decimal("0.000001")
    return (
        Decimal(str(latitude)).quantize(quantum),
        Decimal(str(longitude)).quantize(quantum),
        round(accuracy) if accuracy is not None else None,
    )


def _distance_to_site(visit: Visit, latitude: Decimal | None, longitude: Decimal | None) -> int | None:
    server = visit.ticket.server if visit.ticket.server_id else None
    site = server.site if server is not None and server.site_id else None
    if (
        site is None
        or site.latitude is None
        or site.longitude is None
        or latitude is None
        or longitude is None
    ):
        return None
    return round(
        great_circle_m(float(latitude), float(longitude), float(site.latitude), float(site.longitude))
    )


@transaction.atomic
def check_in(
    *,
    actor: User,
    visit: Visit,
    occurred_at: datetime.datetime | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy: float | None = None,
    reason: str = "",
) -> Visit:
    """Arrived on site: the on-site SLA clock is met here, and the request counts one more visit.

    A check-in farther from the site than the configured distance (when both the phone's position
    and the site's coordinates are known) needs a ``reason``, which is kept and shown.
    """
    actor, visit = lock_for_engineer(actor, visit)
    if visit.status == VisitStatus.ON_SITE:
        assert visit.checked_in_at is not None
        raise wrong_state(_("You already checked in at %(at)s.") % {"at": local_label(visit.checked_in_at)})
    if visit.status == VisitStatus.SCHEDULED:
        raise wrong_state(_("Accept the visit first."))
    if visit.status not in (VisitStatus.ACCEPTED, VisitStatus.TRAVELLING):
        raise finished_error(visit)
    lat, lon, acc = _position(latitude, longitude, accuracy)
    at = step_time(
        visit,
        occurred_at,
        not_before=visit.travel_started_at,
        not_before_message=_("The check-in time lies before the travel started."),
    )
    distance = _distance_to_site(visit, lat, lon)
    reason = clean_text(reason, field="reason", limit=2000)
    limit = max_check_in_distance_m()
    far = distance is not None and distance > limit
    if distance is not None and far and not reason:
        message = _(
            "You are %(km)s km from the site (more than %(limit)s km). Say why you check in here."
        ) % {"km": f"{distance / 1000:.1f}", "limit": f"{limit / 1000:g}"}
        raise Conflict(message, code="far_from_site", fields={"reason": [message]})
    before = visit.status
    visit.status, visit.checked_in_at = VisitStatus.ON_SITE, at
    visit.latitude, visit.longitude, visit.accuracy_m = lat, lon, acc
    visit.distance_to_site_m = distance
    visit.check_in_reason = reason if far else ""
    _save(
        visit,
        "status",
        "checked_in_at",
        "latitude",
        "longitude",
        "accuracy_m",
        "distance_to_site_m",
        "check_in_reason",
    )
    # A visit is checked in once (checking in twice is refused above), so each visit counts once.
    Ticket.objects.filter(pk=visit.ticket_id).update(visit_count=F("visit_count") + 1)
    extra: dict[str, Any] = {
        "latitude": float(lat) if lat is not None else None,
        "longitude": float(lon) if lon is not None else None,
        "accuracy": acc,
        "engineer_id": visit.engineer_id,
    }
    if visit.distance_to_site_m is not None:
        extra["distance_to_site_m"] = visit.distance_to_site_m
    if visit.check_in_reason:
        extra["away_from_site_reason"] = visit.check_in_reason
    record_step(visit, actor, "checked_in", at, extra=extra)
    audit(actor, "check_in", visit, {"status": [before, visit.status], "checked_in_at": [None, at]})
    _work_starts(actor, visit, resume=True)
    return visit


@transaction.atomic
def check_out(
    *, actor: User, visit: Visit, summary: str = "", occurred_at: datetime.datetime | None = None
) -> Visit:
    actor, visit = lock_for_engineer(actor, visit)
    if visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.TRAVELLING):
        raise wrong_state(_("Check in on site before checking out."))
    if visit.status == VisitStatus.CHECKED_OUT:
        assert visit.checked_out_at is not None
        raise wrong_state(_("You already checked out at %(at)s.") % {"at": local_label(visit.checked_out_at)})
    if visit.status != VisitStatus.ON_SITE:
        raise finished_error(visit)
    summary = clean_text(summary, field="summary", limit=4000)
    at = step_time(
        visit,
        occurred_at,
        not_before=visit.checked_in_at,
        not_before_message=_("The check-out time lies before the check-in."),
    )
    visit.status, visit.checked_out_at = VisitStatus.CHECKED_OUT, at
    if summary:
        visit.work_summary = summary
    _save(visit, "status", "checked_out_at", "work_summary")
    record_step(visit, actor, "checked_out", at, extra={"on_site_minutes": visit.on_site_minutes})
    audit(actor, "check_out", visit, {"status": [VisitStatus.ON_SITE, visit.status]})
    _report_when_complete(visit)
    return visit


@transaction.atomic
def sign_visit(
    *,
    actor: User,
    visit: Visit,
    signer_name: str,
    image: bytes,
    occurred_at: datetime.datetime | None = None,
) -> Visit:
    """The customer signs on the engineer's screen; the drawing is kept as a PNG on the visit."""
    actor, visit = lock_for_engineer(actor, visit)
    if visit.signed_at is not None:
        raise wrong_state(
            _("The customer has already signed at %(at)s.") % {"at": local_label(visit.signed_at)}
        )
    if visit.status in (VisitStatus.SCHEDULED, VisitStatus.ACCEPTED, VisitStatus.TRAVELLING):
        raise wrong_state(_("The customer can sign only after the engineer has checked in."))
    require_on_site_work(visit)
    name = clean_text(
        signer_name, field="signer_name", limit=120, required=True, label=_("Name of the signer")
    )
    png = clean_signature(image)
    at = step_time(
        visit,
        occurred_at,
        not_before=visit.checked_in_at,
        not_before_message=_("The signature time lies before the check-in."),
    )
    path = save_private("signatures", png, ".png")
    try:
        visit.signed_at, visit.signer_name, visit.signature_file = at, name, path
        _save(visit, "signed_at", "signer_name", "signature_file")
        record_step(visit, actor, "signed", at, extra={"signer_name": name})
    except Exception:
        delete_private(path)
        raise
    audit(actor, "sign", visit, {"signer_name": [None, name]})
    _report_when_complete(visit)
    return visit


def _report_when_complete(visit: Visit) -> None:
    """Checked out and signed: the service report is made and sent once this commits."""
    if visit.status != VisitStatus.CHECKED_OUT or visit.signed_at is None:
        return
    from sasms.field.tasks import schedule_report

    visit_id = visit.pk
    transaction.on_commit(lambda: schedule_report(visit_id))
