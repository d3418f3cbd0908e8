"""Hostile but well-formed input on every page and API operation: a 4xx or a page, never a 5xx.

Pages are enumerated from the URL resolver and API operations from the OpenAPI schema, so a new
list, search box or endpoint is covered without editing this test. Each is sent, in every query
parameter it reads (its filter set's fields, the documented API parameters and the usual names),
digits ``int()`` refuses (``¹``), a NUL byte, and a 30-digit number; every API write gets JSON
nested 2000 levels deep.
"""

from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.contracts import services as contract_services
from sasms.contracts.models import ServiceProduct
from sasms.contracts.services import MAX_TARGET_MINUTES
from sasms.core.errors import ServiceError
from sasms.tickets.models import SavedView
from tests.security.test_isolation_matrix import Route, _fill, page_routes

pytestmark = pytest.mark.django_db

HOSTILE = ["\u00b9", "\x00", "9" * 30]
COMMON = ["q", "organisation", "server", "vendor", "model", "site", "requester", "version", "page", "a", "b"]
DEEP = "[" * 2000 + "]" * 2000


def _query_names(route: Route) -> list[str]:
    """The filter set's fields of a list page, plus the names pages commonly read."""
    match = get_resolver().resolve(_fill(route.template, {}))
    view_class = getattr(match.func, "view_class", None)
    filterset_class = getattr(view_class, "filterset_class", None)
    names = list(COMMON)
    if filterset_class is not None:
        names += [name for name in filterset_class.base_filters if name not in names]
    return names


def _hostile_queries(names: list[str]) -> Iterator[str]:
    for value in HOSTILE:
        yield urlencode(dict.fromkeys(names, value))


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.CUSTOMER_ADMIN])
def test_no_page_answers_hostile_query_parameters_with_a_server_error(
    make_user: Callable[..., User], role: str
) -> None:
    client = _client(make_user(role, language="en"))
    failures = []
    checked = 0
    for route in page_routes():
        if route.params:
            continue
        url = _fill(route.template, {})
        if client.get(url).status_code >= 500:
            continue  # the readiness probe answers 503 in a test run, whatever it is asked
        for query in _hostile_queries(_query_names(route)):
            response = client.get(f"{url}?{query}")
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{url}?{query} → {response.status_code}")
    assert checked > 100
    assert failures == []


def _operations(client: APIClient) -> Iterator[tuple[str, str, list[str]]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch"}:
                continue
            query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            yield path, method, query


def _fill_path(path: str) -> str:
    # An id that exists nowhere: the operation still parses its input before it looks the row up.
    import re

    return re.sub(r"\{\w+\}", "1", path)


def test_no_api_operation_answers_hostile_input_with_a_server_error(
    make_user: Callable[..., User],
) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    api.force_authenticate(make_user(Role.ADMINISTRATOR, language="en"))
    failures: list[str] = []
    checked = 0
    for path, method, query in _operations(api):
        url = _fill_path(path)
        if method == "get":
            for hostile in _hostile_queries([*query, *COMMON]):
                response = api.get(f"{url}?{hostile}")
                checked += 1
                if response.status_code >= 500:
                    failures.append(f"GET {url}?{hostile} → {response.status_code}")
        else:
            response = getattr(api, method)(url, DEEP, content_type="application/json")
            checked += 1
            if response.status_code >= 500 or response.status_code == 200:
                failures.append(f"{method.upper()} {url} (deep JSON) → {response.status_code}")
    assert checked > 100
    assert failures == []


def test_a_saved_view_named_with_a_nul_byte_is_saved_without_it(
    make_user: Callable[..., User],
) -> None:
    agent = make_user(Role.AGENT, language="en")
    client = _client(agent)
    response = client.post(
        reverse("tickets:save_view"), {"name": "Mine\x00", "queue": "open", "query": "q=disk\x00"}
    )
    assert response.status_code == 302
    saved = SavedView.objects.get(owner=agent)
    assert (saved.name, "\x00" in saved.query) == ("Mine", False)


def test_a_search_box_with_a_nul_byte_answers(make_user: Callable[..., User]) -> None:
    client = _client(make_user(Role.AGENT, language="en"))
    assert client.get(reverse("tickets:queue"), {"q": "disk\x00"}).status_code == 200


@pytest.mark.parametrize("minutes", [10**29, MAX_TARGET_MINUTES + 1])
def test_an_sla_target_beyond_a_year_is_refused_naming_the_field(
    make_user: Callable[..., User], minutes: int
) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    api.force_authenticate(make_user(Role.SERVICE_MANAGER, language="en"))
    body = {
        "code": "huge",
        "name": "Huge",
        "coverage_hours": "7x24",
        "targets": {"P1": {"response_minutes": minutes}},
    }
    response = api.post("/api/v1/service-products/", body, format="json")
    assert response.status_code == 400
    assert any("response_minutes" in name for name in response.json()["error"]["fields"])
    assert not ServiceProduct.objects.filter(code="huge").exists()
    with pytest.raises(ServiceError) as refused:
        contract_services.create_product(
            actor=None, code="huge", name="Huge", coverage_hours="7x24",
            targets={"P1": {"response_minutes": minutes}},
        )  # fmt: skip
    assert "targets.P1.response_minutes" in refused.value.fields
