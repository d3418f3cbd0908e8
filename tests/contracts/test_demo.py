import random
import time
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from sasms import demo
from sasms.accounts import demo as accounts_demo
from sasms.assets import demo as assets_demo
from sasms.assets.models import Server
from sasms.contracts import demo as contracts_demo
from sasms.contracts.models import Contract, ContractStatus, CoveredServer
from sasms.contracts.reminders import due_threshold

pytestmark = pytest.mark.django_db


def noop(step: str, done: int, total: int) -> None:
    return None


def test_demo_contracts_in_every_state_cover_the_demo_servers():
    state: dict[str, Any] = {"accounts": accounts_demo.build(progress=noop)}
    assets_demo.build_step(rng=random.Random(1), scale=1, progress=noop, state=state)
    started = time.monotonic()
    contracts_demo.build_step(rng=random.Random(2), scale=1, progress=noop, state=state)
    elapsed = time.monotonic() - started
    assert "sasms.contracts.demo" in demo.DEMO_STEPS
    assert demo.DEMO_STEPS.index("sasms.contracts.demo") > demo.DEMO_STEPS.index("sasms.assets.demo")
    assert set(Contract.objects.values_list("status", flat=True)) == set(ContractStatus.values)
    today = timezone.localdate()
    active_ends = Contract.objects.filter(status=ContractStatus.ACTIVE).values_list("end_date", flat=True)
    windows = {due_threshold((end - today).days) for end in active_ends}
    assert {30, 60, 90, None} <= windows  # expiring within 30/60/90 days, and running for longer
    assert Contract.objects.filter(covers_eosl=True).exists()
    assert Contract.objects.filter(product__time_and_materials=True).exists()
    # Every covered server belongs to the contract's customer.
    assert not CoveredServer.objects.exclude(server__organisation=F("contract__organisation")).exists()
    covered = Server.objects.filter(coverage__isnull=False).distinct().count()
    assert covered >= 0.8 * Server.objects.exclude(status="decommissioned").count()
    assert state["contracts"]["covered"] == CoveredServer.objects.count()
    assert elapsed < 10  # a few bulk inserts for ~2 000 servers
