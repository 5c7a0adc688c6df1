"""Stamping record pages: the footer (patient, date of birth, page number, document title) drawn
upright on the page as it is displayed, whatever its /Rotate, crop box or size.

The page's own content is never decoded or re-encoded: it is wrapped in `q … Q` and the stamp is
appended as one more content stream that draws a form XObject (as qpdf's overlay does). When
the bottom of the displayed page is not free, the content is shrunk a little towards the top to
make room for the footer, so the stamp never covers what the page says.
"""

from __future__ import annotations

from typing import Any

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
    StreamObject,
)
from reportlab.pdfbase import pdfmetrics

from packet.geometry import (
    FOOTER_BAND,
    Display,
    Matrix,
    Rect,
    apply,
    display_from,
    invert,
    multiply,
    user_rect,
)
from packet.layout import FOOTER_SIZE, PAGE_NUMBER_FONT
from packet.models import Box

STAMP_NAME = "/PacketStamp"
NUMBER_NAME = "/PacketNumber"


def display_of(page: PageObject) -> Display:
    """The displayed page of a pypdf page."""

    def rect(box: RectangleObject) -> tuple[float, float, float, float]:
        return (float(box.left), float(box.bottom), float(box.right), float(box.top))

    return display_from(rect(page.cropbox), rect(page.mediabox), int(page.get("/Rotate", 0) or 0))


MIN_WIDTH, MIN_HEIGHT = 252.0, 144.0  # smaller pages (receipts, labels) get a carrier around them


def ensure_room(page: PageObject, display: Display) -> Rect | None:
    """Put a very small page on a carrier: its boxes grow (content untouched, centred) so that
    the stamp fits below it. Returns the page's former box, to clip its content to, or None."""
    if display.width >= MIN_WIDTH and display.height >= MIN_HEIGHT:
        return None
    former = user_rect(display, (0, 0, display.width, display.height))
    grow_x = max(0.0, MIN_WIDTH - display.width) / 2
    band = FOOTER_BAND * 0.6
    grow_y = max(0.0, MIN_HEIGHT - display.height - band) / 2
    box = user_rect(
        display, (-grow_x, -band - grow_y, display.width + grow_x, display.height + grow_y)
    )
    rectangle = RectangleObject(list(box))
    page.mediabox = rectangle
    page.cropbox = rectangle
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page:
            del page[name]
    return former


def shrink_matrix(display: Display) -> Matrix:
    """User-space matrix that shrinks the displayed content towards its top, freeing the band."""
    s = (display.height - display.band) / display.height
    in_display: Matrix = (s, 0, 0, s, (1 - s) * display.width / 2, display.band)
    to_display = invert(display.to_user)
    return multiply(multiply(to_display, in_display), display.to_user)


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _cm(m: Matrix) -> bytes:
    return (" ".join(f"{v:.6f}".rstrip("0").rstrip(".") or "0" for v in m) + " cm").encode()


def _content_refs(page: PageObject) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [contents]


def form_xobject(writer: PdfWriter, stamp_page: PageObject) -> IndirectObject:
    """A stamp page (drawn by reportlab at the displayed size) as a form XObject in `writer`."""
    data = b"".join(
        ref.get_object().get_data()
        for ref in _content_refs(stamp_page)
        if isinstance(ref.get_object(), StreamObject)
    )
    form = DecodedStreamObject()
    form.set_data(data)
    box = stamp_page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([0, 0, float(box.width), float(box.height)]),
            NameObject("/Resources"): stamp_page["/Resources"].clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())


def helvetica() -> DictionaryObject:
    """Helvetica Bold, one of the fonts every PDF reader has: page numbers (and invisible OCR
    words) need no embedding."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/" + PAGE_NUMBER_FONT),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def number_font(writer: PdfWriter) -> IndirectObject:
    return writer._add_object(helvetica())


def number_width(label: str, display: Display) -> float:
    return float(pdfmetrics.stringWidth(label, PAGE_NUMBER_FONT, FOOTER_SIZE * display.scale))


def stamp_page(
    writer: PdfWriter,
    page: PageObject,
    display: Display,
    stamp: IndirectObject,
    font: IndirectObject,
    label: str,
    shrink: bool,
    clip: Rect | None = None,
    words: tuple[Box, ...] = (),
) -> None:
    """Wrap the page's content, optionally shrink it, and draw the stamp over the bottom band:
    the form XObject (name, date of birth, title) shared by the pages of a document, and the
    page number written here. `display`: the page as displayed (display_of). `words`: what
    OCR read on the page, laid on it as invisible text (it shrinks with the page)."""
    prefix = b"q\n"
    if clip is not None:  # a page on a carrier shows what it showed before, nothing more
        x0, y0, x1, y1 = clip
        prefix += f"{x0:.3f} {y0:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re W n\n".encode()
    if shrink:
        matrix = shrink_matrix(display)
        prefix += _cm(matrix) + b"\n"
        _move_annotations(page, matrix)
    size = FOOTER_SIZE * display.scale
    x = display.width - 18 * display.scale - number_width(label, display)
    text = label.replace("\\", "").replace("(", "").replace(")", "").encode("cp1252", "replace")
    suffix = (
        b"\nQ\nq "
        + _cm(display.to_user)
        + b" "
        + STAMP_NAME.encode()
        + f" Do 0 g BT {NUMBER_NAME} {size:.2f} Tf {x:.2f} {10 * display.scale:.2f} Td (".encode()
        + text
        + b") Tj ET Q\n"
    )
    layer = [_stream(writer, text_layer(words, display))] if words else []
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, prefix), *layer, *_content_refs(page), _stream(writer, suffix)]
    )
    # A private copy of the resources: pages often share one dictionary, and each stamp differs.
    old = page.get("/Resources")
    resources = DictionaryObject(old.get_object()) if old is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = (
        DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    )
    xobjects[NameObject(STAMP_NAME)] = stamp
    resources[NameObject("/XObject")] = xobjects
    fonts = resources.get("/Font")
    fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
    fonts[NameObject(NUMBER_NAME)] = font
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources


def _pdf_string(text: str) -> bytes:
    """A word as a PDF string in the stamp font's encoding (WinAnsi); what it cannot hold is '?'."""
    data = "".join(c for c in text if c.isprintable()).encode("cp1252", "replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_layer(words: tuple[Box, ...], display: Display) -> bytes:
    """OCR's words laid on a scanned page as displayed (see `invisible_words`)."""
    return (
        b"q "
        + _cm(display.to_user)
        + b"\n"
        + invisible_words(words, display.width, display.height)
        + b"\nQ\n"
    )


def invisible_words(
    words: tuple[Box, ...], width: float, height: float, font: str = NUMBER_NAME
) -> bytes:
    """OCR's words as invisible text (render mode 3) on an image `width` by `height` drawn at
    the origin, where the image shows them, as OCRmyPDF's sandwich lays them: a viewer finds
    and selects them, and prints nothing. Each word is scaled to its box, so that a search
    highlights the word on the image. `font`: the resource name of a WinAnsi Helvetica."""
    parts = [b"BT 3 Tr"]
    for x0, y0, x1, y1, word in words:
        box_width, box_height = (x1 - x0) * width, (y1 - y0) * height
        if box_width <= 0 or box_height <= 0 or not word.strip():
            continue
        size = box_height
        natural = pdfmetrics.stringWidth(word, PAGE_NUMBER_FONT, size) or box_width
        scale = max(1.0, min(1000.0, 100 * box_width / natural))
        x, y = x0 * width, (1 - y1) * height + 0.2 * box_height
        parts.append(
            f"{font} {size:.2f} Tf {scale:.1f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm ".encode()
            + _pdf_string(word)
            + b" Tj"
        )
    parts.append(b"ET")
    return b"\n".join(parts)


def _move_annotations(page: PageObject, matrix: Matrix) -> None:
    """Links and form fields shrink with the content they sit on."""
    annotations = page.get("/Annots")
    if annotations is None:
        return
    for ref in annotations.get_object():
        annotation = ref.get_object()
        rect = annotation.get("/Rect")
        if rect is None or len(rect) != 4:
            continue
        x0, y0, x1, y1 = (float(v) for v in rect)
        corners = [apply(matrix, x, y) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        annotation[NameObject("/Rect")] = ArrayObject(
            [FloatObject(min(xs)), FloatObject(min(ys)), FloatObject(max(xs)), FloatObject(max(ys))]
        )
