"""Calendar services: validation names the field and changes nothing; edits bump the version."""

import datetime

import pytest

from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.sla import services
from sasms.sla.models import BusinessCalendar, SpecialDay, WorkingInterval

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 3)


def state(calendar: BusinessCalendar) -> tuple[object, ...]:
    calendar.refresh_from_db()
    return (
        calendar.version,
        calendar.coverage,
        sorted(
            WorkingInterval.objects.filter(calendar=calendar).values_list(
                "weekday", "start_minute", "end_minute"
            )
        ),
        SpecialDay.objects.filter(calendar=calendar).count(),
        AuditEntry.objects.count(),
    )


def test_create_applies_the_preset_and_seeds_holidays(manager):
    calendar = services.create_calendar(
        actor=manager, name="Beijing 5×12", code="bj-5x12", coverage="5x12", holiday_region="cn"
    )
    assert services.weekly_hours_of(calendar)[0] == ((480, 1200),)
    assert SpecialDay.objects.filter(calendar=calendar, date=datetime.date(2026, 10, 1)).exists()
    entry = AuditEntry.objects.get(action="sla_calendar.create")
    assert entry.changes["code"] == [None, "bj-5x12"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"coverage": "custom"}, "coverage"),
        ({"code": "cn-5x9"}, "code"),
        ({"name": "  "}, "name"),
    ],
)
def test_create_refusals_name_the_field(manager, values, field):
    before = BusinessCalendar.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.create_calendar(actor=manager, **{"name": "X", "code": "x", **values})
    assert field in caught.value.fields
    assert BusinessCalendar.objects.count() == before


@pytest.mark.parametrize(
    ("hours", "field", "message"),
    [
        ({0: [(600, 540)]}, "monday", "not after"),
        ({2: [(540, 720), (700, 1080)]}, "wednesday", "overlap"),
        ({6: [(540, 1500)]}, "sunday", "between"),
    ],
)
def test_bad_weekly_hours_change_nothing(manager, cn_5x9, hours, field, message):
    before = state(cn_5x9)
    with pytest.raises(ServiceError) as caught:
        services.set_weekly_hours(actor=manager, calendar=cn_5x9, hours=hours)
    assert message in caught.value.fields[field][0]
    assert state(cn_5x9) == before


def test_weekly_hours_detect_presets_and_bump_the_version(manager, cn_5x9):
    version = cn_5x9.version
    split = {d: [(540, 720), (780, 1080)] for d in range(5)}
    services.set_weekly_hours(actor=manager, calendar=cn_5x9, hours=split)
    cn_5x9.refresh_from_db()
    assert (cn_5x9.coverage, cn_5x9.version) == ("custom", version + 1)
    assert AuditEntry.objects.get(action="sla_calendar.hours").changes["coverage"] == ["5x9", "custom"]
    services.apply_coverage_preset(actor=manager, calendar=cn_5x9, coverage="7x24")
    cn_5x9.refresh_from_db()
    assert (cn_5x9.coverage, cn_5x9.is_24x7) == ("7x24", True)
    services.set_weekly_hours(actor=manager, calendar=cn_5x9, hours={d: [(510, 1110)] for d in range(5)})
    cn_5x9.refresh_from_db()
    assert (cn_5x9.coverage, cn_5x9.is_24x7) == ("5x10", False)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "holiday", "start": 540, "end": 600}, "start"),
        ({"kind": "outage", "start": 600, "end": 540}, "end"),
        ({"kind": "outage", "start": 600}, "end"),
        ({"kind": "outage", "end": 600}, "start"),
        ({"kind": "vacation"}, "kind"),
    ],
)
def test_bad_special_days_change_nothing(manager, cn_5x9, values, field):
    before = state(cn_5x9)
    with pytest.raises(ServiceError) as caught:
        services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, **values)
    assert field in caught.value.fields
    assert state(cn_5x9) == before


def test_special_day_conflicts(manager, cn_5x9):
    services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, kind="outage", start=600, end=720)
    with pytest.raises(Conflict) as overlap:
        services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, kind="outage", start=700, end=800)
    assert "start" in overlap.value.fields
    services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, kind="outage", start=720, end=800)
    services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, kind="holiday", name="Company day")
    with pytest.raises(Conflict) as twice:
        services.add_special_day(actor=manager, calendar=cn_5x9, date=DAY, kind="workday")
    assert "date" in twice.value.fields
    national_day = datetime.date(2026, 10, 1)
    with pytest.raises(Conflict):
        services.add_special_day(actor=manager, calendar=cn_5x9, date=national_day, kind="workday")


def test_update_and_remove_special_days(manager, cn_5x9):
    day = services.add_special_day(
        actor=manager, calendar=cn_5x9, date=DAY, kind="outage", start=600, end=720
    )
    version = BusinessCalendar.objects.get(pk=cn_5x9.pk).version
    services.update_special_day(actor=manager, special_day=day, end=780, name="Power work")
    day.refresh_from_db()
    assert (day.end_minute, day.name) == (780, "Power work")
    with pytest.raises(ServiceError) as caught:
        services.update_special_day(actor=manager, special_day=day, end=500)
    assert "end" in caught.value.fields
    services.remove_special_day(actor=manager, special_day=day)
    assert not SpecialDay.objects.filter(pk=day.pk).exists()
    assert BusinessCalendar.objects.get(pk=cn_5x9.pk).version == version + 2
    actions = list(
        AuditEntry.objects.filter(action__startswith="sla_special_day").values_list("action", flat=True)
    )
    assert sorted(actions) == ["sla_special_day.create", "sla_special_day.delete", "sla_special_day.update"]


def test_update_calendar_and_its_holiday_region(manager, cn_5x9):
    services.update_calendar(actor=manager, calendar=cn_5x9, holiday_region="", description="no holidays")
    assert not SpecialDay.objects.filter(calendar=cn_5x9).exists()
    services.update_calendar(actor=manager, calendar=cn_5x9, holiday_region="cn")
    assert SpecialDay.objects.filter(calendar=cn_5x9).count() > 700
    with pytest.raises(ServiceError) as caught:
        services.update_calendar(actor=manager, calendar=cn_5x9, version=7)
    assert "version" in caught.value.fields


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER, Role.DISPATCHER, Role.ENGINEER])
def test_only_service_managers_and_administrators_edit(make_user, cn_5x9, role):
    user = make_user(role)
    before = state(cn_5x9)
    with pytest.raises(PermissionDenied):
        services.add_special_day(actor=user, calendar=cn_5x9, date=DAY, kind="holiday")
    with pytest.raises(PermissionDenied):
        services.set_weekly_hours(actor=user, calendar=cn_5x9, hours={})
    with pytest.raises(PermissionDenied):
        services.create_calendar(actor=user, name="N", code="n")
    assert state(cn_5x9) == before
    admin = make_user(Role.ADMINISTRATOR)
    services.add_special_day(actor=admin, calendar=cn_5x9, date=DAY, kind="holiday")
