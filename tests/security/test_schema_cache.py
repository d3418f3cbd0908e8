"""The anonymous OpenAPI schema is generated once per process.

Probe finding: every anonymous call to ``/api/v1/schema/`` cost about a second of CPU.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from sasms.core.api.schema_view import clear_schema_cache

pytestmark = pytest.mark.django_db
SCHEMA = "/api/v1/schema/"


@pytest.fixture
def generations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    clear_schema_cache()
    calls: list[str] = []
    original = SchemaGenerator.get_schema

    def counting(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        calls.append("generated")
        return original(self, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    yield calls
    clear_schema_cache()


def test_two_anonymous_calls_generate_the_schema_once(client: Any, generations: list[str]) -> None:
    first = client.get(SCHEMA, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(SCHEMA, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "/api/v1/tickets/" in first.json()["paths"]
    assert generations == ["generated"]
    # Another format of the same schema is rendered from the kept one.
    assert client.get(SCHEMA, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert generations == ["generated"]


def test_each_language_is_generated_once(client: Any, generations: list[str]) -> None:
    for _ in range(2):
        assert client.get(SCHEMA, {"format": "json", "lang": "en"}).status_code == 200
        assert client.get(SCHEMA, {"format": "json", "lang": "zh-hans"}).status_code == 200
    assert generations == ["generated", "generated"]
