"""The parts demo step on a small fleet: catalogue, depots, a ledger that reconciles, the RMA flow
at every step, reservations for open requests, forecasts."""

import datetime
import random
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import call_command

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import demo as asset_demo
from sasms.parts import demo
from sasms.parts.models import Depot, Forecast, Movement, Part, Reservation, RmaCase, StockPolicy, Transfer
from sasms.parts.reconcile import reconcile
from sasms.tickets.demo import build as ticket_demo


def _quiet(step: str, done: int, total: int) -> None:
    return None


# 800 requests over two years is about one a day, mostly on weekday working hours: on a Monday
# morning the weekend has left no open hardware request to reserve parts for. A Wednesday
# afternoon (Beijing time) gives the small fleet its usual open queue whatever day the test runs.
WEDNESDAY_AFTERNOON = datetime.datetime(2026, 11, 18, 6, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY_AFTERNOON, tick=True)
def test_demo_step_builds_stock_history_that_reconciles(
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., User],
    customer_a: Organisation,
    customer_b: Organisation,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_user(Role.AGENT)
    make_user(Role.ENGINEER)
    monkeypatch.setattr(ticket_demo, "REQUESTS_PER_SCALE", 800)
    asset_demo.build_step(rng=random.Random(1), scale=1, progress=_quiet, state={})
    ticket_demo.build_step(rng=random.Random(2), scale=1, progress=_quiet, state={})
    state: dict[str, object] = {}
    demo.build_step(rng=random.Random(3), scale=1, progress=_quiet, state=state)
    assert 280 <= Part.objects.count() <= 350
    assert Depot.objects.count() == len(demo.DEPOTS)
    assert set(Depot.objects.values_list("kind", flat=True)) == {"central", "regional", "forward"}
    assert Movement.objects.filter(kind="issue", ticket__resolution_code="part_replaced").count() > 100
    statuses = set(RmaCase.objects.values_list("status", flat=True))
    assert len(statuses) >= 3  # cases at several steps of the flow
    assert Reservation.objects.filter(status="reserved").exists()
    assert StockPolicy.objects.exists()
    assert set(Transfer.objects.values_list("status", flat=True)) == {"requested", "shipped", "received"}
    assert Forecast.objects.filter(method="sba").exists()
    assert state["parts"]["parts"] == Part.objects.count()  # type: ignore[index]
    report = reconcile()
    assert report.ok, report.differences[:5]
    call_command("parts_reconcile")
    assert "0 differences" in capsys.readouterr().out
    # Running the step again adds nothing.
    demo.build_step(rng=random.Random(3), scale=1, progress=_quiet, state={})
    assert Depot.objects.count() == len(demo.DEPOTS)
