"""Demo contracts: every state, covering the servers the assets step made (read back from the DB).

Per customer: a main active contract over most servers whose end dates are spread so that some
fall within the 30-, 60- and 90-day reminder windows and others run for years; an expired
contract over the rest; for some customers a terminated contract, a draft renewal, a
time-and-materials agreement and an EOSL extension. Each carries a monthly fee from a per-server
list price of its product (so the products' percentage penalties come to real amounts). Rows are
bulk-inserted (without per-row audit entries) so the step takes well under a second per thousand
servers.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.assets.models import Server, ServerStatus
from sasms.contracts.models import Contract, ContractStatus, CoveredServer, ServiceProduct

Progress = Callable[[str, int, int], None]
# Days from today to the main contract's end, by customer: inside the 30/60/90-day windows first.
MAIN_END_OFFSETS = [20, 50, 80, 250, 500, 10, 700, 45, 320, 85]
MAIN_PRODUCTS = ["mission-critical-7x24x4", "enhanced-5x12", "nbd-5x9", "nbd-5x9", "basic-warranty"]
# List price per covered server and month, in CNY, by product: what a 2U two-socket server's
# maintenance costs in China at each level. Time and materials has no subscription (each call-out
# is billed), so its fee is 0 and its product carries no penalty.
MONTHLY_RATE_PER_SERVER = {
    "basic-warranty": Decimal(60),
    "nbd-5x9": Decimal(150),
    "enhanced-5x12": Decimal(280),
    "mission-critical-7x24x4": Decimal(560),
    "break-fix-tm": Decimal(0),
}
EOSL_SURCHARGE = Decimal("1.6")  # parts for models the vendor no longer supplies
MINIMUM_MONTHLY_FEE = Decimal(3000)


def monthly_fee(code: str, servers: int, *, eosl: bool = False, discount: Decimal = Decimal(0)) -> Decimal:
    """A contract's monthly fee: the per-server rate, a volume discount, a floor, whole hundreds."""
    rate = MONTHLY_RATE_PER_SERVER.get(code, Decimal(0))
    if not rate:
        return Decimal(0)
    fee = rate * max(servers, 1) * (EOSL_SURCHARGE if eosl else 1) * (1 - discount)
    return max(fee, MINIMUM_MONTHLY_FEE).quantize(Decimal(100), rounding=ROUND_HALF_UP)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    today = timezone.localdate()
    now = timezone.now()
    products = {p.code: p for p in ServiceProduct.objects.all()}
    customers = list(Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("id"))
    servers_of: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    rows = Server.objects.exclude(status=ServerStatus.DECOMMISSIONED).values_list(
        "pk", "organisation_id", "model__eosl_date"
    )
    for pk, organisation_id, eosl_date in rows.order_by("pk").iterator(chunk_size=5000):
        servers_of[organisation_id].append((pk, eosl_date is not None and eosl_date <= today))

    contracts: list[Contract] = []
    cover: list[tuple[int, list[int]]] = []  # (index into contracts, server ids)

    def add(
        customer: Organisation,
        code: str,
        start: datetime.date,
        end: datetime.date,
        *,
        servers: int,
        **extra: Any,
    ) -> int:
        # Larger fleets negotiate: up to 15 % off the list price.
        discount = Decimal(min(servers // 20, 3) * 5) / 100
        fee = monthly_fee(code, servers, eosl=bool(extra.get("covers_eosl")), discount=discount)
        contracts.append(
            Contract(
                number=f"HT{start.year}-{customer.pk:04d}-{len(contracts) + 1:05d}",
                organisation=customer,
                product=products[code],
                start_date=start,
                end_date=end,
                monthly_fee=fee,
                created_at=now,
                updated_at=now,
                **extra,
            )
        )
        return len(contracts) - 1

    for index, customer in enumerate(customers):
        fleet = servers_of.get(customer.pk, [])
        rng.shuffle(fleet)
        live = [pk for pk, past_eosl in fleet if not past_eosl]
        eosl = [pk for pk, past_eosl in fleet if past_eosl]
        split = int(len(live) * rng.uniform(0.6, 0.85))
        end = today + _days(MAIN_END_OFFSETS[index % len(MAIN_END_OFFSETS)])
        main = add(
            customer,
            MAIN_PRODUCTS[index % len(MAIN_PRODUCTS)],
            end - _days(365 * rng.choice([1, 2, 3]) - 1),
            end,
            servers=split,
            status=ContractStatus.ACTIVE,
            notes="年度维保合同 Annual maintenance contract",
        )
        cover.append((main, live[:split]))
        expired_end = today - _days(rng.randint(20, 400))
        old = add(
            customer,
            rng.choice(["nbd-5x9", "basic-warranty"]),
            expired_end - _days(3 * 365 - 1),
            expired_end,
            servers=len(live) - split + len(eosl),
            status=ContractStatus.EXPIRED,
            status_reason="End date passed.",
        )
        cover.append((old, live[split:] + eosl))
        if eosl and index % 2 == 0:
            # The provider sources parts itself for these old models: an explicit EOSL extension.
            extension = add(
                customer,
                "nbd-5x9",
                today - _days(60),
                today + _days(305),
                servers=max(1, len(eosl) // 2),
                status=ContractStatus.ACTIVE,
                covers_eosl=True,
                notes="EOSL 延保 extended support past end of service life",
            )
            cover.append((extension, eosl[: max(1, len(eosl) // 2)]))
        if index % 4 == 1:
            terminated = add(
                customer,
                "enhanced-5x12",
                today - _days(500),
                today + _days(230),
                servers=len(live[split : split + 3]),
                status=ContractStatus.TERMINATED,
                status_reason="客户迁移至云 Customer moved the workload to the cloud",
            )
            cover.append((terminated, live[split : split + 3]))
        if index % 3 == 0:
            add(
                customer,
                "mission-critical-7x24x4",
                end + _days(1),
                end + _days(365),
                servers=split,
                status=ContractStatus.DRAFT,
                notes="续约报价 Renewal quote",
            )
        if index % 7 == 3:
            add(
                customer,
                "break-fix-tm",
                today - _days(100),
                today + _days(265),
                servers=0,
                status=ContractStatus.ACTIVE,
            )

    Contract.objects.bulk_create(contracts, batch_size=1000)
    links = [
        CoveredServer(contract_id=contracts[position].pk, server_id=server_id, added_at=now)
        for position, server_ids in cover
        for server_id in server_ids
    ]
    CoveredServer.objects.bulk_create(links, batch_size=5000)
    progress("contracts", len(contracts), len(contracts))
    state["contracts"] = {"contracts": len(contracts), "covered": len(links)}
