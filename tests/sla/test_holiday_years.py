"""Public-holiday years beyond the library's data: provisional years, official imports, clocks.

``chinese-calendar`` knows the announced schedules up to 2026. Later years are provisional,
computed from the statutory list, until the State Council's schedule is imported. Times are
Asia/Shanghai; the 5×9 calendar works Mon–Fri 09:00–18:00.
"""

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]
import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.errors import ServiceError
from sasms.sla import holidays, selectors, services, specs
from sasms.sla.calendar_math import is_business_time
from sasms.sla.clocks.replay import verify
from sasms.sla.models import (
    BusinessCalendar,
    ClockEntry,
    HolidayYear,
    SlaClock,
    SpecialDay,
)
from sasms.sla.presets import seed_years
from sasms.sla.schedule_files import ScheduleDay, ScheduleFileError, parse_csv, parse_ics, parse_schedule
from sasms.sla.statutory import lunar_day, lunar_new_years_eve, provisional_holidays, qingming, statutory_days
from sasms.sla.tasks import provision_holidays
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)


def sh(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SH)  # type: ignore[arg-type, misc]


@pytest.fixture
def travel() -> Iterator[Callable[[datetime.datetime], None]]:
    travellers: list[Any] = []

    def go(moment: datetime.datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def warranty_server(customer_a: Organisation) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7WARR27",
        organisation=customer_a,
        warranty_start=datetime.date(2025, 1, 1),
        warranty_end=datetime.date(2029, 12, 31),
    )


@pytest.fixture
def provisional_2027(cn_5x9: BusinessCalendar) -> BusinessCalendar:
    # The migration provisions the two years after the current one; a test database made in
    # another year still needs 2027, so it is asked for (idempotent).
    holidays.provision_years(actor=None, years=[2027, 2028])
    cn_5x9.refresh_from_db()
    return cn_5x9


def status_of(calendar: BusinessCalendar, year: int) -> str:
    return selectors.year_statuses(calendar, [year])[year].status


# --- The statutory computation ------------------------------------------------------------------


def test_lunar_and_solar_term_dates_of_2027_come_from_the_library():
    assert lunar_new_years_eve(2027) == datetime.date(2027, 2, 5)
    assert qingming(2027) == datetime.date(2027, 4, 5)
    assert lunar_day(2027, 5, 5) == datetime.date(2027, 6, 9)
    assert lunar_day(2027, 8, 15) == datetime.date(2027, 9, 15)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_days_are_off_in_the_announced_schedules(year):
    # The years under the 2024 amendment that the library knows: every statutory day is off.
    for day, festival in statutory_days(year):
        assert chinese_calendar.is_holiday(day), (day, festival)


def test_provisional_2027_has_the_statutory_days_and_substitutes_but_no_make_up_workdays():
    days = {day.date: day.name for day in provisional_holidays(2027)}
    spring = [datetime.date(2027, 2, 5) + datetime.timedelta(days=n) for n in range(4)]
    assert all("春节" in days[day] for day in spring)
    # 6 and 7 February are a weekend: made up on the next two weekdays (补假).
    assert "补假" in days[datetime.date(2027, 2, 9)]
    assert "补假" in days[datetime.date(2027, 2, 10)]
    assert datetime.date(2027, 1, 1) in days
    assert len(statutory_days(2027)) == 13


# --- Statuses, the migration and the periodic job -----------------------------------------------


def test_the_migration_made_the_library_years_official_and_the_next_years_provisional(cn_5x9, cal_7x24):
    first, last = seed_years()
    assert status_of(cn_5x9, last) == "official"
    assert HolidayYear.objects.get(calendar=cn_5x9, year=first).source == "library"
    this_year = datetime.date.today().year
    for year in range(max(last + 1, this_year), this_year + 3):
        row = HolidayYear.objects.get(calendar=cn_5x9, year=year)
        assert (row.status, row.source) == ("provisional", "statute")
        assert SpecialDay.objects.filter(calendar=cn_5x9, date__year=year, source="provisional").exists()
    assert status_of(cal_7x24, 2027) == "n/a"


def test_a_year_without_data_is_missing_until_computed(cn_5x9, manager):
    assert status_of(cn_5x9, 2031) == "missing"
    assert not SpecialDay.objects.filter(calendar=cn_5x9, date__year=2031).exists()
    version = cn_5x9.version
    done = holidays.provision_years(actor=manager, years=[2031], calendar=cn_5x9)
    assert done == {"cn-5x9": [2031]}
    assert status_of(cn_5x9, 2031) == "provisional"
    eve = SpecialDay.objects.get(calendar=cn_5x9, date=datetime.date(2031, 1, 22))
    assert (eve.kind, eve.source) == ("holiday", "provisional")
    assert BusinessCalendar.objects.get(pk=cn_5x9.pk).version == version + 1
    # Asking again changes nothing.
    assert holidays.provision_years(actor=manager, years=[2031], calendar=cn_5x9) == {}
    assert BusinessCalendar.objects.get(pk=cn_5x9.pk).version == version + 1


def test_a_calendar_without_a_region_is_missing_and_cannot_be_computed(manager):
    own = services.create_calendar(actor=manager, name="Berlin", code="berlin", time_zone="Europe/Berlin")
    assert status_of(own, 2027) == "missing"
    with pytest.raises(ServiceError):
        holidays.provision_years(actor=manager, years=[2027], calendar=own)
    assert status_of(own, 2027) == "missing"


def test_the_periodic_job_keeps_the_next_years_provisioned(cn_5x9, travel):
    travel(sh(2030, 6, 1, 12, 0))
    provision_holidays()
    for year in (2030, 2031, 2032):
        assert status_of(cn_5x9, year) == "provisional"
    _first, last = seed_years()
    assert status_of(cn_5x9, last) == "official"  # never replaced by a computation


# --- Due times at the 2026/2027 boundary and over Spring Festival 2027 --------------------------


def test_a_request_opened_on_new_years_eve_afternoon_skips_new_years_day(provisional_2027):
    due = specs.due_at(calendar_id=provisional_2027.pk, start=sh(2026, 12, 31, 15, 0), duration=4 * HOUR)
    # 15:00–18:00 on 31 December, then 1 January 2027 (provisional holiday) and the weekend.
    assert due == sh(2027, 1, 4, 10, 0)


def test_spring_festival_2027_is_off_while_provisional(provisional_2027):
    spec = specs.calendar_spec_for(provisional_2027.pk, years=(2026, 2028))
    for day in range(5, 9):
        assert not is_business_time(spec, sh(2027, 2, day, 10, 0))
    due = specs.due_at(calendar_id=provisional_2027.pk, start=sh(2027, 2, 4, 17, 0), duration=2 * HOUR)
    assert due == sh(2027, 2, 11, 10, 0)  # 5–8 February and the substitute days 9–10 are off


def test_the_clock_of_a_request_opened_on_31_december_falls_due_after_new_years_day(
    provisional_2027, customer_a, warranty_server, travel
):
    travel(sh(2026, 12, 31, 15, 0))
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=warranty_server, title="Disk"
    )
    resolution = SlaClock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.target_minutes == 3 * 540
    # 180 min on 31 December; 1 January off; 4 and 5 January; 360 min on 6 January.
    assert resolution.due_at == sh(2027, 1, 6, 15, 0)
    started = ClockEntry.objects.get(clock=resolution, kind="started")
    assert started.data["provisional_years"] == [2027]
    assert started.data["calendar_version"] == provisional_2027.version


# --- The official schedule -----------------------------------------------------------------------

# A schedule as the State Council might announce it (for the tests, not the real 2027 one).
SCHEDULE_2027 = """start,end,kind,name
2027-01-01,2027-01-03,holiday,元旦
2027-02-05,2027-02-12,holiday,春节
2027-02-14,,workday,春节调休
2027-04-03,2027-04-05,holiday,清明节
"""


def _days() -> list[ScheduleDay]:
    return parse_csv(SCHEDULE_2027)


def test_the_preview_changes_nothing_and_the_import_makes_the_year_official(provisional_2027, manager):
    before = list(SpecialDay.objects.filter(calendar=provisional_2027).values_list("pk", "date", "source"))
    plans = holidays.plan_schedule(actor=manager, calendar=provisional_2027, year=2027, days=_days())
    assert len(plans) == 1
    plan = plans[0]
    assert plan.status_before == "provisional"
    assert datetime.date(2027, 2, 14) in {d.date for d in plan.added}
    assert datetime.date(2027, 5, 1) in {date for date, _kind, _name in plan.removed}
    assert (
        list(SpecialDay.objects.filter(calendar=provisional_2027).values_list("pk", "date", "source"))
        == before
    )

    holidays.import_schedule(actor=manager, calendar=provisional_2027, year=2027, days=_days(), note="test")
    row = HolidayYear.objects.get(calendar=provisional_2027, year=2027)
    assert (row.status, row.source) == ("official", "imported")
    year_days = SpecialDay.objects.filter(calendar=provisional_2027, date__year=2027)
    assert set(year_days.values_list("source", flat=True)) == {"official"}
    assert year_days.get(date=datetime.date(2027, 2, 14)).kind == "workday"
    assert not year_days.filter(date=datetime.date(2027, 5, 1)).exists()  # provisional day replaced
    # Other years are untouched, and a later refresh or provisioning keeps the imported year.
    assert status_of(provisional_2027, 2028) == "provisional"
    call_command("sla_seed_holidays", stdout=io.StringIO())
    holidays.provision_years(actor=None, years=[2027])
    assert HolidayYear.objects.get(calendar=provisional_2027, year=2027).source == "imported"
    assert year_days.get(date=datetime.date(2027, 2, 14)).source == "official"


def test_the_import_can_cover_every_cn_calendar_and_keeps_hand_entries(provisional_2027, manager):
    own = services.add_special_day(
        actor=manager,
        calendar=provisional_2027,
        date=datetime.date(2027, 2, 12),
        kind="workday",
        name="On duty",
    )
    plans = holidays.import_schedule(
        actor=manager, calendar=provisional_2027, year=2027, days=_days(), all_cn=True
    )
    assert plans[0].calendar.code == "cn-5x9"
    assert {p.calendar.code for p in plans} == {"cn-5x9", "cn-5x10", "cn-5x12"}
    assert plans[0].kept_manual == [(datetime.date(2027, 2, 12), "workday", "On duty")]
    assert SpecialDay.objects.get(pk=own.pk).kind == "workday"
    for code in ("cn-5x10", "cn-5x12"):
        assert status_of(BusinessCalendar.objects.get(code=code), 2027) == "official"
    assert status_of(BusinessCalendar.objects.get(code="7x24"), 2027) == "n/a"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13-01,,holiday,x", "YYYY-MM-DD"),
        ("2027-01-01,,vacation,x", "holiday"),
        ("2027-01-05,2027-01-01,holiday,x", "before the start"),
        ("2027-01-01,,holiday,x\n2027-01-01,,workday,y", "both"),
        ("2027-01-01", "start,end,kind,name"),
        ("", "no days"),
    ],
)
def test_bad_schedules_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ScheduleFileError) as caught:
        parse_csv(text)
    assert message in " ".join(caught.value.messages)


def test_a_schedule_of_another_year_or_without_holidays_changes_nothing(provisional_2027, manager):
    before = (BusinessCalendar.objects.get(pk=provisional_2027.pk).version, SpecialDay.objects.count())
    with pytest.raises(ServiceError) as caught:
        holidays.import_schedule(actor=manager, calendar=provisional_2027, year=2028, days=_days())
    assert "not in 2028" in caught.value.fields["file"][0]
    workdays_only = [ScheduleDay(datetime.date(2027, 2, 14), "workday", "调休")]
    with pytest.raises(ServiceError):
        holidays.import_schedule(actor=manager, calendar=provisional_2027, year=2027, days=workdays_only)
    assert (
        BusinessCalendar.objects.get(pk=provisional_2027.pk).version,
        SpecialDay.objects.count(),
    ) == before
    assert status_of(provisional_2027, 2027) == "provisional"


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//holidays//CN\r
BEGIN:VEVENT\r
UID:1@test\r
DTSTART;VALUE=DATE:20270205\r
DTEND;VALUE=DATE:20270213\r
SUMMARY:\xe6\x98\xa5\xe8\x8a\x82\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@test\r
DTSTART;VALUE=DATE:20270214\r
SUMMARY:\xe6\x98\xa5\xe8\x8a\x82 \xe8\xa1\xa5\xe7\x8f\xad\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_icalendar_file_reads_holiday_ranges_and_make_up_workdays():
    days = parse_schedule(filename="2027.ics", content=ICS)
    holidays_ = [d.date for d in days if d.kind == "holiday"]
    assert holidays_[0] == datetime.date(2027, 2, 5)
    assert holidays_[-1] == datetime.date(2027, 2, 12)  # DTEND is exclusive
    assert [d.date for d in days if d.kind == "workday"] == [datetime.date(2027, 2, 14)]
    with pytest.raises(ScheduleFileError):
        parse_ics(b"BEGIN:VCALENDAR\r\nthis is not\r\n")


# --- Running clocks follow the change ------------------------------------------------------------


def test_an_import_re_targets_running_clocks_and_verify_agrees(
    provisional_2027, customer_a, warranty_server, manager, travel
):
    travel(sh(2027, 2, 4, 10, 0))
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=warranty_server, title="Fan"
    )
    resolution = SlaClock.objects.get(ticket=ticket, kind="resolution")
    # 480 min on 4 February; 5–10 February provisional holidays; 11 and 12 February; 60 min on the 15th.
    assert resolution.due_at == sh(2027, 2, 15, 10, 0)
    out = io.StringIO()
    call_command("sla", "verify", stdout=out)
    assert f"{ticket.number} resolution" in out.getvalue()
    assert "on provisional holidays (2027)" in out.getvalue()

    travel(sh(2027, 2, 4, 11, 0))
    holidays.import_schedule(actor=manager, calendar=provisional_2027, year=2027, days=_days())
    resolution.refresh_from_db()
    # Official: 5–12 February off, Sunday 14 February a make-up workday.
    assert resolution.due_at == sh(2027, 2, 16, 10, 0)
    entry = ClockEntry.objects.filter(clock=resolution, kind="retargeted").get()
    version = BusinessCalendar.objects.get(pk=provisional_2027.pk).version
    assert entry.data["calendar_version"] == version
    assert "provisional_years" not in entry.data
    assert entry.data["previous_due"] == sh(2027, 2, 15, 10, 0).astimezone(datetime.UTC).isoformat()
    assert verify(ticket_ids=[ticket.pk])[1] == []
    out = io.StringIO()
    call_command("sla", "verify", stdout=out)
    assert f"{ticket.number} resolution" not in out.getvalue()
    assert Ticket.objects.filter(pk=ticket.pk).exists()


# --- What people see -----------------------------------------------------------------------------


def test_managers_see_the_banner_and_the_statuses_agents_do_not(
    provisional_2027, manager, make_user: Callable[..., User], client_for, travel
):
    from django.urls import reverse

    cache.clear()
    travel(sh(2026, 12, 7, 10, 0))
    page = client_for(manager).get(reverse("sla:calendar_list"))
    assert page.status_code == 200
    notice = page.context["sla_holiday_notices"]
    assert (2027, "provisional", 3) in notice
    assert 'data-testid="holiday-notice"' in page.content.decode()
    assert "2027 Provisional" in page.content.decode()
    agent_page = client_for(make_user(Role.AGENT)).get(reverse("sla:calendar_list"))
    assert "sla_holiday_notices" not in agent_page.context
    detail = client_for(manager).get(
        reverse("sla:calendar_detail", args=[provisional_2027.pk]), {"year": 2027}
    )
    assert detail.context["year_status"].status == "provisional"
    assert 'data-status="provisional"' in detail.content.decode()

    # Before October only the current year is watched; an official year raises nothing.
    cache.clear()
    travel(sh(2027, 9, 1, 10, 0))
    holidays.import_schedule(actor=manager, calendar=provisional_2027, year=2027, days=_days(), all_cn=True)
    page = client_for(manager).get(reverse("sla:calendar_list"))
    assert "sla_holiday_notices" not in page.context


def test_the_api_shows_each_calendars_years(provisional_2027, manager, api_for, travel):
    travel(sh(2026, 12, 7, 10, 0))
    response = api_for(manager).get(f"/api/v1/sla/calendars/{provisional_2027.pk}/")
    assert response.status_code == 200
    years = {row["year"]: row["status"] for row in response.json()["holiday_years"]}
    assert years[2026] == "official"
    assert years[2027] == "provisional"


def test_the_schedule_page_previews_then_imports_and_bad_files_change_nothing(
    provisional_2027, manager, client_for
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(manager)
    url = reverse("sla:official_schedule", args=[provisional_2027.pk])
    assert client.get(url).status_code == 200
    before = SpecialDay.objects.count()
    bad = client.post(url, {"year": 2027, "file": SimpleUploadedFile("x.csv", b"2027-02-30,,holiday,x")})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.context["form"].errors["file"][0]
    preview = client.post(url, {"year": 2027, "file": SimpleUploadedFile("2027.ics", ICS)})
    assert preview.status_code == 200
    assert preview.context["plans"][0].added
    assert SpecialDay.objects.count() == before
    assert status_of(provisional_2027, 2027) == "provisional"
    confirm = preview.context["confirm_form"]
    done = client.post(url, {"year": 2027, "text": confirm.initial["text"], "confirm": "True"})
    assert done.status_code == 302
    assert status_of(provisional_2027, 2027) == "official"
    assert (
        SpecialDay.objects.get(calendar=provisional_2027, date=datetime.date(2027, 2, 14)).kind == "workday"
    )
