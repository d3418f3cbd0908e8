"""BMC polling against the Redfish mockups served over HTTP on 127.0.0.1 (copied where a test edits)."""

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component as CmdbComponent
from sasms.assets.models import Server
from sasms.intake.actors import ROBOT_EMAIL
from sasms.intake.choices import FaultStatus, PollStatus
from sasms.intake.models import BmcEndpoint, BmcFault
from sasms.intake.services import config
from sasms.intake.services.bmc import poll_due_endpoints, poll_endpoint
from sasms.tickets.choices import Channel, ComponentArea, EventKind, Priority
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from tests.intake.conftest import MOCKUPS
from tests.intake.redfish_server import serve_mockup

pytestmark = pytest.mark.corpus

PSU = "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1"
PSU_INCIDENT = "part:3488247"  # a part's faults are grouped by its serial number


@pytest.fixture
def dmtf_copy(tmp_path: Path) -> Path:
    """A private copy of the DMTF mockup that a test may edit (the shared fixtures stay untouched)."""
    target = tmp_path / "dmtf"
    shutil.copytree(MOCKUPS / "dmtf-public-rackmount1", target)
    return target


def edit(root: Path, uri: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / uri.removeprefix("/redfish/v1/") / "index.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


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


def register(admin_user: User, server: Server, url: str, **fields: Any) -> BmcEndpoint:
    host, port = url.removeprefix("http://").split(":")
    values: dict[str, Any] = {
        "address": host,
        "port": int(port),
        "scheme": "http",
        "username": "admin",
        "auth": "basic",
    }
    values.update(fields)
    return config.create_bmc_endpoint(actor=admin_user, server=server, password="secret", **values)


@pytest.fixture
def contoso(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    return make_server(
        customer_a,
        "437XR1138R2",
        hostname="webfrontend483",
        warranty_start=today - datetime.timedelta(days=30),
        warranty_end=today + datetime.timedelta(days=700),
    )


def test_faults_open_one_request_per_part_with_the_part_named(
    admin_user: User, contoso: Server, dmtf_copy: Path, serve: Callable[..., str]
):
    endpoint = register(admin_user, contoso, serve(dmtf_copy), log_since=None)  # the whole log is news
    poll = poll_endpoint(endpoint)
    assert (poll.status, poll.error) == (PollStatus.FAULT, "")
    tickets = {t.component: t for t in Ticket.objects.filter(channel=Channel.BMC)}
    # PSU, drive and the CPU temperature sensor; the three critical log entries about that chassis's
    # temperature describe the sensor's fault and join its request instead of opening a fourth.
    assert set(tickets) == {ComponentArea.PSU, ComponentArea.DISK, ComponentArea.CPU}
    assert len(poll.requests_opened) == 3
    psu = tickets[ComponentArea.PSU]
    assert psu.server == contoso
    assert psu.title == "Power Supply Bay 1 (PSU 1): Power supply 'PSU 1' has a predicted failure condition."
    for expected in ("Slot: PSU 1", "Part number: 23456-133", "Serial number: 3488247", "Model: RKS-440DC"):
        assert expected in psu.description
    assert psu.priority == Priority.P3  # warning (medium urgency) × base warranty (medium impact)
    fault = BmcFault.objects.get(ticket=psu)
    assert (fault.slot, fault.part_number, fault.serial, fault.status) == (
        "PSU 1",
        "23456-133",
        "3488247",
        FaultStatus.OPEN,
    )
    # The sensor's request holds the three critical log entries too: priced P2, with the excerpt attached.
    system = tickets[ComponentArea.CPU]
    assert system.title.startswith("CPU #1 Temperature: ")
    assert system.priority == Priority.P2
    assert BmcFault.objects.filter(ticket=system, status=FaultStatus.LOGGED).count() == 3
    assert BmcFault.objects.filter(ticket=system, status=FaultStatus.OPEN).count() == 1
    [excerpt] = Attachment.objects.filter(ticket=system)
    assert excerpt.internal
    assert excerpt.original_name.startswith("bmc-log-437XR1138R2-")
    assert excerpt.content_type == "text/plain"
    from sasms.tickets.services.attachments import attachment_storage

    text = attachment_storage().open(excerpt.storage_name).read().decode()
    assert "Temperature threshold exceeded" in text
    assert "System May be Melting" in text

    # The next poll: the same faults, no new requests; the log entries are not news any more.
    again = poll_endpoint(BmcEndpoint.objects.get(pk=endpoint.pk))
    assert (again.requests_opened, again.new_faults) == ([], 0)
    assert Ticket.objects.count() == 3
    assert BmcFault.objects.count() == 6


def test_a_recovered_part_is_noted_and_a_new_fault_on_it_joins_its_request(
    admin_user: User, contoso: Server, dmtf_copy: Path, serve: Callable[..., str]
):
    endpoint = register(admin_user, contoso, serve(dmtf_copy))
    poll_endpoint(endpoint)
    psu_ticket = BmcFault.objects.get(component_key=PSU_INCIDENT).ticket
    assert psu_ticket is not None
    assert not BmcFault.objects.filter(status=FaultStatus.LOGGED).exists()  # history before registration

    def healthy(data: dict[str, Any]) -> None:
        data["Status"] = {"State": "Enabled", "Health": "OK"}

    def condition_cleared(data: dict[str, Any]) -> None:
        data["Conditions"] = [c for c in data["Conditions"] if c["OriginOfCondition"]["@odata.id"] != PSU]

    edit(dmtf_copy, PSU, healthy)
    edit(dmtf_copy, "/redfish/v1/ServiceConditions", condition_cleared)
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(next_poll_at=None)
    [poll] = poll_due_endpoints()
    assert poll.recovered == 1
    fault = BmcFault.objects.get(component_key=PSU_INCIDENT)
    assert fault.status == FaultStatus.RECOVERED
    assert fault.recovered_at is not None
    note = TicketEvent.objects.filter(ticket=psu_ticket, kind=EventKind.NOTE).latest("id")
    assert "healthy again" in note.body
    assert "3488247" in note.body
    assert note.actor is not None
    assert note.actor.email == ROBOT_EMAIL

    def failing(data: dict[str, Any]) -> None:
        data["Status"] = {"State": "Enabled", "Health": "Critical"}

    edit(dmtf_copy, PSU, failing)
    third = poll_endpoint(BmcEndpoint.objects.get(pk=endpoint.pk))
    assert (third.requests_opened, third.requests_updated) == ([], [psu_ticket.number])
    assert (
        BmcFault.objects.filter(component_key=PSU_INCIDENT, status=FaultStatus.OPEN).get().ticket
        == psu_ticket
    )


def test_inventory_is_kept_in_step_with_the_bmc(
    admin_user: User, contoso: Server, dmtf_copy: Path, serve: Callable[..., str]
):
    manual = CmdbComponent.objects.create(server=contoso, kind="disk", serial="HAND-ENTERED", slot="Bay 9")
    endpoint = register(admin_user, contoso, serve(dmtf_copy))
    poll = poll_endpoint(endpoint)
    installed = CmdbComponent.objects.filter(server=contoso, removed_at__isnull=True)
    assert poll.inventory["added"] == installed.count() - 1
    psu = installed.get(kind="psu")
    assert (psu.serial, psu.part_number, psu.slot, psu.firmware) == ("3488247", "23456-133", "PSU 1", "1.00")
    assert sorted(installed.filter(kind="dimm").values_list("slot", flat=True)) == [
        "DIMM 1",
        "DIMM 2",
        "DIMM 3",
    ]

    def swapped(data: dict[str, Any]) -> None:
        data["SerialNumber"] = "NEW-PSU-777"

    def absent(data: dict[str, Any]) -> None:
        data["Status"] = {"State": "Absent"}

    edit(dmtf_copy, PSU, swapped)
    edit(dmtf_copy, "/redfish/v1/Systems/437XR1138R2/Memory/DIMM3", absent)
    second = poll_endpoint(BmcEndpoint.objects.get(pk=endpoint.pk))
    assert (second.inventory["replaced"], second.inventory["removed"], second.inventory["added"]) == (1, 1, 0)
    psu.refresh_from_db()
    assert psu.removed_at is not None
    assert "NEW-PSU-777" in psu.removal_reason
    assert installed.get(kind="psu").serial == "NEW-PSU-777"
    assert not installed.filter(kind="dimm", slot="DIMM 3").exists()
    manual.refresh_from_db()
    assert manual.removed_at is None  # a part the BMC never reported is left alone


def test_healthy_intel_node_raises_nothing(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    node = make_server(customer_a, "QSBP74100021")
    endpoint = register(admin_user, node, serve(MOCKUPS / "intel-s2600bpb"), auth="session", log_since=None)
    poll = poll_endpoint(endpoint)
    assert (poll.status, poll.new_faults) == (PollStatus.OK, 0)
    assert not Ticket.objects.exists()
    dimms = CmdbComponent.objects.filter(server=node, kind="dimm")
    assert dimms.count() == 6
    assert dimms.filter(serial="102CE00B", part_number="HMA41GR7MFR8N-TFT1").exists()
    endpoint.refresh_from_db()
    assert endpoint.last_status == PollStatus.OK
    assert endpoint.log_cursor
    assert {p["code"] for p in endpoint.last_problems} >= {"page_unavailable"}


def test_hpe_nic_faults_collect_their_log_entries(
    admin_user: User, make_server: Callable[..., Server], customer_b: Organisation, serve: Callable[..., str]
):
    server = make_server(customer_b, "MXQ019020B")
    endpoint = register(admin_user, server, serve(MOCKUPS / "hpe-proliant-dl325-gen10plus"), log_since=None)
    poll = poll_endpoint(endpoint)
    tickets = Ticket.objects.filter(channel=Channel.BMC)
    # Two NICs, each seen as a base network adapter, a PCIe device and a chassis device (one serial):
    # one request each with their link-failure IML entries; and the IML's power-supply warnings
    # (input power lost, then "not redundant") as one request. The security log opens nothing.
    assert tickets.count() == 3 == len(poll.requests_opened)
    assert sorted(t.component for t in tickets) == [ComponentArea.NIC, ComponentArea.NIC, ComponentArea.PSU]
    assert all(t.organisation_id == customer_b.pk for t in tickets)
    assert BmcFault.objects.filter(status=FaultStatus.LOGGED).count() == 17 + 4  # critical + warning IML
    assert not BmcFault.objects.filter(message_id__icontains="security").exists()
    for nic in tickets.filter(component=ComponentArea.NIC):
        assert BmcFault.objects.filter(ticket=nic, status=FaultStatus.OPEN).count() in (2, 3)
    for ticket in tickets:
        assert Attachment.objects.filter(ticket=ticket).count() == 1


def test_unreachable_or_refused_bmc_is_recorded(
    admin_user: User,
    contoso: Server,
    make_server: Callable[..., Server],
    customer_a: Organisation,
    serve: Callable[..., str],
    dmtf_copy: Path,
):
    from tests.intake.mailservers import free_port

    endpoint = register(admin_user, contoso, f"http://127.0.0.1:{free_port()}")
    poll = poll_endpoint(endpoint)
    assert poll.status == PollStatus.UNREACHABLE
    assert "unreachable" in poll.error
    endpoint.refresh_from_db()
    assert (endpoint.last_status, endpoint.lease_until) == (PollStatus.UNREACHABLE, None)
    assert endpoint.next_poll_at is not None
    assert endpoint.last_polled_at is not None
    assert endpoint.next_poll_at > endpoint.last_polled_at
    other = make_server(customer_a, "SECOND")
    refused = register(admin_user, other, serve(dmtf_copy, reject_login=True), auth="session")
    assert poll_endpoint(refused).status == PollStatus.UNREACHABLE
    assert not Ticket.objects.exists()


def test_gpus_nics_and_firmware_are_recorded_and_placeholder_serials_do_not_merge_parts(
    admin_user: User, make_server: Callable[..., Server], customer_a: Organisation, serve: Callable[..., str]
):
    # EX235a: eight MI200 GPUs, all with serial "00000000000000"; four HPC network adapters that are
    # two cards (each serial twice); 14 firmware images.
    server = make_server(customer_a, "GE21100074")
    endpoint = register(admin_user, server, serve(MOCKUPS / "hpe-cray-ex235a"))
    poll_endpoint(endpoint)
    installed = CmdbComponent.objects.filter(server=server, removed_at__isnull=True)
    assert installed.filter(kind="gpu").count() == 8
    assert sorted(installed.filter(kind="nic").values_list("serial", flat=True)) == [
        "DW20430082",
        "DW20430411",
    ]
    bios = installed.get(kind="firmware", slot="Node0.BIOS")
    assert bios.firmware
    # The faulty management-Ethernet firmware image is one request, filed as a firmware problem.
    [ticket] = Ticket.objects.filter(channel=Channel.BMC, component=ComponentArea.FIRMWARE)
    assert "Node0.ManagementEthernet" in ticket.title


def test_a_part_that_could_not_be_read_has_not_recovered(
    admin_user: User, contoso: Server, dmtf_copy: Path, serve: Callable[..., str]
):
    endpoint = register(admin_user, contoso, serve(dmtf_copy))
    poll_endpoint(endpoint)
    fault = BmcFault.objects.get(component_key=PSU_INCIDENT, status=FaultStatus.OPEN)
    # The PSU's resource answers with an error body this time: unknown, not healthy.
    (dmtf_copy / PSU.removeprefix("/redfish/v1/") / "index.json").write_text('{"error": {"code": "x"}}')

    def condition_cleared(data: dict[str, Any]) -> None:
        data["Conditions"] = [c for c in data["Conditions"] if c["OriginOfCondition"]["@odata.id"] != PSU]

    edit(dmtf_copy, "/redfish/v1/ServiceConditions", condition_cleared)
    poll_endpoint(BmcEndpoint.objects.get(pk=endpoint.pk))
    fault.refresh_from_db()
    assert fault.status == FaultStatus.OPEN
    assert fault.recovered_at is None
