"""Drawing the packet's own pages with reportlab: text in any script, wrapped tables that break
across pages, and the rectangles of rows that must become links once the packet is assembled.

A canvas is drawn directly (not platypus) because the contents and timeline need each row's
position on its page to link it to the record it names.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from packet.geometry import FOOTER_BAND
from packet.reading import PACKET_CREATOR

REGULAR, BOLD, FALLBACK = "PacketSans", "PacketSans-Bold", "PacketCJK"
MARGIN = 54.0

INK = HexColor("#1a1a1a")
MUTED = HexColor("#5c5c5c")
RULE = HexColor("#c8c8c8")
SHADE = HexColor("#f1f3f5")
ALERT = HexColor("#b00020")
WARN = HexColor("#8a5a00")
OK = HexColor("#1b6e2e")
LINK = HexColor("#0b4f9c")


# Generated pages are flate-compressed; ASCII85 on top would make them a quarter larger and,
# without reportlab's C accelerator, take seconds for every image.
rl_config.useA85 = 0


@cache
def register_fonts() -> None:
    """DejaVu Sans for Latin, Greek, Cyrillic, Arabic and Hebrew. Bundled with its licence in
    packet/fonts."""
    _register(REGULAR, "DejaVuSans.ttf")
    _register(BOLD, "DejaVuSans-Bold.ttf")


@cache
def _fallback() -> frozenset[int]:
    """Droid Sans Fallback for Chinese, Japanese and Korean (bundled with its licence), loaded
    only when a text needs it: reading its 4 MB takes half a second."""
    _register(FALLBACK, "DroidSansFallbackFull.ttf")
    return _coverage(FALLBACK)


def _register(name: str, filename: str) -> None:
    data = files("packet.fonts").joinpath(filename).read_bytes()
    pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))


@cache
def _coverage(font: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual(text: str) -> str:
    """Arabic and Hebrew in the order and joined forms they are drawn in (PDF text is drawn left
    to right, glyph by glyph); everything else unchanged."""
    if not _RTL.search(text):
        return text
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


STANDARD = ("Helvetica", "Helvetica-Bold")  # in every PDF reader: nothing to embed


@lru_cache(maxsize=65536)
def runs(text: str, bold: bool = False, standard: bool = False) -> list[tuple[str, str]]:
    """Split text into (piece, font) runs so every character is drawn by a font that has it.
    `standard`: the text is known to be Latin-1 and is drawn in Helvetica, which needs no
    embedding. (Cached: tables measure the same words again and again while wrapping.)"""
    if standard:
        return [(text, STANDARD[bold])]
    register_fonts()
    text = visual(text)
    primary = BOLD if bold else REGULAR
    if text.isascii():
        return [(text, primary)]  # DejaVu Sans has every ASCII character
    have = _coverage(primary)
    if all(ord(ch) in have for ch in text):
        return [(text, primary)]
    fallback = _fallback()
    out: list[tuple[str, str]] = []
    for ch in _drawable(text, have | fallback):
        font = primary if ord(ch) in have or ord(ch) not in fallback else FALLBACK
        if out and out[-1][1] == font:
            out[-1] = (out[-1][0] + ch, font)
        else:
            out.append((ch, font))
    return out


MISSING_GLYPH = "\ufffd"  # the replacement character: visibly "a character not shown"


def _drawable(text: str, have: frozenset[int]) -> str:
    """Characters no bundled font has (emoji, rare scripts) as their plain letters when they have
    some (a letter with an unusual accent), else as the replacement character — never a blank."""
    out = []
    for ch in text:
        if ord(ch) in have or unicodedata.category(ch) in ("Mn", "Cf", "Zs"):
            out.append(ch)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) in have)
        if plain.strip() and unicodedata.category(plain[0]) != "Mn":
            out.append(plain)
        elif unicodedata.category(ch) == "Sk" or ch in "\ufe0f\u200d":
            continue  # emoji modifiers and joiners: part of the character already replaced
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


@lru_cache(maxsize=65536)
def width_of(text: str, size: float, bold: bool = False, standard: bool = False) -> float:
    pieces = runs(text, bold, standard)
    return float(sum(pdfmetrics.stringWidth(piece, font, size) for piece, font in pieces))


def draw(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    align: str = "left",
    standard: bool = False,
) -> float:
    """Draw one line; returns its width."""
    width = width_of(text, size, bold, standard)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for piece, font in runs(text, bold, standard):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)
    return width


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """The text, cut with an ellipsis if it does not fit on one line."""
    if width_of(text, size, bold) <= width:
        return text
    while text and width_of(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(
    text: str, width: float, size: float, bold: bool = False, standard: bool = False
) -> list[str]:
    """Word-wrap to a width; words longer than a line (or scripts without spaces) break anywhere."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width_of(candidate, size, bold, standard) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while width_of(word, size, bold, standard) > width:
                cut = _longest_fit(word, width, size, bold, standard)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _longest_fit(word: str, width: float, size: float, bold: bool, standard: bool) -> int:
    """How many of the word's first characters fit the width (at least one), measuring only
    prefixes about a line long: a 16,000-letter word measured from its whole length down, a
    letter at a time, took 20 s to break into lines."""
    fits, too_long = 1, 2  # a prefix that fits (one letter always goes) and one that may not
    while too_long < len(word) and width_of(word[:too_long], size, bold, standard) <= width:
        fits, too_long = too_long, too_long * 2
    too_long = min(too_long, len(word))
    while too_long - fits > 1:  # the widths of prefixes only grow: halve the gap
        middle = (fits + too_long) // 2
        if width_of(word[:middle], size, bold, standard) <= width:
            fits = middle
        else:
            too_long = middle
    return fits


def plan_breaks(
    heights: Sequence[float],
    room: float,
    page_room: float,
    keep_with_next: Sequence[bool] | None = None,
) -> set[int]:
    """The rows that start a new page: as many rows as fit on each page, except that a row kept
    with the next (a group heading) never ends a page, and the last page never holds a lone row
    when the page before can give it company."""
    keep = list(keep_with_next or [False] * len(heights))
    pages: list[list[int]] = [[]]
    for index, height in enumerate(heights):
        need = height + (heights[index + 1] if keep[index] and index + 1 < len(heights) else 0)
        if need > room and pages[-1]:
            pages.append([])
            room = page_room
        pages[-1].append(index)
        room -= height
    if len(pages) > 1 and len(pages[-1]) == 1 and len(pages[-2]) >= 3:
        moved = pages[-2].pop()
        if keep[pages[-2][-1]] and len(pages[-2]) >= 3:  # its heading goes with it
            pages[-1].insert(0, pages[-2].pop())
        pages[-1].insert(0, moved)
        pages[-1].sort()
    return {page[0] for page in pages[1:] if page}


@dataclass(frozen=True)
class LinkSpot:
    """A rectangle on a generated page that must link to a page of the packet."""

    page: int  # index among the generated pages of this document
    rect: tuple[float, float, float, float]
    target: str  # a key the builder resolves to a packet page


@dataclass
class Column:
    title: str
    width: float  # share of the table width
    align: str = "left"


@dataclass
class Cell:
    text: str
    bold: bool = False
    color: Color = INK


Footer = Callable[[Canvas, int], None]  # draws the stamp of the n-th generated page


@dataclass
class PageWriter:
    """Flowing text and tables onto pages, keeping track of where links must go."""

    size: tuple[float, float]
    footer: Footer
    canvas: Canvas = field(init=False)
    buffer: io.BytesIO = field(default_factory=io.BytesIO)
    y: float = 0.0
    page: int = 0
    links: list[LinkSpot] = field(default_factory=list)
    started: bool = False
    standard: bool = False  # Latin-1 text only: Helvetica, nothing embedded (see runs)

    def __post_init__(self) -> None:
        if not self.standard:
            register_fonts()
        self.canvas = Canvas(self.buffer, pagesize=self.size, invariant=1, pageCompression=1)
        self.canvas.setCreator(PACKET_CREATOR)
        self.y = self.top

    @property
    def top(self) -> float:
        return self.size[1] - MARGIN

    @property
    def bottom(self) -> float:
        return MARGIN + 6

    @property
    def width(self) -> float:
        return self.size[0] - 2 * MARGIN

    def new_page(self) -> None:
        if self.started:
            self.footer(self.canvas, self.page)
            self.canvas.showPage()
            self.page += 1
        self.started = True
        self.y = self.top

    def ensure(self, height: float) -> None:
        if not self.started or self.y - height < self.bottom:
            self.new_page()

    def title(self, text: str, subtitle: str = "") -> None:
        """A section title at the top of the current page."""
        self.canvas.setFillColor(INK)
        draw(self.canvas, MARGIN, self.y - 18, text, 18, bold=True)
        self.y -= 26
        if subtitle:
            self.canvas.setFillColor(MUTED)
            for line in wrap(subtitle, self.width, 9.5):
                draw(self.canvas, MARGIN, self.y - 10, line, 9.5)
                self.y -= 13
        self.y -= 10
        self.canvas.setFillColor(INK)

    def heading(self, text: str, color: Color = INK) -> None:
        self.ensure(40)
        self.canvas.setFillColor(color)
        draw(self.canvas, MARGIN, self.y - 12, text, 12, bold=True)
        self.canvas.setFillColor(INK)
        self.y -= 20

    def paragraph(
        self, text: str, size: float = 10, color: Color = INK, bold: bool = False, indent: float = 0
    ) -> None:
        leading = size * 1.35
        for line in wrap(text, self.width - indent, size, bold, self.standard):
            self.ensure(leading)
            self.canvas.setFillColor(color)
            draw(
                self.canvas,
                MARGIN + indent,
                self.y - size,
                line,
                size,
                bold,
                standard=self.standard,
            )
            self.y -= leading
        self.canvas.setFillColor(INK)

    def space(self, points: float) -> None:
        self.y -= points

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Cell | str]],
        links: Sequence[str | None] | None = None,
        size: float = 8.5,
        shade: Sequence[Color | None] | None = None,
        keep_with_next: Sequence[bool] | None = None,
        marked: Sequence[bool] | None = None,
        link_column: int = 0,
    ) -> None:
        """A table whose rows wrap, break across pages with the header repeated, and may link.
        `keep_with_next` rows (group headings) never end a page; `marked` rows are framed in a
        dark border that survives grey printing and fax."""
        total = sum(c.width for c in columns)
        widths = [self.width * c.width / total for c in columns]
        leading = size * 1.3
        pad = 3.0

        def header() -> None:
            self.ensure(leading + 2 * pad + 20)
            self.canvas.setFillColor(INK)
            x = MARGIN
            for column, width in zip(columns, widths, strict=True):
                text = fit(column.title, width - 2 * pad, size, bold=True)
                anchor = x + width - pad if column.align == "right" else x + pad
                draw(self.canvas, anchor, self.y - size - pad, text, size, True, column.align)
                x += width
            self.y -= leading + 2 * pad
            self.canvas.setStrokeColor(INK)
            self.canvas.setLineWidth(0.8)
            self.canvas.line(MARGIN, self.y, MARGIN + self.width, self.y)

        header()
        cells_of = [[c if isinstance(c, Cell) else Cell(str(c)) for c in row] for row in rows]
        wrapped_of = [
            [wrap(c.text, w - 2 * pad, size, c.bold) for c, w in zip(cells, widths, strict=True)]
            for cells in cells_of
        ]
        heights = [
            max(len(lines) for lines in wrapped) * leading + 2 * pad for wrapped in wrapped_of
        ]
        page_height = self.top - self.bottom - (leading + 2 * pad)
        breaks = plan_breaks(heights, self.y - self.bottom, page_height, keep_with_next)
        for index, (cells, wrapped) in enumerate(zip(cells_of, wrapped_of, strict=True)):
            height = heights[index]
            if index in breaks:
                self.new_page()
                header()
            fill = shade[index] if shade else None
            if fill is not None:
                self.canvas.setFillColor(fill)
                self.canvas.rect(MARGIN, self.y - height, self.width, height, stroke=0, fill=1)
            x = MARGIN
            target = links[index] if links else None
            for cell, lines, column, width in zip(cells, wrapped, columns, widths, strict=True):
                self.canvas.setFillColor(
                    LINK if target and column is columns[link_column] else cell.color
                )
                for n, line in enumerate(lines):
                    anchor = x + width - pad if column.align == "right" else x + pad
                    draw(
                        self.canvas,
                        anchor,
                        self.y - pad - size - n * leading,
                        line,
                        size,
                        cell.bold,
                        column.align,
                    )
                x += width
            if marked and marked[index]:
                self.canvas.setStrokeColor(INK)
                self.canvas.setLineWidth(1.4)
                self.canvas.rect(MARGIN, self.y - height, self.width, height, stroke=1, fill=0)
            if target:
                self.links.append(
                    LinkSpot(
                        self.page, (MARGIN, self.y - height, MARGIN + self.width, self.y), target
                    )
                )
            self.y -= height
            self.canvas.setStrokeColor(RULE)
            self.canvas.setLineWidth(0.4)
            self.canvas.line(MARGIN, self.y, MARGIN + self.width, self.y)
        self.canvas.setFillColor(INK)
        self.y -= 10

    def finish(self) -> tuple[bytes, int, list[LinkSpot]]:
        """The PDF bytes, its page count and the link spots."""
        if not self.started:
            self.new_page()
        self.footer(self.canvas, self.page)
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue(), self.page + 1, self.links


FOOTER_SIZE = 7.5
PAGE_NUMBER_FONT = "Helvetica-Bold"  # numbers on record pages are drawn by stamp.py in this font


DOB_MARK = " · DOB "


def _shortened_name(left: str, room: float, size: float) -> str:
    """'Name · DOB date' that fits the room: the name is cut with an ellipsis, never the date
    of birth, so the two can never run into the page number."""
    if width_of(left, size, bold=True) <= room or DOB_MARK not in left:
        return left
    name, dob = left.rsplit(DOB_MARK, 1)
    tail = DOB_MARK + dob
    return fit(name, max(room - width_of(tail, size, bold=True), 20), size, bold=True) + tail


def draw_footer(
    canvas: Canvas,
    width: float,
    left: str,
    middle: str,
    right: str,
    size: float = FOOTER_SIZE,
    reserve: float = 0.0,
) -> None:
    """The stamp: patient and date of birth left, the document title centred, the page right,
    on a white band so it stays legible over any page. `reserve` keeps room at the right for a
    page number drawn separately."""
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(0, 0, width, FOOTER_BAND - 8, stroke=0, fill=1)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(18, FOOTER_BAND - 8, width - 18, FOOTER_BAND - 8)
    canvas.setFillColor(black)
    right_width = (
        draw(canvas, width - 18, 10, right, size, bold=True, align="right") if right else reserve
    )
    left = _shortened_name(left, width - 36 - right_width - 24, size)
    left_width = width_of(left, size, bold=True)
    space = width - 36 - left_width - right_width - 24
    draw(canvas, 18, 10, left, size, bold=True)
    if middle and space > 30:
        canvas.setFillColor(MUTED)
        draw(
            canvas,
            18 + left_width + 12 + space / 2,
            10,
            fit(middle, space, size),
            size,
            align="center",
        )
    canvas.restoreState()
