"""Webhooks and robots reach public addresses and the networks the operator allows, nothing else:
not the cloud metadata service, not a loopback admin port, not a name that resolves to one."""

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from sasms.accounts.models import Organisation, User
from sasms.core import outbox
from sasms.core.errors import ServiceError
from sasms.integrations import services
from sasms.integrations.choices import DeliveryStatus, EventType
from sasms.integrations.http import check_outbound_networks, destination_allowed, post
from sasms.integrations.models import Delivery, WebhookSubscription
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Level
from tests.integrations.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("203.0.113.9", False),  # documentation range: not global
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("169.254.169.254", False),  # cloud metadata service
        ("fe80::1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),  # loopback written as IPv6
        ("10.20.30.40", True),  # listed below
        ("10.21.0.1", False),
    ],
)
def test_which_addresses_deliveries_may_reach(settings: Any, address: str, allowed: bool) -> None:
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert destination_allowed(ipaddress.ip_address(address)) is allowed


def test_the_embedded_default_lets_local_receivers_work_but_not_the_metadata_service() -> None:
    assert destination_allowed(ipaddress.ip_address("127.0.0.1"))
    assert destination_allowed(ipaddress.ip_address("192.168.1.20"))
    assert not destination_allowed(ipaddress.ip_address("169.254.169.254"))


def test_a_malformed_network_setting_is_a_configuration_error(settings: Any) -> None:
    assert check_outbound_networks() == []
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/33"]
    [error] = check_outbound_networks()
    assert error.id == "integrations.E002"
    assert "10.0.0.0/33" in error.msg
    with pytest.raises(ImproperlyConfigured, match="SASMS_OUTBOUND_ALLOWED_NETWORKS"):
        destination_allowed(ipaddress.ip_address("10.0.0.1"))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_refused_destination_is_never_connected_to(settings: Any, receiver: Receiver, host: str) -> None:
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []
    url = receiver.url.replace("127.0.0.1", host)
    result = post(f"{url}/hook", b"{}", {"Content-Type": "application/json"})
    assert result.status is None
    assert result.error.startswith(f"refused: {host} resolves to ")
    assert receiver.requests == []
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    assert post(f"{url}/hook", b"{}", {"Content-Type": "application/json"}).status == 200
    assert len(receiver.requests) == 1


def test_a_webhook_whose_receiver_moved_inside_is_refused_and_logged(
    settings: Any, receiver: Receiver, customer_a: Organisation
) -> None:
    services.create_subscription(
        actor=None,
        name="Was public",
        url=f"{receiver.url.replace('127.0.0.1', 'localhost')}/hook",
        secret="whsec_0123456789abcdef",
        events=[EventType.CREATED],
    )
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []
    ticket_services.create_ticket(
        actor=None, organisation=customer_a, title="Disk failed", impact=Level.HIGH, urgency=Level.HIGH
    )
    outbox.deliver_pending()
    delivery = Delivery.objects.get()
    assert delivery.last_status_code is None
    assert delivery.status == DeliveryStatus.RETRYING
    assert "SASMS_OUTBOUND_ALLOWED_NETWORKS" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://0.0.0.0:8000/admin/"]
)
def test_configuring_an_internal_address_is_refused_naming_the_field(url: str) -> None:
    with pytest.raises(ServiceError) as refused:
        services.create_subscription(
            actor=None, name="Metadata", url=url, secret="", events=[EventType.CREATED]
        )
    assert "url" in refused.value.fields
    assert not WebhookSubscription.objects.exists()


def test_the_api_answers_400_for_an_internal_robot_address(
    admin_user: User, api_for: Callable[[User], Any]
) -> None:
    answer = api_for(admin_user).post(
        "/api/v1/integrations/robots/",
        {
            "name": "Ops",
            "kind": "wecom",
            "webhook_url": "http://169.254.169.254/cgi-bin/webhook/send?key=k",
            "events": ["ticket.resolved"],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "webhook_url" in answer.json()["error"]["fields"]


def test_through_a_configured_proxy_the_receiver_is_checked_and_the_proxy_asked(
    settings: Any, receiver: Receiver
) -> None:
    # The receiver plays the proxy: a proxy is asked for the absolute address of the receiver.
    settings.SASMS_OUTBOUND_PROXY = receiver.url
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []
    result = post("http://hooks.example.com/robot/send?key=k", b"{}", {"Content-Type": "application/json"})
    assert result.status == 200
    [forwarded] = receiver.requests  # it reached 127.0.0.1 only because it went through the proxy
    assert forwarded.header("Host") == "hooks.example.com"
    assert (forwarded.path, forwarded.query) == ("/robot/send", {"key": ["k"]})


@pytest.mark.parametrize("receiver_address", ["http://127.0.0.1:9/hook", "http://localhost:9/hook"])
def test_a_proxy_is_not_asked_for_an_internal_receiver(
    settings: Any, receiver: Receiver, receiver_address: str
) -> None:
    settings.SASMS_OUTBOUND_PROXY = receiver.url  # an intranet proxy: itself allowed, being configured
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []
    result = post(receiver_address, b"{}", {})
    assert result.status is None
    assert result.error.startswith("refused: ")
    assert receiver.requests == []
