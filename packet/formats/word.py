"""Word documents (.docx): headings, paragraphs and tables as text, classified and rendered into
pages like any text record. Older .doc files are not read (they are listed with a fix).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_DOCX = 100_000_000  # bytes


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
        raise ValueError("document too large")
    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            style = (block.style.name if block.style is not None else "") or ""
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
