"""Shared fixtures: organisations and a signed-in user for every role.

Tests run against whatever ``DATABASE_URL`` names: the test command runs the suite once on SQLite
and once on the PostgreSQL server on 127.0.0.1.
"""

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from sasms.accounts import services
from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import CUSTOMER_ROLES, Role
from tests import corpus

PASSWORD = "Correct-Horse-42"


# --- SQLite: let the transactional flush empty the append-only audit trail --------------------------
# ``live_server`` needs a transactional database, emptied after each test with ``flush``. On
# PostgreSQL that is a TRUNCATE, which the audit trail's row trigger does not see; on SQLite it is a
# DELETE, which the ``core_auditentry_no_delete`` trigger refuses. The trigger is lifted for the
# flush alone and put back right after it, so the rest of the suite still sees it.
AUDIT_NO_DELETE = "core_auditentry_no_delete"
AUDIT_NO_DELETE_SQL = (
    f"CREATE TRIGGER IF NOT EXISTS {AUDIT_NO_DELETE} BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
)


def _on_sqlite_test_database(statement: str, item: pytest.Item) -> None:
    if not _is_transactional(item):
        return
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    in_memory = "memory" in name  # ":memory:" or "file:memorydb_…?mode=memory"
    if connection.vendor != "sqlite" or not (in_memory or "test" in Path(name).name):
        return
    with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
        cursor.execute(statement)


# Reference data that data migrations seed; a transactional test's flush empties it, so it is
# seeded again right after, and every later test finds the catalogue a migrated database has.
REFERENCE_DATA_SEEDS = [
    ("sasms.contracts.migrations.0002_seed_service_products", "seed"),
    ("sasms.sla.migrations.0002_seed_calendars", "seed"),
    ("sasms.sla.migrations.0004_seed_escalation_policies", "seed"),
    ("sasms.maintenance.migrations.0002_seed_default_checklist", "seed"),
]


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return bool(transactional or {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


def _reseed_reference_data(item: pytest.Item) -> None:
    if not _is_transactional(item):
        return
    from django.apps import apps

    with item.config.stash[blocking_manager_key].unblock():
        for module_name, function_name in REFERENCE_DATA_SEEDS:
            getattr(importlib.import_module(module_name), function_name)(apps, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _on_sqlite_test_database(f"DROP TRIGGER IF EXISTS {AUDIT_NO_DELETE}", item)
    try:
        return (yield)
    finally:
        if nextitem is not None:  # after the last test the test database is already gone
            _on_sqlite_test_database(AUDIT_NO_DELETE_SQL, item)
            _reseed_reference_data(item)


def pytest_configure(config: pytest.Config) -> None:
    # The real-world corpus lives outside the repository; tests/corpus.py says what happens without it.
    corpus.configure(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On SQLite, leave out the PostgreSQL race tests: SQLite serialises every writer by design."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgresql")]
    if postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Code called outside a request speaks English in tests, whatever an earlier test activated.

    Each request still picks its own language (cookie, profile, Accept-Language, else zh-hans), but
    the language a request activates stays active in the thread afterwards; without this, service
    messages asserted by later tests would depend on test order.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters and other cached values must not carry over from an earlier test.
    from django.core.cache import cache

    from sasms.sla.specs import clear_spec_cache

    cache.clear()
    # Calendar specs are cached per process by calendar and version; a rolled-back test leaves a
    # version number that the next test reuses for other holidays.
    clear_spec_cache()


@pytest.fixture(autouse=True)
def _fresh_integration_caches() -> None:
    # Robots, webhooks and the active classifier are cached per process for a few seconds.
    from sasms.integrations.cache import forget_all
    from sasms.integrations.classifier.store import clear_cache

    forget_all()
    clear_cache()


@pytest.fixture(autouse=True)
def _fresh_escalation_policies() -> None:
    # Policies are cached per process for a few seconds; each test reads its own database's rows.
    from sasms.sla.clocks.policy import clear_policy_cache

    clear_policy_cache()


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
        # The API speaks the language the client asks for (Accept-Language), Chinese by default.
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Before the test database is dropped, end sessions that threads of the run left open.

    The live server answers each browser request in a thread of its own, and such a thread can
    still hold a connection at the end; PostgreSQL then refuses to drop the database and it stays
    behind.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
