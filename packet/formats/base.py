"""What every format's reader fills in: the reading of one file, and its problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from packet.dicom import DicomHeader
from packet.models import FileKind, LineFor, Problem, ProblemKind, Severity

PACKET_CREATOR = "packet (second-opinion records packet)"  # marks packets packet itself built


@dataclass
class FileReading:
    kind: FileKind
    size: int
    modified_ns: int = 0
    pages: int = 0
    text: str = ""
    page_texts: list[str] = field(default_factory=list)  # a PDF's text layer, page by page, as read
    usable: bool = True  # can go into the packet
    exclusion: str = ""  # why not, when it cannot
    problem: Problem | None = None
    dicom: DicomHeader | None = None
    built_by_packet: bool = False
    is_disc_software: bool = False
    ocr: bool = False  # the text came from OCR of the page images
    bottom_free: bool | None = None  # the pages leave the stamp's strip free (when measured)


def problem(
    relative: str,
    kind: ProblemKind,
    message: str,
    fix: str,
    severity: Severity = Severity.ERROR,
    line: tuple[LineFor, str] | None = None,
) -> Problem:
    """`line`: the line that settles it and what it is for (see Problem.line)."""
    return Problem(
        path=relative,
        kind=kind,
        severity=severity,
        message=message,
        fix=fix,
        line=line[1] if line else "",
        line_for=line[0] if line else None,
    )
