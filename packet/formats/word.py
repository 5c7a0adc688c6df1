"""Word documents (.docx): headings, paragraphs, tables, text boxes and embedded HTML or text
(altChunk) as text, classified and rendered into pages like any text record. A document with no
text packet can read (only pictures, or an embedded part in another format) is listed with a
fix, never put in as a blank page. Older .doc files are not read (they are listed with a fix).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packet.formats.html import html_text
from packet.formats.text import decode_text

MAX_DOCX = 100_000_000  # bytes
# Unpacked markup python-docx parses (document, styles, headers...): 43 KB of .docx can unpack
# to 20 MB of XML, and each paragraph costs python-docx tens of microseconds. A long real letter
# is well under 1 MB.
MAX_XML = 5_000_000  # bytes, all XML parts together


class TooLarge(ValueError):
    """A Word document whose unpacked text markup is over MAX_XML."""


class NotReadable(ValueError):
    """A Word document whose text packet cannot read: the message says why."""


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Text boxes, once each: Word writes a box twice, as a drawing and as its older VML fallback.
# (python-docx's xpath knows the w: and a: prefixes, not mc: or v:)
TEXT_BOXES = (
    ".//w:txbxContent[not(ancestor::*[local-name()='Fallback'])][not(ancestor::w:txbxContent)]"
)
PICTURES = ".//a:blip | .//*[local-name()='imagedata'] | .//w:object"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_docx(path: Path) -> bool:
    """A zip holding a Word document's main part."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return False  # what opening a damaged zip raises (see unpack.ZIP_ERRORS): not Word


def to_text(path: Path) -> str:
    """The document's text in reading order: headings marked with '#', tables a row a line."""
    import docx  # python-docx: parses with lxml, which resolves no external entities here
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if path.stat().st_size > MAX_DOCX:
        raise TooLarge(f"{path.stat().st_size:,} bytes")
    with zipfile.ZipFile(path) as archive:  # the sizes its directory announces, unpacked
        markup = sum(
            m.file_size for m in archive.infolist() if m.filename.endswith((".xml", ".rels"))
        )
    if markup > MAX_XML:
        raise TooLarge(f"{markup:,} bytes of text markup unpacked")
    document = docx.Document(str(path))
    # Style names looked up once: `Paragraph.style` searches the styles part on every call.
    names = {style.style_id: style.name or "" for style in document.styles}
    body = document.element.body
    lines: list[str] = []
    for block in _blocks(body):
        tag = block.tag
        if tag == W + "p":
            paragraph = Paragraph(block, document._body)
            text = paragraph.text.strip()
            style = names.get(block.style or "", "")  # the paragraph's own style id
            if text and (style.startswith("Heading") or style == "Title"):
                lines += ["", f"# {text}"]
            else:
                lines.append(text)
            for box in block.xpath(TEXT_BOXES):
                for inner in box.iter(W + "p"):
                    lines.append(Paragraph(inner, document._body).text.strip())
        elif tag == W + "tbl":
            for row in Table(block, document._body).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                lines.append(" | ".join(cells))
            lines.append("")
        elif tag == W + "altChunk":
            lines += ["", _alt_chunk(document.part, block.get(R_ID, "")), ""]
    text = "\n".join(lines).strip()
    if not text:
        if body.xpath(PICTURES):
            raise NotReadable("its pages are pictures, with no text packet can read")
        raise NotReadable("it holds no text")
    return text + "\n"


def _blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs, tables and embedded parts in reading order, those inside content
    controls (w:sdt) included: python-docx's own iteration skips both."""
    for child in body.iterchildren():
        if child.tag == W + "sdt":
            for content in child.iterchildren(W + "sdtContent"):
                yield from _blocks(content)
        elif child.tag in (W + "p", W + "tbl", W + "altChunk"):
            yield child


def _alt_chunk(part: Any, rid: str) -> str:
    """The text of a part embedded whole (altChunk: HTML or text pasted from another program)."""
    chunk = part.related_parts.get(rid)
    if chunk is None:
        raise NotReadable("an embedded part is missing from the file")
    kind = str(chunk.content_type).split(";")[0].strip().lower()
    if kind in HTML_TYPES:
        return html_text(decode_text(chunk.blob)).strip()
    if kind == "text/plain":
        return decode_text(chunk.blob).strip()
    raise NotReadable(f"part of its text is embedded as {kind or 'an unknown format'}")
