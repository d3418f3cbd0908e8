"""The save-time check of webhook and robot addresses reads IPv4 in every form a resolver does.

Probe finding: ``http://2130706433/`` (127.0.0.1 as a decimal number) passed the save-time check;
only the connect-time check refused it.
"""

from typing import Any

import pytest

from sasms.core.errors import ServiceError
from sasms.integrations import services
from sasms.integrations.choices import EventType
from sasms.integrations.models import WebhookSubscription
from sasms.integrations.services.targets import literal_address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0xa9.254.169.254", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),
        ("example.com", None),
        ("deadbeef", None),
        ("1.2.3.4.5", None),
    ],
)
def test_every_spelling_of_an_address_is_read(host: str, address: str | None) -> None:
    found = literal_address(host)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1:8000/admin/",
        "http://2852039166/latest/meta-data/",
    ],
)
def test_a_disguised_internal_address_is_refused_at_save(url: str, settings: Any) -> None:
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []  # production default
    with pytest.raises(ServiceError) as refused:
        services.create_subscription(
            actor=None, name="Hidden", url=url, secret="", events=[EventType.CREATED]
        )
    assert "url" in refused.value.fields
    assert not WebhookSubscription.objects.exists()


def test_a_public_address_in_decimal_is_still_allowed(settings: Any) -> None:
    settings.SASMS_OUTBOUND_ALLOWED_NETWORKS = []
    services.create_subscription(
        actor=None, name="Public", url="http://134744072/hook", secret="", events=[EventType.CREATED]
    )  # 8.8.8.8
    assert WebhookSubscription.objects.count() == 1
