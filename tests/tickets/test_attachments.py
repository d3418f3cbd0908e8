"""Attachments: size limit, type by content, safe names, private storage, checked downloads."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.core.uploads import reencode_image
from sasms.tickets import services
from sasms.tickets.models import Attachment, Ticket
from sasms.tickets.services.attachments import safe_name, sniff

pytestmark = pytest.mark.django_db
FAKE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.7\n" + b"x" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/abs/path/photo.jpg", "photo.jpg"),
        ("..", "attachment"),
        (".htaccess", "htaccess"),
        ("bad\x00name\r\n.log", "badname.log"),
        ("", "attachment"),
        ("服务器日志.txt", "服务器日志.txt"),
    ],
)
def test_safe_name_strips_paths_and_control_characters(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_sniffing_uses_content_not_name() -> None:
    assert sniff(PNG) == "image/png"
    assert sniff(PDF) == "application/pdf"
    assert sniff("2026-11-24 kernel: sd 0:0:3:0 错误\n".encode()) == "text/plain"
    assert sniff(ELF) is None
    assert sniff(b"MZ\x90\x00" + b"\x00" * 60) is None  # a Windows executable called photo.jpg


def test_upload_stores_privately_under_a_random_name(ticket: Ticket, agent: User) -> None:
    attachment = services.add_attachment(
        actor=agent, ticket=ticket, name="../../photo.png", content=io.BytesIO(PNG)
    )
    assert attachment.original_name == "photo.png"
    assert attachment.content_type == "image/png"
    assert "photo" not in attachment.storage_name
    assert ".." not in attachment.storage_name
    stored = Path(settings.MEDIA_ROOT) / "private" / "tickets" / attachment.storage_name
    # Stored as decoded and written anew: the same picture, not necessarily the same bytes.
    assert Image.open(stored).size == (8, 6)
    assert stored.read_bytes() == reencode_image(PNG, "image/png")
    assert attachment.event is not None
    assert attachment.event.public


def test_oversize_and_wrong_type_are_refused(ticket: Ticket, agent: User, settings: object) -> None:
    settings.SASMS_TICKET_ATTACHMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    with pytest.raises(ServiceError) as big:
        services.add_attachment(actor=agent, ticket=ticket, name="big.log", content=io.BytesIO(b"a" * 1025))
    assert big.value.code == "too_large"
    with pytest.raises(ServiceError) as exe:
        services.add_attachment(actor=agent, ticket=ticket, name="photo.jpg", content=io.BytesIO(ELF))
    assert exe.value.code == "unsupported_type"
    with pytest.raises(ServiceError):
        services.add_attachment(actor=agent, ticket=ticket, name="empty.txt", content=io.BytesIO(b""))
    assert not Attachment.objects.exists()
    private = Path(settings.MEDIA_ROOT) / "private" / "tickets"  # type: ignore[attr-defined]
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_download_is_checked_and_safe(
    ticket: Ticket,
    ticket_b: Ticket,
    agent: User,
    customer_user: User,
    customer_b_user: User,
    client_for: Callable[[User], Client],
) -> None:
    public = services.add_attachment(actor=agent, ticket=ticket, name="<script>.png", content=io.BytesIO(PNG))
    internal = services.add_attachment(
        actor=agent, ticket=ticket, name="notes.txt", content=io.BytesIO(b"internal"), internal=True
    )
    url = reverse("tickets:attachment", args=[ticket.number, public.pk])
    response = client_for(customer_user).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == reencode_image(PNG, "image/png")  # type: ignore[attr-defined]
    assert (
        client_for(customer_user)
        .get(reverse("tickets:attachment", args=[ticket.number, internal.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(agent).get(reverse("tickets:attachment", args=[ticket.number, internal.pk])).status_code
        == 200
    )
    assert client_for(customer_b_user).get(url).status_code == 404
    # The id of A's file through B's request number is still not found.
    assert (
        client_for(agent).get(reverse("tickets:attachment", args=[ticket_b.number, public.pk])).status_code
        == 404
    )


def test_upload_through_the_page(
    ticket: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    url = reverse("tickets:attachment_upload", args=[ticket.number])
    client.post(
        url, {"file": SimpleUploadedFile("sel.log", b"SEL: PSU 2 failure\n", content_type="image/png")}
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    assert not attachment.internal
    response = client.post(url, {"file": SimpleUploadedFile("x.png", ELF)}, follow=True)
    assert "not accepted" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("x.log", b"log"), "internal": "on"}, follow=True)
    assert "Customers cannot add internal files" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_a_fake_image_is_refused_and_metadata_is_dropped(ticket: Ticket, agent: User) -> None:
    with pytest.raises(ServiceError) as refused:
        services.add_attachment(actor=agent, ticket=ticket, name="x.png", content=io.BytesIO(FAKE_PNG))
    assert "file" in refused.value.fields
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    photo = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 200)).save(photo, "JPEG", exif=exif)
    assert b"SecretCam" in photo.getvalue()
    attachment = services.add_attachment(
        actor=agent, ticket=ticket, name="site.jpg", content=io.BytesIO(photo.getvalue())
    )
    stored = Path(settings.MEDIA_ROOT) / "private" / "tickets" / attachment.storage_name
    assert b"SecretCam" not in stored.read_bytes()
    assert Image.open(stored).format == "JPEG"
