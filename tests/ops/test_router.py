from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from sasms.core.models import OutboxMessage
from sasms.ops.router import REPLICA_ALIAS, ReplicaRouter, use_replica

REPLICA_DB = "sasms_ops_replica"


def test_without_a_replica_every_read_stays_on_default() -> None:
    router = ReplicaRouter()
    with use_replica():
        assert router.db_for_read(OutboxMessage) is None
    assert router.db_for_write(OutboxMessage) == "default"
    assert router.allow_migrate(REPLICA_ALIAS, "core") is False
    assert router.allow_migrate("default", "core") is True


@pytest.fixture
def replica(db: None, settings: Any) -> Iterator[str]:
    """A second PostgreSQL database standing in for the streaming replica."""
    primary = connection.settings_dict
    host, port = primary["HOST"] or "127.0.0.1", primary["PORT"] or 5432
    dsn = f"host={host} port={port} user={primary['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{REPLICA_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{REPLICA_DB}"')
    configured = connections.configure_settings(
        {"default": primary, REPLICA_ALIAS: {**primary, "NAME": REPLICA_DB}}
    )
    connections.settings[REPLICA_ALIAS] = configured[REPLICA_ALIAS]
    settings.DATABASE_ROUTERS = ["sasms.ops.router.ReplicaRouter"]
    try:
        # Connect first: Django's test case refuses to open connections to aliases it did not know
        # when the test started, but lets an open one through.
        connections[REPLICA_ALIAS].connect()
        with connections[REPLICA_ALIAS].schema_editor() as editor:
            editor.create_model(OutboxMessage)
        yield REPLICA_ALIAS
    finally:
        connections[REPLICA_ALIAS].close()
        del connections[REPLICA_ALIAS]
        del connections.settings[REPLICA_ALIAS]
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{REPLICA_DB}" WITH (FORCE)')


@pytest.mark.postgresql
def test_report_reads_come_from_the_replica_and_writes_go_to_default(replica: str) -> None:
    OutboxMessage.objects.create(topic="report", payload={"copy": "primary"}, idempotency_key="row-1")
    OutboxMessage.objects.using(replica).create(
        topic="report", payload={"copy": "replica"}, idempotency_key="row-1"
    )

    assert OutboxMessage.objects.get(idempotency_key="row-1").payload == {"copy": "primary"}
    with use_replica():
        assert OutboxMessage.objects.get(idempotency_key="row-1").payload == {"copy": "replica"}
        written = OutboxMessage.objects.create(topic="report", payload={}, idempotency_key="row-2")
    assert written._state.db == "default"
    assert OutboxMessage.objects.filter(idempotency_key="row-2").exists()
    assert not OutboxMessage.objects.using(replica).filter(idempotency_key="row-2").exists()

    @use_replica()
    def report_selector() -> list[str]:
        return [
            m.payload["copy"] for m in OutboxMessage.objects.filter(topic="report", idempotency_key="row-1")
        ]

    assert report_selector() == ["replica"]
    assert OutboxMessage.objects.get(idempotency_key="row-1").payload == {"copy": "primary"}  # reset after
