"""Every query filter the OpenAPI schema declares on a list operation is honoured.

The schema is what API clients build their calls from: a filter it declares but the endpoint
ignores answers every query with the unfiltered list, a silent wrong answer. For every list
operation of the schema (built once per session with drf-spectacular's generator, as the docs
build it) and each of its declared query parameters, the test sends values of the declared type
and asks whether the endpoint acted on them: either it refused the value naming that parameter
(a 400 whose ``error.fields`` names it: the value was read and checked), or the database queries
it ran differ from those of the unfiltered call (a filter, an ordering or a scope was applied).
A declared parameter that changes neither is ignored, and fails here.

Sub-resource lists (``/contracts/{id}/documents/`` …) are checked on an object created for the
purpose, so their declared parameters are held to the same rule.
"""

import datetime
import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.filters import OrderingFilter
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role

# Pagination picks a slice of the same answer; it is not a filter.
NOT_FILTERS = {"page", "page_size"}
UNDECLARED = "zz_not_a_declared_parameter"


@functools.cache
def api_schema() -> dict[str, Any]:
    generator = SchemaGenerator(api_version="v1")  # type: ignore[no-untyped-call]
    return dict(generator.get_schema(request=None, public=True))  # type: ignore[no-untyped-call]


def list_operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in sorted(api_schema()["paths"].items()):
        operation = operations.get("get")
        if operation is not None and operation["operationId"].endswith("_list"):
            yield path, operation


def _query_parameters(operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p["in"] == "query"]


CASES = [
    pytest.param(path, parameter, id=f"{operation['operationId']}:{parameter['name']}")
    for path, operation in list_operations()
    for parameter in _query_parameters(operation)
    if parameter["name"] not in NOT_FILTERS
]


def ordering_values(url: str, user: User) -> list[str]:
    """The terms the endpoint's ordering accepts (DRF drops any other term without a word)."""
    match = resolve(url)
    view = match.func.cls(**match.func.initkwargs)  # type: ignore[attr-defined]
    view.action_map = match.func.actions  # type: ignore[attr-defined]
    view.action = view.action_map.get("get")
    request = view.initialize_request(RequestFactory().get(url))
    request.user = user
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), match.kwargs, None
    fields = OrderingFilter().get_valid_fields(view.get_queryset(), view, {"request": request})
    return [term for name, _label in fields for term in (name, f"-{name}")]


def candidate_values(parameter: dict[str, Any]) -> list[str]:
    """Values of the declared type; more than one, so a value that happens to be the default
    (or to select everything) does not hide a filter that works."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    if schema.get("enum"):
        return [str(v) for v in schema["enum"] if v not in ("", None)]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "boolean":
        return ["true", "false"]
    if kind in ("integer", "number"):
        return ["1", "987654"]
    if fmt == "date":
        return ["2001-02-03", "2099-12-31"]
    if fmt == "date-time":
        return ["2001-02-03T04:05:06Z", "2099-12-31T00:00:00Z"]
    return ["zz-no-such-value", "true", "false", "1"]


# Times, savepoint names and other per-call noise are not a filter being applied.
NOISE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)?"), "<time>"),
    (re.compile(r'"?s\d+_x\d+"?'), "<savepoint>"),
]


def _masked(body: Any) -> str:
    if isinstance(body, dict):
        # The page links repeat the query string: they differ for any parameter at all.
        body = {key: value for key, value in body.items() if key not in ("next", "previous")}
    text = json.dumps(body, sort_keys=True, default=str)
    for pattern, replacement in NOISE:
        text = pattern.sub(replacement, text)
    return text


def _refusal(body: Any, name: str) -> Any:
    """What a 4xx error body says about the parameter ``name`` (``None``: nothing)."""
    if not isinstance(body, dict):
        return None
    return (body.get("error", {}).get("fields") or {}).get(name)


def _normalised(queries: list[dict[str, Any]]) -> list[str]:
    found = []
    for query in queries:
        sql = query["sql"]
        for pattern, replacement in NOISE:
            sql = pattern.sub(replacement, sql)
        found.append(sql)
    return found


def _call(client: APIClient, path: str, params: dict[str, str]) -> tuple[int, Any, list[str]]:
    url = path + ("?" + urlencode(params) if params else "")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_ACCEPT="application/json")
    body = response.json() if response.get("Content-Type", "").startswith("application/json") else None
    return response.status_code, body, _normalised(captured.captured_queries)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR, language="en")


@pytest.fixture
def admin_client(admin: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin)
    return client


@pytest.fixture
def world(admin: User, customer_a: Organisation) -> dict[str, Any]:
    """One object for each sub-resource list (and for the parameters a list requires)."""
    from sasms.accounts import services as account_services
    from sasms.assets import services as asset_services
    from sasms.contracts import services as contract_services
    from sasms.contracts.models import Contract, ContractStatus, ServiceProduct
    from sasms.dispatch.services.batch import create_proposal
    from sasms.parts import services as parts_services
    from sasms.proactive.services import advisories, campaigns, health
    from sasms.tickets import services as ticket_services

    vendor = asset_services.create_vendor(actor=None, name="Dell", code="dell")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="PowerEdge R750")
    server = asset_services.create_server(actor=None, model=model, serial="FLT0001", organisation=customer_a)
    account_services.add_contact(actor=admin, organisation=customer_a, name="王伟", phone="+86 10 8888 0000")
    today = datetime.date.today()
    contract = contract_services.create_contract(
        actor=None,
        number="HT-FILTERS",
        organisation=customer_a,
        product=ServiceProduct.objects.get(code="nbd-5x9"),
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=300),
    )
    contract_services.cover_servers(actor=None, contract=contract, servers=[server])
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=server, title="Disk failed", component="disk"
    )
    part = parts_services.create_part(
        actor=None, part_number="DISK-FLT", description="disk", kind="disk", vendor=vendor
    )
    proposal = create_proposal(actor=admin, limit=10)
    asset_services.add_component(actor=None, server=server, kind="firmware", slot="BIOS", firmware="1.0.0")
    advisory = advisories.save_advisory(
        actor=admin,
        values={
            "reference": "ADV-FILTERS",
            "title": "BIOS",
            "vendor": vendor.name,
            "component_type": "bios",
            "fixed_version": "2.0.0",
        },
    )
    campaign = campaigns.open_campaign(actor=admin, advisory=advisory)
    check = health.run_health_check(actor=admin, organisation=customer_a)
    return {
        "/api/v1/firmware-campaigns/{id}/": campaign.pk,
        "/api/v1/health-checks/{id}/": check.pk,
        "/api/v1/contracts/{id}/": contract.pk,
        "/api/v1/dispatch/proposals/{id}/": proposal.pk,
        "/api/v1/organisations/{id}/": customer_a.pk,
        "/api/v1/parts/{id}/": part.pk,
        "/api/v1/servers/{id}/": server.pk,
        "/api/v1/tickets/{number}/": ticket.number,
        # Parameters a list requires: a value it can answer for.
        "server": str(server.pk),
        "number": "+86 10 8888 0000",
        # A word outside the search dictionary: a dictionary term is whole already, never a prefix.
        "q": "grommet",
    }


def _concrete(path: str, world: dict[str, Any]) -> str:
    if "{" not in path:
        return path
    for prefix, value in world.items():
        if prefix.startswith("/") and path.startswith(prefix):
            placeholder = prefix.rsplit("/", 2)[-2]
            return path.replace(placeholder, str(value))
    raise AssertionError(f"no object for {path}: add one to the world fixture")


@pytest.fixture
def page_query_always_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the page query run on an empty list too.

    Django's paginator does not run the page query when the count is 0, and cuts the page at
    the count, and then an ordering or a page size cannot show in the queries. The count query
    still runs; its answer is only taken as at least a few pages long.
    """
    counted = Paginator.count.func  # type: ignore[attr-defined]
    monkeypatch.setattr(Paginator, "count", property(lambda self: max(counted(self), 10_000)))


def _required(operation: dict[str, Any], world: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: world[p["name"]] for p in _query_parameters(operation) if p.get("required")}


OPERATIONS = dict(list_operations())


@pytest.mark.django_db
@pytest.mark.usefixtures("page_query_always_runs")
@pytest.mark.parametrize(("path", "parameter"), CASES)
def test_declared_filter_is_honoured(
    path: str, parameter: dict[str, Any], admin: User, admin_client: APIClient, world: dict[str, Any]
) -> None:
    url = _concrete(path, world)
    name = parameter["name"]
    required = _required(OPERATIONS[path], world)
    baseline_params = dict(required)
    status, baseline_body, baseline = _call(admin_client, url, baseline_params)
    assert status == 200, f"{url} answers {status} with only its required parameters: {baseline_body}"
    tried = []
    candidates = ordering_values(url, admin) if name == "ordering" else candidate_values(parameter)
    for value in candidates:
        if required.get(name) == value:
            continue
        status, body, queries = _call(admin_client, url, {**baseline_params, name: value})
        refusal = _refusal(body, name)
        if status in (400, 404) and refusal:
            # Read and checked, unless the endpoint says of it what it says of any unknown name.
            _s, unknown, _q = _call(admin_client, url, {**baseline_params, UNDECLARED: value})
            assert refusal != _refusal(unknown, UNDECLARED), (
                f"{url} declares {name!r} but refuses it as an unknown parameter: {body}"
            )
            return
        assert status == 200, f"{url}?{name}={value} answers {status}: {body}"
        if queries != baseline:
            return  # the database was asked something else: the filter was applied
        if _masked(body) != _masked(baseline_body):
            return  # a computed answer (e.g. "covered at this instant") changed with it
        tried.append(value)
    pytest.fail(f"{url} declares the query parameter {name!r} but ignores it (tried {tried})")
