"""Keeping track of serialised units as movements name them."""

from django.utils import timezone

from sasms.assets.models import Server
from sasms.parts.models import Depot, Part, SerialUnit


def place_unit(
    *,
    part: Part,
    serial: str,
    status: str,
    condition: str,
    depot: Depot | None = None,
    server: Server | None = None,
) -> SerialUnit | None:
    """Record where unit ``serial`` of ``part`` is now (created on first sight)."""
    if not serial:
        return None
    unit, _created = SerialUnit.objects.update_or_create(
        part=part,
        serial=serial,
        defaults={
            "status": status,
            "condition": condition,
            "depot": depot,
            "server": server,
            "updated_at": timezone.now(),
        },
    )
    return unit


def unit_at(*, part: Part, serial: str) -> SerialUnit | None:
    if not serial:
        return None
    return SerialUnit.objects.select_for_update().filter(part=part, serial=serial).first()
