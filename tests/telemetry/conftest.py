"""Telemetry fixtures: the asset fixtures, and a helper that writes a series' history."""

import datetime
from collections.abc import Callable, Sequence

import pytest

from sasms.assets.models import Server
from sasms.telemetry.models import Sample, Series
from tests.assets.conftest import engineer, make_server, server_a, server_model, site_a, vendor  # noqa: F401

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def history() -> Callable[..., Series]:
    def write(
        server: Server,
        *,
        kind: str,
        metric: str,
        values: Sequence[float],
        label: str = "Part 1",
        part_model: str = "M1",
        uri: str | None = None,
        step: datetime.timedelta = datetime.timedelta(days=1),
        end: datetime.datetime = NOW,
    ) -> Series:
        series = Series.objects.create(
            server=server,
            component_uri=uri or f"/redfish/v1/{kind}/{label}",
            kind=kind,
            label=label,
            part_model=part_model,
            metric=metric,
        )
        count = len(values)
        Sample.objects.bulk_create(
            Sample(series=series, at=end - step * (count - 1 - i), value=v) for i, v in enumerate(values)
        )
        return series

    return write
