"""Demo step of this app (see :mod:`sasms.demo`): preventive maintenance.

Two active contracts with PM visits get a plan for their current contract year through the same
services a dispatcher uses: the first is confirmed (its visits become scheduled preventive-
maintenance requests), the second stays proposed for review; one customer has a blackout window.
"""

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.contracts.models import Contract, ContractStatus
from sasms.core.errors import ServiceError
from sasms.maintenance import services

Progress = Callable[[str, int, int], None]
PLANS = 2
MAX_SERVERS = 30


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    dispatcher = User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("pk").first()
    engineer = User.objects.filter(role=Role.FIELD_ENGINEER, is_active=True).order_by("pk").first()
    if dispatcher is None or engineer is None:
        return
    today = timezone.localdate()
    contracts = list(
        Contract.objects.filter(
            status=ContractStatus.ACTIVE,
            product__pm_visits_per_year__gt=0,
            end_date__gte=today + datetime.timedelta(days=90),
        )
        .annotate(covered=Count("coverage"))
        .filter(covered__gt=0, covered__lte=MAX_SERVERS)
        .select_related("organisation", "product")
        .order_by("pk")[:PLANS]
    )
    for index, contract in enumerate(contracts):
        progress("maintenance", index, len(contracts))
        if index == 0:
            start = today + datetime.timedelta(days=rng.randint(20, 40))
            services.create_blackout(
                actor=dispatcher,
                organisation=contract.organisation,
                start_date=start,
                end_date=start + datetime.timedelta(days=6),
                reason="年度变更冻结 Change freeze",
            )
        try:
            plan = services.propose_plan(actor=dispatcher, contract=contract)
        except ServiceError:
            continue  # e.g. the contract year ends before a visit fits
        if index == 0:
            services.confirm_plan(actor=dispatcher, plan=plan, engineer=engineer)
    progress("maintenance", len(contracts), len(contracts))
