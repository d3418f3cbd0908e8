"""Time zones by name: the one place a stored zone name becomes a ``ZoneInfo``.

Sites, organisations, users and intake sources keep a zone name chosen by a person; a name that
is empty or unknown to this machine's zone database falls back to the installation's zone
(``TIME_ZONE``) instead of failing the page, the report or the job that needs it.
"""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


def default_zone() -> ZoneInfo:
    """The installation's zone (``settings.TIME_ZONE``)."""
    return ZoneInfo(timezone.get_default_timezone_name())


def zone_named(name: str | None) -> ZoneInfo:
    """The zone called ``name``; the installation's zone when it is empty or unknown."""
    return first_zone(name)


def first_zone(*names: str | None) -> ZoneInfo:
    """The first of ``names`` that is a known zone (e.g. the site's, then the customer's), else
    the installation's zone."""
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return default_zone()


def day_in(zone: ZoneInfo, at: datetime.datetime | None = None) -> datetime.date:
    """The calendar day of ``at`` (now by default) in ``zone``; naive instants are read as UTC."""
    instant = at or timezone.now()
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant, datetime.UTC)
    return instant.astimezone(zone).date()
