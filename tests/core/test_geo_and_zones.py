"""The kernel's distance and time-zone helpers, which dispatch, parts and field service share."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.test import override_settings

from sasms.core import geo, zones
from sasms.dispatch import geo as dispatch_geo
from sasms.field.services import steps
from sasms.parts import geo as parts_geo

BEIJING = (39.908722, 116.397499)  # Tian'anmen
SHANGHAI = (31.230416, 121.473701)  # People's Square


def test_one_earth_radius_gives_known_distances() -> None:
    # Beijing–Shanghai is 1 068 km on the mean sphere (great-circle, not by road).
    assert geo.great_circle_km(*BEIJING, *SHANGHAI) == pytest.approx(1068.1, abs=0.5)
    # One degree of longitude on the equator is 2πR / 360.
    assert geo.great_circle_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.001)
    assert geo.great_circle_m(0, 0, 0, 1) == pytest.approx(111_195, abs=1)
    assert geo.great_circle_km(*BEIJING, *BEIJING) == 0
    # Antipodes: half the circumference, no domain error from rounding.
    assert geo.great_circle_km(0, 0, 0, 180) == pytest.approx(geo.EARTH_RADIUS_KM * np.pi)


def test_decimal_coordinates_as_stored_measure_the_same() -> None:
    decimal = geo.great_circle_km(
        Decimal("39.908722"), Decimal("116.397499"), Decimal("31.230416"), 121.473701
    )
    assert decimal == geo.great_circle_km(*BEIJING, *SHANGHAI)


def test_dispatch_parts_and_field_measure_with_the_kernel() -> None:
    expected = geo.great_circle_km(*BEIJING, *SHANGHAI)
    assert dispatch_geo.great_circle_km(*BEIJING, *SHANGHAI) == expected
    assert parts_geo.distance_km(*BEIJING, *SHANGHAI) == expected
    assert parts_geo.distance_km(None, 1, 2, 3) is None
    # The check-in distance is the kernel's own function.
    assert vars(steps)["great_circle_m"] is geo.great_circle_m
    matrix = dispatch_geo.distance_matrix_km(
        np.array([BEIJING[0], np.nan]),
        np.array([BEIJING[1], 0.0]),
        np.array([SHANGHAI[0]]),
        np.array([SHANGHAI[1]]),
    )
    assert matrix.shape == (2, 1)
    assert matrix[0, 0] == pytest.approx(expected)
    assert np.isnan(matrix[1, 0])


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_zone_names_fall_back_to_the_installation_zone() -> None:
    assert zones.zone_named("Asia/Urumqi") == ZoneInfo("Asia/Urumqi")
    assert zones.zone_named("") == ZoneInfo("Asia/Shanghai")
    assert zones.zone_named("Mars/Olympus_Mons") == ZoneInfo("Asia/Shanghai")
    assert zones.zone_named("../../etc/passwd") == ZoneInfo("Asia/Shanghai")
    assert zones.first_zone("", "Nowhere/Else", "Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert zones.first_zone(None, "") == ZoneInfo("Asia/Shanghai")


def test_the_day_of_an_instant_is_the_zone_s_day() -> None:
    instant = datetime.datetime(2026, 1, 1, 16, 30, tzinfo=datetime.UTC)
    assert zones.day_in(ZoneInfo("Asia/Shanghai"), instant) == datetime.date(2026, 1, 2)
    assert zones.day_in(ZoneInfo("UTC"), instant) == datetime.date(2026, 1, 1)
    # Naive instants are read as UTC.
    assert zones.day_in(ZoneInfo("Asia/Shanghai"), instant.replace(tzinfo=None)) == datetime.date(2026, 1, 2)
