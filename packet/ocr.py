"""Reading scanned pages and photos with Tesseract, when it is installed (on by default).

Only what classification and dating need is read: the top of the first page — where a record
names itself, its patient and its dates — at the resolution the scan was made at (never more
than Tesseract needs), one Tesseract thread per worker process. The packet carries the original
pages. Everything runs on this machine: Tesseract is a local program.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path
from typing import Any

from packet.errors import UsageError

OCR_DPI = 300  # what Tesseract needs for 10-point print; a finer scan is read at 300
MIN_DPI = 150  # a coarser scan is enlarged to this
TOP_SHARE = 1 / 3  # of the first page: letterhead, title, patient, dates and the first sections
MAX_SIDE = 3500  # pixels; larger photos are reduced first (Tesseract gains nothing from more)
INSTALL = (
    "Debian/Ubuntu: sudo apt install tesseract-ocr; macOS: brew install tesseract; "
    "Windows: the UB Mannheim installer"
)


def available() -> bool:
    return shutil.which("tesseract") is not None


def require() -> None:
    if not available():
        raise UsageError(
            "--ocr needs Tesseract, which is not installed on this computer.",
            f"Install it ({INSTALL}), then run the command again, or leave out --ocr.",
        )


def wanted(requested: bool | None) -> bool:
    """Whether to read scans: asked for (Tesseract must be there), refused, or — by default —
    whenever Tesseract is installed."""
    if requested:
        require()
        return True
    return available() if requested is None else False


def _text(image: Any) -> str:
    import pytesseract

    # The folder is read by several worker processes: one thread each reads fastest.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return str(pytesseract.image_to_string(image, config="--psm 6 -c tessedit_do_invert=0"))
    except (pytesseract.TesseractError, OSError, RuntimeError):
        return ""  # a page Tesseract cannot read is a page without text, not a failure


def _top(image: Any) -> Any:
    width, height = image.size
    if height <= width:  # a landscape page or a wide photo: its top is most of it
        return image
    return image.crop((0, 0, width, int(height * TOP_SHARE)))


def _scan_dpi(page: Any, width_pt: float) -> float | None:
    """The resolution the page's largest image was scanned at, if it has images."""
    import pypdfium2.raw as pdfium_c

    best = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        try:
            pixels_w, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
        except Exception:  # an image pdfium cannot measure says nothing about the scan
            continue
        if right - left > width_pt / 2 and pixels_w:
            dpi = pixels_w / ((right - left) / 72)
            best = max(best or 0.0, dpi)
    return best


def read_pdf(path: Path, password: str | None = None) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path), password=password)
    try:
        if len(document) == 0:
            return ""
        page = document[0]
        try:
            width, height = page.get_size()
            dpi = min(OCR_DPI, max(MIN_DPI, _scan_dpi(page, width) or OCR_DPI))
            scale = min(dpi / 72, MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
        return _text(_top(image))
    finally:
        document.close()


def read_image(path: Path) -> str:
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            image.draft("L", (MAX_SIDE, MAX_SIDE))
            upright = ImageOps.exif_transpose(image) or image
            grey = upright.convert("L")
            if max(grey.size) > MAX_SIDE:
                grey.thumbnail((MAX_SIDE, MAX_SIDE))
            return _text(_top(grey))
