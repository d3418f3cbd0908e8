"""What service a server is entitled to at a moment, and why not when it is not.

ONE rule decides coverage — :func:`decide`. :func:`entitlement_for` reads a server's facts and asks
it; the server page, the contracts API, phone intake, automatic intake, the request snapshot taken
when a request opens (and again when its server is set later) and the demo generator all go
through it, so no two places can disagree.

Precedence, first match wins (``RULES``; a request snapshot keeps the name in ``rule``):

1. ``decommissioned`` — a decommissioned server is never covered.
2. ``contract`` — a contract of the server's *current* owner that lists the server and is in force
   on the day covers it per its product; among several, the higher product ``tier`` wins, then the
   shorter P1 resolution target, then the later end. Past EOSL only a contract that explicitly
   ``covers_eosl`` counts (the provider then sources parts itself, as third-party maintainers do).
3. ``warranty`` — the base warranty covers from its start to its end, both inclusive, unless the
   model has reached EOSL: the vendor then no longer supplies parts, so its warranty ends too.
4. ``eosl`` — past EOSL with no contract that covers EOSL: not covered.
5. ``uncovered`` — otherwise not covered; the message names the most recent thing that stopped
   (a contract that ended or was terminated, then the warranty) or a contract still to start.

"In force on a day" (:func:`in_force`): active or expired (a contract only expires after its end
date, so it was active on every day of its range), and the day within its dates. Drafts and
terminated contracts count on no day.

Dates are whole calendar days, inclusive at both ends, in the time zone of the server's site (or of
the owning organisation when the server has no site). ``at`` is an instant; it is turned into that
local day first, so 2026-01-01T16:30Z is already 2 January in Asia/Shanghai. EOSL counts from its
own date, like the assets app's ``is_eosl``.

Asked about a past instant, the rule reads today's contract register: a request keeps the snapshot
taken when it opened and is not rewritten when contracts change later.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from sasms.assets.models import Server, ServerStatus
from sasms.contracts.models import Contract, ContractStatus, Priority, ServiceProduct
from sasms.core.zones import day_in, zone_named

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
    return zone_named(name)


def local_day(server: Server, at: datetime.datetime | None = None) -> datetime.date:
    return day_in(server_time_zone(server), at)


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


IN_FORCE_STATUSES = frozenset({ContractStatus.ACTIVE, ContractStatus.EXPIRED})
# The rules in the order they are asked (see the module docstring).
RULES: tuple[str, ...] = ("decommissioned", "contract", "warranty", "eosl", "uncovered")


def in_force(contract: Contract, day: datetime.date) -> bool:
    """The contract was in force on ``day``: signed (not a draft), within its dates, not terminated.

    An expired contract only ever expires after its end date, so on every day of its range it was
    active: a request of last year on a contract that has since run out was covered then. A
    terminated contract counts on no day (the register keeps no termination date).
    """
    return contract.status in IN_FORCE_STATUSES and contract.start_date <= day <= contract.end_date


def decide(
    *,
    status: str,
    eosl_date: datetime.date | None,
    warranty_start: datetime.date | None,
    warranty_end: datetime.date | None,
    contracts: Iterable[Contract],
    day: datetime.date,
) -> Entitlement:
    """THE coverage rule, on facts already read: every page, API, request and the demo use it.

    ``contracts`` are the contracts of the server's current owner that list the server (any
    status), with ``product`` and ``product.targets`` loaded; ``day`` is the local day of the
    server's site (see :func:`local_day`).
    """

    def none(reason: Reason, message: str, **params: str) -> Entitlement:
        return Entitlement(False, "none", None, None, None, reason, message, params)

    if status == ServerStatus.DECOMMISSIONED:
        return none("decommissioned", "decommissioned")
    contracts = list(contracts)
    past_eosl = eosl_date is not None and eosl_date <= day
    usable = [c for c in contracts if in_force(c, day) and (c.covers_eosl or not past_eosl)]
    if usable:
        best = min(usable, key=rank_key)
        params = {"number": best.number, "product": best.product.name, "end": _day(best.end_date)}
        return Entitlement(
            True, "contract", best, best.product, best.end_date, "contract", "contract", params
        )

    warranty_started = warranty_start is None or warranty_start <= day
    in_warranty = warranty_end is not None and warranty_started and day <= warranty_end
    if in_warranty and not past_eosl:
        assert warranty_end is not None
        params = {"end": _day(warranty_end)}
        return Entitlement(True, "warranty", None, None, warranty_end, "warranty", "warranty", params)

    if past_eosl:
        assert eosl_date is not None
        return none("eosl", "eosl", date=_day(eosl_date))
    # Not covered: say why with the most recent thing that stopped (a contract before a warranty).
    ended = [
        c
        for c in contracts
        if c.start_date <= day
        and (c.status == ContractStatus.TERMINATED or (c.status in IN_FORCE_STATUSES and c.end_date < day))
    ]
    if ended:
        last = max(ended, key=lambda c: (c.end_date, c.pk))
        if last.status == ContractStatus.TERMINATED:
            return none("contract_expired", "contract_terminated", number=last.number)
        return none("contract_expired", "contract_ended", number=last.number, end=_day(last.end_date))
    if warranty_end is not None and warranty_end < day:
        return none("warranty_ended", "warranty_ended", end=_day(warranty_end))
    upcoming = [c for c in contracts if c.status == ContractStatus.ACTIVE and c.start_date > day]
    if upcoming:
        first = min(upcoming, key=lambda c: c.start_date)
        return none("not_on_contract", "contract_starts", number=first.number, start=_day(first.start_date))
    return none("not_on_contract", "not_on_contract")


def contracts_of(server: Server) -> list[Contract]:
    """The contracts :func:`decide` reads for ``server``: its current owner's, listing it."""
    return list(
        Contract.objects.filter(coverage__server=server, organisation_id=server.organisation_id)
        .select_related("product")
        .prefetch_related("product__targets")
    )


def entitlement_for(*, server: Server, at: datetime.datetime | None = None) -> Entitlement:
    """The best coverage of ``server`` at ``at`` (now by default), or the reason there is none."""
    return decide(
        status=server.status,
        eosl_date=server.model.eosl_date,
        warranty_start=server.warranty_start,
        warranty_end=server.warranty_end,
        contracts=contracts_of(server),
        day=local_day(server, at),
    )


def rule_of(result: Entitlement) -> str:
    """Which of :data:`RULES` decided ``result``."""
    if result.reason == "decommissioned":
        return "decommissioned"
    if result.covered:
        return result.source
    return "eosl" if result.reason == "eosl" else "uncovered"
