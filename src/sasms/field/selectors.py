"""Reads of field visits, scoped to who asks.

Visits are the provider's working data: staff who work requests see them all (the engineer's own
list is a filter of that); customers and everyone else see none, and a visit id answers
"not found" to them whether or not it exists.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.field.choices import ACTIVE_STATUSES, VisitStatus
from sasms.field.models import Visit, VisitNote, VisitPart, VisitPhoto
from sasms.tickets.models import Ticket

Actor = User | AnonymousUser
RECENT_DAYS = 7


def is_visit_reader(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.can(Capability.WORK_TICKETS))


def visits_visible_to(*, actor: Actor) -> QuerySet[Visit]:
    queryset = Visit.objects.select_related(
        "ticket",
        "ticket__organisation",
        "ticket__server",
        "ticket__server__site",
        "engineer",
        "contact",
    )
    return queryset if is_visit_reader(actor) else queryset.none()


def access_visit(*, actor: Actor, visit_id: Any) -> Visit:
    try:
        return visits_visible_to(actor=actor).get(pk=int(visit_id))
    except (Visit.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


# --- The customer's side: their own organisation's visits, customer-facing fields only ----------

# A declined visit is the provider's business: the customer sees the one that replaced it.
CUSTOMER_HIDDEN_STATUSES = (VisitStatus.DECLINED,)


def is_customer_reader(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active and actor.can(Capability.VIEW_PORTAL))


def customer_visits(*, actor: Actor) -> QuerySet[Visit]:
    """Visits to the customer user's own organisation; nothing for anyone else.

    Templates must show the customer-facing fields only (window, engineer, arrival, work summary,
    parts); notes, access notes, positions and decline reasons stay with the provider.
    """
    if not is_customer_reader(actor):
        return Visit.objects.none()
    return (
        Visit.objects.filter(ticket__organisation_id=actor.organisation_id)  # type: ignore[union-attr]
        .exclude(status__in=CUSTOMER_HIDDEN_STATUSES)
        .select_related("ticket", "engineer")
        .prefetch_related(Prefetch("parts", queryset=VisitPart.objects.order_by("occurred_at", "id")))
    )


def customer_visits_of_ticket(*, actor: Actor, ticket: Ticket) -> QuerySet[Visit]:
    return customer_visits(actor=actor).filter(ticket=ticket).order_by("window_start", "id")


def access_customer_report(*, actor: Actor, visit_id: Any, ticket: Ticket | None = None) -> Visit:
    """A visit of the customer's own organisation whose report exists; else "not found"."""
    visits = customer_visits(actor=actor).filter(status=VisitStatus.CHECKED_OUT, signed_at__isnull=False)
    if ticket is not None:
        visits = visits.filter(ticket=ticket)
    try:
        return visits.select_related("ticket__organisation", "ticket__server__site").get(pk=int(visit_id))
    except (Visit.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def my_visits(*, actor: Actor) -> QuerySet[Visit]:
    """The engineer's work: every visit still open, and those finished in the last week."""
    if not is_visit_reader(actor):
        return Visit.objects.none()
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return (
        visits_visible_to(actor=actor)
        .filter(engineer_id=actor.pk)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(updated_at__gte=since))
        .order_by("window_start", "id")
    )


def visits_of_ticket(*, actor: Actor, ticket: Ticket) -> QuerySet[Visit]:
    return visits_visible_to(actor=actor).filter(ticket=ticket).order_by("-window_start", "-id")


def with_work_log(queryset: QuerySet[Visit]) -> QuerySet[Visit]:
    return queryset.prefetch_related(
        Prefetch("notes", queryset=VisitNote.objects.select_related("author").order_by("occurred_at", "id")),
        Prefetch(
            "photos", queryset=VisitPhoto.objects.select_related("attachment").order_by("occurred_at", "id")
        ),
        Prefetch("parts", queryset=VisitPart.objects.order_by("occurred_at", "id")),
    )


def engineer_filter() -> Q:
    """Who can be sent on site: field engineers, and engineers with a dispatch profile."""
    from sasms.accounts.roles import Role

    return Q(role=Role.FIELD_ENGINEER) | Q(role=Role.ENGINEER, engineer_profile__isnull=False)


def engineers_for_visits() -> QuerySet[User]:
    """People a dispatcher can send on site, each with the open requests they carry now.

    ``open_requests`` is annotated; the profile (capacity, home base) and the regions and teams
    that tell two engineers of the same name apart come along.
    """
    from django.db.models import Count

    from sasms.tickets.choices import OPEN_STATUSES

    return (
        User.objects.filter(engineer_filter(), is_active=True, is_machine=False)
        .select_related("engineer_profile")
        .prefetch_related("engineer_profile__regions", "teams")
        .annotate(
            open_requests=Count(
                "assigned_tickets",
                filter=Q(assigned_tickets__status__in=sorted(OPEN_STATUSES)),
                distinct=True,
            )
        )
        .order_by("full_name", "email")
    )


def open_visit_count(*, engineer: User) -> int:
    return Visit.objects.filter(engineer=engineer, status__in=ACTIVE_STATUSES).count()


def status_counts(*, actor: Actor) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        visits_visible_to(actor=actor)
        .filter(status__in=ACTIVE_STATUSES)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {VisitStatus(r["status"]).value: r["n"] for r in rows}
