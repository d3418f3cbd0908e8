"""Photos and signatures from the phone: checked by decoding them, then re-encoded.

A file is an image only if Pillow decodes it completely; its name and the browser's claim count
for nothing. Re-encoding drops every metadata block (EXIF with the phone's GPS position, maker
notes, embedded thumbnails) and anything appended to the image data.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from sasms.core.errors import ServiceError
from sasms.core.uploads import open_image

PHOTO_MAX_BYTES_DEFAULT = 15 * 1024 * 1024
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})  # JPEG also opens multi-picture (MPO) files
PHOTO_MAX_EDGE = 2560
SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_EDGE = 4000


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    width: int
    height: int


def photo_max_bytes() -> int:
    return int(getattr(settings, "SASMS_FIELD_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES_DEFAULT))


def _refuse(message: str, field: str, code: str = "invalid_image") -> ServiceError:
    return ServiceError(message, code=code, fields={field: [message]})


def _open(data: bytes, *, formats: frozenset[str], field: str, message: str) -> Image.Image:
    return open_image(data, field=field, message=message, formats=formats)


def clean_photo(data: bytes) -> CleanImage:
    """A JPEG of the photo, upright, at most 2560 px on its long edge, without metadata."""
    limit = photo_max_bytes()
    if not data:
        raise _refuse(_("The file is empty."), "file")
    if len(data) > limit:
        raise _refuse(
            _("The photo is larger than %(mb)d MB.") % {"mb": max(1, limit // (1024 * 1024))},
            "file",
            "too_large",
        )
    image = _open(
        data,
        formats=PHOTO_FORMATS,
        field="file",
        message=_("This file is not a photo. Take the photo as JPEG, PNG or WebP."),
    )
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((PHOTO_MAX_EDGE, PHOTO_MAX_EDGE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return CleanImage(out.getvalue(), image.width, image.height)


def clean_signature(data: bytes) -> bytes:
    """The signature drawing as a fresh PNG; an empty (blank) drawing is refused."""
    if not data:
        raise _refuse(_("The customer has not signed yet."), "signature")
    if len(data) > SIGNATURE_MAX_BYTES:
        raise _refuse(_("The signature image is too large."), "signature", "too_large")
    image = _open(
        data, formats=frozenset({"PNG"}), field="signature", message=_("The signature must be a PNG image.")
    )
    if image.width > SIGNATURE_MAX_EDGE or image.height > SIGNATURE_MAX_EDGE:
        raise _refuse(_("The signature image is too large."), "signature", "too_large")
    rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    ink = ImageOps.invert(flat.convert("L")).point(lambda v: 255 if v > 40 else 0)
    if ink.getbbox() is None:
        raise _refuse(_("The customer has not signed yet."), "signature")
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue()


def thumbnail_jpeg(data: bytes, edge: int = 480) -> bytes:
    """A small JPEG of an already cleaned image (for the service report)."""
    image = Image.open(io.BytesIO(data))
    image.thumbnail((edge, edge))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()
