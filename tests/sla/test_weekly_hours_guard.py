"""A calendar is never left without business time: the form and the service refuse an empty week."""

import pytest
from django.urls import reverse

from sasms.core.errors import ServiceError
from sasms.core.models import AuditEntry
from sasms.sla import services
from sasms.sla.models import BusinessCalendar, WorkingInterval

pytestmark = pytest.mark.django_db


def _hours(calendar: BusinessCalendar) -> list[tuple[int, int, int]]:
    return list(
        WorkingInterval.objects.filter(calendar=calendar)
        .order_by("weekday", "start_minute")
        .values_list("weekday", "start_minute", "end_minute")
    )


def test_an_empty_post_does_not_wipe_the_weekly_hours(manager, cn_5x9, client_for):
    before = (_hours(cn_5x9), BusinessCalendar.objects.get(pk=cn_5x9.pk).version, AuditEntry.objects.count())
    url = reverse("sla:calendar_hours", args=[cn_5x9.pk])
    for data in ({}, dict.fromkeys(services.WEEKDAY_FIELDS, "")):
        response = client_for(manager).post(url, data)
        assert response.status_code == 400
        errors = response.context["form"].non_field_errors()
        assert "at least one weekday" in errors[0]
        assert "at least one weekday" in response.content.decode()
    after = (_hours(cn_5x9), BusinessCalendar.objects.get(pk=cn_5x9.pk).version, AuditEntry.objects.count())
    assert after == before
    assert len(before[0]) == 5


def test_unreadable_days_are_reported_without_the_empty_week_message(manager, cn_5x9, client_for):
    url = reverse("sla:calendar_hours", args=[cn_5x9.pk])
    response = client_for(manager).post(url, {"monday": "nine to six"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "HH:MM" in form.errors["monday"][0]
    assert not form.non_field_errors()


def test_the_service_refuses_an_empty_week(manager, cn_5x9):
    before = _hours(cn_5x9)
    with pytest.raises(ServiceError) as caught:
        services.set_weekly_hours(actor=manager, calendar=cn_5x9, hours={day: [] for day in range(7)})
    assert caught.value.code == "no_business_time"
    assert "at least one weekday" in caught.value.message
    assert _hours(cn_5x9) == before


def test_one_working_day_is_enough(manager, cn_5x9):
    services.set_weekly_hours(actor=manager, calendar=cn_5x9, hours={5: [(600, 960)]})
    assert _hours(cn_5x9) == [(5, 600, 960)]
