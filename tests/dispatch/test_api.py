"""The dispatch API: profiles, regions, policy, recommendations with assign, proposals; who may call."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.dispatch.models import EngineerProfile, ProposalRow, ServiceRegion
from sasms.tickets.models import Ticket
from tests.dispatch.conftest import HANGZHOU, SUZHOU

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dispatch/"


@pytest.fixture
def data(make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket]) -> dict[str, Any]:
    return {
        "near": make_engineer("Near", SUZHOU),
        "far": make_engineer("Far", HANGZHOU),
        "ticket": make_ticket(),
    }


def test_customers_get_404_and_other_staff_403(
    data: dict[str, Any], customer_user: User, agent: User, api_for: Callable[[User], APIClient]
) -> None:
    number, profile = data["ticket"].number, data["near"].pk
    calls = [
        ("get", f"{BASE}engineers/"),
        ("get", f"{BASE}engineers/{profile}/"),
        ("post", f"{BASE}engineers/"),
        ("patch", f"{BASE}engineers/{profile}/"),
        ("post", f"{BASE}engineers/{profile}/certifications/"),
        ("post", f"{BASE}engineers/{profile}/on-call/"),
        ("get", f"{BASE}regions/"),
        ("post", f"{BASE}regions/"),
        ("get", f"{BASE}policy/"),
        ("patch", f"{BASE}policy/change/"),
        ("get", f"{BASE}recommendations/{number}/"),
        ("post", f"{BASE}recommendations/{number}/assign/"),
        ("get", f"{BASE}proposals/"),
        ("post", f"{BASE}proposals/"),
    ]
    for client, expected in ((api_for(customer_user), 404), (api_for(agent), 403)):
        for method, url in calls:
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == expected, (method, url, response.status_code)
            assert response.json()["error"]["code"] in ("not_found", "permission_denied")
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_profiles_crud_with_field_errors(
    data: dict[str, Any],
    dispatcher: User,
    make_user: Callable[..., User],
    api_for: Callable[[User], APIClient],
    cal_7x24: Any,
) -> None:
    api = api_for(dispatcher)
    listed = api.get(f"{BASE}engineers/", {"q": "Near"}).json()
    assert [p["name"] for p in listed["results"]] == ["Near"]
    assert listed["results"][0]["certifications"][0]["vendor_name"] == "Dell"
    newcomer = make_user(Role.ENGINEER)
    bad = api.post(f"{BASE}engineers/", {"user": newcomer.pk, "home_latitude": "91"}, format="json")
    assert bad.status_code == 400
    assert "home_latitude" in bad.json()["error"]["fields"]
    bad = api.post(f"{BASE}engineers/", {"user": newcomer.pk, "colour": "red"}, format="json")
    assert bad.status_code == 400
    assert "colour" in bad.json()["error"]["fields"]
    assert api.post(f"{BASE}engineers/", {"user": 999999}, format="json").json()["error"]["fields"] == {
        "user": ["Not found."]
    }
    assert not EngineerProfile.objects.filter(user=newcomer).exists()
    created = api.post(
        f"{BASE}engineers/",
        {
            "user": newcomer.pk,
            "calendar": cal_7x24.pk,
            "max_concurrent": 3,
            "languages": ["zh", "en"],
            "skills": [{"kind": "component", "code": "memory", "level": 4}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["skills"] == [{"kind": "component", "code": "memory", "level": 4}]
    assert body["max_concurrent"] == 3
    changed = api.patch(
        f"{BASE}engineers/{body['id']}/", {"max_concurrent": 6, "is_dispatchable": False}, format="json"
    )
    assert changed.json()["max_concurrent"] == 6
    assert changed.json()["is_dispatchable"] is False
    cert = api.post(
        f"{BASE}engineers/{body['id']}/certifications/",
        {"name": "Server+", "issuer": "CompTIA", "valid_until": "2030-01-01"},
        format="json",
    )
    assert cert.status_code == 201
    assert api.delete(f"{BASE}engineers/{body['id']}/certifications/{cert.json()['id']}/").status_code == 204
    duty = api.post(
        f"{BASE}engineers/{body['id']}/on-call/",
        {"starts_on": "2026-05-02", "ends_on": "2026-05-01"},
        format="json",
    )
    assert duty.status_code == 400
    assert "ends_on" in duty.json()["error"]["fields"]


def test_regions_and_policy(
    dispatcher: User, manager: User, api_for: Callable[[User], APIClient], db: None
) -> None:
    api = api_for(dispatcher)
    region = api.post(
        f"{BASE}regions/",
        {"name": "East", "code": "east", "latitude": "31.2", "longitude": "121.5", "radius_km": 300},
        format="json",
    )
    assert region.status_code == 201
    twice = api.post(
        f"{BASE}regions/",
        {"name": "east", "code": "east-2", "latitude": "31.2", "longitude": "121.5", "radius_km": 300},
        format="json",
    )
    assert twice.status_code == 409
    assert ServiceRegion.objects.count() == 1
    assert api.get(f"{BASE}policy/").json()["weight_skill"] == 3.0
    assert api.patch(f"{BASE}policy/change/", {"weight_skill": 2}, format="json").status_code == 403
    managed = api_for(manager)
    bad = managed.patch(f"{BASE}policy/change/", {"average_speed_kmh": 0}, format="json")
    assert bad.status_code == 400
    assert "average_speed_kmh" in bad.json()["error"]["fields"]
    good = managed.patch(
        f"{BASE}policy/change/", {"weight_skill": 2, "auto_dispatch_priorities": ["P2", "P1"]}, format="json"
    )
    assert good.json()["weight_skill"] == 2.0
    assert good.json()["auto_dispatch_priorities"] == ["P1", "P2"]


def test_recommendation_and_assign(
    data: dict[str, Any], dispatcher: User, api_for: Callable[[User], APIClient]
) -> None:
    api = api_for(dispatcher)
    number = data["ticket"].number
    body = api.get(f"{BASE}recommendations/{number}/").json()
    assert [c["name"] for c in body["candidates"]] == ["Near", "Far"]
    travel = next(f for f in body["candidates"][0]["factors"] if f["key"] == "travel")
    assert travel["reason_code"] == "travel.from_home"
    assert "km" in travel["reason"]
    missing = api.post(f"{BASE}recommendations/{number}/assign/", {"engineer": 999999}, format="json")
    assert missing.status_code == 404
    assert missing.json()["error"]["fields"] == {"engineer": ["Not found."]}
    done = api.post(
        f"{BASE}recommendations/{number}/assign/", {"engineer": data["far"].user_id}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "assigned"
    stale = api.post(
        f"{BASE}recommendations/{number}/assign/", {"engineer": data["near"].user_id}, format="json"
    )
    assert stale.status_code == 409
    assert Ticket.objects.get(pk=data["ticket"].pk).assignee_id == data["far"].user_id


def test_proposals_compute_read_apply(
    data: dict[str, Any], dispatcher: User, api_for: Callable[[User], APIClient]
) -> None:
    api = api_for(dispatcher)
    assert api.post(f"{BASE}proposals/", {"limit": 0}, format="json").status_code == 400
    created = api.post(f"{BASE}proposals/", {"limit": 10}, format="json")
    assert created.status_code == 201
    assert created.json()["summary"]["proposed"] == 1
    proposal = created.json()["id"]
    rows = api.get(f"{BASE}proposals/{proposal}/rows/").json()["results"]
    assert rows[0]["number"] == data["ticket"].number
    assert rows[0]["engineer"] == data["near"].user_id
    assert any("Travel" in text or "km" in text for text in rows[0]["explanation"])
    bad = api.post(f"{BASE}proposals/{proposal}/apply/", {"rows": ["x"]}, format="json")
    assert bad.status_code == 400
    applied = api.post(f"{BASE}proposals/{proposal}/apply/", {"rows": [rows[0]["id"]]}, format="json").json()
    assert applied == {"applied": 1, "skipped": 0, "failed": 0}
    assert ProposalRow.objects.get(pk=rows[0]["id"]).outcome == "applied"
    assert api.post(f"{BASE}proposals/{proposal}/discard/").json()["status"] == "discarded"


def test_schema_builds(dispatcher: User, api_for: Callable[[User], APIClient]) -> None:
    response = api_for(dispatcher).get("/api/v1/schema/")
    assert response.status_code == 200
