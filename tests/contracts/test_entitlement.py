import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasms.accounts import services as account_services
from sasms.assets.models import Server, ServerStatus
from sasms.contracts.entitlement import entitlement_for, local_day
from sasms.contracts.models import ContractStatus

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def test_active_contract_covers_within_its_dates(server_a, make_contract):
    contract = make_contract(server_a.organisation, servers=[server_a])
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert result.covered is True
    assert result.source == "contract"
    assert result.reason == "contract"
    assert result.contract == contract
    assert result.product == contract.product
    assert result.coverage_ends == D(2026, 12, 31)
    assert contract.number in result.reason_text


def test_contract_wins_over_the_warranty(make_server, customer_a, make_contract):
    server = make_server(customer_a, warranty_start=D(2025, 1, 1), warranty_end=D(2028, 1, 1))
    contract = make_contract(customer_a, servers=[server])
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.source, result.contract) == ("contract", contract)


def test_best_product_wins_among_contracts(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a], code="nbd-5x9", end=D(2027, 6, 30))
    best = make_contract(server_a.organisation, servers=[server_a], code="mission-critical-7x24x4")
    make_contract(server_a.organisation, servers=[server_a], code="basic-warranty", end=D(2028, 1, 1))
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert result.contract == best
    assert result.product is not None
    assert result.product.code == "mission-critical-7x24x4"


def test_equal_products_prefer_the_later_end(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a], end=D(2026, 9, 30))
    later = make_contract(server_a.organisation, servers=[server_a], end=D(2027, 3, 31))
    assert entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00")).contract == later


def test_warranty_only(make_server, customer_a):
    server = make_server(customer_a, warranty_start=D(2024, 1, 1), warranty_end=D(2027, 1, 1))
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.source, result.reason) == (True, "warranty", "warranty")
    assert result.contract is None
    assert result.product is None
    assert result.coverage_ends == D(2027, 1, 1)


def test_warranty_ended(make_server, customer_a):
    server = make_server(customer_a, warranty_start=D(2020, 1, 1), warranty_end=D(2023, 1, 1))
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.source, result.reason) == (False, "none", "warranty_ended")
    assert "2023-01-01" in result.reason_text


@pytest.mark.parametrize("status", [ContractStatus.ACTIVE, ContractStatus.EXPIRED])
def test_contract_expired(server_a, make_contract, status):
    contract = make_contract(server_a.organisation, servers=[server_a], end=D(2026, 3, 31), status=status)
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.reason) == (False, "contract_expired")
    assert contract.number in result.reason_text
    assert "2026-03-31" in result.reason_text


def test_terminated_contract_is_reported_as_ended(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a], status=ContractStatus.TERMINATED)
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.reason) == (False, "contract_expired")
    assert "terminated" in result.reason_text


def test_contract_expired_wins_over_warranty_ended_in_the_reason(make_server, customer_a, make_contract):
    server = make_server(customer_a, warranty_start=D(2020, 1, 1), warranty_end=D(2023, 1, 1))
    make_contract(customer_a, servers=[server], end=D(2026, 3, 31))
    assert entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00")).reason == "contract_expired"


def test_not_on_contract(server_a, make_contract):
    # A contract of the same customer that does not list this server covers nothing here.
    make_contract(server_a.organisation)
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.source, result.reason) == (False, "none", "not_on_contract")


def test_draft_and_future_contracts_do_not_cover(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a], status=ContractStatus.DRAFT)
    future = make_contract(server_a.organisation, servers=[server_a], start=D(2026, 7, 1))
    result = entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.reason) == (False, "not_on_contract")
    assert future.number in result.reason_text


def test_eosl_blocks_a_contract_that_does_not_cover_it(make_server, customer_a, old_model, make_contract):
    server = make_server(customer_a, model=old_model)
    make_contract(customer_a, servers=[server])
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.reason) == (False, "eosl")
    assert "2025-12-31" in result.reason_text


def test_contract_that_covers_eosl_still_covers(make_server, customer_a, old_model, make_contract):
    server = make_server(customer_a, model=old_model)
    make_contract(customer_a, servers=[server], code="mission-critical-7x24x4")
    eosl_contract = make_contract(customer_a, servers=[server], covers_eosl=True)
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.contract) == (True, eosl_contract)


def test_eosl_also_ends_the_base_warranty(make_server, customer_a, old_model):
    server = make_server(
        customer_a, model=old_model, warranty_start=D(2024, 1, 1), warranty_end=D(2027, 1, 1)
    )
    assert entitlement_for(server=server, at=at("2025-12-30T12:00:00+00:00")).source == "warranty"
    assert entitlement_for(server=server, at=at("2026-01-02T12:00:00+00:00")).reason == "eosl"


def test_eosl_date_itself_counts_as_reached(make_server, customer_a, old_model, make_contract):
    server = make_server(customer_a, model=old_model)
    make_contract(customer_a, servers=[server], start=D(2025, 1, 1))
    # 2025-12-30 16:00 UTC is 31 December 00:00 in Shanghai: EOSL day, like assets' is_eosl().
    assert entitlement_for(server=server, at=at("2025-12-30T15:59:59+00:00")).covered is True
    assert entitlement_for(server=server, at=at("2025-12-30T16:00:00+00:00")).reason == "eosl"


def test_decommissioned_is_never_covered(make_server, customer_a, make_contract):
    server = make_server(
        customer_a,
        status=ServerStatus.DECOMMISSIONED,
        warranty_start=D(2025, 1, 1),
        warranty_end=D(2028, 1, 1),
    )
    Server.objects.filter(pk=server.pk).update(status=ServerStatus.DECOMMISSIONED)
    from sasms.contracts.models import CoveredServer

    contract = make_contract(customer_a)
    CoveredServer.objects.create(contract=contract, server=server)  # added before it was retired
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.covered, result.reason, result.contract) == (False, "decommissioned", None)


def test_contract_of_a_previous_owner_does_not_cover(server_a, customer_b, make_contract):
    make_contract(server_a.organisation, servers=[server_a])
    Server.objects.filter(pk=server_a.pk).update(organisation=customer_b)
    server_a.refresh_from_db()
    assert entitlement_for(server=server_a, at=at("2026-06-01T04:00:00+00:00")).covered is False


# --- Boundaries and time zones ------------------------------------------------------------------


def test_end_date_is_inclusive_until_midnight_in_shanghai(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a])  # ends 2026-12-31, customer in Shanghai
    assert entitlement_for(server=server_a, at=at("2026-12-31T15:59:59+00:00")).covered is True
    result = entitlement_for(server=server_a, at=at("2026-12-31T16:00:00+00:00"))
    assert (result.covered, result.reason) == (False, "contract_expired")


def test_start_date_is_inclusive_from_midnight_in_shanghai(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a])  # starts 2026-01-01
    assert entitlement_for(server=server_a, at=at("2025-12-31T15:59:59+00:00")).covered is False
    assert entitlement_for(server=server_a, at=at("2025-12-31T16:00:00+00:00")).covered is True


def test_site_time_zone_wins_over_the_organisation(make_server, customer_a, site_utc, make_contract):
    server = make_server(customer_a, site=site_utc)
    make_contract(customer_a, servers=[server])
    # 16:00 UTC on the last day: already 1 January in Shanghai, still 31 December at a UTC site.
    assert entitlement_for(server=server, at=at("2026-12-31T16:00:00+00:00")).covered is True
    assert entitlement_for(server=server, at=at("2026-12-31T23:59:59+00:00")).covered is True
    assert entitlement_for(server=server, at=at("2027-01-01T00:00:00+00:00")).covered is False
    assert entitlement_for(server=server, at=at("2025-12-31T16:00:00+00:00")).covered is False
    assert entitlement_for(server=server, at=at("2026-01-01T00:00:00+00:00")).covered is True


def test_organisation_time_zone_without_a_site(make_server, manager, make_contract):
    org = account_services.create_organisation(
        actor=None, name="NY Co", code="ny", kind="customer", time_zone="America/New_York"
    )
    server = make_server(org, warranty_start=D(2025, 1, 1), warranty_end=D(2026, 6, 30))
    # 2026-07-01 03:59 UTC is still 30 June in New York.
    assert entitlement_for(server=server, at=at("2026-07-01T03:59:59+00:00")).source == "warranty"
    assert entitlement_for(server=server, at=at("2026-07-01T04:00:00+00:00")).reason == "warranty_ended"


def test_warranty_boundaries_are_inclusive(make_server, customer_a):
    server = make_server(customer_a, warranty_start=D(2026, 1, 1), warranty_end=D(2026, 1, 31))
    assert entitlement_for(server=server, at=at("2025-12-31T15:59:59+00:00")).covered is False
    assert entitlement_for(server=server, at=at("2025-12-31T16:00:00+00:00")).covered is True
    assert entitlement_for(server=server, at=at("2026-01-31T15:59:59+00:00")).covered is True
    assert entitlement_for(server=server, at=at("2026-01-31T16:00:00+00:00")).covered is False


def test_naive_instants_are_read_as_utc(make_server, customer_a, site_utc):
    server = make_server(customer_a, site=site_utc)
    assert local_day(server, datetime.datetime(2026, 1, 1, 23, 30)) == D(2026, 1, 1)


def test_default_instant_is_now(server_a, make_contract):
    from django.utils import timezone

    today = timezone.now().astimezone(SHANGHAI).date()
    make_contract(server_a.organisation, servers=[server_a], start=today, end=today)
    assert entitlement_for(server=server_a).covered is True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    instant=st.datetimes(
        min_value=datetime.datetime(2025, 12, 25),
        max_value=datetime.datetime(2027, 1, 5),
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(["Asia/Shanghai", "UTC", "America/Los_Angeles", "Pacific/Kiritimati"]),
)
def test_covered_exactly_on_local_days_in_range(server_a, make_contract, instant, zone):
    from sasms.accounts.models import Organisation

    Organisation.objects.filter(pk=server_a.organisation_id).update(time_zone=zone)
    server = Server.objects.select_related("organisation", "model", "site").get(pk=server_a.pk)
    if not server.coverage.exists():
        make_contract(server.organisation, servers=[server])
    expected = D(2026, 1, 1) <= instant.astimezone(ZoneInfo(zone)).date() <= D(2026, 12, 31)
    assert entitlement_for(server=server, at=instant).covered is expected


def test_list_annotation_agrees_with_entitlement(make_server, customer_a, customer_b, make_contract):
    from sasms.contracts.selectors import with_contract_coverage

    on = make_server(customer_a, serial="ON")
    ended = make_server(customer_a, serial="ENDED")
    draft = make_server(customer_a, serial="DRAFT")
    moved = make_server(customer_a, serial="MOVED")
    make_contract(customer_a, servers=[on, moved])
    make_contract(customer_a, servers=[ended], end=D(2026, 3, 31))
    make_contract(customer_a, servers=[draft], status=ContractStatus.DRAFT)
    Server.objects.filter(pk=moved.pk).update(organisation=customer_b)
    rows = with_contract_coverage(Server.objects.all(), day=D(2026, 6, 1))
    flags = dict(rows.values_list("serial", "on_active_contract"))  # type: ignore[misc]
    assert flags == {"ON": True, "ENDED": False, "DRAFT": False, "MOVED": False}


# --- One rule at past instants ------------------------------------------------------------------


def test_expired_contract_covered_the_days_of_its_range(server_a, make_contract):
    # Asked about a request of last spring, a contract that has since run out did cover it then.
    contract = make_contract(
        server_a.organisation, servers=[server_a], end=D(2026, 3, 31), status=ContractStatus.EXPIRED
    )
    result = entitlement_for(server=server_a, at=at("2026-02-01T04:00:00+00:00"))
    assert (result.covered, result.contract) == (True, contract)


def test_a_contract_is_not_reported_ended_before_its_end(make_server, customer_a, make_contract):
    server = make_server(customer_a, warranty_start=D(2020, 1, 1), warranty_end=D(2023, 1, 1))
    make_contract(customer_a, servers=[server], start=D(2027, 1, 1), end=D(2027, 12, 31))
    result = entitlement_for(server=server, at=at("2026-06-01T04:00:00+00:00"))
    assert (result.reason, result.message) == ("warranty_ended", "warranty_ended")


def test_terminated_contract_covers_no_day(server_a, make_contract):
    make_contract(server_a.organisation, servers=[server_a], status=ContractStatus.TERMINATED)
    result = entitlement_for(server=server_a, at=at("2026-03-01T04:00:00+00:00"))
    assert (result.covered, result.message) == (False, "contract_terminated")


@pytest.mark.parametrize(
    ("case", "rule"),
    [("contract", "contract"), ("warranty", "warranty"), ("eosl", "eosl"), ("ended", "uncovered")],
)
def test_rule_names_the_step_that_decided(make_server, customer_a, old_model, make_contract, case, rule):
    from sasms.contracts.entitlement import RULES, rule_of

    if case == "eosl":
        server = make_server(
            customer_a, model=old_model, warranty_start=D(2024, 1, 1), warranty_end=D(2027, 1, 1)
        )
    else:
        server = make_server(customer_a, warranty_start=D(2024, 1, 1), warranty_end=D(2027, 1, 1))
    if case == "contract":
        make_contract(customer_a, servers=[server])
    moment = at("2027-06-01T04:00:00+00:00") if case == "ended" else at("2026-06-01T04:00:00+00:00")
    assert rule_of(entitlement_for(server=server, at=moment)) == rule
    assert rule in RULES
