"""Photos and scans as image files: JPEG, PNG, TIFF, GIF, BMP, WebP and iPhone photos (HEIC/HEIF,
through pillow-heif). Checked by decoding cheaply; bounded in pixels and frames.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from packet.formats.base import FileReading, problem
from packet.models import ProblemKind, Severity

MAX_FRAMES = 50  # pages made from one multi-frame image (a GIF or TIFF of thousands of frames)
MAX_PIXELS = 100_000_000  # a non-JPEG image larger than this is too large to decode for a page
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"})
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


def recognize(head: bytes) -> bool:
    return (
        head.startswith(SIGNATURES)
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS)
    )


def open_heif_too() -> None:
    """Let Pillow open iPhone photos (HEIC/HEIF), through pillow-heif (libheif)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def read(path: Path, relative: str, reading: FileReading) -> None:
    from PIL import Image, UnidentifiedImageError

    open_heif_too()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns on odd EXIF and huge images
            Image.MAX_IMAGE_PIXELS = None  # packet's own limit below says what to do instead
            with Image.open(path) as image:
                if image.width == 0 or image.height == 0:
                    raise ValueError("image has no pixels")
                if image.format != "JPEG" and image.width * image.height > MAX_PIXELS:
                    _too_large_image(relative, reading, image.width, image.height)
                    return
                frames = getattr(image, "n_frames", 1) or 1
                reading.pages = min(frames, MAX_FRAMES)
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()  # decodes (cheaply, in draft mode) to prove the file is whole
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        reading.usable = False
        reading.exclusion = "damaged or unreadable image"
        reading.problem = problem(
            relative,
            ProblemKind.BROKEN_IMAGE,
            f"This image cannot be read ({exc.__class__.__name__}); it may be cut off or damaged.",
            "Take the photo again, or copy it again from the phone.",
        )
        return
    if frames > MAX_FRAMES:
        reading.problem = problem(
            relative,
            ProblemKind.TOO_LARGE,
            f"This image holds {frames:,} frames; only the first {MAX_FRAMES} become pages.",
            "If the rest matter, save them as a PDF (or separate images) and add that instead.",
            Severity.WARNING,
        )


def _too_large_image(relative: str, reading: FileReading, width: int, height: int) -> None:
    reading.usable = False
    reading.exclusion = f"image too large to put on a page ({width:,} × {height:,} pixels)"
    reading.problem = problem(
        relative,
        ProblemKind.TOO_LARGE,
        f"This image is {width:,} × {height:,} pixels, too large to put on a page "
        "(it is not damaged).",
        "Open it and save a smaller copy (under 10,000 × 10,000 pixels, or as JPEG or PDF).",
    )
