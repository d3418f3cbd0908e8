"""Push as well as poll: the EventService subscription with a secret Context, and its delivery."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.core.models import AuditEntry
from sasms.intake.models import BmcEndpoint
from sasms.intake.redfish import RedfishError
from sasms.intake.redfish.events import subscribe
from sasms.intake.services import config
from sasms.intake.services.bmc import subscribe_events
from tests.intake.conftest import MOCKUPS
from tests.intake.redfish_server import serve_mockup

ROOT = "/redfish/v1"
SUBS = f"{ROOT}/EventService/Subscriptions"
DESTINATION = "https://sasms.example/intake/bmc/7/events/"


class FakeBmc:
    """An EventService that wants the modern subscription body (rejects EventTypes with 400)."""

    def __init__(self, *, modern: bool = True, event_service: bool = True) -> None:
        self.modern = modern
        self.posted: list[dict[str, Any]] = []
        self.deleted: list[str] = []
        self.data: dict[str, Any] = {
            ROOT: {"EventService": {"@odata.id": f"{ROOT}/EventService"}} if event_service else {},
            f"{ROOT}/EventService": {"ServiceEnabled": True, "Subscriptions": {"@odata.id": SUBS}},
            SUBS: {"Members": [{"@odata.id": f"{SUBS}/1"}, {"@odata.id": f"{SUBS}/2"}]},
            f"{SUBS}/1": {"Destination": DESTINATION, "Context": "old secret"},
            f"{SUBS}/2": {"Destination": "https://someone-else.example/"},
        }
        if not event_service:
            del self.data[f"{ROOT}/EventService"]

    def get(self, path: str) -> tuple[int, Any]:
        return (200, self.data[path]) if path in self.data else (404, {"error": {}})

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any, str]:
        self.posted.append(body)
        if self.modern and "EventTypes" in body:
            return 400, {"error": {"code": "Base.1.8.PropertyNotWritable"}}, ""
        return 201, {"@odata.id": f"{SUBS}/3"}, f"{SUBS}/3"

    def delete(self, path: str) -> int:
        self.deleted.append(path)
        return 204


def test_subscribing_replaces_our_old_subscription_and_carries_the_secret_context():
    bmc = FakeBmc()
    assert subscribe(bmc, destination=DESTINATION, context="s3cret") == f"{SUBS}/3"
    assert bmc.deleted == [f"{SUBS}/1"]  # ours, not someone else's
    legacy, modern = bmc.posted
    assert legacy["EventTypes"]
    assert legacy["Context"] == "s3cret"
    assert "EventTypes" not in modern
    assert (modern["Destination"], modern["Context"], modern["EventFormatType"]) == (
        DESTINATION,
        "s3cret",
        "Event",
    )


def test_an_older_bmc_takes_the_subscription_with_event_types():
    bmc = FakeBmc(modern=False)
    subscribe(bmc, destination=DESTINATION, context="s3cret")
    [only] = bmc.posted
    assert only["EventTypes"] == ["Alert", "StatusChange", "ResourceAdded", "ResourceRemoved"]


def test_a_bmc_without_event_service_is_a_clear_error():
    with pytest.raises(RedfishError, match="EventService"):
        subscribe(FakeBmc(event_service=False), destination=DESTINATION, context="x")


@pytest.fixture
def contoso(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    return make_server(customer_a, "437XR1138R2")


@pytest.fixture
def mockup() -> Iterator[tuple[str, list[str]]]:
    with serve_mockup(MOCKUPS / "dmtf-public-rackmount1") as served:
        yield served


EVENT: dict[str, Any] = {
    "@odata.type": "#Event.v1_7_0.Event",
    "Id": "1",
    "Name": "Event",
    "Events": [
        {
            "EventType": "Alert",
            "EventId": "4593",
            "Severity": "Warning",
            "MessageId": "Power.1.0.PowerSupplyPredictiveFailure",
            "OriginOfCondition": {"@odata.id": "/redfish/v1/Chassis/1U/PowerSubsystem/PowerSupplies/Bay1"},
        }
    ],
}


@pytest.mark.corpus
def test_the_subscription_context_authenticates_deliveries(
    admin_user: User, contoso: Server, mockup: tuple[str, list[str]], client: Client
):
    url, log = mockup
    host, port = url.removeprefix("http://").split(":")
    endpoint = config.create_bmc_endpoint(
        actor=admin_user,
        server=contoso,
        password="secret",
        address=host,
        port=int(port),
        scheme="http",
        username="admin",
        auth="basic",
    )
    assert subscribe_events(actor=admin_user, endpoint=endpoint) == f"{SUBS}/99"
    body = json.loads(log[log.index(f"POST {SUBS}") + 1])
    destination = settings.SASMS_BASE_URL.rstrip("/") + reverse("intake:bmc_events", args=[endpoint.pk])
    assert body["Destination"] == destination
    context = body["Context"]
    assert AuditEntry.objects.filter(action="intake.bmc.subscribe").exists()
    # The BMC delivers with the Context and no Authorization header: accepted, the BMC is due now.
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(next_poll_at=None, last_event_at=None)
    path = reverse("intake:bmc_events", args=[endpoint.pk])
    delivered = client.post(path, json.dumps({**EVENT, "Context": context}), content_type="application/json")
    assert delivered.status_code == 202
    assert BmcEndpoint.objects.get(pk=endpoint.pk).last_event_at is not None
    # Older BMCs put the Context inside each event.
    legacy = {**EVENT, "Events": [{**EVENT["Events"][0], "Context": context}]}
    assert client.post(path, json.dumps(legacy), content_type="application/json").status_code == 202
    # Another Context, or none, is refused and changes nothing.
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(last_event_at=None)
    forged = client.post(path, json.dumps({**EVENT, "Context": "guess"}), content_type="application/json")
    assert forged.status_code == 403
    assert client.post(path, json.dumps(EVENT), content_type="application/json").status_code == 401
    assert BmcEndpoint.objects.get(pk=endpoint.pk).last_event_at is None
