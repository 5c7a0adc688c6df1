"""Scan files (DICOM): recognized whatever their names, their headers read; never merged into
the PDF (the center receives the disc). Studies are summarized in `packet.dicom`.
"""

from __future__ import annotations

from pathlib import Path

from packet.dicom import read_header
from packet.formats.base import FileReading, problem
from packet.models import ProblemKind, Severity


def read(path: Path, relative: str, reading: FileReading) -> None:
    reading.usable = False  # scan files go to the center on the disc, never into the PDF
    try:
        reading.dicom = read_header(path, relative)
    except ValueError as exc:  # read_header turns every kind of damage into this
        index = path.name.upper() == "DICOMDIR"
        reading.exclusion = (
            "damaged index of the scan disc (DICOMDIR)" if index else "damaged scan file"
        )
        reading.problem = problem(
            relative,
            ProblemKind.UNREADABLE_FILE,
            f"This looks like a scan (DICOM) file but it cannot be read: {exc}."
            + (" The disc's other files are read without it." if index else ""),
            "Copy the disc again; if it still fails, ask the imaging center for a new disc.",
            Severity.WARNING,
        )
        return
    reading.exclusion = (
        "index of the scan disc (DICOMDIR)"
        if reading.dicom.is_directory
        else "scan image (DICOM): sent on the disc"
    )
