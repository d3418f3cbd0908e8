"""Subscribing a BMC to push its events, from the BMC page and from ``sasms redfish``.

The BMC is a small Redfish HTTP service over the real DMTF rackmount mockup: its four existing
EventDestinations (other tools') come from the mockup; POST adds one, DELETE removes it, and a
"full" BMC answers 400 with a Redfish error body, as real ones do when their subscription table is full.
"""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.core.models import AuditEntry
from sasms.intake.models import BmcEndpoint
from sasms.intake.services import config
from sasms.intake.services.bmc import push_destination
from tests.intake.conftest import MOCKUPS
from tests.intake.redfish_server import MockupFiles

pytestmark = pytest.mark.corpus

SUBS = "/redfish/v1/EventService/Subscriptions"
FULL = {
    "error": {
        "code": "Base.1.8.GeneralError",
        "message": "A general error has occurred.",
        "@Message.ExtendedInfo": [
            {
                "MessageId": "Base.1.8.CreateLimitReachedForResource",
                "Message": "The create operation failed because the resource has reached the limit of "
                "possible resources.",
            }
        ],
    }
}


@dataclass
class EventService:
    files: MockupFiles
    full: bool = False
    table: dict[str, dict[str, Any]] = field(default_factory=dict)
    posted: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _status, collection = self.files.get(SUBS)
        assert isinstance(collection, dict)
        for member in collection["Members"]:
            _status, item = self.files.get(member["@odata.id"])
            assert isinstance(item, dict)
            self.table[member["@odata.id"]] = item


def handler(service: EventService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path = self.path.rstrip("/")
            if path == SUBS:
                members = [{"@odata.id": uri} for uri in service.table]
                self._send(200, {"@odata.id": SUBS, "Members": members, "Members@odata.count": len(members)})
            elif path in service.table:
                self._send(200, service.table[path])
            else:
                status, body = service.files.get(path)
                self._send(status, body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            path = self.path.rstrip("/")
            if path.endswith("/SessionService/Sessions"):
                session = "/redfish/v1/SessionService/Sessions/7"
                self._send(201, {"@odata.id": session}, {"X-Auth-Token": "t", "Location": session})
            elif path == SUBS:
                if service.full:
                    self._send(400, FULL)
                    return
                service.posted.append(body)
                uri = f"{SUBS}/{100 + len(service.posted)}"
                service.table[uri] = {"@odata.id": uri, "Id": uri.rsplit("/", 1)[1], **body}
                self._send(201, service.table[uri], {"Location": uri})
            else:
                self._send(405, {})

        def do_DELETE(self) -> None:
            path = self.path.rstrip("/")
            if path in service.table:
                del service.table[path]
                service.deleted.append(path)
                self._send(204, None)
            elif path.startswith("/redfish/v1/SessionService/Sessions/"):
                self._send(204, None)
            else:
                self._send(404, {})

    return Handler


@contextmanager
def serve(service: EventService) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(service))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def bmc() -> Iterator[tuple[EventService, int]]:
    service = EventService(MockupFiles(MOCKUPS / "dmtf-public-rackmount1"))
    with serve(service) as port:
        yield service, port


@pytest.fixture
def endpoint(
    bmc: tuple[EventService, int],
    admin_user: User,
    customer_a: Organisation,
    make_server: Callable[..., Server],
) -> BmcEndpoint:
    _service, port = bmc
    server = make_server(customer_a, "437XR1138R2", hostname="contoso-01")
    return config.create_bmc_endpoint(
        actor=admin_user,
        server=server,
        password="secret",
        address="127.0.0.1",
        port=port,
        scheme="http",
        username="admin",
        auth="session",
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("redfish", *args, stdout=out)
    return out.getvalue()


def test_the_cli_subscribes_lists_and_unsubscribes(
    bmc: tuple[EventService, int], endpoint: BmcEndpoint, admin_user: User
):
    service, _port = bmc
    before = set(service.table)
    assert "subscribed" in run("subscribe", "437XR1138R2", "--by", admin_user.email)
    [body] = service.posted  # the mockup's service takes the EventTypes body at once
    assert body["Destination"] == push_destination(endpoint)
    assert body["Protocol"] == "Redfish"
    # The Context is the endpoint's secret: only its fingerprint is kept.
    endpoint.refresh_from_db()
    assert endpoint.push_token_prefix
    assert body["Context"].startswith(endpoint.push_token_prefix)
    listed = run("list", "contoso-01", "--by", admin_user.email)
    ours = [line for line in listed.splitlines() if "[SASMS]" in line]
    assert len(ours) == 1
    assert push_destination(endpoint) in ours[0]
    assert len(listed.splitlines()) == 5  # the four of other tools stay listed
    # Subscribing again replaces ours, never someone else's.
    run("subscribe", "437XR1138R2", "--by", admin_user.email)
    assert service.deleted == [f"{SUBS}/101"]
    out = run("unsubscribe", "437XR1138R2", "--by", admin_user.email)
    assert f"{SUBS}/102" in out
    assert set(service.table) == before
    endpoint.refresh_from_db()
    assert endpoint.push_token_digest is None  # deliveries with the old Context are refused now
    actions = list(
        AuditEntry.objects.filter(object_type="intake.bmcendpoint", object_id=str(endpoint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions.count("intake.bmc.subscribe") == 2
    assert actions[-1] == "intake.bmc.unsubscribe"


def test_a_refusing_bmc_is_a_clear_error_and_changes_nothing(
    bmc: tuple[EventService, int], endpoint: BmcEndpoint, admin_user: User
):
    service, _port = bmc
    service.full = True
    with pytest.raises(CommandError, match="reached the limit of possible resources"):
        run("subscribe", "437XR1138R2", "--by", admin_user.email)
    endpoint.refresh_from_db()
    assert endpoint.push_token_digest is None
    assert not AuditEntry.objects.filter(
        action__in=["intake.bmc.subscribe", "intake.bmc.push_token"]
    ).exists()


def test_the_cli_names_unknown_servers_and_users(endpoint: BmcEndpoint, admin_user: User):
    with pytest.raises(CommandError, match="no BMC is registered"):
        run("list", "NO-SUCH-SERIAL", "--by", admin_user.email)
    with pytest.raises(CommandError, match="unknown or inactive user"):
        run("list", "437XR1138R2", "--by", "nobody@example.invalid")


def test_the_bmc_page_buttons(
    bmc: tuple[EventService, int],
    endpoint: BmcEndpoint,
    admin_user: User,
    client: Client,
    make_user: Callable[..., User],
):
    service, _port = bmc
    client.force_login(admin_user)
    page = client.get(reverse("intake:bmc_edit", args=[endpoint.pk]))
    assert b'data-testid="bmc-subscribe"' in page.content
    done = client.post(reverse("intake:bmc_subscribe", args=[endpoint.pk]), follow=True)
    assert done.status_code == 200
    assert len(service.posted) == 1
    assert f"{SUBS}/101".encode() in done.content  # the message names the subscription
    listing = client.get(reverse("intake:bmc_subscriptions", args=[endpoint.pk]))
    assert listing.status_code == 200
    assert listing.content.count(b"text-bg-success") == 1
    service.full = True
    refused = client.post(reverse("intake:bmc_subscribe", args=[endpoint.pk]), follow=True)
    assert b"reached the limit of possible resources" in refused.content
    client.post(reverse("intake:bmc_unsubscribe", args=[endpoint.pk]))
    assert service.deleted == [f"{SUBS}/101"]
    # Only administrators may do it.
    agent = make_user(Role.AGENT)
    client.force_login(agent)
    assert client.post(reverse("intake:bmc_subscribe", args=[endpoint.pk])).status_code in (403, 404)
    assert len(service.posted) == 1


def test_an_unreachable_bmc_is_reported_on_the_page(endpoint: BmcEndpoint, admin_user: User, client: Client):
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(port=9)  # discard: nothing listens
    client.force_login(admin_user)
    page = client.get(reverse("intake:bmc_subscriptions", args=[endpoint.pk]))
    assert page.status_code == 502
    assert b'data-testid="bmc-subscriptions-error"' in page.content
