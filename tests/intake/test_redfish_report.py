"""The Redfish intake measured on every public mockup of the corpus: docs/integrations/redfish-mockups.md.

For each mockup the test scans every JSON file for non-OK ``Status`` objects and non-OK log entries,
lists the real faults among them (each with the reason it is one), polls the tree, files the result
through the same service the poller uses (one server per system serial, as on site) and counts the
requests and parts. The table in the document must equal what this test computes; regenerate it with

    SASMS_WRITE_REDFISH_REPORT=1 .venv/bin/pytest tests/intake/test_redfish_report.py -p no:cacheprovider
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component as CmdbComponent
from sasms.assets.models import Server
from sasms.core.context import Origin, acting_from
from sasms.intake.redfish import Fault, LogCursor, PollResult, poll
from sasms.intake.redfish.identity import normalise_serial
from sasms.intake.services import config
from sasms.intake.services.bmc import BmcPoll, apply_poll
from sasms.tickets.choices import Channel
from sasms.tickets.models import Ticket
from tests.corpus import CORPUS_DIR
from tests.intake.redfish_server import MockupFiles

pytestmark = pytest.mark.corpus

MOCKUPS = CORPUS_DIR / "redfish"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "integrations" / "redfish-mockups.md"
BEGIN, END = "<!-- report:begin -->", "<!-- report:end -->"
_NOT_TREE = {"Registries", "RegistryStore", "SchemaStore", "JsonSchemas", "$metadata", "Schemas"}
_BAD = {"warning", "critical"}


# --- The real faults of each mockup ---------------------------------------------------------------
@dataclass(frozen=True)
class TrueFault:
    label: str
    match: Callable[[Fault], bool]


def on_serial(serial: str) -> Callable[[Fault], bool]:
    return lambda f: f.component is not None and f.component.serial_number == serial


def at(fragment: str) -> Callable[[Fault], bool]:
    def match(f: Fault) -> bool:
        places = [f.source_uri, f.component.uri if f.component else ""]
        if f.log_entry is not None:
            places.append(f.log_entry.origin_uri)
        return any(fragment in p for p in places)

    return match


def saying(text: str) -> Callable[[Fault], bool]:
    return lambda f: text.lower() in f.message.lower()


TRUTH: dict[str, list[TrueFault]] = {
    "dmtf-public-rackmount1": [
        TrueFault("PSU 1 predicted failure (RKS-440DC, serial 3488247)", on_serial("3488247")),
        TrueFault(
            "CPU 1 over temperature (sensor CPU1Temp; SEL and BMC log entries)", at("Sensors/CPU1Temp")
        ),
        TrueFault("Drive SATA Bay 2 Warning", at("SimpleStorage/1#/Devices/1")),
    ],
    "dmtf-public-localstorage": [
        TrueFault("PSU Warning (499253-B21, serial 1Z0000001)", on_serial("1Z0000001")),
        TrueFault("Temperature threshold exceeded (2 SEL + 1 BMC log entry)", at("Chassis/1U/Thermal")),
    ],
    "dmtf-public-tower": [
        TrueFault("PSU Bay 1 Warning (499253-B21, serial 1Z0000001)", on_serial("1Z0000001")),
        TrueFault("Temperature threshold exceeded (2 SEL + 1 BMC log entry)", at("Chassis/Tower/Thermal")),
    ],
    "hpe-proliant-dl325-gen10plus": [
        TrueFault("NIC MD2 adapter link failure (serial REE1950F79864; IML)", on_serial("REE1950F79864")),
        TrueFault("NIC OCP3 adapter link failure (serial REE1939F35261; IML)", on_serial("REE1939F35261")),
        TrueFault("Power supply 1 input power lost, not redundant (IML Caution)", saying("power suppl")),
    ],
    "intel-s2600bpb": [],
    "hpe-cray-ex235a": [
        TrueFault(
            "Firmware Node0.ManagementEthernet Warning/UnavailableOffline", at("Node0.ManagementEthernet")
        ),
        *(
            TrueFault(f"Critical fault PDB INRUSH ACCEL{n} voltage (event log)", at(f"Accelerator{n}Voltage"))
            for n in range(4)
        ),
        TrueFault("Critical fault CPU voltage (event log)", at("ChassisVoltageRegulator2InputVoltage")),
    ],
    "hpe-cray-ex420": [
        *(
            TrueFault(f"Firmware Node{n}.{image} Warning/UnavailableOffline", at(f"Node{n}.{image}"))
            for n in (0, 1)
            for image in ("BIOS", "ManagementEthernet")
        ),
        *(
            TrueFault(f"Node{n} CPU{c} NBM TSNS ADC temperature read error, never corrected", at(path))
            for n in (0, 1)
            for c in (0, 1)
            for path in (f"Chassis/Node{n}/Sensors/CPU{c}VoltageRegulator1Temperature",)
        ),
    ],
    "hpe-cray-ex4252": [
        *(
            TrueFault(f"Node{n} VRM configuration mismatch (condition + event log)", at(f"Systems/Node{n}"))
            for n in range(4)
        ),
        *(
            TrueFault(
                f"Firmware Node{n}.ManagementEthernet Warning/UnavailableOffline",
                at(f"Node{n}.ManagementEthernet"),
            )
            for n in (2, 3)
        ),
        *(
            TrueFault(
                f"Enclosure SIVOC CTLR0 {what} read error, never corrected",
                at(f"ChassisVoltageRegulator1{path}"),
            )
            for what, path in (
                ("power", "OutputPower"),
                ("temperature", "Temperature"),
                ("current", "OutputCurrent"),
            )
        ),
        TrueFault(
            "Node0 CPU0 package power read error, never corrected",
            at("Chassis/Node0/Sensors/CPU02ReportedPower"),
        ),
    ],
    "hpe-cray-cmm": [
        TrueFault(
            "STBY 3.3V voltage critical fault (event log, never cleared)", at("VoltageRegulator0InputVoltage")
        ),
    ],
}


# --- Scanning the tree ---------------------------------------------------------------------------
def tree_files(root: Path) -> Iterator[tuple[str, Any]]:
    for path in sorted(root.rglob("index.json")):
        relative = path.relative_to(root).parts[:-1]
        if relative and relative[0] in _NOT_TREE:
            continue
        try:
            yield "/redfish/v1/" + "/".join(relative), json.loads(path.read_text())
        except ValueError:
            continue


def nodes(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, dict):
        yield document
        for value in document.values():
            yield from nodes(value)
    elif isinstance(document, list):
        for value in document:
            yield from nodes(value)


def bad(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in _BAD


def scan_statuses(root: Path) -> int:
    """Every object whose Status says Warning or Critical (Health or HealthRollup), each counted once."""
    seen: set[str] = set()
    for uri, document in tree_files(root):
        if "/LogServices/" in uri:
            continue
        for index, node in enumerate(nodes(document)):
            status = node.get("Status")
            if isinstance(status, dict) and (bad(status.get("Health")) or bad(status.get("HealthRollup"))):
                seen.add(str(node.get("@odata.id") or f"{uri}#{index}").rstrip("/"))
    return len(seen)


def scan_log_entries(root: Path) -> int:
    seen: set[str] = set()
    for uri, document in tree_files(root):
        if "/LogServices/" not in uri:
            continue
        for node in nodes(document):
            if "Severity" in node and "Message" in node and bad(node.get("Severity")):
                seen.add(str(node.get("@odata.id") or id(node)).rstrip("/"))
    return len(seen)


_PART_TYPES = re.compile(
    r"#(Drive|Memory|Processor|PowerSupply|Fan|NetworkAdapter|StorageController|Manager|"
    r"HpeSmartStorageArrayController|HpeSmartStorageDiskDrive|HpeBaseNetworkAdapter|SoftwareInventory)\."
)
_ARRAYS = {"PowerSupplies": "PowerSupply", "Fans": "Fan", "StorageControllers": "StorageController"}


def scan_parts(root: Path) -> int:
    """Physical parts and firmware images present: typed resources and legacy array members, without
    empty bays and nameless 'nil' entries, one per real serial (a device listed twice is one part)."""
    found: dict[str, str] = {}
    # Firmware is the FirmwareInventory; a SoftwareInventory only where there is none (old BMCs).
    inventory = (root / "UpdateService" / "FirmwareInventory").is_dir()
    firmware = "FirmwareInventory" if inventory else "SoftwareInventory"
    for uri, document in tree_files(root):
        if (
            not isinstance(document, dict)
            or "/LogServices/" in uri
            or "Collection" in str(document.get("@odata.type", ""))
        ):
            continue
        if "/SubProcessors/" in uri or ("/UpdateService/" in uri and f"/{firmware}/" not in uri):
            continue  # cores and threads; software images that are not installed firmware
        candidates: list[tuple[str, dict[str, Any]]] = []
        odata_type = str(document.get("@odata.type", ""))
        match = _PART_TYPES.search(odata_type)
        if match:
            candidates.append((match.group(1), document))
        if not match:  # legacy inline arrays (Power.PowerSupplies, Thermal.Fans, Storage.StorageControllers)
            for key, kind in _ARRAYS.items():
                items = document.get(key)
                if isinstance(items, list):
                    candidates.extend((kind, i) for i in items if isinstance(i, dict) and len(i) > 1)
        for kind, node in candidates:
            raw_status = node.get("Status")
            status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
            if str(status.get("State", "")).lower() == "absent":
                continue
            if kind == "Processor" and str(node.get("ProcessorType", "CPU")).upper() not in ("CPU", "GPU"):
                continue
            identity = [node.get(k) for k in ("SerialNumber", "Model", "PartNumber", "Version")]
            if not any(
                isinstance(v, str) and v.strip() and v.strip().lower() != "nil" for v in identity
            ) and not (status.get("Health") or status.get("State")):
                continue
            serial = normalise_serial(node.get("SerialNumber"))
            group = "NIC" if kind in ("NetworkAdapter", "HpeBaseNetworkAdapter") else kind
            key = f"{group}:{serial}" if serial else str(node.get("@odata.id") or f"{uri}#{id(node)}")
            found.setdefault(key, kind)
    return len(found)


# --- Polling and filing ---------------------------------------------------------------------------
@dataclass
class Row:
    mockup: str
    statuses: int
    log_entries: int
    true_faults: int
    found: int
    false_positives: int
    requests: int
    parts_present: int
    parts_recorded: int
    missed: list[str]
    extra: list[str]

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.false_positives) if self.found + self.false_positives else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.true_faults if self.true_faults else 1.0

    @property
    def requests_per_fault(self) -> str:
        return f"{self.requests / self.found:.2f}" if self.found else ("—" if not self.requests else "∞")


def servers_for(result: PollResult) -> list[str]:
    serials = [s.serial_number for s in result.systems]
    if not serials:  # a chassis manager: the chassis that holds the most parts (the enclosure)
        chassis = [
            c for c in result.components if c.kind.value == "chassis" and normalise_serial(c.serial_number)
        ]
        chassis.sort(key=lambda c: -sum(p.uri.startswith(c.uri + "/") for p in result.components))
        serials = [c.serial_number for c in chassis[:1]]
    return sorted({normalise_serial(s): s.strip() for s in serials if normalise_serial(s)}.values())


def measure(name: str, organisation: Organisation, admin: User, make_server: Callable[..., Server]) -> Row:
    root = MOCKUPS / name
    result = poll(MockupFiles(root), cursor=LogCursor())
    truth = TRUTH[name]
    incidents: dict[str, list[Fault]] = {}
    for fault in result.faults:
        incidents.setdefault(fault.incident, []).append(fault)
    found = [t for t in truth if any(t.match(f) for f in result.faults)]
    extra = [
        faults[0].message
        for faults in incidents.values()
        if not any(t.match(f) for t in truth for f in faults)
    ]
    with transaction.atomic():  # each mockup on a clean database (two DMTF trees share a serial)
        requests, recorded = file(name, result, organisation, admin, make_server)
        transaction.set_rollback(True)
    return Row(
        mockup=name,
        statuses=scan_statuses(root),
        log_entries=scan_log_entries(root),
        true_faults=len(truth),
        found=len(found),
        false_positives=len(extra),
        requests=requests,
        parts_present=scan_parts(root),
        parts_recorded=recorded,
        missed=[t.label for t in truth if t not in found],
        extra=extra,
    )


def file(
    name: str, result: PollResult, organisation: Organisation, admin: User, make_server: Callable[..., Server]
) -> tuple[int, int]:
    """One server per system serial (a blade controller's nodes are several servers), the BMC
    registered on the first, and the poll filed exactly as the poller files it."""
    servers = [make_server(organisation, serial) for serial in servers_for(result)]
    if not servers:
        return 0, 0
    endpoint = config.create_bmc_endpoint(
        actor=admin,
        server=servers[0],
        password="secret",
        address="10.250.0.1",
        scheme="https",
        username="report",
        log_since=None,
    )
    outcome = BmcPoll(endpoint=endpoint.address)
    with acting_from(Origin(channel="intake")):
        apply_poll(endpoint, result, outcome)
    # The servers and any enclosure asset the poll registered (a multi-node chassis of its own).
    assets = Server.objects.filter(organisation=organisation)
    requests = Ticket.objects.filter(server__in=assets, channel=Channel.BMC).count()
    recorded = CmdbComponent.objects.filter(server__in=assets, removed_at__isnull=True).count()
    return requests, recorded


def line(r: Row, label: str) -> str:
    cells = [
        label,
        r.statuses,
        r.log_entries,
        r.true_faults,
        r.found,
        r.false_positives,
        f"{r.precision:.2f}",
        f"{r.recall:.2f}",
        r.requests,
        r.requests_per_fault,
        r.parts_present,
        r.parts_recorded,
    ]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def render(rows: list[Row]) -> str:
    lines = [
        "| mockup | non-OK Status objects | non-OK log entries | real faults | faults found | false alarms "
        "| precision | recall | requests opened | requests per real fault | parts present | parts recorded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(line(r, f"`{r.mockup}`") for r in rows)

    def total(field: str) -> int:
        return sum(int(getattr(r, field)) for r in rows)

    total_row = Row(
        mockup="all",
        statuses=total("statuses"),
        log_entries=total("log_entries"),
        true_faults=total("true_faults"),
        found=total("found"),
        false_positives=total("false_positives"),
        requests=total("requests"),
        parts_present=total("parts_present"),
        parts_recorded=total("parts_recorded"),
        missed=[],
        extra=[],
    )
    lines.append(line(total_row, "**all**"))
    lines.append("")
    lines.append("Real faults per mockup (what the figures count):")
    lines.append("")
    for r in rows:
        labels = [t.label for t in TRUTH[r.mockup]] or ["none (healthy baseline)"]
        lines.append(f"- `{r.mockup}`: " + "; ".join(labels) + ".")
        for missed in r.missed:
            lines.append(f"  - missed: {missed}")
        for extra in r.extra:
            lines.append(f"  - false alarm: {extra}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def report_rows(
    db: None, admin_user: User, customer_a: Organisation, make_server: Callable[..., Server]
) -> list[Row]:
    return [measure(name, customer_a, admin_user, make_server) for name in sorted(TRUTH)]


def test_the_report_matches_the_mockups(report_rows: list[Row]):
    table = render(report_rows)
    if os.environ.get("SASMS_WRITE_REDFISH_REPORT"):
        text = DOCUMENT.read_text()
        head, _sep, rest = text.partition(BEGIN)
        _old, _sep, tail = rest.partition(END)
        DOCUMENT.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")
    committed = DOCUMENT.read_text().partition(BEGIN)[2].partition(END)[0]
    assert committed.strip() == table.strip(), (
        "regenerate docs/integrations/redfish-mockups.md (see module doc)"
    )


def test_every_real_fault_is_found_once_and_nothing_else(report_rows: list[Row]):
    for row in report_rows:
        assert (row.mockup, row.missed, row.extra) == (row.mockup, [], [])
        assert row.requests == row.found, row.mockup  # one request per real fault
