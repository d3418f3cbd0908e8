"""Saved queue views: a staff member's named filter sets."""

from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict, NotFound, ServiceError
from sasms.tickets.models import SavedView
from sasms.tickets.services.common import require_staff

QUEUES = ("mine", "team", "unassigned", "waiting", "open", "all")
# Paging and exporting are actions, not part of a view.
NOT_SAVED = frozenset({"page", "export"})


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k not in NOT_SAVED]
    return urlencode(pairs)[:1000]


@transaction.atomic
def save_view(*, actor: User, name: str, queue: str, query: str) -> SavedView:
    require_staff(actor)
    if queue not in QUEUES:
        raise ServiceError(_("Unknown queue."), fields={"queue": [_("Unknown queue.")]})
    if not name.strip():
        raise ServiceError(_("Please name the view."), fields={"name": [_("This field is required.")]})
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor, name=name.strip()[:80], queue=queue, query=clean_query(query)
            )
    except IntegrityError as exc:
        message = _("You already have a view with this name.")
        raise Conflict(message, fields={"name": [message]}) from exc


@transaction.atomic
def delete_view(*, actor: User, view_id: int) -> None:
    require_staff(actor)
    deleted, _rows = SavedView.objects.filter(owner=actor, pk=view_id).delete()
    if not deleted:
        raise NotFound(_("Not found."))
