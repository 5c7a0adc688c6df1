"""Pages as a reader sees them: the displayed size of a page with its /Rotate and crop box,
the matrices between display and user space, and whether a page's bottom is free.

Shared by reading (which looks at page bottoms while it reads) and stamping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FOOTER_BAND = 30.0  # the strip at the bottom of every page that carries the stamp
Rect = tuple[float, float, float, float]

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Display:
    """A page as a reader sees it: its displayed size and the map from display to user space."""

    width: float
    height: float
    to_user: Matrix

    @property
    def scale(self) -> float:
        """How much to enlarge the stamp so it reads the same on odd-sized pages."""
        return max(0.6, min(self.width, self.height) / 612.0)

    @property
    def band(self) -> float:
        return FOOTER_BAND * self.scale


def display_from(crop: Rect, media: Rect, rotation: int) -> Display:
    """The displayed page, from its crop box, media box and /Rotate."""
    # A crop box larger than the media box is clipped to it by every viewer.
    x0, y0 = max(crop[0], media[0]), max(crop[1], media[1])
    x1, y1 = min(crop[2], media[2]), min(crop[3], media[3])
    if x1 <= x0 or y1 <= y0:
        x0, y0, x1, y1 = media
    w, h = x1 - x0, y1 - y0
    rotation %= 360
    if rotation == 90:
        return Display(h, w, (0, 1, -1, 0, x1, y0))
    if rotation == 180:
        return Display(w, h, (-1, 0, 0, -1, x1, y1))
    if rotation == 270:
        return Display(h, w, (0, -1, 1, 0, x0, y1))
    return Display(w, h, (1, 0, 0, 1, x0, y0))


def band_in_user_space(display: Display) -> Rect:
    """The strip at the foot of the displayed page that the stamp needs, in user space."""
    return user_rect(display, (0, 0, display.width, display.band))


def pdfium_display(page: Any) -> Display:
    """The displayed page of a PDFium page."""
    return display_from(tuple(page.get_cropbox()), tuple(page.get_mediabox()), page.get_rotation())


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """The matrix that applies m, then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def user_rect(
    display: Display, rect: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """A rectangle in display coordinates, as an axis-aligned rectangle in user space."""
    xs, ys = zip(
        *(apply(display.to_user, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])),
        strict=True,
    )
    return (min(xs), min(ys), max(xs), max(ys))


def bottom_is_free(pdfium_page: Any, band: Rect, textpage: Any = None) -> bool:
    """True when nothing on the page (text, drawing, image) reaches into the band, given in user
    space. Object bounds are conservative, so a doubtful page is shrunk rather than covered.
    With the page's text already extracted, text is looked up in the band directly, and only the
    other objects are walked (pages hold many more text objects than anything else). The walk
    uses PDFium's own calls: a Python object for each page object costs more than the check."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    x0, y0, x1, y1 = band
    kinds = {
        pdfium_c.FPDF_PAGEOBJ_PATH,
        pdfium_c.FPDF_PAGEOBJ_IMAGE,
        pdfium_c.FPDF_PAGEOBJ_SHADING,
        pdfium_c.FPDF_PAGEOBJ_FORM,
    }
    if textpage is not None:
        if textpage.get_text_bounded(left=x0, bottom=y0, right=x1, top=y1).strip():
            return False
    else:
        kinds.add(pdfium_c.FPDF_PAGEOBJ_TEXT)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw = pdfium_page.raw
    for number in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = pdfium_c.FPDFPage_GetObject(raw, number)
        if not obj or pdfium_c.FPDFPageObj_GetType(obj) not in kinds:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return False  # no bounds: assume the worst
        if left.value < x1 and right.value > x0 and bottom.value < y1 and top.value > y0:
            return False
    return True
