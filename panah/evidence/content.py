"""What an uploaded evidence file is, read from its content (never its name or the type the browser
declares): a PDF, a JPEG or a PNG, at most PANAH_FILES_MAX_BYTES. Photos and scans are decoded and
encoded again with Pillow, which applies the EXIF orientation and leaves out every piece of metadata
(EXIF with the place and the phone, XMP, comments). Anything else (an executable renamed x.pdf) is
refused with a message naming the field. A PDF is opened with pypdf: it must have a page and no password."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PdfStreamError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
ACCEPTED = (PDF, JPEG, PNG)
MAGIC = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# A photo of a page needs far fewer pixels than this; a "decompression bomb" has more.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str


def sniff(data: bytes) -> str | None:
    """The accepted type the first bytes say, or None."""
    return next((kind for kind, magic in MAGIC.items() if data.startswith(magic)), None)


def check(data: bytes, *, field: str, size: int | None = None) -> Checked:
    """The file, if it is an accepted one, with images re-encoded without their metadata.
    Raises ValidationError({field: ...}) otherwise. `size` is the size as uploaded, when only its start
    was kept in memory."""
    limit = settings.PANAH_FILES_MAX_BYTES
    if (size if size is not None else len(data)) > limit:
        raise ValidationError(
            {
                field: _("The file is larger than %(limit)s. Scan at a lower resolution or split it.")
                % {"limit": filesizeformat(limit)}
            }
        )
    if not data:
        raise ValidationError({field: _("The file is empty.")})
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            {field: _("This file is not a PDF, JPEG or PNG file (whatever its name says). Upload a scan or a photo.")}
        )
    if kind == PDF:
        _check_pdf(data, field)
        return Checked(data, PDF)
    return Checked(_reencoded(data, kind, field), kind)


def _check_pdf(data: bytes, field: str) -> None:
    """A PDF must open with pypdf, have a page, and not be locked: an officer must be able to read it later."""
    damaged = ValidationError({field: _("This PDF file is incomplete or damaged. Upload it again.")})
    if b"%%EOF" not in data[-2048:]:
        raise damaged
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError({field: _("This PDF file is protected by a password. Upload it without one.")})
        if len(reader.pages) < 1:
            raise damaged
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise damaged from error


def _reencoded(data: bytes, kind: str, field: str) -> bytes:
    damaged = ValidationError({field: _("This image is damaged or cannot be read. Take the photo again.")})
    try:
        with warnings.catch_warnings():
            # A picture of too many pixels (a decompression bomb) raises instead of warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMATS[kind]:
                    raise damaged
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError({field: _("This image has too many pixels. Take the photo again.")})
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        RuntimeWarning,
        Image.DecompressionBombError,
    ) as error:
        raise damaged from error
    upright.info = {}  # no EXIF, XMP, ICC comments or text chunks are written again
    out = io.BytesIO()
    if kind == JPEG:
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()
