"""Word documents (.docx): headings, paragraphs and tables as text, classified and rendered into
pages like any text record. Older .doc files are not read (they are listed with a fix).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_DOCX = 100_000_000  # bytes
# Unpacked markup python-docx parses (document, styles, headers...): 43 KB of .docx can unpack
# to 20 MB of XML, and each paragraph costs python-docx tens of microseconds. A long real letter
# is well under 1 MB.
MAX_XML = 5_000_000  # bytes, all XML parts together


class TooLarge(ValueError):
    """A Word document whose unpacked text markup is over MAX_XML."""


def is_docx(path: Path) -> bool:
    """A zip holding a Word document's main part."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


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
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            style = names.get(block._p.style or "", "")  # the paragraph's own style id
            if text and (style.startswith("Heading") or style == "Title"):
                lines += ["", f"# {text}"]
            else:
                lines.append(text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                lines.append(" | ".join(cells))
            lines.append("")
    return "\n".join(lines).strip() + "\n"
