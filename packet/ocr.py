"""Reading scanned pages and photos with Tesseract, when it is installed and asked for.

Only the first pages are read, and only to classify and date the document; the packet carries
the original pages. Everything runs on this machine: Tesseract is a local program.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

from packet.errors import UsageError

OCR_PAGES = 2
OCR_DPI = 300
MAX_SIDE = 3500  # pixels; larger photos are reduced first (Tesseract gains nothing from more)


def available() -> bool:
    return shutil.which("tesseract") is not None


def require() -> None:
    if not available():
        raise UsageError(
            "--ocr needs Tesseract, which is not installed on this computer.",
            "Install it (Debian/Ubuntu: sudo apt install tesseract-ocr; macOS: brew install tesseract; "
            "Windows: the UB Mannheim installer), then run the command again.",
        )


def _text(image: Any) -> str:
    import pytesseract

    try:
        return str(pytesseract.image_to_string(image, config="--psm 3"))
    except (pytesseract.TesseractError, OSError, RuntimeError):
        return ""  # a page Tesseract cannot read is a page without text, not a failure


def read_pdf(path: Path, password: str | None = None) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path), password=password)
    try:
        texts = []
        for index in range(min(OCR_PAGES, len(document))):
            page = document[index]
            width, height = page.get_size()
            scale = min(OCR_DPI / 72, MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale, grayscale=True).to_pil()
            texts.append(_text(image))
            page.close()
        return "\n".join(texts)
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
            return _text(grey)
