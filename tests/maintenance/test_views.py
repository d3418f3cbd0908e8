"""Pages and API: the dispatcher's plan review and confirmation, the phone's JSON answer endpoint
(what the offline queue sends), the portal's upcoming PM and date request, tenant isolation."""

import datetime
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.contracts.models import Contract
from sasms.maintenance.models import BlackoutWindow, ChecklistItem, DateRequest, PmPlan

pytestmark = pytest.mark.django_db


def test_dispatcher_proposes_reviews_and_confirms_through_the_pages(
    client_for: Callable[[User], Client],
    dispatcher: User,
    engineer: User,
    contract: Contract,
    contact_a: object,
) -> None:
    client = client_for(dispatcher)
    response = client.post(
        reverse("maintenance:plan_create"),
        {"contract": contract.pk, "year_start": "2027-01-01", "capacity_minutes": "480"},
    )
    plan = PmPlan.objects.get(contract=contract)
    assert response.status_code == 302
    assert response["Location"] == reverse("maintenance:plan_detail", args=[plan.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "亦庄数据中心 DC-1" in page.content.decode()
    visit = plan.visits.order_by("planned_date").first()
    assert visit is not None
    refused = client.post(
        reverse("maintenance:plan_visit_edit", args=[plan.pk, visit.pk]),
        {f"v{visit.pk}-planned_date": "2027-02-08", f"v{visit.pk}-engineer": ""},
        follow=True,
    )
    assert "holiday" in refused.content.decode()
    confirmed = client.post(
        reverse("maintenance:plan_confirm", args=[plan.pk]), {"engineer": engineer.pk}, follow=True
    )
    assert confirmed.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "confirmed"
    for name in (
        "plan_list",
        "visit_list",
        "blackout_list",
        "date_request_list",
        "template_list",
        "attainment",
    ):
        listed = client.get(reverse(f"maintenance:{name}"))
        assert listed.status_code == 200, name
    exported = client.get(reverse("maintenance:visit_list") + "?export=csv")
    assert b"PM-2027-A" in b"".join(exported.streaming_content)  # type: ignore[attr-defined]


def test_phone_checklist_page_and_json_answers_from_the_queue(
    client_for: Callable[[User], Client], confirmed: PmPlan, engineer: User
) -> None:
    pm_visit = confirmed.visits.order_by("planned_date").first()
    assert pm_visit is not None
    assert pm_visit.field_visit is not None
    client = client_for(engineer)
    page = client.get(reverse("maintenance:checklist", args=[pm_visit.field_visit.pk]))
    assert page.status_code == 200
    assert "Fans spinning" in page.content.decode()
    server = pm_visit.servers.first()
    assert server is not None
    item = ChecklistItem.objects.filter(template__is_default=True).first()
    assert item is not None
    url = reverse("maintenance:answer", args=[pm_visit.field_visit.pk])
    key = str(uuid.uuid4())
    body = {
        "key": key,
        "step": "pm_answer",
        "occurred_at": "2026-12-01T10:00:00+08:00",
        "server": server.pk,
        "item": item.pk,
        "result": "fault",
    }
    first = client.post(url, body, content_type="application/json", HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    assert first.json()["duplicate"] is False
    again = client.post(url, body, content_type="application/json", HTTP_ACCEPT="application/json")
    assert again.json()["duplicate"] is True
    bad = client.post(
        url, {**body, "key": str(uuid.uuid4()), "result": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "result" in bad.json()["error"]["fields"]
    answer = pm_visit.answers.get()
    raised = client.post(
        reverse("maintenance:finding", args=[pm_visit.field_visit.pk, answer.pk]), follow=True
    )
    answer.refresh_from_db()
    assert answer.finding_ticket is not None
    assert answer.finding_ticket.number in raised.content.decode()
    # The field visit page links the checklist (and asks the service worker to keep it offline).
    visit_page = client.get(reverse("field:visit", args=[pm_visit.field_visit.pk])).content.decode()
    assert (
        f'data-offline-url="{reverse("maintenance:checklist", args=[pm_visit.field_visit.pk])}"' in visit_page
    )


def test_portal_shows_upcoming_pm_and_takes_a_date_request_only_for_own_visits(
    client_for: Callable[[User], Client],
    confirmed: PmPlan,
    make_user: Callable[..., User],
    customer_b: Organisation,
    dispatcher: User,
) -> None:
    customer = make_user(Role.CUSTOMER)
    client = client_for(customer)
    page = client.get(reverse("maintenance:portal"))
    assert page.status_code == 200
    assert "PM-2027-A" in page.content.decode()
    pm_visit = confirmed.visits.order_by("-planned_date").first()
    assert pm_visit is not None
    day = pm_visit.planned_date - datetime.timedelta(days=1)
    b_client = client_for(make_user(Role.CUSTOMER_ADMIN, organisation=customer_b))
    assert "PM-2027-A" not in b_client.get(reverse("maintenance:portal")).content.decode()
    stolen = b_client.post(
        reverse("maintenance:portal_other_date", args=[pm_visit.pk]), {"requested_date": day}
    )
    assert stolen.status_code == 404
    assert not DateRequest.objects.exists()
    client.post(
        reverse("maintenance:portal_other_date", args=[pm_visit.pk]),
        {"requested_date": day, "reason": "Audit"},
    )
    request = DateRequest.objects.get()
    assert request.organisation_id == pm_visit.organisation_id
    assert b_client.get(reverse("maintenance:date_request_list")).content.decode().count("Audit") == 0
    listed = client_for(dispatcher).get(reverse("maintenance:date_request_list")).content.decode()
    assert "Audit" in listed


def test_customer_keeps_own_blackout_windows_through_the_api(
    api_for: Callable[[User], APIClient],
    make_user: Callable[..., User],
    customer_a: Organisation,
    customer_b: Organisation,
) -> None:
    customer = make_user(Role.CUSTOMER_ADMIN)
    api = api_for(customer)
    created = api.post(
        "/api/v1/pm-blackouts/",
        {
            "organisation": customer_a.pk,
            "start_date": "2027-01-25",
            "end_date": "2027-02-05",
            "reason": "Closing",
        },
        format="json",
    )
    assert created.status_code == 201
    other = api.post(
        "/api/v1/pm-blackouts/",
        {"organisation": customer_b.pk, "start_date": "2027-01-25", "end_date": "2027-02-05"},
        format="json",
    )
    assert other.status_code == 404
    assert "organisation" in other.json()["error"]["fields"]
    assert BlackoutWindow.objects.count() == 1
    reversed_dates = api.post(
        "/api/v1/pm-blackouts/",
        {"organisation": customer_a.pk, "start_date": "2027-02-25", "end_date": "2027-02-05"},
        format="json",
    )
    assert reversed_dates.status_code == 400
    assert "end_date" in reversed_dates.json()["error"]["fields"]


def test_api_proposes_confirms_and_reports_attainment(
    api_for: Callable[[User], APIClient],
    dispatcher: User,
    engineer: User,
    contract: Contract,
    contact_a: object,
) -> None:
    api = api_for(dispatcher)
    proposed = api.post(
        "/api/v1/pm-plans/", {"contract": contract.pk, "year_start": "2027-01-01"}, format="json"
    )
    assert proposed.status_code == 201, proposed.content
    plan_id = proposed.json()["id"]
    visits = api.get(f"/api/v1/pm-visits/?plan={plan_id}")
    assert visits.status_code == 200
    confirmed = api.post(f"/api/v1/pm-plans/{plan_id}/confirm/", {"engineer": engineer.pk}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    attainment = api.get("/api/v1/pm-attainment/?start=2027-01-01&end=2027-12-31")
    assert attainment.status_code == 200
    assert attainment.json()["total"]["planned"] == 8
    bad = api.get("/api/v1/pm-attainment/?start=2027-13-01")
    assert bad.status_code == 400


def test_pm_attainment_on_the_customer_and_manager_dashboards(
    client_for: Callable[[User], Client],
    confirmed: PmPlan,
    make_user: Callable[..., User],
    customer_b: Organisation,
) -> None:
    query = "?period=custom&start=2027-01-01&end=2027-12-31"
    customer = client_for(make_user(Role.CUSTOMER, language="en"))
    page = customer.get(reverse("analytics:customer") + query)
    assert page.status_code == 200
    assert "Preventive maintenance attainment" in page.content.decode()
    exported = customer.get(reverse("analytics:customer") + query + "&export=csv&table=pm-attainment")
    lines = exported.content.decode().splitlines()
    assert lines[-1].startswith("Total,8,0,0")
    manager = client_for(make_user(Role.SERVICE_MANAGER, language="en"))
    rows = manager.get(reverse("analytics:manager") + query + "&export=csv&table=pm-attainment")
    assert rows.content.decode().splitlines()[-1].startswith("Total,8,0,0")
    other = client_for(make_user(Role.CUSTOMER, organisation=customer_b, language="en"))
    theirs = other.get(reverse("analytics:customer") + query + "&export=csv&table=pm-attainment")
    assert theirs.content.decode().splitlines()[-1].startswith("Total,0,0,0")
