"""What every parts endpoint shares: references resolved by part number, depot code and SR
number (a wrong one is reported on its field), the 409 body with alternatives, and the 404 for
anyone who is not provider staff."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from sasms.accounts.models import User
from sasms.core.api.errors import error_body
from sasms.core.errors import NotFound, ServiceError
from sasms.parts import selectors
from sasms.parts.access import require_reader
from sasms.parts.models import Depot, Part
from sasms.parts.services import NotAvailable
from sasms.tickets.models import Ticket

REFUSED = {
    400: OpenApiResponse(description="Invalid input"),
    409: OpenApiResponse(description="Not available"),
}


def actor_of(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def field(name: str, lookup: Callable[[], Any]) -> Any:
    """Resolve a reference from the input; "not found" is reported on the field that named it."""
    try:
        return lookup()
    except NotFound as exc:
        message = _("Not found.")
        raise NotFound(message, fields={name: [message]}) from exc


def part_ref(actor: User, number: str, name: str = "part") -> Part:
    return field(name, lambda: selectors.part_by_number(actor=actor, part_number=number))  # type: ignore[no-any-return]


def depot_ref(actor: User, code: str, name: str = "depot") -> Depot:
    return field(name, lambda: selectors.depot_by_code(actor=actor, code=code))  # type: ignore[no-any-return]


def ticket_ref(actor: User, number: str, name: str = "ticket") -> Ticket | None:
    if not number:
        return None
    # Parts readers are provider staff, who see every organisation's requests (clerks included,
    # though they do not work the request queues).
    ticket = Ticket.objects.select_related("server__site__parent").filter(number=number).first()
    if ticket is None:
        message = _("Not found.")
        raise NotFound(message, fields={name: [message]})
    return ticket


def valid(serializer_class: type[Serializer[Any]], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def refused(error: ServiceError) -> Response:
    body = error_body(error.code, error.message, error.fields)
    if isinstance(error, NotAvailable):
        body["error"]["alternatives"] = [a.as_dict() for a in error.alternatives]
    return Response(body, status=error.status)


class PartsViewSet(viewsets.GenericViewSet[Any]):
    """Base: every endpoint answers customers (anyone but staff) with 404."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require_reader(request.user)
