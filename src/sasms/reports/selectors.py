"""Reads of the reports app, scoped to what the reader may see.

Staff with ``VIEW_REPORTS`` report on every customer; a customer administrator (``VIEW_REPORTS``
and a customer role) on their own organisation only — another organisation's id is "not found".
Forecasts cover every customer and are for staff only.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.permissions import require
from sasms.core.tenancy import sees_all_organisations
from sasms.reports.models import ReportSubscription, RequestForecast

Actor = User | AnonymousUser


def require_reports(actor: Actor) -> None:
    require(actor, Capability.VIEW_REPORTS)


def _own_organisation(actor: Actor) -> int:
    return int(getattr(actor, "organisation_id", None) or 0)


def report_organisations(*, actor: Actor) -> QuerySet[Organisation]:
    """The customer organisations ``actor`` may run customer reports for."""
    require_reports(actor)
    customers = Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("name", "pk")
    if sees_all_organisations(actor):
        return customers
    return customers.filter(pk=_own_organisation(actor))


def access_report_organisation(*, actor: Actor, organisation_id: Any) -> Organisation:
    try:
        return report_organisations(actor=actor).get(pk=int(organisation_id))
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def subscriptions_visible_to(*, actor: Actor) -> QuerySet[ReportSubscription]:
    """Staff readers see every subscription; customer administrators those of their organisation's
    users (which are always for their own organisation)."""
    require_reports(actor)
    queryset = ReportSubscription.objects.select_related("owner", "organisation")
    if sees_all_organisations(actor):
        return queryset
    return queryset.filter(owner__organisation_id=_own_organisation(actor))


def access_subscription(*, actor: Actor, subscription_id: Any) -> ReportSubscription:
    try:
        return subscriptions_visible_to(actor=actor).get(pk=int(subscription_id))
    except (ReportSubscription.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def manages_others_subscriptions(actor: Actor) -> bool:
    """Administrators change anyone's subscriptions they see (a customer administrator sees only
    their own organisation's); everyone else only their own."""
    return isinstance(actor, User) and (
        actor.can(Capability.MANAGE_USERS) or actor.can(Capability.MANAGE_OWN_ORGANISATION_USERS)
    )


def may_change_subscription(*, actor: Actor, subscription: ReportSubscription) -> bool:
    return subscription.owner_id == getattr(actor, "pk", None) or manages_others_subscriptions(actor)


def require_staff_reader(actor: Actor) -> None:
    require_reports(actor)
    if not sees_all_organisations(actor):
        raise NotFound(_("Not found."))


def request_forecasts(*, actor: Actor) -> QuerySet[RequestForecast]:
    require_staff_reader(actor)
    return RequestForecast.objects.order_by("category")


def top_part_forecasts(*, actor: Actor, limit: int = 10) -> list[Any]:
    """The parts app's stored demand forecasts with the highest demand, with their back-test error."""
    from sasms.parts.selectors import forecasts_visible_to

    require_staff_reader(actor)
    return list(forecasts_visible_to(actor=actor).order_by("-per_month", "part__part_number", "pk")[:limit])
