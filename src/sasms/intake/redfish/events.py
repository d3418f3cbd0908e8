"""Push as well as poll: a Redfish EventService subscription whose ``Context`` is the endpoint's secret.

The BMC POSTs each event to the destination with the ``Context`` it was given; the receiving view
accepts the delivery only when that Context (or a bearer token) is the endpoint's push token, and
then polls the BMC at once, so a pushed fault goes through the same reading, incidents and
de-duplication as a polled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sasms.intake.redfish.fetch import ROOT, RedfishError

# Redfish before 1.6 (and iLO 5, iDRAC 9 up to 4.x) require EventTypes; newer services reject it.
LEGACY_EVENT_TYPES = ["Alert", "StatusChange", "ResourceAdded", "ResourceRemoved"]


class EventClient(Protocol):
    def get(self, path: str) -> tuple[int, Any]: ...

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any, str]: ...

    def delete(self, path: str) -> int: ...


def _link(resource: Any, name: str) -> str:
    target = resource.get(name) if isinstance(resource, dict) else None
    value = target.get("@odata.id") if isinstance(target, dict) else None
    return value.rstrip("/") if isinstance(value, str) else ""


def subscribe(client: EventClient, *, destination: str, context: str) -> str:
    """Subscribe ``destination`` to the BMC's events; returns the subscription's URI.

    Earlier subscriptions to the same destination are deleted first (a re-subscription replaces the
    secret, and a BMC holds only a handful of subscriptions).
    """
    status, root = client.get(ROOT)
    if status != 200 or not isinstance(root, dict):
        raise RedfishError("no Redfish service root at /redfish/v1")
    status, service = client.get(_link(root, "EventService") or f"{ROOT}/EventService")
    if status != 200 or not isinstance(service, dict):
        raise RedfishError("the BMC has no EventService")
    if service.get("ServiceEnabled") is False:
        raise RedfishError("the BMC's EventService is disabled")
    collection = _link(service, "Subscriptions") or f"{ROOT}/EventService/Subscriptions"
    status, listed = client.get(collection)
    for member in listed.get("Members", []) if status == 200 and isinstance(listed, dict) else []:
        uri = member.get("@odata.id") if isinstance(member, dict) else None
        if not isinstance(uri, str):
            continue
        got, existing = client.get(uri)
        if got == 200 and isinstance(existing, dict) and existing.get("Destination") == destination:
            client.delete(uri)
    body: dict[str, Any] = {
        "Destination": destination,
        "Context": context,
        "Protocol": "Redfish",
        "EventTypes": LEGACY_EVENT_TYPES,
    }
    status, answer, location = client.post(collection, body)
    if status in (400, 405, 501):
        modern = {k: v for k, v in body.items() if k != "EventTypes"}
        modern.update(SubscriptionType="RedfishEvent", EventFormatType="Event")
        status, answer, location = client.post(collection, modern)
    if status not in (200, 201, 202, 204):
        detail = bmc_message(answer)
        raise RedfishError(
            f"the BMC refused the event subscription (HTTP {status})" + (f": {detail}" if detail else "")
        )
    created = answer.get("@odata.id") if isinstance(answer, dict) else None
    return location or (created if isinstance(created, str) else "")


def bmc_message(answer: Any) -> str:
    """The reason a BMC gives in a Redfish error body (``error.@Message.ExtendedInfo`` or ``message``)."""
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return ""
    infos = error.get("@Message.ExtendedInfo")
    texts = [
        str(info.get("Message") or info.get("MessageId") or "")
        for info in (infos if isinstance(infos, list) else [])
        if isinstance(info, dict)
    ]
    texts = [t for t in texts if t] or [str(error.get("message") or error.get("code") or "")]
    return "; ".join(t for t in texts if t)[:500]


@dataclass(frozen=True)
class Subscription:
    """One EventDestination on the BMC; ``ours`` when it delivers to this SASMS endpoint."""

    uri: str
    destination: str
    protocol: str
    event_types: tuple[str, ...]
    ours: bool


def _collection(client: EventClient) -> str:
    status, root = client.get(ROOT)
    if status != 200 or not isinstance(root, dict):
        raise RedfishError("no Redfish service root at /redfish/v1")
    status, service = client.get(_link(root, "EventService") or f"{ROOT}/EventService")
    if status != 200 or not isinstance(service, dict):
        raise RedfishError("the BMC has no EventService")
    return _link(service, "Subscriptions") or f"{ROOT}/EventService/Subscriptions"


def subscriptions(client: EventClient, *, destination: str) -> list[Subscription]:
    """Every subscription the BMC holds (a BMC holds only a handful, often shared with other tools)."""
    status, listed = client.get(_collection(client))
    if status != 200 or not isinstance(listed, dict):
        raise RedfishError(f"the BMC did not list its event subscriptions (HTTP {status})")
    found: list[Subscription] = []
    for member in listed.get("Members", []):
        uri = member.get("@odata.id") if isinstance(member, dict) else None
        if not isinstance(uri, str):
            continue
        got, item = client.get(uri)
        item = item if got == 200 and isinstance(item, dict) else {}
        types = item.get("EventTypes")
        target = str(item.get("Destination") or "")
        found.append(
            Subscription(
                uri=uri.rstrip("/"),
                destination=target,
                protocol=str(item.get("Protocol") or ""),
                event_types=tuple(str(t) for t in types) if isinstance(types, list) else (),
                ours=target == destination,
            )
        )
    return found


def unsubscribe(client: EventClient, *, destination: str) -> list[str]:
    """Delete every subscription that delivers to ``destination``; returns the URIs deleted."""
    deleted: list[str] = []
    for item in subscriptions(client, destination=destination):
        if not item.ours:
            continue
        status = client.delete(item.uri)
        if status not in (200, 202, 204, 404):
            raise RedfishError(f"the BMC refused to delete {item.uri} (HTTP {status})")
        deleted.append(item.uri)
    return deleted
