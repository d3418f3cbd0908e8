"""Fuzzing every API operation from the project's own OpenAPI schema (schemathesis).

Each operation gets a few generated requests, authenticated as a service manager (who may reach
nearly everything): no answer may be a server error, and every answer must match the schema
(status code documented, body conforming). ``tools/fuzz_api.py`` runs the same with many more
examples per operation.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import schemathesis.specs.openapi.checks as openapi_checks
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from sasms.accounts import services as account_services
from sasms.accounts.models import OrganisationKind
from sasms.accounts.roles import Role

EXAMPLES = int(os.environ.get("SASMS_FUZZ_EXAMPLES", "3"))
# No server error, and every answer as documented: status, content type, body. (Whether each
# generated request should have been accepted or refused is left to the unit tests: the schema
# cannot say, for instance, that organisation 0 does not exist.)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


def _schema() -> dict[str, Any]:
    generator = SchemaGenerator(api_version="v1")  # type: ignore[no-untyped-call]
    return dict(generator.get_schema(request=None, public=True))  # type: ignore[no-untyped-call]


# In CI, random generation only; the coverage phase's exhaustive boundary values belong to the
# long run (tools/fuzz_api.py sets SASMS_FUZZ_FULL=1).
FULL = os.environ.get("SASMS_FUZZ_FULL") == "1"
schema = schemathesis.openapi.from_dict(
    _schema(),
    config=SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"enabled": FULL}, "stateful": {"enabled": False}}}
    ),
)
schema.app = WSGIHandler()


@pytest.fixture
def token(db: None) -> str:
    provider = account_services.create_organisation(
        actor=None, name="Fuzz provider", code="fuzz-provider", kind=OrganisationKind.PROVIDER
    )
    user = account_services.create_user(
        actor=None,
        email="fuzz@provider.example",
        full_name="Fuzz",
        organisation=provider,
        role=Role.SERVICE_MANAGER,
        password="fuzz-password-2026",
    )
    return account_services.issue_personal_token(actor=user, name="fuzz").secret


@pytest.fixture(autouse=True)
def _any_host(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # The app is called in-process inside the test's transaction; like Django's test client,
    # do not let the end of each request close that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
