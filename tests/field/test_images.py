"""Photos and signatures from the phone: decoded to be believed, re-encoded without metadata,
hostile files refused by name with nothing stored."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from tests.field.conftest import photo_jpeg, signature_png

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.field import services
from sasms.field.images import clean_photo, clean_signature
from sasms.field.models import Visit, VisitPhoto
from sasms.tickets.models import Attachment

pytestmark = pytest.mark.django_db
HTML_AS_JPG = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
POLYGLOT = b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 20  # JPEG magic, not a JPEG


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_photo_is_reencoded_upright_without_exif() -> None:
    original = photo_jpeg((800, 600), exif_gps=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the phone's position is in there
    cleaned = clean_photo(original)
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert b"Exif" not in cleaned.data[:4096]
    # Orientation 6 was applied, then dropped: the photo is upright (portrait).
    assert (cleaned.width, cleaned.height) == (600, 800)


def test_large_photos_are_scaled_down() -> None:
    cleaned = clean_photo(photo_jpeg((4000, 3000), exif_gps=False))
    assert max(cleaned.width, cleaned.height) == 2560


@pytest.mark.parametrize(
    "payload", [HTML_AS_JPG, POLYGLOT, b"", b"GIF89a" + b"\x00" * 50, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40]
)
def test_hostile_photos_are_refused(payload: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        clean_photo(payload)
    assert "file" in caught.value.fields


def test_oversized_photo_is_refused_before_decoding(settings: object) -> None:
    settings.SASMS_FIELD_PHOTO_MAX_BYTES = 10_000  # type: ignore[attr-defined]
    with pytest.raises(ServiceError) as caught:
        clean_photo(photo_jpeg((1200, 900), exif_gps=False) + b"\x00" * 20_000)
    assert caught.value.code == "too_large"


def test_decompression_bomb_is_refused() -> None:
    bomb = io.BytesIO()
    Image.new("1", (9_000, 9_000)).save(bomb, format="PNG")  # a tiny file of 81 megapixels
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ServiceError, match="too large"):
        clean_photo(bomb.getvalue())


def test_photo_on_the_visit_becomes_a_private_file_of_the_request(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "on_site")
    photo = services.add_photo(actor=field_engineer, visit=visit, content=photo_jpeg(), caption="bay 3 LED")
    attachment = photo.attachment
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == f"{visit.ticket.number}-visit{visit.pk}-photo1.jpg"
    path = Path(settings.MEDIA_ROOT) / "private" / "tickets" / attachment.storage_name
    assert not Image.open(path).getexif()


def test_html_named_jpg_on_the_visit_stores_nothing(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "on_site")
    with pytest.raises(ServiceError) as caught:
        services.add_photo(actor=field_engineer, visit=visit, content=HTML_AS_JPG)
    assert "file" in caught.value.fields
    assert not VisitPhoto.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_signature_must_be_an_inked_png() -> None:
    assert Image.open(io.BytesIO(clean_signature(signature_png()))).format == "PNG"
    with pytest.raises(ServiceError, match="not signed"):
        clean_signature(signature_png(blank=True))
    with pytest.raises(ServiceError, match="PNG"):
        clean_signature(photo_jpeg())
    with pytest.raises(ServiceError, match="PNG"):
        clean_signature(HTML_AS_JPG)


def test_blank_signature_on_the_visit_changes_nothing(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "on_site")
    with pytest.raises(ServiceError) as caught:
        services.sign_visit(
            actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png(blank=True)
        )
    assert "signature" in caught.value.fields
    fresh = Visit.objects.get(pk=visit.pk)
    assert fresh.signed_at is None
    assert fresh.signature_file == ""
    assert stored_files() == []
