"""A portal request names its server in the text: it is linked when it is the customer's own."""

from collections.abc import Callable

import pytest

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_serial_typed_in_the_description_links_the_server(
    portal_request: Callable[..., Ticket], customer_user: User, server_a: Server
) -> None:
    ticket = portal_request(
        actor=customer_user, title="硬盘故障", description="序列号：cn7a1234，3号盘亮黄灯"
    )
    assert ticket.server == server_a
    assert ticket.entitled is True
    assert ticket.entitlement["rule"] == "warranty"


def test_host_name_in_the_title_links_the_server(
    portal_request: Callable[..., Ticket], customer_user: User, server_a: Server
) -> None:
    ticket = portal_request(actor=customer_user, title="db01.a.example 无法开机", description="")
    assert ticket.server == server_a


def test_another_customers_serial_is_not_linked(
    portal_request: Callable[..., Ticket], customer_user: User, server_a: Server, server_b: Server
) -> None:
    ticket = portal_request(actor=customer_user, title="XYZ9876 宕机", description="web01.b.example")
    assert ticket.server is None
    assert ticket.entitlement["rule"] == "no_server"


def test_a_chosen_server_is_kept(
    portal_request: Callable[..., Ticket],
    customer_user: User,
    server_a: Server,
    make_server: Callable[..., Server],
) -> None:
    other = make_server(server_a.organisation, serial="OTHER001")
    ticket = portal_request(actor=customer_user, server=other, title="CN7A1234 also mentioned")
    assert ticket.server == other
