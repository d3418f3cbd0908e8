"""Health checks: the rules that grade a server, a whole fleet made in a fixed number of queries, the PDF."""

import datetime
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.errors import Conflict, PermissionDenied
from sasms.proactive import health
from sasms.proactive.models import FirmwareBaseline, ServerHealth
from sasms.proactive.services import health as health_services
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)
NOW = timezone.make_aware(datetime.datetime(2026, 12, 7, 10, 0))


def _facts(**fields: object) -> health.Facts:
    values: dict[str, object] = {
        "server_id": 1,
        "serial": "S1",
        "hostname": "",
        "model": "R760",
        "eol": None,
        "eosl": None,
        "warranty_end": TODAY + datetime.timedelta(days=400),
        "warranty_active": True,
        "bmc_status": "ok",
        "bmc_success": NOW - datetime.timedelta(hours=1),
        "psus": 2,
    }
    values.update(fields)
    return health.Facts(**values)  # type: ignore[arg-type]


def _codes(facts: health.Facts) -> tuple[str, list[tuple[str, str, str]]]:
    grade, reasons = health.score(facts, today=TODAY, now=NOW)
    return grade, [(r["code"], r["grade"], r["action"]) for r in reasons]


def test_a_healthy_covered_monitored_server_is_green() -> None:
    assert _codes(_facts()) == ("green", [])


def test_each_rule_gives_its_grade_and_action() -> None:
    assert _codes(_facts(faults=[("drive", "predictive_failure", "warning", "Bay 2")])) == (
        "red",
        [("predicted_failure", "red", "replace")],
    )
    assert _codes(_facts(faults=[("empty_bay", "health", "warning", "PSU 2")]))[1] == [
        ("redundancy_lost", "red", "replace")
    ]
    assert _codes(_facts(psus=1)) == ("amber", [("psu_not_redundant", "amber", "replace")])
    assert _codes(_facts(bmc_status=None, bmc_success=None)) == ("green", [("not_monitored", "info", "")])
    assert _codes(_facts(bmc_success=NOW - datetime.timedelta(days=8)))[1] == [
        ("bmc_stale", "amber", "check_bmc")
    ]
    assert _codes(_facts(drift=[("bios", "1.0", "1.2")]))[1] == [
        ("below_baseline", "amber", "upgrade_firmware")
    ]
    assert _codes(_facts(campaign_priority=1))[1] == [("advisory_open", "red", "upgrade_firmware")]
    assert _codes(_facts(requests_90d=3)) == ("amber", [("repeat_faults", "amber", "replace")])
    assert _codes(_facts(requests_90d=5)) == ("red", [("repeat_faults", "red", "replace")])
    assert _codes(_facts(eosl=TODAY))[1] == [("eosl_past", "red", "refresh")]
    assert _codes(_facts(eosl=TODAY + datetime.timedelta(days=100)))[1] == [("eosl_soon", "amber", "refresh")]
    assert _codes(_facts(warranty_active=False, warranty_end=TODAY - datetime.timedelta(days=1)))[1] == [
        ("not_covered", "red", "renew")
    ]
    assert _codes(_facts(warranty_end=TODAY + datetime.timedelta(days=30)))[1] == [
        ("coverage_expiring", "amber", "renew")
    ]
    # A contract beyond the warranty keeps the server covered.
    assert _codes(_facts(warranty_active=False, contract_end=TODAY + datetime.timedelta(days=365))) == (
        "green",
        [],
    )
    assert _codes(_facts(open_requests=1, open_best_priority="P2"))[1] == [
        ("open_requests", "red", "follow_up")
    ]
    assert _codes(_facts(open_requests=2, open_best_priority="P3"))[1] == [
        ("open_requests", "amber", "follow_up")
    ]


def test_the_worst_reason_decides_and_comes_first() -> None:
    grade, reasons = _codes(_facts(psus=1, eosl=TODAY - datetime.timedelta(days=1)))
    assert grade == "red"
    assert [r[0] for r in reasons] == ["eosl_past", "psu_not_redundant"]


def test_reasons_read_as_sentences() -> None:
    reason = {"code": "below_baseline", "grade": "amber", "action": "upgrade_firmware",
              "params": {"image": "bios", "installed": "1.0", "recommended": "1.2"}}  # fmt: skip
    assert health.describe(reason) == "BIOS / system ROM firmware 1.0 is below the recommended 1.2."
    assert (
        health.describe({"code": "repeat_faults", "params": {}})
        == "%(count)s requests in the last %(days)s days."
    )


@pytest.fixture
def fleet(customer_a: Organisation, customer_b: Organisation, agent: User) -> list[Server]:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    old = asset_services.create_server_model(
        actor=None, vendor=vendor, name="R730", eosl_date=TODAY - datetime.timedelta(days=30)
    )
    new = asset_services.create_server_model(actor=None, vendor=vendor, name="R760")
    warranty = {
        "warranty_start": TODAY - datetime.timedelta(days=10),
        "warranty_end": TODAY + datetime.timedelta(days=800),
    }
    servers = [
        asset_services.create_server(
            actor=None, model=new, serial="GREEN1", organisation=customer_a, **warranty
        ),
        asset_services.create_server(
            actor=None, model=old, serial="RED1", organisation=customer_a, **warranty
        ),
        asset_services.create_server(
            actor=None, model=new, serial="AMBER1", organisation=customer_a, **warranty
        ),
        asset_services.create_server(
            actor=None, model=new, serial="OTHER", organisation=customer_b, **warranty
        ),
    ]
    for index in range(2):
        asset_services.add_component(actor=None, server=servers[0], kind="psu", slot=f"PSU {index}")
    asset_services.add_component(actor=None, server=servers[2], kind="psu", slot="PSU 1")
    asset_services.add_component(
        actor=None, server=servers[2], kind="firmware", slot="BIOS", firmware="2.10.2"
    )
    FirmwareBaseline.objects.create(model=new, component_type="bios", recommended_version="2.19.1")
    ticket_services.create_ticket(actor=agent, organisation=customer_a, server=servers[1], title="Disk fails")
    return servers


def test_a_fleet_is_graded_with_its_reasons(
    fleet: list[Server], customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.SERVICE_MANAGER)
    check = health_services.run_health_check(actor=manager, organisation=customer_a, now=NOW)
    assert (check.servers, check.green, check.amber, check.red) == (3, 1, 1, 1)
    results = {
        r.server.serial: r for r in ServerHealth.objects.filter(health_check=check).select_related("server")
    }
    assert set(results) == {"GREEN1", "RED1", "AMBER1"}  # customer B's server is not in A's check
    assert [r["code"] for r in results["RED1"].reasons] == ["eosl_past", "open_requests", "not_monitored"]
    assert {r["code"] for r in results["AMBER1"].reasons} == {
        "psu_not_redundant",
        "below_baseline",
        "not_monitored",
    }


def test_the_queries_do_not_grow_with_the_fleet(
    fleet: list[Server], customer_a: Organisation, admin_user: User
) -> None:
    with CaptureQueriesContext(connection) as small:
        health_services.run_health_check(actor=admin_user, organisation=customer_a, now=NOW)
    model = fleet[0].model
    for index in range(30):
        asset_services.create_server(actor=None, model=model, serial=f"MORE{index}", organisation=customer_a)
    with CaptureQueriesContext(connection) as large:
        health_services.run_health_check(actor=admin_user, organisation=customer_a, now=NOW)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_only_staff_with_reports_make_checks(
    customer_a: Organisation, agent: User, customer_admin: User
) -> None:
    for actor in (agent, customer_admin):
        with pytest.raises(PermissionDenied):
            health_services.run_health_check(actor=actor, organisation=customer_a)


def test_a_recommendation_becomes_a_request_once(
    fleet: list[Server], customer_a: Organisation, admin_user: User
) -> None:
    check = health_services.run_health_check(actor=admin_user, organisation=customer_a, now=NOW)
    result = ServerHealth.objects.get(health_check=check, server__serial="RED1")
    ticket = health_services.raise_request(actor=admin_user, result=result, index=0)
    assert ticket.server_id == fleet[1].pk
    assert ticket.organisation_id == customer_a.pk
    assert "end of service life" in ticket.description
    result.refresh_from_db()
    assert result.reasons[0]["ticket"] == ticket.number
    count = Ticket.objects.count()
    with pytest.raises(Conflict):
        health_services.raise_request(actor=admin_user, result=result, index=0)
    assert Ticket.objects.count() == count


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_in_both_languages(fleet: list[Server], customer_a: Organisation, admin_user: User) -> None:
    check = health_services.run_health_check(actor=admin_user, organisation=customer_a, now=NOW)
    english = _pdf_text(health_services.render_pdf(check, "en"))
    assert "Server health check" in english
    assert "RED1" in english
    assert "AMBER1" in english
    assert "GREEN1" not in english
    assert "Past end of service life" in english
    assert "Plan a hardware refresh" in english
    chinese = _pdf_text(health_services.render_pdf(check, "zh-hans"))
    assert "RED1" in chinese
    # Words the catalogue already holds (the app's own strings join it when /tmp/po is merged).
    assert "服务器" in chinese
    assert "型号" in chinese
    assert "健康" in chinese
    assert "Model" not in chinese
    assert "Healthy" not in chinese


def test_a_contract_schedule_sends_the_pdf_once_per_period(
    fleet: list[Server], customer_a: Organisation, make_user: Callable[..., User]
) -> None:
    from sasms.contracts.models import Contract, ServiceProduct
    from sasms.core.models import OutboxMessage

    manager = make_user(Role.SERVICE_MANAGER)
    contract = Contract.objects.create(
        number="C-1",
        organisation=customer_a,
        product=ServiceProduct.objects.order_by("pk")[0],
        start_date=TODAY - datetime.timedelta(days=10),
        end_date=TODAY + datetime.timedelta(days=300),
        status="active",
    )
    schedule = health_services.save_schedule(
        actor=manager, contract=contract, frequency="monthly", recipients="it@a.example", language="en"
    )
    assert schedule.next_run > TODAY
    assert health_services.run_due_schedules(today=schedule.next_run - datetime.timedelta(days=1)) == 0
    assert health_services.run_due_schedules(today=schedule.next_run) == 1
    assert health_services.run_due_schedules(today=schedule.next_run) == 0
    [mail] = OutboxMessage.objects.filter(topic="email")
    assert mail.payload["to"] == ["it@a.example"]
    assert mail.payload["attachments"][0]["name"].endswith("-en.pdf")
