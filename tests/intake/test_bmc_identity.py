"""A BMC never writes into another server: the system serial / UUID is checked at every poll.

Against the real Redfish mockups served over HTTP on 127.0.0.1 (copied where a test edits them).
"""

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component as CmdbComponent
from sasms.assets.models import Server
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.intake.choices import BmcIdentity, PollStatus
from sasms.intake.models import BmcComponent, BmcEndpoint, BmcFault
from sasms.intake.redfish import Health, LogCursor, PollResult, SystemInfo
from sasms.intake.redfish.identity import Candidate, address_key, check_identity, matches, normalise_serial
from sasms.intake.services import config
from sasms.intake.services.bmc import poll_endpoint
from sasms.tickets.models import Attachment, Ticket
from tests.intake.conftest import MOCKUPS
from tests.intake.redfish_server import serve_mockup

pytestmark = pytest.mark.corpus


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    stack: list[Any] = []

    def start(root: Path, **options: Any) -> str:
        manager = serve_mockup(root, **options)
        url, _log = manager.__enter__()
        stack.append(manager)
        return url

    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(MOCKUPS / name, target)
    return target


def edit(root: Path, uri: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / uri.removeprefix("/redfish/v1/") / "index.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def register(admin_user: User, server: Server, url: str, **fields: Any) -> BmcEndpoint:
    host, port = url.removeprefix("http://").split(":")
    values: dict[str, Any] = {"address": host, "port": int(port), "scheme": "http", "username": "admin"}
    values.update({"auth": "basic", "log_since": None, **fields})
    return config.create_bmc_endpoint(actor=admin_user, server=server, password="secret", **values)


def again(endpoint: BmcEndpoint) -> BmcEndpoint:
    return BmcEndpoint.objects.get(pk=endpoint.pk)


def nothing_written(server: Server) -> None:
    assert not CmdbComponent.objects.filter(server=server).exists()
    assert not BmcComponent.objects.exists()
    assert not BmcFault.objects.exists()
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


MATCHING = [
    ("dmtf-public-rackmount1", "437XR1138R2", "basic"),
    ("intel-s2600bpb", "QSBP74100021", "session"),
    ("hpe-proliant-dl325-gen10plus", "MXQ019020B", "basic"),
]


@pytest.mark.parametrize(("mockup", "serial", "auth"), MATCHING)
def test_a_bmc_reporting_the_servers_serial_is_accepted(
    mockup: str,
    serial: str,
    auth: str,
    admin_user: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    serve: Callable[..., str],
):
    server = make_server(customer_a, serial)
    endpoint = register(admin_user, server, serve(MOCKUPS / mockup), auth=auth)
    assert endpoint.identity_status == BmcIdentity.UNCHECKED
    poll = poll_endpoint(endpoint)
    assert poll.status in (PollStatus.OK, PollStatus.FAULT)
    assert poll.error == ""
    assert poll.inventory["added"] > 0
    endpoint = again(endpoint)
    assert endpoint.identity_status == BmcIdentity.VERIFIED
    assert endpoint.reported_serial == serial
    assert endpoint.identity_mismatch_since is None
    assert endpoint.log_cursor
    assert CmdbComponent.objects.filter(server=server).count() == poll.inventory["added"]
    verified = AuditEntry.objects.get(action="intake.bmc.identity_verified")
    assert verified.changes["identity"] == ["unchecked", "verified"]
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="intake:bmc-identity:").exists()


MISMATCHED = [
    ("dmtf-public-rackmount1", "basic", "437XR1138R2"),
    ("hpe-proliant-dl325-gen10plus", "basic", "MXQ019020B"),
    ("intel-s2600bpb", "session", "QSBP74100021"),
]


@pytest.mark.parametrize(("mockup", "auth", "reported"), MISMATCHED)
def test_a_bmc_of_another_server_writes_nothing_and_the_administrators_are_told(
    mockup: str,
    auth: str,
    reported: str,
    admin_user: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    serve: Callable[..., str],
    client_for: Any,
    api_for: Any,
):
    server = make_server(customer_a, "CN7792SX01", hostname="srv-app-12")
    endpoint = register(admin_user, server, serve(MOCKUPS / mockup), auth=auth)
    poll = poll_endpoint(endpoint)
    assert poll.status == PollStatus.MISMATCH
    assert reported in poll.error
    assert "CN7792SX01" in poll.error
    assert (poll.new_faults, poll.requests_opened, poll.inventory["added"]) == (0, [], 0)
    nothing_written(server)
    endpoint = again(endpoint)
    assert (endpoint.last_status, endpoint.identity_status) == (PollStatus.MISMATCH, BmcIdentity.MISMATCH)
    assert endpoint.reported_serial == reported
    assert endpoint.identity_mismatch_since is not None
    assert endpoint.log_cursor == ""  # nothing of the log was taken as read
    assert endpoint.last_success_at is None

    entry = AuditEntry.objects.get(action="intake.bmc.identity_mismatch", object_id=str(endpoint.pk))
    assert entry.changes["serial"] == ["CN7792SX01", reported]
    [mail] = OutboxMessage.objects.filter(topic="email", idempotency_key__startswith="intake:bmc-identity:")
    assert mail.payload["to"] == [admin_user.email.lower()]
    assert "CN7792SX01" in mail.payload["subject"]
    assert reported in mail.payload["body"]
    assert f"/intake/bmcs/{endpoint.pk}/" in mail.payload["body"]

    # Polled again: still refused, still nothing written, and the administrators are not told twice.
    second = poll_endpoint(endpoint)
    assert second.status == PollStatus.MISMATCH
    nothing_written(server)
    assert AuditEntry.objects.filter(action="intake.bmc.identity_mismatch").count() == 1
    assert OutboxMessage.objects.filter(idempotency_key__startswith="intake:bmc-identity:").count() == 1

    # The page and the API say so.
    page = client_for(admin_user).get(f"/intake/bmcs/{endpoint.pk}/").content.decode()
    assert 'data-testid="bmc-identity-status">Identity mismatch<' in page
    assert reported in page
    listed = client_for(admin_user).get("/intake/bmcs/").content.decode()
    assert "Identity mismatch" in listed
    body = api_for(admin_user).get(f"/api/v1/intake/bmc-endpoints/{endpoint.pk}/").json()
    assert (body["identity_status"], body["last_status"], body["reported_serial"]) == (
        "mismatch",
        "mismatch",
        reported,
    )
    filtered = api_for(admin_user).get("/api/v1/intake/bmc-endpoints/?identity_status=mismatch").json()
    assert [row["id"] for row in filtered["results"]] == [endpoint.pk]


def test_correcting_the_server_lets_the_next_poll_record_what_the_bmc_reports(
    admin_user: User, make_server: Callable[..., Server], customer_b: Organisation, serve: Callable[..., str]
):
    server = make_server(customer_b, "WRONG-SERIAL")
    endpoint = register(admin_user, server, serve(MOCKUPS / "hpe-proliant-dl325-gen10plus"))
    assert poll_endpoint(endpoint).status == PollStatus.MISMATCH
    nothing_written(server)
    Server.objects.filter(pk=server.pk).update(serial=" mxq019020b ")  # case and spaces do not matter
    poll = poll_endpoint(again(endpoint))
    assert poll.status == PollStatus.FAULT
    assert len(poll.requests_opened) == 3  # the two NICs and the IML's PSU warnings, as in the plain HPE test
    assert BmcFault.objects.filter(status="logged").count() == 21  # the log was not consumed by the refusal
    endpoint = again(endpoint)
    assert (endpoint.identity_status, endpoint.identity_mismatch_since) == (BmcIdentity.VERIFIED, None)
    assert AuditEntry.objects.get(action="intake.bmc.identity_verified").changes["identity"] == [
        "mismatch",
        "verified",
    ]


def test_a_blade_controller_writes_only_the_matching_nodes(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    # EX4252: one node controller, four nodes; Node2 and Node3 carry serial PR12378794.
    server = make_server(customer_a, "PR12378794")
    endpoint = register(admin_user, server, serve(MOCKUPS / "hpe-cray-ex4252"), auth="session")
    poll = poll_endpoint(endpoint)
    assert poll.status in (PollStatus.OK, PollStatus.FAULT)
    uris = set(BmcComponent.objects.filter(endpoint=endpoint).values_list("uri", flat=True))
    systems = {uri.split("/")[4] for uri in uris if uri.startswith("/redfish/v1/Systems/")}
    assert systems == {"Node2", "Node3"}
    assert CmdbComponent.objects.filter(server=server, kind="cpu").count() == 4  # 2 sockets × 2 nodes
    assert not BmcFault.objects.filter(component_key__contains="/Systems/Node0").exists()
    assert not BmcFault.objects.filter(component_key__contains="/Systems/Node1").exists()
    assert again(endpoint).reported_serial == "PR12378794"
    # The nodes' own chassis (Chassis/NodeN beside Systems/NodeN) and firmware images (NodeN.BIOS)
    # belong to their node too: Node0's and Node1's stay off this server.
    assert not [u for u in uris if "/Node0" in u or "/Node1" in u]
    firmware = set(
        CmdbComponent.objects.filter(server=server, kind="firmware").values_list("slot", flat=True)
    )
    assert {"Node2.BIOS", "Node3.BIOS"} <= firmware
    assert not [slot for slot in firmware if slot.startswith(("Node0.", "Node1."))]
    # Node2's and Node3's management-Ethernet firmware are Warning: each is one request, on this server.
    faulty = BmcFault.objects.filter(server=server, component_kind="firmware")
    assert sorted(faulty.values_list("component_name", flat=True)) == [
        "Node2.ManagementEthernet",
        "Node3.ManagementEthernet",
    ]


def test_a_chassis_manager_without_systems_is_checked_by_its_chassis_serial(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    cmm = make_server(customer_a, "HX21070007")
    endpoint = register(admin_user, cmm, serve(MOCKUPS / "hpe-cray-cmm"), auth="session")
    assert poll_endpoint(endpoint).status in (PollStatus.OK, PollStatus.FAULT)
    assert CmdbComponent.objects.filter(server=cmm, kind="psu").count() == 4
    other = make_server(customer_a, "HX21070099")
    refused = register(admin_user, other, serve(MOCKUPS / "hpe-cray-cmm"), auth="session")
    assert poll_endpoint(refused).status == PollStatus.MISMATCH
    assert not CmdbComponent.objects.filter(server=other).exists()


def test_the_uuid_stands_in_only_where_the_bmc_reports_no_serial(
    admin_user: User,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    serve: Callable[..., str],
    tmp_path: Path,
):
    root = copy_of("dmtf-public-rackmount1", tmp_path)
    system = "/redfish/v1/Systems/437XR1138R2"
    server = make_server(customer_a, "437XR1138R2")
    endpoint = register(admin_user, server, serve(root))
    assert poll_endpoint(endpoint).status == PollStatus.FAULT
    endpoint = again(endpoint)
    assert endpoint.system_uuid == "38947555-7742-3448-3784-823347823834"

    def placeholder_serial(data: dict[str, Any]) -> None:
        data["SerialNumber"] = "To Be Filled By O.E.M."

    edit(root, system, placeholder_serial)
    assert poll_endpoint(endpoint).status == PollStatus.FAULT  # the UUID seen before vouches for it

    def another_board(data: dict[str, Any]) -> None:
        data["UUID"] = "11111111-2222-3333-4444-555555555555"

    edit(root, system, another_board)
    components = CmdbComponent.objects.filter(server=server).count()
    assert poll_endpoint(again(endpoint)).status == PollStatus.MISMATCH
    assert CmdbComponent.objects.filter(server=server).count() == components


def test_a_server_without_a_serial_takes_the_bmcs_and_says_so(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    server = make_server(customer_a, "PLACEHOLDER")
    Server.objects.filter(pk=server.pk).update(serial="")  # e.g. imported before serials were required
    endpoint = register(admin_user, server, serve(MOCKUPS / "intel-s2600bpb"), auth="session")
    assert poll_endpoint(endpoint).status == PollStatus.OK
    server.refresh_from_db()
    assert server.serial == "QSBP74100021"
    assert AuditEntry.objects.get(action="server.update", object_id=str(server.pk)).changes["serial"] == [
        "",
        "QSBP74100021",
    ]
    recorded = AuditEntry.objects.get(action="intake.bmc.identity_recorded")
    assert recorded.changes == {"server.serial": ["", "QSBP74100021"]}
    assert CmdbComponent.objects.filter(server=server, kind="dimm").count() == 6
    assert again(endpoint).identity_status == BmcIdentity.VERIFIED


def test_a_serial_held_by_another_server_is_not_taken(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    make_server(customer_a, "QSBP74100021")
    blank = make_server(customer_a, "PLACEHOLDER")
    Server.objects.filter(pk=blank.pk).update(serial="")
    endpoint = register(admin_user, blank, serve(MOCKUPS / "intel-s2600bpb"), auth="session")
    poll = poll_endpoint(endpoint)
    assert poll.status == PollStatus.MISMATCH
    assert "another server" in poll.error
    blank.refresh_from_db()
    assert blank.serial == ""
    nothing_written(blank)


# --- The comparison itself ---------------------------------------------------------------------------


def _system(uri: str, serial: str, uuid: str = "") -> SystemInfo:
    return SystemInfo(uri, "", "", serial, "", uuid, "", "", "", Health.OK, Health.OK)


def _result(*systems: SystemInfo) -> PollResult:
    return PollResult({}, tuple(systems), (), (), (), LogCursor(), ())


def test_serials_compare_trimmed_and_case_insensitively_and_placeholders_never_match():
    assert matches(Candidate("/s/1", " mxq019020b\t"), serial="MXQ019020B")
    assert not matches(Candidate("/s/1", "MXQ019020C"), serial="MXQ019020B")
    for placeholder in ("", "To Be Filled By O.E.M.", "Default string", "0000000000", "N/A"):
        assert normalise_serial(placeholder) == ""
        assert not matches(Candidate("/s/1", placeholder), serial=placeholder)
    # A serial on both sides decides, even when the UUID seen before is the same.
    assert not matches(Candidate("/s/1", "OTHER", "ABC"), serial="MINE", known_uuid="abc")
    assert matches(Candidate("/s/1", "", "{ABC}"), serial="MINE", known_uuid="abc")
    both = check_identity(_result(_system("/s/a", "A1"), _system("/s/b", "B2")), serial="b2")
    assert [c.uri for c in both.matched] == ["/s/b"]
    assert both.reported_serials == ("A1", "B2")


def test_address_key_normalises_scheme_host_and_port():
    same = {
        address_key("https", "BMC-01.Example.com.", None),
        address_key("HTTPS", " bmc-01.example.com", 443),
        address_key("http", "bmc-01.example.com", 443),
    }
    assert same == {"bmc-01.example.com:443"}
    assert address_key("http", "bmc-01.example.com", None) == "bmc-01.example.com:80"
    assert (
        address_key("https", "[FE80:0:0::1]", None) == address_key("https", "fe80::1", 443) == "[fe80::1]:443"
    )
    assert address_key("https", "10.0.0.5", 8443) != address_key("https", "10.0.0.5", None)


def test_a_blade_controller_files_every_node_on_its_own_server_and_the_enclosure_once(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation
):
    from sasms.core.context import Origin, acting_from
    from sasms.intake.redfish import poll
    from sasms.intake.services.bmc import BmcPoll, apply_poll
    from tests.intake.redfish_server import MockupFiles

    # EX4252: Node0/Node1 report PR1237879N, Node2/Node3 PR12378794; the BMC is registered on the first.
    first = make_server(customer_a, "PR1237879N")
    second = make_server(customer_a, "PR12378794")
    endpoint = config.create_bmc_endpoint(
        actor=admin_user, server=first, password="x", address="10.9.9.9", username="u", log_since=None
    )
    with acting_from(Origin(channel="intake")):
        apply_poll(endpoint, poll(MockupFiles(MOCKUPS / "hpe-cray-ex4252")), BmcPoll(endpoint.address))
    titles = {
        s.serial: sorted(Ticket.objects.filter(server=s).values_list("title", flat=True))
        for s in (first, second)
    }
    # Each node's VRM mismatch lands on the server of that node; the enclosure's three SIVOC sensor
    # faults once, on the enclosure asset that holds both nodes (not on either node).
    assert sum("VRM" in t for t in titles["PR1237879N"]) == 2
    assert sum("VRM" in t for t in titles["PR12378794"]) == 2
    enclosure = Server.objects.get(serial="PR12348213", kind="enclosure")
    assert {first.pk, second.pk} <= set(
        Server.objects.filter(enclosure=enclosure).values_list("pk", flat=True)
    )
    on_enclosure = list(Ticket.objects.filter(server=enclosure).values_list("title", flat=True))
    assert sum("SIVOC" in t for t in on_enclosure) == 3
    assert not [t for t in titles["PR1237879N"] + titles["PR12378794"] if "SIVOC" in t]
    # Node2/Node3's firmware faults and parts are the second server's.
    assert sum("ManagementEthernet" in t for t in titles["PR12378794"]) == 2
    assert CmdbComponent.objects.filter(server=second, kind="cpu").count() == 4
    assert CmdbComponent.objects.filter(server=first, kind="cpu").count() == 4
