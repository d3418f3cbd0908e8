from typing import Any

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from sasms.ops import health


def test_healthz_answers_without_the_database(client: Client) -> None:
    # No django_db mark: any database query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_every_check_ok(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
        "templates": "ok",
        "static": "ok",
    }


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client: Client, settings: Any) -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert "Error" in body["checks"]["broker"]


@pytest.mark.django_db
def test_readyz_names_a_failing_cache(client: Client, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class Pending:
        app_label, name = "tickets", "9999_future"

    monkeypatch.setattr(health, "_migrations_checked", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [(Pending(), False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert "tickets.9999_future" in body["checks"]["migrations"]
