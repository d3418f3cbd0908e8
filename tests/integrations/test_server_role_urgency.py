"""Urgency reads the request's text together with the server's business role from the CMDB."""

from collections.abc import Callable
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import BusinessRole, Server, ServerModel, Vendor
from sasms.core import outbox
from sasms.integrations.classifier.cues import urgency
from sasms.integrations.classifier.predict import decide_priority
from sasms.integrations.models import ClassificationReview, ClassifierModel
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Channel

OUTAGE = "交易系统服务器宕机，业务全部中断"
DISK_ALERT = "硬盘告警 slot 3 predictive failure"
CALM_DEGRADED = "测试一下：RAID 降级了，不影响业务"


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        (OUTAGE, "", "critical"),
        (OUTAGE, BusinessRole.CORE, "critical"),
        # A whole test box down is serious for its users, not a P1 for the provider...
        (OUTAGE, BusinessRole.TEST, "high"),
        # ...unless the customer says it is urgent.
        (f"{OUTAGE}，紧急！", BusinessRole.TEST, "critical"),
        # Any fault on a core production system is at least P2; elsewhere the text alone decides.
        (DISK_ALERT, "", ""),
        (DISK_ALERT, BusinessRole.PRODUCTION, ""),
        (DISK_ALERT, BusinessRole.CORE, "high"),
        # "Just a test, no impact" does not calm a fault on a core system.
        (CALM_DEGRADED, "", ""),
        (CALM_DEGRADED, BusinessRole.CORE, "high"),
        # Degraded redundancy on production is P2 when the CMDB says production, not only the text.
        ("RAID 5 degraded, rebuild started", BusinessRole.PRODUCTION, "high"),
        ("RAID 5 degraded, rebuild started", "", ""),
    ],
)
def test_the_role_moves_the_urgency_floor(text: str, role: str, expected: str) -> None:
    assert urgency(text, role) == expected


def test_the_role_raises_the_suggested_priority_never_lowers_it() -> None:
    model_says = [("P3", 0.97), ("P4", 0.02), ("P2", 0.01)]
    assert decide_priority(model_says, DISK_ALERT)[0][0] == "P3"
    assert decide_priority(model_says, DISK_ALERT, BusinessRole.CORE)[0][0] == "P2"
    assert decide_priority([("P1", 0.9), ("P3", 0.1)], DISK_ALERT, BusinessRole.TEST)[0][0] == "P1"


def _server(organisation: Organisation, serial: str, role: str) -> Server:
    vendor, _ = Vendor.objects.get_or_create(code="inspur", defaults={"name": "Inspur"})
    model, _ = ServerModel.objects.get_or_create(vendor=vendor, name="NF5280M6")
    return asset_services.create_server(
        actor=None, model=model, serial=serial, organisation=organisation, business_role=role
    )


@pytest.mark.django_db
def test_classifying_a_request_reads_its_servers_role(
    active_model: ClassifierModel, customer_a: Organisation, settings: Any
) -> None:
    settings.SASMS_CLASSIFIER_APPLY_PRIORITY = True
    core = _server(customer_a, "CORE-1", BusinessRole.CORE)
    lab = _server(customer_a, "LAB-1", BusinessRole.TEST)

    def suggested(server: Server) -> str:
        ticket = ticket_services.create_ticket(
            actor=None,
            organisation=customer_a,
            server=server,
            title=DISK_ALERT,
            description="",
            channel=Channel.EMAIL,
        )
        outbox.deliver_pending()
        return ClassificationReview.objects.get(ticket=ticket).priority

    assert suggested(core) <= "P2"
    assert suggested(lab) >= suggested(core)


@pytest.mark.django_db
def test_the_role_is_kept_on_the_server_and_an_unknown_one_refused(
    customer_a: Organisation, make_user: Callable[..., User], api_for: Callable[[User], Any]
) -> None:
    server = _server(customer_a, "NF-1", BusinessRole.CORE)
    server.refresh_from_db()
    assert server.get_business_role_display() == "Core production"
    api = api_for(make_user(Role.ENGINEER))
    assert api.get(f"/api/v1/servers/{server.pk}/").json()["business_role"] == "core"
    refused = api.post(
        "/api/v1/servers/",
        {"model": server.model_id, "serial": "NF-2", "organisation": customer_a.pk, "business_role": "vip"},
        format="json",
    )
    assert refused.status_code == 400
    assert "business_role" in str(refused.json())
    assert not Server.objects.filter(serial="NF-2").exists()
