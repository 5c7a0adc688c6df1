"""Plain text and Markdown records (and the text packet renders from emails, Word and C-CDA
documents): read in part for `check`, bounded for `build`.
"""

from __future__ import annotations

from pathlib import Path

from packet.formats.base import FileReading, problem
from packet.models import ProblemKind, Severity

SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
TEXT_LIMIT = 400_000  # bytes of a text file rendered into the packet: about 100 pages
TEXT_READ = 65_536  # bytes of a text file read to classify and date it


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read(path: Path, relative: str, reading: FileReading) -> None:
    with path.open("rb") as f:
        reading.text = decode_text(f.read(TEXT_READ)).replace("\r\n", "\n")
    rendered = min(reading.size, TEXT_LIMIT)
    lines = reading.text.count("\n") + 1
    per_byte = lines / max(1, min(reading.size, TEXT_READ))
    reading.pages = max(1, -(-int(rendered * per_byte) // 60))
    if reading.size > TEXT_LIMIT:
        reading.problem = problem(
            relative,
            ProblemKind.TOO_LARGE,
            f"This text file is very long ({reading.size / 1e6:.1f} MB); only its first "
            f"{TEXT_LIMIT // 1000} KB (about 100 pages) go into the packet, and the packet says so.",
            "If the rest matters, split it into smaller files or save the part that matters as PDF.",
            Severity.WARNING,
        )
