"""The subscription pages: list with filter and export, create/edit with form errors, delete, scoping."""

from collections.abc import Callable

import pytest
from django.test import Client

from sasms.accounts.models import Organisation, User
from sasms.reports import services
from sasms.reports.models import ReportSubscription

pytestmark = pytest.mark.django_db
LIST = "/reports/subscriptions/"
NEW = "/reports/subscriptions/new/"


def _subscription(owner: User, org: Organisation | None, name: str, **fields: str) -> ReportSubscription:
    return services.create_subscription(
        actor=owner,
        name=name,
        kind=fields.get("kind", "qbr"),
        organisation=org,
        language="en",
        frequency=fields.get("frequency", "monthly"),
        recipients=fields.get("recipients", "it@example.com"),
    )


@pytest.fixture
def two_tenants(
    make_user: Callable[..., User], customer_a: Organisation, customer_b: Organisation
) -> dict[str, object]:
    admin_a = make_user("customer_admin", organisation=customer_a, language="en")
    admin_b = make_user("customer_admin", organisation=customer_b, language="en")
    manager = make_user("service_manager", language="en")
    return {
        "admin_a": admin_a,
        "admin_b": admin_b,
        "manager": manager,
        "a": _subscription(admin_a, customer_a, "Bank QBR"),
        "b": _subscription(admin_b, customer_b, "ZZSECRETB hospital QBR", recipients="zz@b.example"),
        "staff": _subscription(manager, None, "All customers KPI", kind="kpi_xlsx", frequency="weekly"),
    }


def test_staff_list_filters_and_exports(
    two_tenants: dict[str, object], client_for: Callable[[User], Client]
) -> None:
    client = client_for(two_tenants["manager"])  # type: ignore[arg-type]
    html = client.get(LIST).content.decode()
    assert "Bank QBR" in html
    assert "ZZSECRETB hospital QBR" in html
    assert "All customers KPI" in html
    filtered = client.get(LIST, {"kind": "kpi_xlsx"}).content.decode()
    assert "All customers KPI" in filtered
    assert "Bank QBR" not in filtered
    export = client.get(LIST, {"export": "csv", "frequency": "monthly"})
    csv = b"".join(export.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Name,Report,Customer")
    assert len(lines) == 3
    assert "All customers KPI" not in csv
    xlsx = client.get(LIST, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")


def test_customer_admin_sees_and_edits_only_their_own(
    two_tenants: dict[str, object], client_for: Callable[[User], Client]
) -> None:
    client = client_for(two_tenants["admin_a"])  # type: ignore[arg-type]
    html = client.get(LIST).content.decode()
    assert "Bank QBR" in html
    assert "ZZSECRETB" not in html
    assert "All customers KPI" not in html
    other = two_tenants["b"]
    assert isinstance(other, ReportSubscription)
    assert client.get(f"/reports/subscriptions/{other.pk}/edit/").status_code == 404
    assert client.post(f"/reports/subscriptions/{other.pk}/edit/", {"name": "x"}).status_code == 404
    assert client.post(f"/reports/subscriptions/{other.pk}/delete/").status_code == 404
    assert ReportSubscription.objects.filter(pk=other.pk, name="ZZSECRETB hospital QBR").exists()
    staff = two_tenants["staff"]
    assert isinstance(staff, ReportSubscription)
    assert client.get(f"/reports/subscriptions/{staff.pk}/edit/").status_code == 404
    page = client.get(NEW).content.decode()
    assert "Customer A" in page
    assert "Customer B" not in page


def test_create_page_shows_errors_then_saves(
    two_tenants: dict[str, object], customer_a: Organisation, client_for: Callable[[User], Client]
) -> None:
    client = client_for(two_tenants["manager"])  # type: ignore[arg-type]
    assert client.get(NEW).status_code == 200
    bad = {
        "name": "",
        "kind": "qbr",
        "organisation": "",
        "language": "en",
        "frequency": "yearly",
        "recipients": "boss@example.com, not an address",
    }
    response = client.post(NEW, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "is not a valid e-mail address" in html
    assert "A customer report needs a customer." in html
    assert "Select a valid choice." in html
    assert ReportSubscription.objects.count() == 3
    good = {**bad, "name": "Quarterly review", "organisation": str(customer_a.pk), "frequency": "quarterly"}
    good["recipients"] = "boss@example.com\ncfo@example.com"
    response = client.post(NEW, {**good, "active": "on"})
    assert response.status_code == 302
    assert response["Location"] == LIST
    created = ReportSubscription.objects.get(name="Quarterly review")
    assert created.recipients == ["boss@example.com", "cfo@example.com"]
    assert created.active
    assert created.frequency == "quarterly"


def test_customer_admin_cannot_post_another_organisation(
    two_tenants: dict[str, object], customer_b: Organisation, client_for: Callable[[User], Client]
) -> None:
    client = client_for(two_tenants["admin_a"])  # type: ignore[arg-type]
    data = {
        "name": "Sneaky",
        "kind": "qbr",
        "organisation": str(customer_b.pk),
        "language": "en",
        "frequency": "monthly",
        "recipients": "me@a.example",
    }
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert not ReportSubscription.objects.filter(name="Sneaky").exists()


def test_edit_and_delete(two_tenants: dict[str, object], client_for: Callable[[User], Client]) -> None:
    mine = two_tenants["a"]
    assert isinstance(mine, ReportSubscription)
    client = client_for(two_tenants["admin_a"])  # type: ignore[arg-type]
    page = client.get(f"/reports/subscriptions/{mine.pk}/edit/").content.decode()
    assert "Bank QBR" in page
    assert "it@example.com" in page
    data = {
        "name": "Bank QBR (zh)",
        "kind": "qbr",
        "organisation": str(mine.organisation_id),
        "language": "zh-hans",
        "frequency": "monthly",
        "recipients": "it@example.com",
    }
    assert client.post(f"/reports/subscriptions/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert (mine.name, mine.language, mine.active) == ("Bank QBR (zh)", "zh-hans", False)
    assert client.get(f"/reports/subscriptions/{mine.pk}/delete/").status_code == 200
    assert client.post(f"/reports/subscriptions/{mine.pk}/delete/").status_code == 302
    assert not ReportSubscription.objects.filter(pk=mine.pk).exists()


def test_plain_customer_user_is_refused(customer_user: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(customer_user)
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
