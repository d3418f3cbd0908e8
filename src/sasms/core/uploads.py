"""Checking what people upload by its content.

Images are decoded and written anew: no metadata (GPS, camera serials) and no bytes the decoder
did not understand survive, and a decompression bomb is refused. Text is recognised by having no
NUL bytes and decoding as UTF-8 or GB18030 (logs from Chinese systems are often in the latter).
"""

import io
import warnings

import filetype  # type: ignore[import-untyped]
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sasms.core.errors import ServiceError

MAX_PIXELS = 60_000_000  # about 60 megapixels: any phone camera, not a bomb
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def open_image(
    data: bytes, *, field: str, message: str, formats: frozenset[str] | None = None
) -> Image.Image:
    """``data`` fully decoded by Pillow, or a :class:`ServiceError` on ``field``: not an image (of
    the given formats), damaged, or too many pixels (checked before decoding: no bombs)."""
    too_large = _("The image is too large.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(formats) if formats else None)
            if image.width * image.height > MAX_PIXELS:
                raise ServiceError(too_large, code="too_large", fields={field: [too_large]})
            image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ServiceError(too_large, code="too_large", fields={field: [too_large]}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError(message, code="bad_image", fields={field: [message]}) from exc
    return image


def reencode_image(data: bytes, content_type: str, *, field: str = "file") -> bytes:
    """``data`` decoded and saved again in the same format, upright, without metadata."""
    fmt = FORMATS.get(content_type)
    if fmt is None:
        raise ValueError(f"not an image type: {content_type}")
    message = _("The image is damaged or is not really an image.")
    with open_image(data, field=field, message=message, formats=frozenset({fmt})) as image:
        upright = ImageOps.exif_transpose(image) or image
        if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
        upright.save(out, fmt, **options)
    return out.getvalue()


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are plain text."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start >= len(head) - 4:
                return True
            continue
        return True
    return False


OLE2 = "application/x-ole-storage"  # the container of .doc and .xls files
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def content_type_of(head: bytes) -> str | None:
    """What the first bytes of a file are, never what its name or the browser claims: the type
    ``filetype`` recognises, a bare OLE2 container, plain text, or ``None``."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if head.startswith(OLE2_MAGIC):
        return OLE2
    return "text/plain" if looks_like_text(head) else None
