"""REST API: calendars, special days (managers write), the compute endpoint, error shapes."""

import pytest

from sasms.accounts.roles import Role
from sasms.sla.models import SpecialDay

pytestmark = pytest.mark.django_db
CALENDARS = "/api/v1/sla/calendars/"
DAYS = "/api/v1/sla/special-days/"


def test_staff_list_and_retrieve_calendars(make_user, api_for, cn_5x9):
    client = api_for(make_user(Role.AGENT))
    listing = client.get(CALENDARS, {"coverage": "5x9"}).json()
    assert [row["code"] for row in listing["results"]] == ["cn-5x9"]
    detail = client.get(f"{CALENDARS}{cn_5x9.pk}/").json()
    assert detail["intervals"][0] == {"weekday": 0, "start": "09:00", "end": "18:00"}
    assert detail["time_zone"] == "Asia/Shanghai"
    assert client.get(f"{CALENDARS}999999/").status_code == 404


def test_customers_are_refused(customer_user, api_for, cn_5x9):
    client = api_for(customer_user)
    for url in (CALENDARS, f"{CALENDARS}{cn_5x9.pk}/", DAYS):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_compute_due_and_business_time(make_user, api_for, cn_5x9):
    client = api_for(make_user(Role.AGENT))
    response = client.post(
        f"{CALENDARS}{cn_5x9.pk}/compute/",
        {"start": "2026-09-30T17:00:00+08:00", "duration_minutes": 120, "end": "2026-10-09T09:00:00+08:00"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-10-08T02:00:00Z"
    assert body["business_seconds"] == 10 * 3600
    assert body["start"] == "2026-09-30T09:00:00Z"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": "yesterday", "duration_minutes": 5}, "start"),
        ({"start": "2026-09-30T17:00:00+08:00"}, "duration_minutes"),
        ({"start": "2026-09-30T17:00:00+08:00", "duration_minutes": -1}, "duration_minutes"),
        ({"start": "2026-09-30T17:00:00+08:00", "duration_minutes": 1, "colour": "red"}, "colour"),
    ],
)
def test_compute_errors_name_the_field(make_user, api_for, cn_5x9, payload, field):
    response = api_for(make_user(Role.AGENT)).post(f"{CALENDARS}{cn_5x9.pk}/compute/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_managers_create_update_and_delete_special_days(manager, api_for, cn_5x9):
    client = api_for(manager)
    created = client.post(
        DAYS,
        {"calendar": cn_5x9.pk, "date": "2026-12-02", "kind": "outage", "start": "10:00", "end": "24:00"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["start"], body["end"], body["source"]) == ("10:00", "24:00", "manual")
    day_url = f"{DAYS}{body['id']}/"
    patched = client.patch(day_url, {"name": "机房断电", "start": "12:00"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["start"] == "12:00"
    listed = client.get(DAYS, {"calendar": cn_5x9.pk, "year": 2026, "kind": "outage"}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert client.delete(day_url).status_code == 204
    assert not SpecialDay.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"date": "2026-12-02", "kind": "outage", "start": "14:00", "end": "10:00"}, 400, "end"),
        ({"date": "2026-12-02", "kind": "outage", "start": "25:00", "end": "26:00"}, 400, "start"),
        ({"date": "2026-12-02", "kind": "holiday", "start": "10:00", "end": "12:00"}, 400, "start"),
        ({"date": "2026-10-01", "kind": "workday"}, 409, "date"),
        ({"date": "not a date", "kind": "holiday"}, 400, "date"),
        ({"date": "2026-12-02", "kind": "party"}, 400, "kind"),
    ],
)
def test_special_day_errors_name_the_field_and_write_nothing(
    manager, api_for, cn_5x9, payload, status, field
):
    before = SpecialDay.objects.count()
    response = api_for(manager).post(DAYS, {"calendar": cn_5x9.pk, **payload}, format="json")
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert SpecialDay.objects.count() == before


def test_unknown_calendar_is_named(manager, api_for):
    response = api_for(manager).post(
        DAYS, {"calendar": 999999, "date": "2026-12-02", "kind": "holiday"}, format="json"
    )
    assert response.status_code == 404
    assert "calendar" in response.json()["error"]["fields"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER])
def test_agents_and_customers_cannot_edit(make_user, api_for, cn_5x9, role):
    client = api_for(make_user(role))
    day = SpecialDay.objects.filter(calendar=cn_5x9).earliest("date")
    before = SpecialDay.objects.count()
    created = client.post(
        DAYS, {"calendar": cn_5x9.pk, "date": "2026-12-02", "kind": "holiday"}, format="json"
    )
    assert created.status_code == 403
    assert client.patch(f"{DAYS}{day.pk}/", {"name": "x"}, format="json").status_code == 403
    assert client.delete(f"{DAYS}{day.pk}/").status_code == 403
    assert SpecialDay.objects.count() == before
