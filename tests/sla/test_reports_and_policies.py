"""SLA attainment with penalties, and escalation policies edited by a service manager."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.contracts import services as contract_services
from sasms.contracts.models import ContractStatus, ServiceProduct
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.sla import policies, reports
from sasms.sla.clocks.policy import steps_for
from sasms.sla.clocks.services import sweep
from sasms.sla.models import EscalationPolicy
from sasms.tickets import services
from sasms.tickets.choices import Level
from sasms.tickets.models import Ticket

SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en")


@pytest.fixture
def contract_requests(customer_a: Organisation, manager: User, engineer: User) -> list[Ticket]:
    """Two P1 requests on a 7×24×4 contract (5 % of 20 000 CNY per miss): one answered in time,
    one answered late."""
    product = ServiceProduct.objects.get(code="mission-critical-7x24x4")
    vendor = asset_services.create_vendor(actor=None, name="HPE", code="hpe")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="DL380 Gen11")
    servers = [
        asset_services.create_server(actor=None, model=model, serial=f"MC{n}", organisation=customer_a)
        for n in range(2)
    ]
    # Signed and activated in its own year: activation refuses a contract whose end has passed.
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=SH), tick=False):
        contract = contract_services.create_contract(
            actor=manager,
            number="MC-2026-001",
            organisation=customer_a,
            product=product,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            monthly_fee=Decimal("20000.00"),
        )
        contract_services.cover_servers(actor=manager, contract=contract, servers=servers)
        contract_services.transition_contract(actor=manager, contract=contract, status=ContractStatus.ACTIVE)
    tickets = []
    with time_machine.travel(OPENED, tick=False):
        for server in servers:
            tickets.append(
                services.create_ticket(
                    actor=None,
                    organisation=customer_a,
                    server=server,
                    title="Array offline",
                    impact=Level.HIGH,
                    urgency=Level.HIGH,
                )
            )
    with time_machine.travel(OPENED + datetime.timedelta(minutes=10), tick=False):
        services.add_comment(actor=engineer, ticket=tickets[0], body="On it")
    with time_machine.travel(OPENED + datetime.timedelta(minutes=40), tick=False):
        services.add_comment(actor=engineer, ticket=tickets[1], body="Sorry for the wait")
        sweep()
    return tickets


def test_attainment_by_contract_with_percentage_penalty(
    contract_requests: list[Ticket], manager: User
) -> None:
    with time_machine.travel(OPENED + datetime.timedelta(minutes=41), tick=False):
        clocks = reports.clocks_for_report(
            actor=manager, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), clock="response"
        )
        rows = reports.attainment(clocks, group="contract")
    assert len(rows) == 1
    row = rows[0]
    assert (row.key, row.decided, row.met, row.breached, row.attainment) == ("MC-2026-001", 2, 1, 1, 50.0)
    assert row.penalty == Decimal("1000.00")  # 5 % of 20 000 for one missed target


def test_report_page_filters_groups_and_exports(
    contract_requests: list[Ticket], manager: User, client_for: Callable[[User], Any]
) -> None:
    client = client_for(manager)
    url = "/sla/attainment/?start=2026-03-01&end=2026-03-31&group=clock"
    with time_machine.travel(OPENED + datetime.timedelta(minutes=41), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        keys = [row.key for row in page.context["page"].object_list]
        assert "response" in keys
        export = client.get(url + "&export=csv")
        assert export["Content-Type"].startswith("text/csv")
        assert "response" in export.content.decode()
        assert client.get(url + "&export=xlsx").status_code == 200
        bad = client.get("/sla/attainment/?start=2026-03-31&end=2026-03-01")
        assert bad.status_code == 200
        assert "The end must not be before the start." in bad.content.decode()


def test_customer_admin_sees_only_their_own_attainment(
    contract_requests: list[Ticket], make_user: Callable[..., User], customer_b: Organisation
) -> None:
    other_admin = make_user(Role.CUSTOMER_ADMIN, organisation=customer_b)
    clocks = reports.clocks_for_report(
        actor=other_admin, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    assert reports.attainment(clocks, group="customer") == []


def test_customer_user_cannot_open_the_report(customer_user: User, client_for: Callable[[User], Any]) -> None:
    assert client_for(customer_user).get("/sla/attainment/").status_code == 403


def test_manager_edits_a_policy_and_the_clocks_use_it(
    manager: User, client_for: Callable[[User], Any]
) -> None:
    client = client_for(manager)
    assert client.get("/sla/policies/").status_code == 200
    data = {
        "name": "Storage P2",
        "priorities": ["P2"],
        "is_active": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-clock_kind": "resolution",
        "steps-0-fraction": "0.8",
        "steps-0-actions": ["notify_assignee", "notify_dispatcher"],
        "steps-1-clock_kind": "",
        "steps-1-fraction": "1",
        "steps-1-actions": ["escalate_tier"],
    }
    response = client.post("/sla/policies/new/", data)
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(name="Storage P2")
    assert policy.priorities == "P2"
    assert [(s.fraction, s.actions) for s in steps_for(priority="P2", clock_kind="resolution")] == [
        (
            Decimal("0.80"),
            ["notify_assignee", "notify_dispatcher"][:2] and ("notify_assignee", "notify_dispatcher"),
        ),
        (Decimal("1.00"), ("escalate_tier",)),
    ]
    assert [s.fraction for s in steps_for(priority="P2", clock_kind="response")] == [Decimal("1.00")]
    # A share above 500 % is refused with the field named; nothing changes.
    data["steps-0-fraction"] = "7"
    refused = client.post(f"/sla/policies/{policy.pk}/", data)
    assert refused.status_code == 422
    assert policy.steps.count() == 2


def test_policy_service_refuses_bad_input_and_other_roles(manager: User, engineer: User) -> None:
    step = policies.StepInput("", "0.5", ["notify_assignee"])
    with pytest.raises(PermissionDenied):
        policies.save_policy(
            actor=engineer, name="X", priorities=[], around_the_clock=False, is_active=True, steps=[step]
        )
    with pytest.raises(ServiceError) as refused:
        policies.save_policy(
            actor=manager, name="X", priorities=["P9"], around_the_clock=False, is_active=True, steps=[step]
        )
    assert "priorities" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        policies.save_policy(
            actor=manager,
            name="X",
            priorities=[],
            around_the_clock=False,
            is_active=True,
            steps=[policies.StepInput("", "0.5", ["launch_rocket"])],
        )
    assert "steps" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        policies.save_policy(
            actor=manager, name="X", priorities=[], around_the_clock=False, is_active=True, steps=[step, step]
        )
    assert "steps" in refused.value.fields
    assert not EscalationPolicy.objects.filter(name="X").exists()
