"""``GET /api/v1/caller-id/?number=…`` for telephony systems: who is calling, and what is open."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from sasms.accounts import services as account_services
from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.tickets import services as ticket_services

pytestmark = pytest.mark.django_db
URL = "/api/v1/caller-id/"


@pytest.fixture
def wang(customer_a: Organisation) -> Contact:
    return Contact.objects.create(
        organisation=customer_a, name="王工", phone="+86 138-0013-8000", email="wang@a.cn"
    )


@pytest.fixture
def li(customer_b: Organisation) -> Contact:
    return Contact.objects.create(organisation=customer_b, name="李工", phone="010-6234 5678 转 801")


def _token_client(admin_user: User, organisation: Organisation, role: str) -> APIClient:
    issued = account_services.issue_machine_token(
        actor=admin_user, name="PBX", role=role, organisation=organisation
    )
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    return client


def test_staff_find_the_contact_from_any_spelling_with_open_requests(
    wang: Contact, customer_a: Organisation, agent: User, api_for: Callable[[User], Any]
) -> None:
    open_one = ticket_services.create_ticket(
        actor=None, organisation=customer_a, requester=wang, title="Disk offline"
    )
    other = ticket_services.create_ticket(actor=None, organisation=customer_a, title="Someone else's")
    client = api_for(agent)
    for spelling in ("13800138000", "+8613800138000", "0086 138 0013 8000", "013800138000"):
        answer = client.get(URL, {"number": spelling})
        assert answer.status_code == 200, spelling
        body = answer.json()
        assert body["number"] == "+8613800138000"
        assert body["number_type"] == "mobile"
        assert body["display_name"] == "王工 (Customer A 甲银行)"
        [match] = body["matches"]
        assert match["contact"]["name"] == "王工"
        assert match["organisation"]["code"] == "cust-a"
        assert [r["number"] for r in match["open_requests"]] == [open_one.number]
        assert match["open_requests"][0]["title"] == "Disk offline"
        assert match["open_request_count"] == 1
    assert other.number not in str(body)


def test_landline_with_extension_matches_the_number_without_it(
    li: Contact, agent: User, api_for: Callable[[User], Any]
) -> None:
    answer = api_for(agent).get(URL, {"number": "+86 10 62345678"})
    assert answer.status_code == 200
    assert answer.json()["matches"][0]["contact"]["name"] == "李工"
    local = api_for(agent).get(URL, {"number": "62345678", "area_code": "010"})
    assert local.status_code == 200
    assert local.json()["number"] == "+861062345678"


def test_an_organisations_switchboard_number_finds_the_organisation(
    customer_a: Organisation, agent: User, api_for: Callable[[User], Any]
) -> None:
    Organisation.objects.filter(pk=customer_a.pk).update(phone="021-5555 1234")
    ticket = ticket_services.create_ticket(actor=None, organisation=customer_a, title="PSU failed")
    answer = api_for(agent).get(URL, {"number": "02155551234"})
    assert answer.status_code == 200
    [match] = answer.json()["matches"]
    assert match["contact"] is None
    assert match["organisation"]["id"] == customer_a.pk
    assert [r["number"] for r in match["open_requests"]] == [ticket.number]


def test_an_unknown_number_is_a_404_with_the_error_shape(
    wang: Contact, agent: User, api_for: Callable[[User], Any]
) -> None:
    answer = api_for(agent).get(URL, {"number": "13900139000"})
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    # Same last digits, different number: not a match.
    assert api_for(agent).get(URL, {"number": "+86 131 0013 8000"}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "number"), ({"number": "call me"}, "number"), ({"number": "62345678"}, "number"),
     ({"number": "62345678", "area_code": "x"}, "area_code"),
     ({"number": "13800138000", "extra": "1"}, "extra")],
)  # fmt: skip
def test_bad_input_names_the_field(
    query: dict[str, str], field: str, agent: User, api_for: Callable[[User], Any]
) -> None:
    answer = api_for(agent).get(URL, query)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_machine_tokens_of_the_provider_look_up_every_customer(
    wang: Contact, li: Contact, admin_user: User, provider: Organisation
) -> None:
    client = _token_client(admin_user, provider, Role.AGENT)
    assert client.get(URL, {"number": "13800138000"}).status_code == 200
    assert client.get(URL, {"number": "01062345678"}).status_code == 200


def test_a_customers_machine_token_sees_its_own_organisation_only(
    wang: Contact, li: Contact, admin_user: User, customer_a: Organisation
) -> None:
    client = _token_client(admin_user, customer_a, Role.CUSTOMER)
    assert client.get(URL, {"number": "13800138000"}).status_code == 200
    assert client.get(URL, {"number": "01062345678"}).status_code == 404  # customer B's contact


def test_people_who_do_not_work_requests_are_refused(
    wang: Contact, customer_user: User, make_user: Callable[..., User], api_for: Callable[[User], Any]
) -> None:
    assert api_for(customer_user).get(URL, {"number": "13800138000"}).status_code == 403
    clerk = make_user(Role.PARTS_CLERK)
    assert api_for(clerk).get(URL, {"number": "13800138000"}).status_code == 403
    assert APIClient().get(URL, {"number": "13800138000"}).status_code == 401


def test_lookups_are_rate_limited(
    wang: Contact, agent: User, api_for: Callable[[User], Any], settings: Any
) -> None:
    settings.SASMS_CALLER_ID_RATE = "3/min"
    client = api_for(agent)
    codes = [client.get(URL, {"number": "13800138000"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(URL, {"number": "13800138000"}).json()["error"]["code"] == "throttled"
