import json
import logging
import sys
from collections.abc import Callable

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from sasms.accounts.models import User
from sasms.core.context import Origin, acting_from
from sasms.ops.jsonlog import JsonFormatter

log = logging.getLogger("sasms.ops.test")


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    exc_info = None
    if extra.pop("with_exc", False):
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    return log.makeRecord(log.name, logging.WARNING, __file__, 1, message, args, exc_info, extra=extra)


def test_a_line_is_one_json_object_with_the_standard_fields() -> None:
    line = JsonFormatter().format(_record("queued %s messages for %s", 3, "客户甲", ticket_id=42))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "sasms.ops.test"
    assert entry["message"] == "queued 3 messages for 客户甲"
    assert entry["time"].endswith("+00:00")
    assert entry["request_id"] is None
    assert entry["user_id"] is None
    assert entry["channel"] == "system"
    assert entry["ticket_id"] == 42  # extra= fields are kept


def test_request_id_comes_from_the_request_context_and_exceptions_are_kept() -> None:
    with acting_from(Origin(channel="task", request_id="abc123")):
        entry = json.loads(JsonFormatter().format(_record("failed", with_exc=True)))
    assert entry["request_id"] == "abc123"
    assert entry["channel"] == "task"
    assert "ValueError: boom" in entry["exc_info"]


captured: list[str] = []


def _logging_view(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # the view resolves the user, as real views do
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    captured.append(handler.format(_record("inside the view")))
    return HttpResponse("ok")


urlpatterns = [path("log-probe/", _logging_view)]


@pytest.mark.django_db
def test_inside_a_request_the_line_names_the_request_and_the_user(
    client: Client, make_user: Callable[..., User], settings: object
) -> None:
    settings.ROOT_URLCONF = __name__  # type: ignore[attr-defined]
    user = make_user()
    client.force_login(user)
    captured.clear()
    response = client.get("/log-probe/", HTTP_X_REQUEST_ID="req-77")
    assert response.status_code == 200
    entry = json.loads(captured[0])
    assert entry["request_id"] == "req-77"
    assert entry["user_id"] == user.pk
    assert entry["channel"] == "web"
