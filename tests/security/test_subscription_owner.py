"""Only a report subscription's owner and administrators may change, re-address or delete it.

Probe finding: a dispatcher could re-address and delete a service manager's subscription.
"""

from collections.abc import Callable

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.core.errors import PermissionDenied
from sasms.reports import services
from sasms.reports.models import ReportSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers_report(make_user: Callable[..., User]) -> ReportSubscription:
    manager = make_user("service_manager", language="en")
    return services.create_subscription(
        actor=manager,
        name="Weekly KPI",
        kind="kpi_xlsx",
        frequency="weekly",
        recipients="manager@example.com",
        language="en",
    )


def _unchanged(subscription: ReportSubscription) -> None:
    fresh = ReportSubscription.objects.get(pk=subscription.pk)
    assert fresh.recipients == ["manager@example.com"]
    assert fresh.name == "Weekly KPI"


def test_a_dispatcher_cannot_re_address_or_delete_a_managers_subscription(
    managers_report: ReportSubscription, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    dispatcher = make_user("dispatcher", language="en")
    client = client_for(dispatcher)
    edit = f"/reports/subscriptions/{managers_report.pk}/edit/"
    delete = f"/reports/subscriptions/{managers_report.pk}/delete/"
    listing = client.get("/reports/subscriptions/").content.decode()
    assert "Weekly KPI" in listing  # still visible to a report reader ...
    assert delete not in listing  # ... without the buttons that would not work
    assert client.get(edit).status_code == 403
    post = {
        "name": "Weekly KPI",
        "kind": "kpi_xlsx",
        "language": "en",
        "frequency": "weekly",
        "recipients": "attacker@example.net",
        "active": "on",
    }
    assert client.post(edit, post).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete).status_code == 403
    _unchanged(managers_report)
    with pytest.raises(PermissionDenied):
        services.update_subscription(
            actor=dispatcher, subscription=managers_report, recipients="x@example.net"
        )
    with pytest.raises(PermissionDenied):
        services.delete_subscription(actor=dispatcher, subscription=managers_report)
    _unchanged(managers_report)


def test_the_owner_and_an_administrator_may(
    managers_report: ReportSubscription, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    owner_page = client_for(managers_report.owner).get(f"/reports/subscriptions/{managers_report.pk}/edit/")
    assert owner_page.status_code == 200
    administrator = make_user("administrator", language="en")
    services.update_subscription(
        actor=administrator, subscription=managers_report, recipients="team@example.com"
    )
    assert ReportSubscription.objects.get(pk=managers_report.pk).recipients == ["team@example.com"]
    response = client_for(administrator).post(f"/reports/subscriptions/{managers_report.pk}/delete/")
    assert response.status_code == 302
    assert not ReportSubscription.objects.filter(pk=managers_report.pk).exists()
