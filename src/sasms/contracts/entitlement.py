"""What service a server is entitled to at a moment, and why not when it is not.

The one question ticket intake, dispatch and parts ask: :func:`entitlement_for`.

Decisions (see also the contracts section of the README/issue note):

* Dates are whole calendar days, inclusive at both ends, in the time zone of the server's site
  (or of the owning organisation when the server has no site). ``at`` is an instant; it is turned
  into that local day first, so 2026-01-01T16:30Z is already 2 January in Asia/Shanghai.
* Best active coverage wins: an in-force contract beats the base warranty; among contracts the
  product with the higher ``tier`` wins, then the shorter P1 resolution target, then the later end.
* EOSL (the model's ``eosl_date`` reached, counted inclusive like the assets app does): the vendor
  no longer supplies parts, so neither the base warranty nor a contract covers the server — unless
  the contract explicitly says ``covers_eosl`` (the provider then sources parts itself).
* A decommissioned server is never covered.
* Only ``active`` contracts of the server's current owner count; a contract whose end date has
  passed does not count even before the nightly sweep marks it expired.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from sasms.assets.models import Server, ServerStatus
from sasms.contracts.models import Contract, ContractStatus, Priority, ServiceProduct

Source = Literal["contract", "warranty", "none"]
Reason = Literal[
    "contract", "warranty", "warranty_ended", "contract_expired", "not_on_contract", "eosl", "decommissioned"
]
_NO_TARGET = 10**9


# The sentence for each outcome, translated when shown: a request keeps the message key and its
# values in its entitlement snapshot, so each reader sees it in their own language.
MESSAGES: dict[str, str] = {
    "decommissioned": gettext_noop("The server is decommissioned."),
    "contract": gettext_noop("Covered by contract %(number)s (%(product)s) until %(end)s."),
    "warranty": gettext_noop("Covered by the base warranty until %(end)s."),
    "eosl": gettext_noop(
        "The model reached end of service life on %(date)s; no contract covers it past EOSL."
    ),
    "contract_terminated": gettext_noop("Contract %(number)s was terminated."),
    "contract_ended": gettext_noop("Contract %(number)s ended on %(end)s."),
    "warranty_ended": gettext_noop("The base warranty ended on %(end)s and the server is on no contract."),
    "contract_starts": gettext_noop("Contract %(number)s starts on %(start)s."),
    "not_on_contract": gettext_noop("The server is on no active contract and has no base warranty."),
    "no_server": gettext_noop("No server was named."),
}


def describe(message: str, params: Mapping[str, str] | None = None) -> str:
    """The outcome ``message`` in the active language; empty for an unknown key."""
    template = MESSAGES.get(message)
    if template is None:
        return ""
    return gettext(template) % dict(params) if params else gettext(template)


@dataclass(frozen=True)
class Entitlement:
    covered: bool
    source: Source
    contract: Contract | None
    product: ServiceProduct | None
    coverage_ends: datetime.date | None
    reason: Reason
    message: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def reason_text(self) -> str:
        return describe(self.message, self.params)


def server_time_zone(server: Server) -> ZoneInfo:
    """The site's time zone, else the owner's; an unknown name falls back to the default zone."""
    name = server.site.time_zone if server.site_id and server.site else server.organisation.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(timezone.get_default_timezone_name())


def local_day(server: Server, at: datetime.datetime | None = None) -> datetime.date:
    instant = at or timezone.now()
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant, datetime.UTC)  # naive instants are read as UTC
    return instant.astimezone(server_time_zone(server)).date()


def _p1_resolution(product: ServiceProduct) -> int:
    for target in product.targets.all():
        if target.priority == Priority.P1 and target.resolution_minutes is not None:
            return target.resolution_minutes
    return _NO_TARGET


def rank_key(contract: Contract) -> tuple[int, int, int, int]:
    """Sort key, best first: higher tier, shorter P1 resolution, later end, older contract."""
    return (
        -contract.product.tier,
        _p1_resolution(contract.product),
        -contract.end_date.toordinal(),
        contract.pk,
    )


def _day(value: datetime.date) -> str:
    return date_format(value, "Y-m-d")


def entitlement_for(*, server: Server, at: datetime.datetime | None = None) -> Entitlement:
    """The best coverage of ``server`` at ``at`` (now by default), or the reason there is none."""
    day = local_day(server, at)

    def none(reason: Reason, message: str, **params: str) -> Entitlement:
        return Entitlement(False, "none", None, None, None, reason, message, params)

    if server.status == ServerStatus.DECOMMISSIONED:
        return none("decommissioned", "decommissioned")

    eosl_date = server.model.eosl_date
    past_eosl = eosl_date is not None and eosl_date <= day
    contracts = list(
        Contract.objects.filter(coverage__server=server, organisation_id=server.organisation_id)
        .select_related("product")
        .prefetch_related("product__targets")
    )
    in_force = [
        c for c in contracts if c.status == ContractStatus.ACTIVE and c.start_date <= day <= c.end_date
    ]
    usable = [c for c in in_force if c.covers_eosl or not past_eosl]
    if usable:
        best = min(usable, key=rank_key)
        params = {"number": best.number, "product": best.product.name, "end": _day(best.end_date)}
        return Entitlement(
            True, "contract", best, best.product, best.end_date, "contract", "contract", params
        )

    warranty_started = server.warranty_start is None or server.warranty_start <= day
    in_warranty = server.warranty_end is not None and warranty_started and day <= server.warranty_end
    if in_warranty and not past_eosl:
        assert server.warranty_end is not None
        params = {"end": _day(server.warranty_end)}
        return Entitlement(True, "warranty", None, None, server.warranty_end, "warranty", "warranty", params)

    if past_eosl:
        assert eosl_date is not None
        return none("eosl", "eosl", date=_day(eosl_date))
    ended = [c for c in contracts if c.status != ContractStatus.DRAFT and c.start_date <= day]
    if ended:
        last = max(ended, key=lambda c: (c.end_date, c.pk))
        if last.status == ContractStatus.TERMINATED:
            return none("contract_expired", "contract_terminated", number=last.number)
        return none("contract_expired", "contract_ended", number=last.number, end=_day(last.end_date))
    if server.warranty_end is not None and server.warranty_end < day:
        return none("warranty_ended", "warranty_ended", end=_day(server.warranty_end))
    upcoming = [c for c in contracts if c.status == ContractStatus.ACTIVE and c.start_date > day]
    if upcoming:
        first = min(upcoming, key=lambda c: c.start_date)
        return none("not_on_contract", "contract_starts", number=first.number, start=_day(first.start_date))
    return none("not_on_contract", "not_on_contract")
