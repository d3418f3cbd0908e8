"""Tenant scoping: which organisations' rows an actor may see.

Every selector of customer-owned rows passes its queryset through :func:`scope_to_actor`. Staff of
the provider see every organisation (their role narrows further per app); customer and partner users
see their own organisation only; anyone else sees nothing. "Not yours" and "does not exist" are
answered the same way (:class:`~sasms.core.errors.NotFound`), so ids reveal nothing.
"""

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from sasms.core.errors import NotFound

if TYPE_CHECKING:
    from sasms.accounts.models import User

M = TypeVar("M", bound=models.Model)


def sees_all_organisations(actor: "User | AnonymousUser") -> bool:
    from sasms.accounts.roles import Capability

    return bool(actor.is_authenticated and actor.can(Capability.VIEW_ALL_ORGANISATIONS))


def scope_to_actor(
    queryset: models.QuerySet[M], *, actor: "User | AnonymousUser", organisation_field: str = "organisation"
) -> models.QuerySet[M]:
    if not actor.is_authenticated or not actor.is_active:
        return queryset.none()
    if sees_all_organisations(actor):
        return queryset
    lookup = "pk" if organisation_field == "self" else f"{organisation_field}_id"
    return queryset.filter(**{lookup: actor.organisation_id})


def get_for_actor(
    queryset: models.QuerySet[M],
    *,
    actor: "User | AnonymousUser",
    organisation_field: str = "organisation",
    **lookup: Any,
) -> M:
    """One row the actor may see, or ``NotFound`` — never a hint that it exists elsewhere."""
    try:
        return scope_to_actor(queryset, actor=actor, organisation_field=organisation_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc
