"""The extractor against real BMC mockups of the corpus, through the real poller."""

import pytest

from sasms.intake.redfish import PollResult, poll_bmc
from sasms.telemetry.extract import Reading, number
from tests.corpus import CORPUS_DIR
from tests.intake.redfish_server import serve_mockup

pytestmark = pytest.mark.corpus
MOCKUPS = CORPUS_DIR / "redfish"


def _poll(name: str, auth: str = "session") -> tuple[PollResult, list[str]]:
    with serve_mockup(MOCKUPS / name) as (url, log):
        return poll_bmc(url, "admin", "admin", auth=auth), log


@pytest.fixture(scope="module")
def dmtf() -> tuple[PollResult, list[str]]:
    return _poll("dmtf-public-rackmount1")


def by_key(result: PollResult) -> dict[tuple[str, str], Reading]:
    readings = [r for r in result.telemetry if isinstance(r, Reading)]
    return {(r.uri, r.metric): r for r in readings}


def test_dmtf_new_schemas(dmtf):
    result, log = dmtf
    found = by_key(result)
    fan = found[("/redfish/v1/Chassis/1U/ThermalSubsystem/Fans/CPU1", "fan_rpm")]
    assert (fan.value, fan.kind, fan.label) == (1490.0, "fan", "CPU #1 Fan")
    assert found[("/redfish/v1/Chassis/1U/ThermalSubsystem/Fans/CPU1", "fan_percent")].value == 45.0
    # The PSU's input power comes from its Metrics resource, read through the poll's own session.
    bay = "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1"
    assert found[(bay, "psu_input_watts")].value == 937.4
    assert found[(bay, "failure_predicted")].value == 1.0  # the mockup's PSU predicts its failure
    assert any(path.rstrip("/").endswith("PowerSupplies/Bay1/Metrics") for path in log)
    ambient = found[("/redfish/v1/Chassis/1U/Sensors/AmbientTemp", "temperature")]
    assert ambient.value == 22.5
    drives = [r for r in found.values() if r.kind == "drive" and r.metric == "failure_predicted"]
    assert len(drives) == 2


def test_hpe_legacy_thermal_and_power():
    result, _log = _poll("hpe-proliant-dl325-gen10plus", auth="basic")
    found = by_key(result)
    fan = found[("/redfish/v1/Chassis/1/Thermal#Fans/0", "fan_percent")]
    assert fan.value == 35.0
    psu = found[("/redfish/v1/Chassis/1/Power#PowerSupplies/0", "psu_output_watts")]
    assert psu.value == 51.0
    inlet = [r for r in found.values() if r.metric == "temperature" and r.label == "01-Inlet Ambient"]
    assert [r.value for r in inlet] == [17.0]
    assert not [r for r in found.values() if r.label == "05-HD Max"]  # an absent sensor
    redundancy = [r for r in found.values() if r.metric == "psu_redundant"]
    assert redundancy
    assert all(r.value == 1.0 for r in redundancy)


def test_intel_memory_metrics_are_read():
    result, log = _poll("intel-s2600bpb")
    assert any(path.rstrip("/").endswith("/MemoryMetrics") for path in log)
    memory = [r for r in result.telemetry if isinstance(r, Reading) and r.kind == "memory"]
    assert memory  # each DIMM at least reports whether it predicts its failure
    # The mockup's MemoryMetrics carry no ECC counters: no made-up zero is recorded.
    assert not [r for r in memory if r.metric == "correctable_errors"]


def test_number_reads_what_bmcs_send():
    assert number("25") == 25.0
    assert number({"Reading": 3.5}) == 3.5
    assert number(None) is None
    assert number(True) is None
    assert number("n/a") is None
    assert number(float("nan")) is None
