"""Shared fixtures: organisations and a signed-in user for every role.

Tests run against whatever ``DATABASE_URL`` names: the test command runs the suite once on SQLite
and once on the PostgreSQL server on 127.0.0.1.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sasms.accounts import services
from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import CUSTOMER_ROLES, Role

PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def provider(db: None) -> Organisation:
    return services.create_organisation(
        actor=None, name="Provider Co", code="provider", kind=OrganisationKind.PROVIDER
    )


@pytest.fixture
def customer_a(db: None) -> Organisation:
    return services.create_organisation(
        actor=None, name="Customer A 甲银行", code="cust-a", kind=OrganisationKind.CUSTOMER, city="北京"
    )


@pytest.fixture
def customer_b(db: None) -> Organisation:
    return services.create_organisation(
        actor=None, name="Customer B 乙医院", code="cust-b", kind=OrganisationKind.CUSTOMER, city="上海"
    )


@pytest.fixture
def make_user(provider: Organisation, customer_a: Organisation) -> Callable[..., User]:
    counter = {"n": 0}

    def make(role: str = Role.AGENT, organisation: Organisation | None = None, **fields: Any) -> User:
        counter["n"] += 1
        if organisation is None:
            organisation = customer_a if role in CUSTOMER_ROLES else provider
        return services.create_user(
            actor=None,
            email=fields.pop("email", f"{role}{counter['n']}@example.com"),
            full_name=fields.pop("full_name", f"{Role(role).label} {counter['n']}"),
            organisation=organisation,
            role=role,
            password=fields.pop("password", PASSWORD),
            **fields,
        )

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR, language="en")


@pytest.fixture
def agent(make_user: Callable[..., User]) -> User:
    return make_user(Role.AGENT, language="en")


@pytest.fixture
def customer_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.CUSTOMER, language="en")


@pytest.fixture
def customer_admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.CUSTOMER_ADMIN, language="en")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def api_for() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
