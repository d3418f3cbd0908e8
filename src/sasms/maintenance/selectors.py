"""Reads for preventive maintenance, scoped to what the acting user may see.

Staff see every customer's rows; a customer user sees their own organisation's blackout windows,
the visits of confirmed plans and their date requests — and never a proposed plan.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import NotFound
from sasms.core.tenancy import get_for_actor, scope_to_actor, sees_all_organisations
from sasms.maintenance.choices import PlanStatus
from sasms.maintenance.models import (
    BlackoutWindow,
    ChecklistAnswer,
    ChecklistItem,
    ChecklistTemplate,
    DateRequest,
    PmPlan,
    PmVisit,
)

Actor = User | AnonymousUser


def blackouts_visible_to(*, actor: Actor) -> QuerySet[BlackoutWindow]:
    return scope_to_actor(BlackoutWindow.objects.select_related("organisation", "site"), actor=actor)


def access_blackout(*, actor: Actor, blackout_id: Any) -> BlackoutWindow:
    return get_for_actor(
        BlackoutWindow.objects.select_related("organisation", "site"), actor=actor, pk=blackout_id
    )


def plans_visible_to(*, actor: Actor) -> QuerySet[PmPlan]:
    queryset = PmPlan.objects.select_related("contract", "organisation", "contract__product").annotate(
        visit_count=Count("visits", distinct=True)
    )
    if not sees_all_organisations(actor):
        return queryset.none()
    return queryset


def access_plan(*, actor: Actor, plan_id: Any) -> PmPlan:
    return get_for_actor(plans_visible_to(actor=actor), actor=actor, pk=plan_id)


def pm_visits_visible_to(*, actor: Actor) -> QuerySet[PmVisit]:
    queryset = PmVisit.objects.select_related(
        "plan", "plan__contract", "organisation", "site", "engineer", "ticket", "field_visit"
    ).annotate(server_count=Count("servers", distinct=True))
    if not sees_all_organisations(actor):
        queryset = queryset.filter(plan__status=PlanStatus.CONFIRMED)
    return scope_to_actor(queryset, actor=actor)


def access_pm_visit(*, actor: Actor, pm_visit_id: Any) -> PmVisit:
    return get_for_actor(pm_visits_visible_to(actor=actor), actor=actor, pk=pm_visit_id)


def pm_visit_of_field_visit(*, actor: Actor, field_visit_id: Any) -> PmVisit:
    return get_for_actor(pm_visits_visible_to(actor=actor), actor=actor, field_visit_id=field_visit_id)


def date_requests_visible_to(*, actor: Actor) -> QuerySet[DateRequest]:
    queryset = DateRequest.objects.select_related(
        "pm_visit", "pm_visit__site", "organisation", "requested_by", "decided_by"
    )
    return scope_to_actor(queryset, actor=actor)


def access_date_request(*, actor: Actor, date_request_id: Any) -> DateRequest:
    return get_for_actor(date_requests_visible_to(actor=actor), actor=actor, pk=date_request_id)


def templates_visible_to(*, actor: Actor) -> QuerySet[ChecklistTemplate]:
    if not actor.is_authenticated or not actor.can(Capability.VIEW_ALL_ORGANISATIONS):
        return ChecklistTemplate.objects.none()
    active = Prefetch(
        "items", queryset=ChecklistItem.objects.filter(position__lt=1000).order_by("position", "id")
    )
    return (
        ChecklistTemplate.objects.select_related("server_model", "server_model__vendor")
        .prefetch_related(active)
        .annotate(item_count=Count("items", distinct=True))
    )


def access_template(*, actor: Actor, template_id: Any) -> ChecklistTemplate:
    try:
        return templates_visible_to(actor=actor).get(pk=template_id)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def answers_of(pm_visit: PmVisit) -> QuerySet[ChecklistAnswer]:
    return ChecklistAnswer.objects.filter(pm_visit=pm_visit).select_related(
        "item", "server", "finding_ticket"
    )
