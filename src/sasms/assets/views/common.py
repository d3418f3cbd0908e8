"""Small helpers the asset pages share."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server, ServerStatus

STATUS_BADGES = {
    ServerStatus.IN_STOCK: "secondary",
    ServerStatus.IN_SERVICE: "success",
    ServerStatus.UNDER_REPAIR: "warning",
    ServerStatus.DECOMMISSIONED: "dark",
}


def actor_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def can_manage(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_authenticated and user.can(Capability.MANAGE_ASSETS))


def status_badge(server: Server) -> str:
    return STATUS_BADGES.get(ServerStatus(server.status), "secondary")


def warranty_label(server: Server, today: datetime.date | None = None) -> str:
    day = today or timezone.localdate()
    if server.warranty_end is None:
        return str(_("none"))
    if server.warranty_end < day:
        return str(_("expired"))
    if (server.warranty_end - day).days <= 90:
        return str(_("ending soon"))
    return str(_("active"))


def warranty_badge(server: Server) -> str:
    return {
        str(_("expired")): "danger",
        str(_("ending soon")): "warning",
        str(_("active")): "success",
    }.get(warranty_label(server), "secondary")
