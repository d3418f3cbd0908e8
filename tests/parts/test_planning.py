"""Planning: Croston/SBA on known series, the back-test, forecasts from the ledger and the installed
base, min/max alerts through the outbox, purchase suggestions and the stock import."""

import datetime
import io
from collections.abc import Callable

import pytest
from django.utils import timezone

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.core.models import OutboxMessage
from sasms.parts import selectors, services
from sasms.parts.forecast import backtest, croston
from sasms.parts.models import Depot, Forecast, Movement, Part, StockPolicy
from sasms.tickets.models import Ticket
from tests.parts.conftest import balance


def test_croston_on_a_regular_intermittent_series() -> None:
    series = [0, 0, 3] * 8  # three units every third month
    assert croston(series, sba=False) == pytest.approx(1.0)
    assert croston(series) == pytest.approx(0.95)  # SBA: × (1 − α/2)
    assert croston([0, 0, 0]) == 0.0
    assert croston([]) == 0.0
    # Sizes and intervals are smoothed separately: one long gap pulls the rate down by α of it.
    assert croston([2, 0, 2, 0, 0, 0, 2], alpha=0.5, sba=False) == pytest.approx(2 / 2.75)
    with pytest.raises(ValueError):
        croston([1, -1])


def test_backtest_error_on_a_known_series() -> None:
    result = backtest([0, 0, 3] * 8, holdout=6)
    # Each held-out month forecasts 0.95; actuals are 0,0,3,0,0,3 → errors .95 .95 2.05 .95 .95 2.05.
    assert result.periods == 6
    assert result.mae == pytest.approx((4 * 0.95 + 2 * 2.05) / 6)
    # Naive in-sample error: |0-0|,|3-0|,|0-3| … over 17 steps, 11 of them 3.
    assert result.mae is not None
    assert result.mase == pytest.approx(result.mae / (11 * 3 / 17))
    assert backtest([1, 2]).mae is None


@pytest.mark.django_db
def test_forecasts_from_issue_history_and_installed_base(
    clerk: User, disk: Part, board: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    now = timezone.now()
    stock(disk, depots["sh"], 30)
    for months_ago in (2, 5, 8):
        when = now - datetime.timedelta(days=30 * months_ago)
        # Demand history only (written straight to the ledger: the forecast reads nothing else).
        Movement.objects.create(
            kind="issue",
            part=disk,
            depot=depots["sh"],
            condition="new",
            quantity=2,
            on_hand_delta=0,
            reserved_delta=0,
            occurred_at=when,
            ticket=ticket,
        )
    run = services.compute_forecasts(now=now)
    rows = {(f.part.part_number, f.depot.code): f for f in Forecast.objects.select_related("part", "depot")}
    sba = rows[("DISK-4T", "sh-fsl")]
    assert sba.method == "sba"
    assert sba.per_month > 0
    assert sum(sba.history) == 6
    assert len(sba.history) == 24
    assert sba.backtest_mae is not None
    # The server's fitted DISK-4T is installed base near the Shanghai forward depot.
    assert sba.installed_base == 1
    assert run.rows == len(rows)


@pytest.mark.django_db
def test_low_stock_alert_once_per_episode_and_purchase_suggestion(
    clerk: User,
    engineer: User,
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
) -> None:
    stock(disk, depots["sh"], 5)
    services.set_policy(actor=clerk, part=disk, depot=depots["sh"], min_quantity=3, max_quantity=8)
    assert not OutboxMessage.objects.exists()
    services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"], quantity=2)
    assert OutboxMessage.objects.count() == 1  # available 3 = minimum: one alert to the clerk
    [message] = OutboxMessage.objects.all()
    assert message.payload["to"] == [clerk.email]
    assert "DISK-4T" in message.payload["subject"]
    services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["sh"])
    assert OutboxMessage.objects.count() == 1  # same episode
    [policy] = selectors.purchase_suggestions(actor=clerk)
    figures = (policy.available, policy.inbound, policy.suggested)  # type: ignore[attr-defined]
    assert figures == (2, 0, 6)
    services.receive_stock(actor=clerk, part=disk, depot=depots["sh"], quantity=6)
    assert services.sweep_low_stock() == 0
    assert not StockPolicy.objects.get().alert_open
    assert not selectors.purchase_suggestions(actor=clerk).exists()
    with pytest.raises(ServiceError) as error:
        services.set_policy(actor=clerk, part=disk, depot=depots["sh"], min_quantity=5, max_quantity=2)
    assert "max_quantity" in error.value.fields


@pytest.mark.django_db
def test_stock_import_checks_every_row_first(
    clerk: User, disk: Part, board: Part, depots: dict[str, Depot]
) -> None:
    header = "part_number,depot,quantity,condition,serials\n"
    bad = header + "DISK-4T,sh-fsl,4,new,\nNOPE,sh-fsl,2,new,\nMB-R750,nowhere,1,new,MB9\n"
    with pytest.raises(ServiceError) as error:
        services.import_stock(actor=clerk, handle=io.BytesIO(bad.encode()), filename="stock.csv")
    lines = error.value.fields["file"]
    assert lines[0].startswith("Row 3: part_number")
    assert lines[1].startswith("Row 4: depot")
    assert not Movement.objects.exists()
    good = header + "disk-4t,SH-FSL,4,new,\nMB-R750,sh-central,2,refurbished,MB8 MB9\n"
    result = services.import_stock(actor=clerk, handle=io.BytesIO(good.encode()), filename="stock.csv")
    assert (result.rows, result.units) == (2, 6)
    assert balance(disk, depots["sh"]) == (4, 0)
    assert balance(board, depots["central"], "refurbished") == (
        2,
        0,
    )


@pytest.mark.django_db
def test_periodic_jobs_run_as_celery_tasks(
    clerk: User, disk: Part, depots: dict[str, Depot], stock: Callable[..., None]
) -> None:
    from sasms.parts import tasks

    stock(disk, depots["sh"], 1)
    StockPolicy.objects.create(
        part=disk, depot=depots["sh"], min_quantity=2, max_quantity=4
    )  # set behind the services
    assert tasks.low_stock_sweep.apply().get() == 1
    assert OutboxMessage.objects.filter(idempotency_key__startswith="parts:low-stock:").count() == 1
    assert tasks.low_stock_sweep.apply().get() == 0  # the alert is already open
    assert tasks.forecast.apply().get()["months"] == 24
