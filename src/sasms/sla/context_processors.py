"""The staff banner about public holidays that are not official yet.

Shown to those who edit calendars (``manage_sla``: service managers and administrators) on every
page: at once for the current year, from 1 October for the next one. The answer is the same for
everyone, so it is cached for all (one query per ``CACHE_SECONDS`` and after every change of a
holiday year, see :func:`sasms.sla.holidays.forget_notices`); other users cost nothing.
"""

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from sasms.accounts.roles import Capability
from sasms.sla.holidays import NOTICE_CACHE_KEY
from sasms.sla.selectors import unofficial_years

CACHE_SECONDS = 600


def holiday_notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.can(Capability.MANAGE_SLA):
        return {}
    today = timezone.localdate()
    cached = cache.get(NOTICE_CACHE_KEY)
    if cached is None or cached[0] != today:
        cached = (today, unofficial_years(today))
        cache.set(NOTICE_CACHE_KEY, cached, CACHE_SECONDS)
    return {"sla_holiday_notices": cached[1]} if cached[1] else {}
