"""Equipment photos on disk: checking an upload, re-encoding it, and the content-addressed
files under `<DATA_DIR>/media/equipment/`.

Rules (DESIGN §4, issue 3):
- at most `MAX_UPLOAD_BYTES` (5 MB) and `MAX_PIXELS` pixels (decompression bombs refused);
- the type is what Pillow finds IN THE CONTENT (never the file name or a Content-Type header),
  and only JPEG, PNG and WebP decoders are even tried; anything else, or a truncated/corrupt
  file, raises ValidationFailed {"image": [message]};
- the picture is decoded and re-encoded from its pixels only: EXIF orientation is applied, then
  every metadata block (EXIF with GPS, XMP, comments, ICC) is dropped;
- two files are written: the photo (longest side <= `FULL_SIZE`) and a thumbnail fitting in
  `THUMB_SIZE`, named `<sha256 of the re-encoded photo>.<ext>` and `<sha256>-thumb.<ext>`, so
  a name is unguessable without the photo itself and identical photos share their files.

Files are written (atomically: temp file then rename) before the database row points at them.
A rolled-back transaction, a replaced or removed photo therefore leaves unreferenced files
behind; they are harmless (nobody can guess their names) and never deleted here, because
another item may show the same photo.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from avrentals.domain.errors import ValidationFailed
from avrentals.settings import get_settings

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FULL_SIZE = 1600
THUMB_SIZE = (400, 400)
JPEG_QUALITY = 85
WEBP_QUALITY = 82
URL_PREFIX = "/api/media/equipment/"
MEDIA_SUBDIR = ("media", "equipment")
# Pillow format name -> (stored extension, content type). The order is the one told to users.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {ext: ctype for ext, ctype in FORMATS.values()}
# The only names ever served: 64 hex digits, an optional -thumb, one of our extensions.
NAME_RE = re.compile(r"^(?P<digest>[0-9a-f]{64})(?P<thumb>-thumb)?\.(?P<ext>jpg|png|webp)$")
STORED_NAME_RE = re.compile(r"^[0-9a-f]{64}\.(?:jpg|png|webp)$")

ACCEPTED_TEXT = "Upload a JPEG, PNG or WebP photo."
TOO_LARGE = (
    f"The photo is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; upload a smaller one."
)
EMPTY = "The file is empty. " + ACCEPTED_TEXT
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image (the content was checked, not the name)."
CORRUPT = "This image is damaged or incomplete and cannot be read. " + ACCEPTED_TEXT
TOO_MANY_PIXELS = (
    f"The image has too many pixels (more than {MAX_PIXELS // 1_000_000} megapixels); "
    "upload a smaller one."
)

# Truncated files must fail loudly, never decode half a picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class ProcessedImage:
    """A checked, re-encoded photo ready to store."""

    name: str  # stored name of the photo: `<sha256>.<ext>`
    thumb_name: str
    content_type: str
    full: bytes
    thumb: bytes
    size: tuple[int, int]
    thumb_size: tuple[int, int]


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"image": [message]})


def _open_checked(data: bytes) -> Image.Image:
    """Open `data` as a JPEG/PNG/WebP and decode every pixel; ValidationFailed otherwise."""
    allowed = list(FORMATS)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=allowed)
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(TOO_MANY_PIXELS)
            probe.verify()  # structure and checksums, before any pixel is decoded
            image = Image.open(io.BytesIO(data), formats=allowed)
            if image.format == "JPEG":
                # Let the JPEG decoder scale down while decoding (less memory and time).
                image.draft("RGB", (FULL_SIZE, FULL_SIZE))
            image.load()
        except ValidationFailed:
            raise
        except UnidentifiedImageError:
            raise _refuse(NOT_AN_IMAGE) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(TOO_MANY_PIXELS) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            raise _refuse(CORRUPT) from None
    if image.format not in FORMATS:
        raise _refuse(NOT_AN_IMAGE)
    return image


def _clean_pixels(image: Image.Image, fmt: str) -> Image.Image:
    """Upright pixels in a mode the output format stores, with no metadata attached."""
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if fmt == "JPEG" or not has_alpha:
        mode = "L" if upright.mode in ("L", "1") and fmt != "WEBP" else "RGB"
    else:
        mode = "RGBA"
    converted = upright.convert(mode)
    # A fresh image from raw pixels carries no info dict: no EXIF, XMP, ICC or text chunks.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def process_image(data: bytes) -> ProcessedImage:
    """Check and re-encode an uploaded photo (see the module rules). Pure: writes nothing.

    Raises ValidationFailed {"image": [message]} for an empty or too large file, a type
    other than JPEG/PNG/WebP, a damaged or truncated file, or too many pixels."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise _refuse(EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(TOO_LARGE)
    image = _open_checked(bytes(data))
    fmt = str(image.format)
    ext, content_type = FORMATS[fmt]
    clean = _clean_pixels(image, fmt)
    full = clean.copy()
    full.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS)
    thumb = clean.copy()
    thumb.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
    full_bytes = _encode(full, fmt)
    digest = hashlib.sha256(full_bytes).hexdigest()
    return ProcessedImage(
        name=f"{digest}.{ext}",
        thumb_name=f"{digest}-thumb.{ext}",
        content_type=content_type,
        full=full_bytes,
        thumb=_encode(thumb, fmt),
        size=full.size,
        thumb_size=thumb.size,
    )


def media_dir() -> Path:
    """`<DATA_DIR>/media/equipment` (created on first write)."""
    return get_settings().data_dir.joinpath(*MEDIA_SUBDIR)


def _write_atomic(path: Path, data: bytes) -> None:
    if path.exists():
        return  # content-addressed: the same name always holds the same bytes
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(processed: ProcessedImage) -> str:
    """Write the photo and its thumbnail (atomically, idempotently); return the stored name."""
    folder = media_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / processed.thumb_name, processed.thumb)
    _write_atomic(folder / processed.name, processed.full)
    return processed.name


def thumb_name_of(name: str) -> str:
    """`<sha>.<ext>` -> `<sha>-thumb.<ext>`."""
    stem, _, ext = name.rpartition(".")
    return f"{stem}-thumb.{ext}"


def image_urls(image: str | None) -> tuple[str | None, str | None]:
    """(photo URL, thumbnail URL) for a stored name, or (None, None) without a photo (or a
    value that is not one of our stored names)."""
    if not image or not STORED_NAME_RE.match(image):
        return None, None
    return URL_PREFIX + image, URL_PREFIX + thumb_name_of(image)


def open_media(name: str) -> tuple[Path, str] | None:
    """(path, content type) of a stored file, or None when `name` is not strictly one of our
    names (no path can be smuggled in) or no such file exists."""
    match = NAME_RE.match(name or "")
    if match is None:
        return None
    path = media_dir() / name
    if not path.is_file():
        return None
    return path, CONTENT_TYPES[match.group("ext")]
