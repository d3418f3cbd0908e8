"""A small hand-checked data set for the dashboard pages, the drill-down list and the API.

Customer A has three requests (one resolved by the engineer, two open), customer B two open ones
whose titles carry the marker ``ZZSECRETB``. Over the last 30 days, therefore:

=========================  ======  ==========  ==========
figure                     all     customer A  customer B
=========================  ======  ==========  ==========
opened                     5       3           2
resolved                   1       1           0
backlog (open at the end)  4       2           2
hardware faults            5       3           2
=========================  ======  ==========  ==========
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.analytics import refresh
from sasms.assets import services as asset_services
from sasms.assets.models import ServerModel, Vendor
from sasms.tickets import services
from sasms.tickets.choices import ResolutionCode
from sasms.tickets.models import Ticket

MARKER_B = "ZZSECRETB"


@dataclass
class DashWorld:
    a: Organisation
    b: Organisation
    manager: User
    dispatcher: User
    engineer: User
    other_engineer: User
    customer_a: User
    customer_b: User
    parts_clerk: User
    vendor: Vendor
    model: ServerModel
    resolved: Ticket
    open_a: list[Ticket]
    open_b: list[Ticket]


def build_world(
    make_user: Callable[..., User], customer_a: Organisation, customer_b: Organisation
) -> DashWorld:
    manager = make_user(Role.SERVICE_MANAGER, language="en", full_name="Mia Manager")
    dispatcher = make_user(Role.DISPATCHER, language="en", full_name="Dan Dispatcher")
    engineer = make_user(Role.ENGINEER, language="en", full_name="Eve Engineer")
    other = make_user(Role.ENGINEER, language="en", full_name="Oscar Other")
    user_a = make_user(Role.CUSTOMER_ADMIN, organisation=customer_a, language="en", full_name="Ann A")
    user_b = make_user(Role.CUSTOMER, organisation=customer_b, language="en", full_name="Bob B")
    clerk = make_user(Role.PARTS_CLERK, language="en")
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell-dash")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    today = timezone.localdate()
    now = timezone.now()

    def server(organisation: Organisation, serial: str) -> object:
        return asset_services.create_server(
            actor=None,
            model=model,
            serial=serial,
            organisation=organisation,
            warranty_start=today - datetime.timedelta(days=400),
            warranty_end=today + datetime.timedelta(days=700),
        )

    server_a = server(customer_a, "DASHA001")
    server_b = server(customer_b, "DASHB001")

    def ticket(organisation: Organisation, srv: object, title: str, days_ago: int, component: str) -> Ticket:
        return services.create_ticket(
            actor=None,
            organisation=organisation,
            server=srv,  # type: ignore[arg-type]
            title=title,
            component=component,
            created_at=now - datetime.timedelta(days=days_ago, minutes=5),
        )

    resolved = ticket(customer_a, server_a, "Disk failed", 3, "disk")
    services.assign_ticket(actor=dispatcher, ticket=resolved, assignee=engineer)
    services.transition_ticket(actor=engineer, ticket=resolved, action="start")
    services.transition_ticket(
        actor=engineer,
        ticket=resolved,
        action="resolve",
        resolution_code=ResolutionCode.PART_REPLACED,
        resolution_summary="Replaced disk 3.",
        work_minutes=90,
    )
    open_a = [
        ticket(customer_a, server_a, "Fan noise", 2, "fan"),
        ticket(customer_a, server_a, "Memory errors", 0, "memory"),
    ]
    services.assign_ticket(actor=dispatcher, ticket=open_a[1], assignee=engineer)
    open_b = [
        ticket(customer_b, server_b, f"{MARKER_B} disk", 1, "disk"),
        ticket(customer_b, server_b, f"{MARKER_B} power", 1, "psu"),
    ]
    services.assign_ticket(actor=dispatcher, ticket=open_b[0], assignee=other)
    refresh.refresh_full()
    return DashWorld(
        a=customer_a,
        b=customer_b,
        manager=manager,
        dispatcher=dispatcher,
        engineer=engineer,
        other_engineer=other,
        customer_a=user_a,
        customer_b=user_b,
        parts_clerk=clerk,
        vendor=vendor,
        model=model,
        resolved=Ticket.objects.get(pk=resolved.pk),
        open_a=open_a,
        open_b=open_b,
    )


@pytest.fixture(name="dash_world")
def dash_world_fixture(
    make_user: Callable[..., User], customer_a: Organisation, customer_b: Organisation
) -> DashWorld:
    return build_world(make_user, customer_a, customer_b)
