"""Blade and multi-node enclosures become assets of their own, and their faults land on them.

Against the real HPE Cray EX mockups of the corpus: the EX4252 node controller shares one
enclosure (serial PR12348213) between four nodes on two node cards, the CMM is a chassis manager
without computer systems, and the EX420 blade's "enclosure" carries the blade's own serial.
"""

from collections.abc import Callable
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.assets.models import AssetKind, Server
from sasms.assets.models import Component as CmdbComponent
from sasms.core.context import Origin, acting_from
from sasms.intake.models import BmcEndpoint, BmcFault
from sasms.intake.redfish import LogCursor, PollResult, poll
from sasms.intake.redfish.identity import enclosure_of, enclosure_share
from sasms.intake.services import config
from sasms.intake.services.bmc import BmcPoll, apply_poll
from sasms.tickets.models import Ticket
from tests.intake.conftest import MOCKUPS
from tests.intake.redfish_server import MockupFiles

pytestmark = pytest.mark.corpus


def read(name: str) -> PollResult:
    return poll(MockupFiles(MOCKUPS / name), cursor=LogCursor())


def register(admin: User, server: Server) -> BmcEndpoint:
    return config.create_bmc_endpoint(
        actor=admin,
        server=server,
        password="secret",
        address="10.250.0.9",
        scheme="https",
        username="robot",
        log_since=None,
    )


def file(endpoint: BmcEndpoint, result: PollResult) -> BmcPoll:
    outcome = BmcPoll(endpoint=endpoint.address)
    with acting_from(Origin(channel="intake")):
        apply_poll(endpoint, result, outcome)
    return outcome


def test_the_shared_chassis_is_found_only_where_it_is_not_a_node():
    ex4252 = enclosure_of(read("hpe-cray-ex4252"))
    assert ex4252 is not None
    assert (ex4252.uri, ex4252.serial_number, ex4252.chassis_type) == (
        "/redfish/v1/Chassis/Enclosure",
        "PR12348213",
        "Enclosure",
    )
    cmm = enclosure_of(read("hpe-cray-cmm"))
    assert cmm is not None
    assert cmm.serial_number == "HX21070007"
    # The one-blade controllers' enclosure is the blade itself (same serial as its nodes), and
    # rack servers have none.
    for name in (
        "hpe-cray-ex420",
        "hpe-cray-ex235a",
        "dmtf-public-rackmount1",
        "hpe-proliant-dl325-gen10plus",
    ):
        assert enclosure_of(read(name)) is None, name


def test_the_enclosure_share_holds_no_node_resources():
    result = read("hpe-cray-ex4252")
    share = enclosure_share(result)
    assert share.systems == ()
    assert not [c for c in share.components if c.uri.startswith("/redfish/v1/Systems/")]
    assert not [c for c in share.components if "/Chassis/Node" in c.uri]
    assert any(c.uri.startswith("/redfish/v1/Chassis/Enclosure") for c in share.components)
    assert {f.key for f in share.faults}.isdisjoint(
        {f.key for f in result.faults if "Systems/Node" in (f.component.uri if f.component else f.source_uri)}
    )


def test_a_multi_node_bmc_registers_the_enclosure_and_files_its_faults_on_it(
    admin_user: User, customer_a: Organisation, make_server: Callable[..., Server], client: Client
):
    first = make_server(customer_a, "PR1237879N")
    second = make_server(customer_a, "PR12378794")
    endpoint = register(admin_user, first)
    outcome = file(endpoint, read("hpe-cray-ex4252"))
    enclosure = Server.objects.get(serial="PR12348213")
    assert (enclosure.kind, enclosure.organisation_id, enclosure.model.name) == (
        AssetKind.ENCLOSURE,
        customer_a.pk,
        "HSSMEZZCARD",
    )
    assert set(enclosure.nodes.values_list("serial", flat=True)) == {"PR1237879N", "PR12378794"}
    # The enclosure's SIVOC controller faults are the enclosure's requests; each node's VRM
    # mismatch and firmware fault its own; nothing of the enclosure on the node the BMC is on.
    enclosure_titles = list(Ticket.objects.filter(server=enclosure).values_list("title", flat=True))
    assert len(enclosure_titles) == 3
    assert all("SIVOC" in t or "VoltageRegulator1" in t or "CTLR0" in t for t in enclosure_titles), (
        enclosure_titles
    )
    assert Ticket.objects.filter(server=first).count() == 3  # Node0/Node1 VRM + Node0 CPU0 power
    assert Ticket.objects.filter(server=second).count() == 4  # Node2/Node3 VRM + two NIC firmware
    assert len(outcome.requests_opened) == 10
    assert not BmcFault.objects.filter(
        server=first, component_key__startswith="/redfish/v1/Chassis/Enclosure"
    )
    # Parts: the enclosure's manager is the enclosure's, the nodes' processors are the nodes'.
    assert CmdbComponent.objects.filter(server=enclosure, kind="bmc").exists()
    assert not CmdbComponent.objects.filter(server=enclosure, kind="cpu").exists()
    assert not CmdbComponent.objects.filter(server=first, kind="bmc").exists()
    assert CmdbComponent.objects.filter(server=first, kind="cpu").count() == 4  # Node0 and Node1
    # A second poll finds the same enclosure: nothing registered or opened twice.
    again = file(BmcEndpoint.objects.get(pk=endpoint.pk), read("hpe-cray-ex4252"))
    assert again.requests_opened == []
    assert Server.objects.filter(kind=AssetKind.ENCLOSURE).count() == 1
    # The CMDB pages: the enclosure lists its nodes, a node links to its enclosure.
    client.force_login(admin_user)
    page = client.get(reverse("assets:server_detail", args=[enclosure.pk])).content.decode()
    assert "PR1237879N" in page
    assert "PR12378794" in page
    node_page = client.get(reverse("assets:server_detail", args=[second.pk])).content.decode()
    assert 'data-testid="server-enclosure"' in node_page
    assert "PR12348213" in node_page


def test_a_chassis_manager_registered_as_a_server_becomes_the_enclosure(
    admin_user: User, customer_a: Organisation, make_server: Callable[..., Server]
):
    cmm = make_server(customer_a, "HX21070007")
    file(register(admin_user, cmm), read("hpe-cray-cmm"))
    cmm.refresh_from_db()
    assert cmm.kind == AssetKind.ENCLOSURE
    assert Server.objects.count() == 1
    [ticket] = Ticket.objects.filter(server=cmm)
    assert "STBY" in ticket.title or "3.3" in ticket.title or "VoltageRegulator0" in ticket.description


def test_a_single_blade_keeps_its_enclosure_parts(
    admin_user: User, customer_a: Organisation, make_server: Callable[..., Server]
):
    blade = make_server(customer_a, "EW21460041")
    file(register(admin_user, blade), read("hpe-cray-ex420"))
    assert not Server.objects.filter(kind=AssetKind.ENCLOSURE).exists()
    assert Ticket.objects.filter(server=blade).count() == 8


def test_an_enclosure_serial_of_another_customer_is_not_taken(
    admin_user: User,
    customer_a: Organisation,
    customer_b: Organisation,
    make_server: Callable[..., Server],
):
    make_server(customer_b, "PR12348213")
    first = make_server(customer_a, "PR1237879N")
    file(register(admin_user, first), read("hpe-cray-ex4252"))
    assert not Server.objects.filter(kind=AssetKind.ENCLOSURE).exists()
    first.refresh_from_db()
    assert first.enclosure_id is None
    # Nothing of customer A is filed on customer B's asset.
    assert not Ticket.objects.filter(organisation=customer_b).exists()


def test_faults_filed_before_enclosures_existed_are_not_filed_again(
    admin_user: User, customer_a: Organisation, make_server: Callable[..., Server]
):
    first = make_server(customer_a, "PR1237879N")
    make_server(customer_a, "PR12378794")
    endpoint = register(admin_user, first)
    # As before: no enclosure found, so the enclosure's faults were filed on the registered server.
    with patch("sasms.intake.services.bmc.enclosure_of", return_value=None):
        file(endpoint, read("hpe-cray-ex4252"))
    before = Ticket.objects.count()
    again = file(BmcEndpoint.objects.get(pk=endpoint.pk), read("hpe-cray-ex4252"))
    # The enclosure's faults here are event-log entries, filed once per BMC: the requests opened
    # on the node stay the only ones, and nothing is reported recovered.
    assert again.requests_opened == []
    assert again.recovered == 0
    assert Ticket.objects.count() == before
    enclosure = Server.objects.get(kind=AssetKind.ENCLOSURE)
    assert not Ticket.objects.filter(server=enclosure).exists()
