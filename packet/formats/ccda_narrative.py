"""A C-CDA section's narrative block as lines of text: words gather into a line until a line
break (`<br/>`) or a block (a paragraph, a list item, a table row) ends it; a table row's
cells are kept apart (" | "), and a cell's own lines within it ("; "), so an address over two
lines never runs into the next cell ("Street" and "MADISON").
"""

from __future__ import annotations

from typing import Any

from packet.formats.ccda_entries import NS, local, text_of


class _Lines:
    """Lines of a narrative block: words gather until a break or a block ends the line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.words.append(text)

    def end(self, prefix: str = "") -> None:
        line = " ".join("".join(self.words).split())
        self.words.clear()
        if line:
            self.lines.append(prefix + line)


def _walk(element: Any, out: _Lines, depth: int = 0) -> None:
    out.add(element.text)
    for child in element:
        tag = local(child.tag)
        if tag == "br":
            out.end()
        elif tag == "table":
            out.end()
            _table(child, out.lines)
        elif tag == "list":
            out.end()
            _list(child, out.lines, depth)
        elif tag in ("paragraph", "caption", "footnote"):
            out.end()
            _walk(child, out, depth)
            out.end()
        elif tag in ("renderMultiMedia", "linkHtml") and not text_of(child):
            pass
        else:  # content, sup, sub, linkHtml, footnoteRef: words within the line
            _walk(child, out, depth)
        out.add(child.tail)


def block_lines(element: Any, depth: int = 0) -> list[str]:
    out = _Lines()
    _walk(element, out, depth)
    out.end()
    return out.lines


def _cell(cell: Any) -> str:
    """A table cell as one piece: its lines (an address over three lines) kept apart."""
    return "; ".join(block_lines(cell))


def _table(table: Any, lines: list[str]) -> None:
    caption = table.find(f"{NS}caption")
    if caption is not None and text_of(caption):
        lines.append(text_of(caption))
    for row in table.iter(f"{NS}tr"):
        cells = [_cell(c) for c in row if local(c.tag) in ("td", "th")]
        if any(cells):
            lines.append(" | ".join(cells))
    lines.append("")


def _list(element: Any, lines: list[str], depth: int) -> None:
    caption = element.find(f"{NS}caption")
    if caption is not None and text_of(caption):
        lines.append(text_of(caption))
    for item in element.findall(f"{NS}item"):
        parts = block_lines(item, depth + 1)
        if parts:
            indent = "  " * depth
            lines.append(f"{indent}- {parts[0]}")
            lines += [p if p.lstrip().startswith("- ") else f"{indent}  {p}" for p in parts[1:]]
    if depth == 0:
        lines.append("")
