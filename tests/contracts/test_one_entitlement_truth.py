"""One coverage rule everywhere: the demo's requests, servers and pages never contradict it."""

import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts import demo as accounts_demo
from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.assets import demo as assets_demo
from sasms.assets.models import Server
from sasms.contracts import demo as contracts_demo
from sasms.contracts.entitlement import RULES, entitlement_for
from sasms.contracts.models import Contract, PenaltyKind
from sasms.tickets.demo import build as tickets_demo
from sasms.tickets.models import Ticket
from sasms.tickets.services import entitlement_snapshot

pytestmark = pytest.mark.django_db


def _noop(step: str, done: int, total: int) -> None:
    return None


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo's first steps as ``sasms demo`` runs them, on a small fleet and history."""
    monkeypatch.setattr(assets_demo, "SERVERS_PER_CUSTOMER", 6)
    monkeypatch.setattr(tickets_demo, "REQUESTS_PER_SCALE", 500)
    state: dict[str, Any] = {"accounts": accounts_demo.build(progress=_noop)}
    for step in (assets_demo, contracts_demo, tickets_demo):
        step.build_step(rng=random.Random(f"2026:{step.__name__}"), scale=1, progress=_noop, state=state)
    return state


def test_demo_fleet_has_no_contradictory_servers(small_demo: dict[str, Any]) -> None:
    servers = list(Server.objects.select_related("model"))
    assert len(servers) == 20 * 6
    for server in servers:
        model = server.model
        assert server.installation_date is not None
        assert model.release_date is not None
        assert server.installation_date > model.release_date
        if model.eol_date is not None:
            assert server.installation_date <= model.eol_date, server.serial
        assert server.warranty_start == server.installation_date
        assert server.warranty_end is not None
        assert server.warranty_end >= server.installation_date
        if model.eosl_date is not None:
            assert server.warranty_end < model.eosl_date, server.serial


def test_every_demo_request_snapshot_is_the_rule_at_its_creation(small_demo: dict[str, Any]) -> None:
    tickets = list(Ticket.objects.select_related("server__model", "server__site", "server__organisation"))
    assert len(tickets) == 500
    rules = set()
    for ticket in tickets:
        expected = entitlement_snapshot(ticket.server, ticket.created_at)
        assert ticket.entitlement == expected, ticket.number
        assert ticket.entitled is expected["covered"]
        rules.add(ticket.entitlement["rule"])
    # The history exercises the rules, not just one of them.
    assert {"contract", "warranty", "no_server"} <= rules
    assert rules <= {*RULES, "no_server"}


def test_server_pages_agree_with_the_rule(
    small_demo: dict[str, Any], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.AGENT, language="en"))
    states = set()
    for server in Server.objects.select_related("model", "site", "organisation"):
        result = entitlement_for(server=server)
        page = client.get(reverse("assets:server_detail", args=[server.pk])).content.decode()
        badge = page.split('data-testid="entitlement-state">', 1)[1].split("<", 1)[0]
        if not result.covered:
            expected = "Not covered"
        elif result.source == "contract":
            expected = "Covered by contract"
        else:
            expected = "Covered by warranty"
        assert badge == expected, server.serial
        assert result.reason_text.replace("(", "").split()[0] in page
        states.add(expected)
    assert states == {"Not covered", "Covered by contract", "Covered by warranty"}


def test_demo_contracts_carry_fees_and_penalties(small_demo: dict[str, Any]) -> None:
    # The reported case: a model whose end of life is 2021-12-31 is never installed later.
    today = datetime.date.today()
    for server in Server.objects.filter(model__eol_date__lt=today).select_related("model"):
        assert server.model.eol_date is not None
        assert server.installation_date is not None
        assert server.installation_date <= server.model.eol_date
    contracts = list(Contract.objects.select_related("product"))
    assert contracts
    for contract in contracts:
        if contract.product.time_and_materials:
            assert contract.monthly_fee == 0
            continue
        assert contract.monthly_fee >= contracts_demo.MINIMUM_MONTHLY_FEE, contract.number
        assert contract.monthly_fee % 100 == 0
    percent = [c for c in contracts if c.product.penalty_kind == PenaltyKind.PERCENT]
    assert percent
    assert all(c.monthly_fee * c.product.penalty_value / 100 > Decimal(0) for c in percent)
    # Higher service levels cost more per server.
    rates = contracts_demo.MONTHLY_RATE_PER_SERVER
    assert rates["basic-warranty"] < rates["nbd-5x9"] < rates["enhanced-5x12"]
    assert rates["enhanced-5x12"] < rates["mission-critical-7x24x4"]


def test_fee_floor_discount_and_eosl_surcharge() -> None:
    assert contracts_demo.monthly_fee("nbd-5x9", 1) == contracts_demo.MINIMUM_MONTHLY_FEE
    assert contracts_demo.monthly_fee("nbd-5x9", 40) == Decimal(6000)
    assert contracts_demo.monthly_fee("nbd-5x9", 40, discount=Decimal("0.1")) == Decimal(5400)
    assert contracts_demo.monthly_fee("nbd-5x9", 40, eosl=True) == Decimal(9600)
    assert contracts_demo.monthly_fee("break-fix-tm", 40) == 0
