"""The customer report page: who may download which organisation's report, and bad input."""

from collections.abc import Callable

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from tests.reports.conftest import Quarter

pytestmark = pytest.mark.django_db
URL = "/reports/customer/"


def _query(org_id: int, **extra: str) -> dict[str, str]:
    return {"organisation": str(org_id), "quarter": "2026-3", "kind": "qbr", "language": "en", **extra}


def test_staff_pick_any_customer_and_download(
    quarter: Quarter, manager: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(manager)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Customer A 甲银行" in html
    assert "Customer B 乙医院" in html
    response = client.get(URL, _query(quarter.customer_b.pk, kind="health", language="zh-hans"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="health-check-cust-b-2026Q3-zh-hans.pdf"'
    assert response.content.startswith(b"%PDF")


def test_customer_admin_gets_only_their_own_organisation(
    quarter: Quarter, customer_admin_a: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_admin_a)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Customer A 甲银行" in html
    assert "Customer B 乙医院" not in html
    own = client.get(URL, _query(quarter.customer_a.pk))
    assert own.status_code == 200
    assert own.content.startswith(b"%PDF")
    other = client.get(URL, _query(quarter.customer_b.pk))
    assert other.status_code == 404
    assert b"%PDF" not in other.content
    assert client.get(URL, _query(quarter.customer_b.pk, kind="health")).status_code == 404
    assert client.get(URL, {"organisation": "abc"}).status_code == 404
    assert client.get(URL, {"organisation": "999999"}).status_code == 404


def test_roles_without_reports_are_refused(
    quarter: Quarter, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    for role in (Role.CUSTOMER, Role.AGENT, Role.ENGINEER):
        client = client_for(make_user(role, language="en"))
        assert client.get(URL).status_code == 403, role
        assert client.get(URL, _query(quarter.customer_a.pk)).status_code in (403, 404), role


def test_bad_choices_are_form_errors(
    quarter: Quarter, manager: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(manager)
    for bad in ({"quarter": "1999-9"}, {"kind": "kpi_xlsx"}, {"language": "fr"}):
        response = client.get(URL, _query(quarter.customer_a.pk, **bad))
        assert response.status_code == 400, bad
        assert b"%PDF" not in response.content
        assert "invalid-feedback" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
