"""The tenant isolation matrix: every page and every API operation, asked for another tenant's data.

The URL patterns and the API operations are enumerated from the running project (the resolver and
the OpenAPI schema), so a new page or endpoint is covered without editing this test. Customer B's
rows all carry the marker ``ZZSECRETB``; a user of customer A requests every page and every API
operation with each of B's object keys in every path parameter, and the answer must never contain
the marker (nor be a server error). A parts clerk, who does not work requests, must never see a
request's internal note (marker ``ZZINTERNALNOTE``).
"""

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
from rest_framework.test import APIClient

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.tickets import services as ticket_services
from tests.security import worlds

pytestmark = pytest.mark.django_db

MARKER = "ZZSECRETB"
NOTE_MARKER = "ZZINTERNALNOTE"
# Pages that never show tenant data and must not be fetched blindly (they act on GET, or stream).
SKIPPED_NAMES = {"accounts:logout", "django-admin"}
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    template: str  # e.g. "requests/<str:number>/"
    params: tuple[tuple[str, str], ...]  # (name, converter)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            template = prefix + str(pattern.pattern)
            if template.startswith(("^", "api/")) or "django-admin" in template:
                continue  # regex routes are the API (covered by the schema) and the admin site
            params = tuple((m["name"], m["converter"] or "str") for m in PARAM.finditer(template))
            yield Route(f"{namespace}{pattern.name or ''}", template, params)


def page_routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if r.name not in SKIPPED_NAMES]


def _fill(template: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values[m["name"]], template)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(
    provider: Organisation,
    customer_a: Organisation,
    customer_b: Organisation,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
) -> worlds.World:
    settings.MEDIA_ROOT = tmp_path / "media"
    agent = make_user(Role.AGENT, language="en")
    b_user = make_user(
        Role.CUSTOMER_ADMIN, organisation=customer_b, language="en", full_name=f"{MARKER} user"
    )
    world = worlds.World(provider=provider, a=customer_a, b=customer_b, agent=agent, b_user=b_user)
    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="R760")
    server = asset_services.create_server(
        actor=None,
        model=model,
        serial=f"{MARKER}SRV",
        hostname=f"{MARKER}.b.example",
        organisation=customer_b,
    )
    contact = Contact.objects.create(organisation=customer_b, name=f"{MARKER} contact", email="zz@b.example")
    ticket = ticket_services.create_ticket(
        actor=agent,
        organisation=customer_b,
        server=server,
        requester=contact,
        title=f"{MARKER} request",
        description=f"{MARKER} description",
    )
    ticket_services.add_comment(actor=agent, ticket=ticket, body=f"{NOTE_MARKER} {MARKER}", internal=True)
    ticket_services.add_comment(actor=agent, ticket=ticket, body=f"{MARKER} public reply")
    ticket_services.add_attachment(
        actor=agent, ticket=ticket, name=f"{MARKER}.png", content=io.BytesIO(_png())
    )
    world.add("server", server.pk, str(server.pk))
    world.add("contact", contact.pk, str(contact.pk))
    world.add("ticket", ticket.pk, ticket.number)
    world.add("organisation", customer_b.pk, customer_b.code)
    for attachment in ticket.attachments.all():
        world.add("attachment", attachment.pk, str(attachment.pk))
    for event in ticket.events.all():
        world.add("event", event.pk, str(event.pk))
    worlds.build_registered(world)
    return world


def _values(route: Route, world: worlds.World) -> Iterator[dict[str, str]]:
    """Each combination worth trying: every B key in the first parameter, the first in the rest."""
    if not route.params:
        yield {}
        return
    first, *rest = route.params
    for key in world.keys_for(first[1]):
        values = {first[0]: key}
        for name, converter in rest:
            values[name] = world.keys_for(converter)[0]
        yield values


def _assert_no_leak(response: Any, url: str, marker: str = MARKER) -> None:
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert marker.encode() not in body, f"{url} showed another tenant's data"


def _customer_a_client(make_user: Callable[..., User]) -> tuple[User, Client]:
    user = make_user(Role.CUSTOMER_ADMIN, language="en")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user, client


def test_customer_a_never_sees_customer_b_on_any_page(
    world: worlds.World, make_user: Callable[..., User]
) -> None:
    _user, client = _customer_a_client(make_user)
    checked = 0
    for route in page_routes():
        for values in _values(route, world):
            url = _fill(route.template, values)
            _assert_no_leak(client.get(url), url)
            if not route.params:
                for export in ("csv", "xlsx"):
                    _assert_no_leak(client.get(f"{url}?export={export}"), f"{url}?export={export}")
            checked += 1
    assert checked > 50  # the enumeration found the project's pages


def test_staff_without_request_work_never_see_internal_notes(
    world: worlds.World, make_user: Callable[..., User]
) -> None:
    clerk = make_user(Role.PARTS_CLERK, language="en")
    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    for route in page_routes():
        for values in _values(route, world):
            url = _fill(route.template, values)
            _assert_no_leak(client.get(url), url, NOTE_MARKER)


def _api_operations(agent: User) -> list[tuple[str, str]]:
    client = APIClient()
    client.force_authenticate(agent)
    schema = client.get("/api/v1/schema/?format=json").json()
    return [
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_customer_a_never_reaches_customer_b_through_the_api(
    world: worlds.World, make_user: Callable[..., User]
) -> None:
    user, _client = _customer_a_client(make_user)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    operations = _api_operations(world.agent)
    assert len(operations) > 20
    before = worlds.fingerprint(world)
    for path, method in operations:
        names = re.findall(r"\{(\w+)\}", path)
        keys = world.keys_for("str") if names else [""]
        for key in keys:
            url = re.sub(r"\{\w+\}", key.replace("\\", "\\\\"), path)
            response = getattr(api, method)(url, {}, format="json")
            _assert_no_leak(response, f"{method.upper()} {url}")
    # A key of B's may also be the key of one of A's own rows, which A may change; B's rows must not.
    assert worlds.fingerprint(world) == before


def test_the_marker_is_visible_to_its_own_tenant(world: worlds.World) -> None:
    """The control: B's own administrator does see the marked rows, so their absence above means
    the pages refused A, not that the marker never shows."""
    client = Client()
    client.force_login(world.b_user, backend="django.contrib.auth.backends.ModelBackend")
    number = next(k for k in world.keys if k.startswith("SR"))
    assert MARKER.encode() in client.get(f"/requests/{number}/").content
    api = APIClient()
    api.force_authenticate(world.b_user)
    assert MARKER in api.get("/api/v1/tickets/").content.decode()
