"""Advisories matched against the real firmware inventories of the corpus's Redfish mockups.

Each mockup is served over HTTP and polled by the real BMC poller, which writes the CMDB's
components; the advisories are then matched against what the poll stored.
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets import services as asset_services
from sasms.assets.models import Server, ServerModel
from sasms.intake.services.bmc import poll_endpoint
from sasms.proactive.matching import match_advisory
from sasms.proactive.models import CampaignStatus, FirmwareAdvisory, ItemStatus
from sasms.proactive.services import advisories, campaigns
from tests.corpus import CORPUS_DIR

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]
MOCKUPS = CORPUS_DIR / "redfish"


def _advisory(admin: User, **values: Any) -> FirmwareAdvisory:
    defaults = {"title": "Test", "severity": "high"}
    return advisories.save_advisory(actor=admin, values={**defaults, **values})


def _versions(result: Any) -> dict[str, list[str]]:
    by_serial = dict(Server.objects.values_list("pk", "serial"))
    found: dict[str, list[str]] = {}
    for hit in result.hits:
        found.setdefault(by_serial[hit.server_id], []).append(hit.version)
    return {serial: sorted(versions) for serial, versions in found.items()}


def test_advisories_find_the_affected_images_of_real_inventories(
    admin_user: User,
    customer_a: Organisation,
    add_server: Callable[..., Server],
    model_of: Callable[..., ServerModel],
    serve: Callable[..., str],
    register: Callable[..., Any],
) -> None:
    contoso = asset_services.create_vendor(actor=None, name="Contoso", code="contoso")
    fleet = [
        (add_server(customer_a, "MXQ019020B"), "hpe-proliant-dl325-gen10plus"),
        (add_server(customer_a, "GE21100074", model="EX235a"), "hpe-cray-ex235a"),
        (
            asset_services.create_server(
                actor=None, model=model_of("3500", contoso), serial="437XR1138R2", organisation=customer_a
            ),
            "dmtf-public-rackmount1",
        ),
    ]
    for server, mockup in fleet:
        poll_endpoint(register(server, serve(MOCKUPS / mockup)))

    # HPE system ROM A43 v2.52 (10/29/2021): affected; the redundant ROM (v2.40) is the backup image.
    rom = _advisory(
        admin_user,
        reference="HPESBHF-ROM",
        vendor="HPE",
        models="ProLiant DL325 Gen10 Plus",
        component_type="bios",
        affected_versions="< A43 v2.60",
        fixed_version="A43 v2.60 (03/01/2022)",
    )
    assert _versions(match_advisory(rom)) == {"MXQ019020B": ["A43 v2.52 (10/29/2021)"]}
    # iLO 5: the BMC part ("iLO 5 v2.46") and its firmware image ("2.46 May 11 2021") are one version.
    ilo = _advisory(
        admin_user,
        reference="HPESBHF-ILO",
        vendor="HPE",
        models="ProLiant DL325 Gen10 Plus",
        component_type="bmc",
        fixed_version="2.72",
    )
    assert _versions(match_advisory(ilo)) == {"MXQ019020B": ["2.46 May 11 2021", "iLO 5 v2.46"]}
    # ... and an iLO at the fixed version is not affected.
    ilo_old = _advisory(
        admin_user,
        reference="HPESBHF-ILO-OLD",
        vendor="HPE",
        models="ProLiant DL325 Gen10 Plus",
        component_type="bmc",
        fixed_version="2.46",
    )
    assert match_advisory(ilo_old).hits == []
    # The Marvell QL41232 adapters: a NIC part and a firmware image each, named by the advisory.
    nic = _advisory(
        admin_user,
        reference="HPESBNW-QL",
        vendor="HPE",
        component_type="nic",
        component_name="QL41232",
        affected_versions=">=08.00, <08.60.10",
        fixed_version="08.60.10",
    )
    assert _versions(match_advisory(nic)) == {"MXQ019020B": ["08.50.78"] * 4}
    # Cray EX235a node BIOS "ex235a.bios-1.3.6" (the accelerator's VBIOS is not the BIOS); the
    # management Ethernet's "undefined" cannot be judged and is reported as such, not guessed.
    cray_bios = _advisory(
        admin_user,
        reference="CRAY-BIOS",
        vendor="HPE",
        models="EX235a",
        component_type="bios",
        fixed_version="ex235a.bios-1.4.0",
    )
    assert _versions(match_advisory(cray_bios)) == {"GE21100074": ["ex235a.bios-1.3.6"]}
    cray_nic = _advisory(
        admin_user,
        reference="CRAY-NIC",
        vendor="HPE",
        models="EX235a",
        component_type="nic",
        fixed_version="1.5.30",
    )
    result = match_advisory(cray_nic)
    assert _versions(result) == {"GE21100074": ["1.5.27-ESM"] * 4}
    assert result.verdicts.unknown == {"undefined"}
    # DMTF: BIOS "P79 v1.45" is older than "P79 v1.50"; another ROM family is never compared.
    contoso_bios = _advisory(
        admin_user, reference="CONTOSO-1", vendor="Contoso", component_type="bios", fixed_version="P79 v1.50"
    )
    assert _versions(match_advisory(contoso_bios)) == {"437XR1138R2": ["P79 v1.45"]}
    other_family = _advisory(
        admin_user, reference="CONTOSO-2", vendor="Contoso", component_type="bios", fixed_version="P80 v2.00"
    )
    result = match_advisory(other_family)
    assert result.hits == []
    assert result.verdicts.unknown == {"P79 v1.45"}
    # The BMC at exactly the fixed version is not affected.
    contoso_bmc = _advisory(
        admin_user,
        reference="CONTOSO-3",
        vendor="Contoso",
        component_type="bmc",
        fixed_version="1.45.455b66-rev4",
    )
    assert match_advisory(contoso_bmc).hits == []


def _set_bios(root: Path, version: str) -> None:
    path = root / "UpdateService" / "FirmwareInventory" / "BIOS" / "index.json"
    data = json.loads(path.read_text())
    data["Version"] = version
    path.write_text(json.dumps(data))


def test_the_next_poll_that_sees_the_fixed_version_closes_the_item(
    admin_user: User,
    customer_a: Organisation,
    model_of: Callable[..., ServerModel],
    serve: Callable[..., str],
    register: Callable[..., Any],
    tmp_path: Path,
) -> None:
    contoso = asset_services.create_vendor(actor=None, name="Contoso", code="contoso")
    server = asset_services.create_server(
        actor=None, model=model_of("3500", contoso), serial="437XR1138R2", organisation=customer_a
    )
    root = tmp_path / "dmtf"
    shutil.copytree(MOCKUPS / "dmtf-public-rackmount1", root)
    endpoint = register(server, serve(root))
    poll_endpoint(endpoint)
    advisory = _advisory(
        admin_user,
        reference="CONTOSO-BIOS",
        vendor="Contoso",
        component_type="bios",
        fixed_version="P79 v1.50",
        severity="critical",
    )
    campaign = campaigns.open_campaign(actor=admin_user, advisory=advisory)
    [item] = campaign.items.all()
    assert (item.status, item.priority, item.found[0]["version"]) == (ItemStatus.PENDING, 2, "P79 v1.45")

    assert campaigns.close_items_polled_since() == 0  # the poll it was opened from changes nothing
    _set_bios(root, "P79 v1.50")
    assert campaigns.close_items_polled_since() == 0  # no new poll yet
    poll_endpoint(endpoint)
    assert campaigns.close_items_polled_since() == 1
    item.refresh_from_db()
    campaign.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert "P79 v1.50" in item.note
    assert campaign.status == CampaignStatus.CLOSED
    # Idempotent: nothing more to close.
    assert campaigns.close_items_fixed_by_inventory(server) == []
