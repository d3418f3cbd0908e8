"""Oversized uploads are refused before (or as soon as) their bytes pass the limit.

Probe finding: a 200 MB upload was read whole before the 20 MB refusal.
"""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from rest_framework.test import APIClient

from sasms.accounts.models import Organisation, User
from sasms.tickets import services
from sasms.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body that records how much of it was read."""

    def __init__(self, payload: bytes, size: int | None = None) -> None:
        self.payload = payload
        self.size = size if size is not None else len(payload)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        remaining = self.size - self.read_bytes
        n = remaining if n is None or n < 0 else min(n, remaining)
        start = self.read_bytes
        self.read_bytes += n
        chunk = self.payload[start : start + n]
        return chunk + b"x" * (n - len(chunk))

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size if size is not None else -1)


def _body(stream: CountingStream) -> dict[str, Any]:
    return {"wsgi.input": stream}


@pytest.fixture
def ticket(customer_a: Organisation) -> Ticket:
    return services.create_ticket(actor=None, organisation=customer_a, title="Disk failure")


def _multipart(size: int) -> bytes:
    upload = io.BytesIO(b"a" * size)
    upload.name = "huge.log"
    return encode_multipart(BOUNDARY, {"file": upload, "internal": "false"})


def test_a_200_mb_page_upload_is_refused_unread(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    body = CountingStream(b"", size=200 * MB)
    response = client_for(agent).generic(
        "POST",
        reverse("tickets:attachment_upload", args=[ticket.number]),
        data="",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(200 * MB),
        **_body(body),
    )
    assert response.status_code == 413
    assert "MB" in response.content.decode()
    assert body.read_bytes == 0
    assert not Attachment.objects.exists()


def test_a_200_mb_api_upload_is_refused_unread_with_json(
    ticket: Ticket, agent: User, api_for: Callable[[User], APIClient]
) -> None:
    body = CountingStream(b"", size=200 * MB)
    response = api_for(agent).generic(
        "POST",
        f"/api/v1/tickets/{ticket.number}/attachments/",
        data="",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(200 * MB),
        **_body(body),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert body.read_bytes == 0


def test_one_file_over_the_limit_stops_the_reading_at_the_limit(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client], settings: Any
) -> None:
    settings.SASMS_UPLOAD_MAX_BYTES = settings.SASMS_TICKET_ATTACHMENT_MAX_BYTES = 1 * MB
    payload = _multipart(6 * MB)  # under the request limit, over the file limit
    body = CountingStream(payload)
    response = client_for(agent).generic(
        "POST",
        reverse("tickets:attachment_upload", args=[ticket.number]),
        data="",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(payload)),
        **_body(body),
    )
    assert response.status_code == 413
    assert body.read_bytes < 2 * MB  # the limit and a chunk or two, not 6 MB
    assert not Attachment.objects.exists()


def test_one_api_file_over_the_limit_is_a_413_json(
    ticket: Ticket, agent: User, api_for: Callable[[User], APIClient], settings: Any
) -> None:
    settings.SASMS_UPLOAD_MAX_BYTES = settings.SASMS_TICKET_ATTACHMENT_MAX_BYTES = 1 * MB
    payload = _multipart(6 * MB)
    body = CountingStream(payload)
    response = api_for(agent).generic(
        "POST",
        f"/api/v1/tickets/{ticket.number}/attachments/",
        data="",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(payload)),
        **_body(body),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert body.read_bytes < 2 * MB
    assert not Attachment.objects.exists()


def test_a_body_without_content_length_is_not_read(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    body = CountingStream(b"", size=200 * MB)
    environ = {"wsgi.input": body, "HTTP_TRANSFER_ENCODING": "chunked"}
    client = client_for(agent)
    request_environ = client._base_environ(  # type: ignore[attr-defined]
        PATH_INFO=reverse("tickets:attachment_upload", args=[ticket.number]),
        REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT,
        **environ,
    )
    request_environ.pop("CONTENT_LENGTH", None)
    response = client.request(**request_environ)
    assert response.status_code < 500
    assert body.read_bytes == 0
    assert not Attachment.objects.exists()


def test_a_file_within_the_limit_still_uploads(
    ticket: Ticket, agent: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("tickets:attachment_upload", args=[ticket.number])
    upload = io.BytesIO(b"kernel: EXT4-fs error\n" * 1000)
    upload.name = "dmesg.txt"
    response = client_for(agent).post(url, {"file": upload})
    assert response.status_code in (200, 302)
    assert Attachment.objects.count() == 1
