"""Calendar pages: list, detail, edits with field errors, the htmx calculator, permissions."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from sasms.accounts.roles import Role
from sasms.core.models import AuditEntry
from sasms.sla.models import BusinessCalendar, SpecialDay, WorkingInterval

pytestmark = pytest.mark.django_db


def test_list_filters_and_exports(manager, client_for):
    client = client_for(manager)
    url = reverse("sla:calendar_list")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 4
    assert [row.obj.code for row in client.get(url, {"coverage": "5x12"}).context["rows"]] == ["cn-5x12"]
    partial = client.get(url, {"q": "7x24"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    csv_text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 5
    home = client.get(reverse("core:home"))
    assert "Business calendars" in [
        str(item.label) for group in home.context["nav_menu"] for item in group.items
    ]


@time_machine.travel(datetime.datetime(2026, 9, 1, 4, tzinfo=datetime.UTC), tick=False)
def test_detail_shows_the_week_and_the_special_days_of_a_year(manager, cn_5x9, client_for):
    client = client_for(manager)
    page = client.get(reverse("sla:calendar_detail", args=[cn_5x9.pk]))
    assert page.context["year"] == 2026
    assert page.context["week"][0][1] == "09:00–18:00"
    dates = [d.date for d in page.context["special_days"]]
    assert datetime.date(2026, 10, 1) in dates
    assert all(d.year == 2026 for d in dates)
    older = client.get(reverse("sla:calendar_detail", args=[cn_5x9.pk]), {"year": "2010"})
    assert all(d.date.year == 2010 for d in older.context["special_days"])
    assert b'data-testid="special-day-form"' in page.content


def test_agents_read_but_customers_are_refused(make_user, cn_5x9, client_for, customer_user):
    agent = client_for(make_user(Role.AGENT))
    detail = reverse("sla:calendar_detail", args=[cn_5x9.pk])
    page = agent.get(detail)
    assert page.status_code == 200
    assert b'data-testid="special-day-form"' not in page.content
    customer = client_for(customer_user)
    assert customer.get(reverse("sla:calendar_list")).status_code == 403
    assert customer.get(detail).status_code == 403


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER])
def test_edits_are_refused_without_manage_sla(make_user, cn_5x9, client_for, role):
    client = client_for(make_user(role))
    before = (SpecialDay.objects.count(), WorkingInterval.objects.count(), AuditEntry.objects.count())
    posts = [
        (reverse("sla:special_day_add", args=[cn_5x9.pk]), {"date": "2026-12-01", "kind": "holiday"}),
        (reverse("sla:calendar_hours", args=[cn_5x9.pk]), {"monday": "08:00-12:00"}),
        (reverse("sla:calendar_edit", args=[cn_5x9.pk]), {"name": "x"}),
        (reverse("sla:calendar_create"), {"name": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    day = SpecialDay.objects.filter(calendar=cn_5x9).earliest("date")
    assert client.post(reverse("sla:special_day_remove", args=[cn_5x9.pk, day.pk])).status_code == 403
    assert (SpecialDay.objects.count(), WorkingInterval.objects.count(), AuditEntry.objects.count()) == before


def test_weekly_hours_form(manager, cn_5x9, client_for):
    client = client_for(manager)
    url = reverse("sla:calendar_hours", args=[cn_5x9.pk])
    form = client.get(url).context["form"]
    assert form.initial["monday"] == "09:00-18:00"
    bad = client.post(url, {"monday": "09:00-12:00, 11:00-18:00", "tuesday": "18:00-09:00", "friday": "nine"})
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert "overlap" in errors["monday"][0]
    assert "not after" in errors["tuesday"][0]
    assert "HH:MM" in errors["friday"][0]
    assert services_hours(cn_5x9)[0] == [(540, 1080)]
    good = client.post(url, {"monday": "09:00-12:00，13:00-18:00", "saturday": "10:00-24:00"})
    assert good.status_code == 302
    assert services_hours(cn_5x9)[0] == [(540, 720), (780, 1080)]
    assert services_hours(cn_5x9)[5] == [(600, 1440)]
    preset = client.post(url, {"coverage": "5x12"})
    assert preset.status_code == 302
    assert BusinessCalendar.objects.get(pk=cn_5x9.pk).coverage == "5x12"


def services_hours(calendar: BusinessCalendar) -> dict[int, list[tuple[int, int]]]:
    rows = WorkingInterval.objects.filter(calendar=calendar).order_by("weekday", "start_minute")
    hours: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for row in rows:
        hours[row.weekday].append((row.start_minute, row.end_minute))
    return hours


def test_special_day_form_add_error_and_remove(manager, cn_5x9, client_for):
    client = client_for(manager)
    add = reverse("sla:special_day_add", args=[cn_5x9.pk])
    bad = client.post(add, {"date": "2026-12-01", "kind": "outage", "start": "14:00", "end": "10:00"})
    assert bad.status_code == 400
    assert bad.context["special_form"].errors["end"]
    assert not SpecialDay.objects.filter(calendar=cn_5x9, date="2026-12-01").exists()
    ok = client.post(
        add, {"date": "2026-12-01", "kind": "outage", "start": "10:00", "end": "14:00", "name": "UPS"}
    )
    assert ok.status_code == 302
    day = SpecialDay.objects.get(calendar=cn_5x9, date="2026-12-01")
    assert (day.start_minute, day.end_minute, day.source) == (600, 840, "manual")
    removed = client.post(reverse("sla:special_day_remove", args=[cn_5x9.pk, day.pk]))
    assert removed.status_code == 302
    assert not SpecialDay.objects.filter(pk=day.pk).exists()


def test_calendar_create_and_edit_pages(manager, client_for):
    client = client_for(manager)
    data = {"name": "Shenzhen 5×9", "code": "sz-5x9", "time_zone": "Asia/Shanghai", "coverage": "5x9"}
    created = client.post(reverse("sla:calendar_create"), {**data, "holiday_region": "cn", "is_active": "on"})
    assert created.status_code == 302
    calendar = BusinessCalendar.objects.get(code="sz-5x9")
    duplicate = client.post(reverse("sla:calendar_create"), {**data, "name": "Other"})
    assert "code" in duplicate.context["form"].errors
    edit = client.post(
        reverse("sla:calendar_edit", args=[calendar.pk]),
        {**data, "time_zone": "Europe/Berlin", "holiday_region": "cn", "is_active": "on"},
    )
    assert edit.status_code == 302
    calendar.refresh_from_db()
    assert (calendar.time_zone, calendar.version) == ("Europe/Berlin", 2)


def test_calculator_partial(manager, cn_5x9, client_for):
    client = client_for(manager)
    url = reverse("sla:calendar_calculate", args=[cn_5x9.pk])
    response = client.get(
        url,
        {"start": "2026-09-30T17:00", "duration_minutes": "120", "end": "2026-10-09T09:00"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert response.context["result"]["due"].strftime("%Y-%m-%d %H:%M") == "2026-10-08 10:00"
    assert response.context["result"]["business_minutes"] == 600
    assert b"2026-10-08 10:00:00 CST" in response.content
    assert b"2026-10-08 02:00 UTC" in response.content
    assert b"10 h 00 min" in response.content
    missing = client.get(url, {"start": "2026-09-30T17:00"})
    assert missing.status_code == 400
    assert b'data-testid="calculator-errors"' in missing.content


def test_pages_render_in_chinese(make_user, cn_5x9, client_for):
    client = client_for(make_user(Role.SERVICE_MANAGER, language="zh-hans"))
    for url in (
        reverse("sla:calendar_list"),
        reverse("sla:calendar_detail", args=[cn_5x9.pk]),
        reverse("sla:calendar_hours", args=[cn_5x9.pk]),
        reverse("sla:calendar_edit", args=[cn_5x9.pk]),
        reverse("sla:calendar_create"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert b'<html lang="zh-hans">' in response.content
