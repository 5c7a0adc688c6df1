"""What every format's reader fills in: the reading of one file, and its problem."""

from __future__ import annotations

from dataclasses import dataclass

from packet.dicom import DicomHeader
from packet.models import FileKind, Problem, ProblemKind, Severity

PACKET_CREATOR = "packet (second-opinion records packet)"  # marks packets packet itself built


@dataclass
class FileReading:
    kind: FileKind
    size: int
    modified_ns: int = 0
    pages: int = 0
    text: str = ""
    usable: bool = True  # can go into the packet
    exclusion: str = ""  # why not, when it cannot
    problem: Problem | None = None
    dicom: DicomHeader | None = None
    built_by_packet: bool = False
    is_disc_software: bool = False
    ocr: bool = False  # the text came from OCR of the page images
    bottom_free: bool | None = None  # the pages leave the stamp's strip free (when measured)


def problem(
    relative: str, kind: ProblemKind, message: str, fix: str, severity: Severity = Severity.ERROR
) -> Problem:
    return Problem(path=relative, kind=kind, severity=severity, message=message, fix=fix)
