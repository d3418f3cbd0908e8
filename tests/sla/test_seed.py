"""The data migration's presets and ``sasms sla_seed_holidays``."""

import datetime
import io

import pytest
from django.core.management import call_command

from sasms.core.models import AuditEntry
from sasms.sla import services
from sasms.sla.models import BusinessCalendar, SpecialDay
from sasms.sla.presets import public_holidays_cn

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_four_presets_in_shanghai():
    calendars = {c.code: c for c in BusinessCalendar.objects.all()}
    assert {"cn-5x9", "cn-5x10", "cn-5x12", "7x24"} <= set(calendars)
    assert all(c.time_zone == "Asia/Shanghai" for c in calendars.values())
    assert calendars["7x24"].is_24x7
    hours = {
        code: sorted(calendars[code].intervals.values_list("weekday", "start_minute", "end_minute"))
        for code in ("cn-5x9", "cn-5x10", "cn-5x12")
    }
    assert hours["cn-5x9"] == [(d, 540, 1080) for d in range(5)]
    assert hours["cn-5x10"] == [(d, 510, 1110) for d in range(5)]
    assert hours["cn-5x12"] == [(d, 480, 1200) for d in range(5)]
    assert calendars["7x24"].intervals.count() == 7
    national_day = SpecialDay.objects.filter(
        calendar=calendars["cn-5x9"], date__range=(datetime.date(2026, 10, 1), datetime.date(2026, 10, 10))
    )
    assert sorted((d.date.day, d.kind) for d in national_day) == [
        *((day, "holiday") for day in range(1, 8)),
        (10, "workday"),
    ]
    assert "国庆节" in national_day.earliest("date").name
    seeded = SpecialDay.objects.filter(calendar=calendars["cn-5x9"], source="seed")
    assert seeded.count() == len(public_holidays_cn())


def test_the_command_refreshes_and_keeps_hand_entries(cn_5x9, manager, django_assert_max_num_queries):
    own = services.add_special_day(
        actor=manager, calendar=cn_5x9, date=datetime.date(2026, 12, 24), kind="holiday", name="Company day"
    )
    seeded = SpecialDay.objects.get(calendar=cn_5x9, date=datetime.date(2026, 10, 1))
    services.update_special_day(actor=manager, special_day=seeded, name="国庆 (ours)")
    out = io.StringIO()
    with django_assert_max_num_queries(60):  # bulk: no query per day or per year
        call_command("sla_seed_holidays", stdout=out)
    assert "cn-5x9:" in out.getvalue()
    assert SpecialDay.objects.filter(pk=own.pk).exists()
    assert SpecialDay.objects.get(calendar=cn_5x9, date=datetime.date(2026, 10, 1)).name == "国庆 (ours)"
    kept_and_seeded = SpecialDay.objects.filter(calendar=cn_5x9, source__in=["seed", "manual"])
    assert kept_and_seeded.count() == len(public_holidays_cn()) + 1
    assert AuditEntry.objects.filter(action="sla_calendar.seed_holidays", channel="cli").count() == 3


def test_the_command_for_one_calendar(cn_5x9):
    out = io.StringIO()
    call_command("sla_seed_holidays", "--calendar", "cn-5x9", stdout=out)
    assert "cn-5x10" not in out.getvalue()
    with pytest.raises(Exception, match="No calendar"):
        call_command("sla_seed_holidays", "--calendar", "nope", stdout=out)


def test_a_public_holiday_replaced_by_a_workday_survives_a_refresh(cn_5x9, manager):
    national_day = datetime.date(2026, 10, 1)
    seeded = SpecialDay.objects.get(calendar=cn_5x9, date=national_day)
    services.remove_special_day(actor=manager, special_day=seeded)
    services.add_special_day(
        actor=manager, calendar=cn_5x9, date=national_day, kind="workday", name="On duty"
    )
    call_command("sla_seed_holidays", stdout=io.StringIO())
    kept = SpecialDay.objects.get(calendar=cn_5x9, date=national_day)
    assert (kept.kind, kept.source) == ("workday", "manual")
